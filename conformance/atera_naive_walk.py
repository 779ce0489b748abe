"""The naive row of client-bench's window table: the unmodified atera-client 1.1.0 from PyPI
walking every ticket page in a plain loop, sleeping 1 s (of the simulator's time) on each 429,
as a new user's first script would. Prints one JSON line: seconds, 429s, tickets.

    python atera_naive_walk.py http://127.0.0.1:PORT API_KEY TIME_SCALE
"""
import json
import sys
import time

import atera_client
from atera_client.rest import ApiException

host, key, scale = sys.argv[1], sys.argv[2], float(sys.argv[3])
config = atera_client.Configuration()
config.host = host
config.api_key["X-API-KEY"] = key
tickets_api = atera_client.TicketApi(atera_client.ApiClient(config))

page, tickets, throttled = 1, 0, 0
start = time.monotonic()
while True:
    try:
        result = tickets_api.ticket_get(page=page, items_in_page=50)
    except ApiException as e:
        if e.status != 429:
            raise
        throttled += 1
        time.sleep(1 / scale)
        continue
    tickets += len(result.items or [])
    if page >= (result.total_pages or 0):
        break
    page += 1
print(json.dumps({"seconds": time.monotonic() - start, "throttled": throttled, "tickets": tickets}))
