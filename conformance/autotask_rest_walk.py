"""Conformance: a plain Autotask REST client (requests, written from Autotask's documentation,
nothing psatop-specific) discovers the zone, reads ThresholdInformation, counts tickets, and
walks them all by id (`id gt <last>`, 500 per call), then PATCHes one ticket; and reads
versioninformation (pin V1.0).

    python autotask_rest_walk.py http://127.0.0.1:PORT/ATServicesRest/V1.0 USER SECRET CODE EXPECTED_TICKETS
"""
import json
import sys

import requests
from psatop_checks import ensure  # checks that survive python -O

discovery, user, secret, code, expected = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5])
zone = requests.get(f"{discovery}/zoneInformation", params={"user": user}, timeout=30)
zone.raise_for_status()
base = zone.json()["url"].rstrip("/") + "/V1.0"
s = requests.Session()
s.headers.update({"ApiIntegrationCode": code, "UserName": user, "Secret": secret, "Content-Type": "application/json"})

versions = s.get(zone.json()["url"].rstrip("/") + "/versioninformation", timeout=30).json()
ensure(versions == {"apiVersions": ["V1.0", "V2.0"]}, versions)
quota = s.get(f"{base}/ThresholdInformation", timeout=30).json()
ensure(quota["externalRequestThreshold"] > 0 and "currentTimeframeRequestCount" in quota, quota)

count = s.post(f"{base}/Tickets/query/count", data=json.dumps({"filter": [{"op": "gt", "field": "id", "value": 0}]}), timeout=30)
ensure(count.json()["queryCount"] == expected, count.text)

ids, last = [], 0
while True:
    body = {"MaxRecords": 500, "filter": [{"op": "gt", "field": "id", "value": last}]}
    r = s.get(f"{base}/Tickets/query", params={"search": json.dumps(body)}, timeout=30)
    r.raise_for_status()
    items = r.json()["items"]
    ids += [t["id"] for t in items]
    if len(items) < 500:
        break
    last = items[-1]["id"]
ensure(len(ids) == expected and ids == sorted(set(ids)), (len(ids), len(set(ids))))

patched = s.patch(f"{base}/Tickets", data=json.dumps({"id": ids[0], "priority": 1}), timeout=30)
ensure(patched.json() == {"itemId": ids[0]}, patched.text)
print(f"plain Autotask REST client: zone {base}, {len(ids)} tickets walked by id, quota {quota['currentTimeframeRequestCount']}/{quota['externalRequestThreshold']}")
