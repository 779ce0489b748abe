"""Conformance: the unmodified PyPI `halopsa` client (2.0.2) against the simulator's HaloPSA twin,
for what it supports: the token (asked for in its constructor, at `/auth/token`), a ticket list,
one ticket, an update (`POST /api/Tickets` with an array it wraps itself), actions (list, add).

Its host is hard-coded (`https://{tenant}.halopsa.com`): a small shim around `requests` rewrites
that origin to the twin's; the client's own code is not changed.

    python halopsa_client_check.py http://127.0.0.1:PORT/halo CLIENT_ID CLIENT_SECRET EXPECTED_TICKETS
"""
import sys
from urllib.parse import urlsplit

import requests

base, client_id, secret, expected = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
HOSTED = "https://psatop-sim.halopsa.com"
seen = []

_request = requests.Session.request


def rewritten(self, method, url, *args, **kwargs):
    """The shim: the client's hosted origin becomes the twin's; everything else is untouched."""
    if url.startswith(HOSTED):
        url = base + url[len(HOSTED):]
    seen.append((method.upper(), urlsplit(url).path))
    return _request(self, method, url, *args, **kwargs)


requests.Session.request = rewritten

from HaloPSA import Halo  # noqa: E402  (imported after the shim, as the client builds its session at once)


def check(cond, what):
    if not cond:
        print(f"halopsa: FAILED: {what}", file=sys.stderr)
        sys.exit(1)


halo = Halo("psatop-sim", client_id, secret)
check(("POST", "/halo/auth/token") in seen, "the token came from /auth/token")

page = halo.Tickets.search(pageinate=True, page_size=100, page_no=1)
check(page["record_count"] == expected, f"record_count {page['record_count']} != {expected}")
check(len(page["tickets"]) == min(100, expected), "a page holds at most 100 rows")
big = halo.Tickets.search(pageinate=True, page_size=500, page_no=1)
check(len(big["tickets"]) == min(100, expected), "page_size 500 is capped at 100, silently")

first = page["tickets"][0]
one = halo.Tickets.get(first["id"])
check(one["id"] == first["id"] and "summary" in one, "get returns the ticket")

new_status = 2 if one["status_id"] != 2 else 3
halo.Tickets.update(id=one["id"], status_id=new_status)
check(halo.Tickets.get(one["id"])["status_id"] == new_status, "update by id changed the status")
after = halo.Tickets.search(pageinate=True, page_size=100, page_no=1)
check(after["record_count"] == expected, "an update with its id created no ticket")

actions = halo.Actions.search(ticket_id=one["id"])
check("actions" in actions and isinstance(actions["actions"], list), "actions list")
halo.Actions.update(ticket_id=one["id"], outcome="Private Note", note="conformance note", hiddenfromuser=True)
notes = halo.Actions.search(ticket_id=one["id"])["actions"]
check(any(a.get("note") == "conformance note" and a.get("hiddenfromuser") is True for a in notes), "the note was added, hidden")
print(f"halopsa {len(seen)} requests: token, list, get, update, actions: ok")
