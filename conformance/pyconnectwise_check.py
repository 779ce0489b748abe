"""Conformance: the unmodified PyPI `pyconnectwise` client (0.6.1.2, generated from ConnectWise's
spec) against the simulator's ConnectWise twin: the codebase from companyinfo (in its
constructor), every open ticket through its navigable pages (`page=N` read from `Link`), the
count, one ticket, its notes, a note added, and a status changed by JSON Patch — each answer
validated by the client's own pydantic models.

It always builds `https://{manage_url}/…`: a small shim around `requests` rewrites that origin to
the twin's site; the client's own code is not changed.

    python pyconnectwise_check.py http://127.0.0.1:PORT/connectwise COMPANY PUBLIC PRIVATE CLIENT_ID
"""
import sys

import requests

from psatop_checks import ensure, nonempty

site, company, public, private, client_id = sys.argv[1:6]
HOSTED = "https://psatop-sim.myconnectwise.net"
seen = []

_request = requests.request


def rewritten(method, url, *args, **kwargs):
    """The shim: the client's https origin becomes the twin's site; everything else is untouched."""
    if url.startswith(HOSTED):
        url = site + url[len(HOSTED):]
    seen.append((method.upper(), url.split("?")[0]))
    return _request(method, url, *args, **kwargs)


requests.request = rewritten

from pyconnectwise import ConnectWiseManageAPIClient  # noqa: E402

cw = ConnectWiseManageAPIClient(company, HOSTED[len("https://"):], client_id, public, private)
ensure(cw.codebase.endswith("/"), "codebase", cw.codebase)

params = {"conditions": "closedFlag = false"}
count = cw.service.tickets.count.get(params=params).count
tickets = list(cw.service.tickets.paginated(1, 100, params).all())
ids = [t.id for t in tickets]
ensure(len(ids) == count and len(set(ids)) == count, "paginated walk", len(ids), count)
ensure(all(t.closed_flag is False for t in tickets), "a closed ticket in the open walk")

one = cw.service.tickets.id(ids[0]).get()
ensure(one.id == ids[0] and one.summary and one.board and one.status, "one ticket", one)
notes = nonempty(cw.service.tickets.id(ids[0]).notes.get(), "notes")
added = cw.service.tickets.id(ids[0]).notes.post(
    data={"text": "pyconnectwise: internal", "internalAnalysisFlag": True, "detailDescriptionFlag": False,
          "resolutionFlag": False})
ensure(added.internal_analysis_flag is True and added.text == "pyconnectwise: internal", "note", added)
ensure(len(cw.service.tickets.id(ids[0]).notes.get()) == len(notes) + 1, "note count")

board = one.board.id
statuses = [x for x in cw.service.boards.id(board).statuses.get() if not x.inactive]
target = next(x for x in statuses if x.id != one.status.id)
changed = cw.service.tickets.id(ids[0]).patch(data=[{"op": "replace", "path": "status", "value": {"id": target.id}}])
ensure(changed.status.id == target.id and changed.summary == one.summary, "patch", changed.status)
ensure(all(u.startswith(site) for _, u in seen), "a request left the twin", seen[:3])
print(f"pyconnectwise {len(ids)} open tickets, notes, a note, a status change: ok")
