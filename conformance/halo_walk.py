"""Conformance: a plain HaloPSA walker written from the OpenAPI document (python requests):
`/api/authinfo`, the client-credentials token at the discovered auth server, then every ticket
with `pageinate=true`, asking for 500 rows a page (the server caps them at 100) and stopping on
a short page or once `record_count` rows are in — never computing pages from the size asked.

    python halo_walk.py http://127.0.0.1:PORT/halo CLIENT_ID CLIENT_SECRET EXPECTED_TICKETS
"""
import sys

import requests

base, client_id, secret, expected = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
s = requests.Session()
info = s.get(f"{base}/api/authinfo", timeout=30).json()
url = info["auth_url"].rstrip("/") + "/token"
tok = s.post(url, params={"tenant": info.get("tenant_id")}, timeout=30,
             data={"grant_type": "client_credentials", "client_id": client_id, "client_secret": secret, "scope": "all"})
tok.raise_for_status()
s.headers["Authorization"] = "Bearer " + tok.json()["access_token"]

ids, page, pages = [], 1, 0
while True:
    r = s.get(f"{base}/api/Tickets", params={"pageinate": "true", "page_size": 500, "page_no": page}, timeout=30)
    r.raise_for_status()
    body = r.json()
    rows = body["tickets"]
    pages += 1
    ids += [t["id"] for t in rows]
    if not rows or len(rows) < 100 or len(ids) >= body["record_count"] or pages > 1000:
        break
    page += 1
if len(ids) != expected or len(set(ids)) != expected:
    print(f"halo walk: FAILED: {len(ids)} rows ({len(set(ids))} distinct), expected {expected}", file=sys.stderr)
    sys.exit(1)
print(f"halo walk: {len(ids)} tickets in {pages} pages of at most 100: ok")
