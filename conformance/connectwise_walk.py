"""Conformance: a plain ConnectWise PSA (Manage) walker written from the REST 3.0 docs (python
requests), not from psatop's client: `/login/companyinfo/{company}` for the codebase, Basic
`company+public:private` with a `clientId` header (401 without it), every open ticket in
forward-only pages (`pagination-type: forward-only`, the next URL taken from `Link` as given),
the count, a quoted string with an escaped quote in `conditions`, a status of the ticket's own
board set by JSON Patch, and an internal note.

    python connectwise_walk.py http://127.0.0.1:PORT/connectwise COMPANY PUBLIC PRIVATE CLIENT_ID
"""
import base64
import sys

import requests

from psatop_checks import ensure, nonempty

site, company, public, private, client_id = sys.argv[1:6]
s = requests.Session()
info = s.get(f"{site}/login/companyinfo/{company}", timeout=30).json()
codebase = info["Codebase"]
ensure(codebase.endswith("/"), "codebase", codebase)
api = f"{site}/{codebase}apis/3.0"
basic = base64.b64encode(f"{company}+{public}:{private}".encode()).decode()
s.headers.update({"Authorization": "Basic " + basic, "clientId": client_id, "Accept": "application/json"})

bare = requests.get(f"{api}/service/tickets", headers={"Authorization": "Basic " + basic}, timeout=30)
ensure(bare.status_code == 401 and "code" in bare.json(), "no clientId", bare.status_code, bare.text[:200])

conditions = "closedFlag = false"
count = s.get(f"{api}/service/tickets/count", params={"conditions": conditions}, timeout=30).json()["count"]
url = f"{api}/service/tickets"
params = {"conditions": conditions, "pageSize": 250, "fields": "id,summary,closedFlag,board,status"}
ids, pages = [], 0
while url and pages < 1000:
    r = s.get(url, params=params, headers={"pagination-type": "forward-only"}, timeout=30)
    r.raise_for_status()
    rows = r.json()
    pages += 1
    ids += [t["id"] for t in rows]
    for t in rows:
        ensure(t.get("closedFlag") is False, "a closed ticket in an open walk", t)
    url, params = r.links.get("next", {}).get("url"), None  # the next URL exactly as the server gave it
ensure(len(ids) == count and len(set(ids)) == count and ids == sorted(ids), "walk", len(ids), count)
ensure(pages >= 2, "one page only", pages)

quoted = s.get(f"{api}/service/tickets/count", timeout=30,
               params={"conditions": 'summary = "a \\"quoted\\" summary that no ticket has"'})
ensure(quoted.status_code == 200 and quoted.json()["count"] == 0, "escaped quote", quoted.status_code, quoted.text)

first = s.get(f"{api}/service/tickets/{ids[0]}", timeout=30).json()
board = first["board"]["id"]
statuses = nonempty(s.get(f"{api}/service/boards/{board}/statuses", timeout=30).json(), "statuses")
target = next(x for x in sorted(statuses, key=lambda x: x.get("sortOrder", 0))
              if not x.get("inactive") and x["id"] != first["status"]["id"])
patched = s.patch(f"{api}/service/tickets/{ids[0]}", timeout=30,
                  json=[{"op": "replace", "path": "status", "value": {"id": target["id"]}}])
ensure(patched.status_code == 200 and patched.json()["status"]["id"] == target["id"], "patch", patched.text[:300])
ensure(patched.json()["summary"] == first["summary"], "the patch changed more than the status")

note = s.post(f"{api}/service/tickets/{ids[0]}/notes", timeout=30,
              json={"text": "conformance: internal", "internalAnalysisFlag": True,
                    "detailDescriptionFlag": False, "resolutionFlag": False})
ensure(note.status_code in (200, 201) and note.json()["internalAnalysisFlag"] is True, "note", note.text[:300])
print(f"connectwise walk: {len(ids)} open tickets in {pages} forward-only pages; patch and note ok")
