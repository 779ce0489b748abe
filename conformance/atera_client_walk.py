"""Conformance: the unmodified swagger-generated Atera client from PyPI (`atera-client`) lists
every ticket page of the simulator, reads one ticket and its comments, and updates a ticket.

    python atera_client_walk.py http://127.0.0.1:PORT API_KEY EXPECTED_TICKETS
"""
import sys

import atera_client

host, key, expected = sys.argv[1], sys.argv[2], int(sys.argv[3])
config = atera_client.Configuration()
config.host = host
config.api_key["X-API-KEY"] = key
api = atera_client.TicketApi(atera_client.ApiClient(config))

seen, page = [], 1
while True:
    result = api.ticket_get(page=page, items_in_page=50)
    seen += [t.ticket_id for t in result.items]
    assert result.total_item_count == expected, result.total_item_count
    if not result.next_link:
        break
    page += 1
assert len(seen) == expected and len(set(seen)) == expected, (len(seen), len(set(seen)))
assert page == result.total_pages, (page, result.total_pages)

one = api.ticket_get_0(seen[0])
assert one.ticket_id == seen[0]
comments = api.ticket_get_comments(seen[0], page=1, items_in_page=50)
assert comments.total_item_count == len(comments.items)
# Update with the generated model, as a user of the client would.
api.ticket_put_0(seen[0], atera_client.UpdateTicketDTO(ticket_status="Pending"))
assert api.ticket_get_0(seen[0]).ticket_status == "Pending"
print(f"atera-client: {len(seen)} tickets over {page} pages, {len(comments.items)} comments on ticket {seen[0]}")
