"""Conformance: the unmodified Autotask client from PyPI (`py-autotask` 2.3.0) against the
simulator, doing what its users do: get a ticket, query, count, read the field info and the entity
info, create a ticket, update it, add a note, read the notes back, query time entries and SLA
results. It is given its API URL directly in its own form (`…/atservicesrest`; it appends
`/v1.0/`): its zone discovery is hard-wired to the vendor's host.

    python py_autotask_check.py http://127.0.0.1:PORT/atservicesrest USER SECRET CODE

Found while writing this: py-autotask's `update()` sends `PATCH /v1.0/Tickets/{id}`, a route the
published Swagger does not have (the update is `PATCH /V1.0/Tickets` with the id in the body). The
simulator answers it as the server would (405); the update below is then sent the documented way
through the client's own authenticated session.
"""
import sys

from py_autotask import AutotaskClient
from psatop_checks import ensure, fails_with  # checks that survive python -O

api_url, user, secret, code = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
client = AutotaskClient.create(username=user, integration_code=code, secret=secret, api_url=api_url)

# Query (POST Tickets/query, its own body form) and count.
page = client.tickets.query(filters=[{"op": "gt", "field": "id", "value": 0}], max_records=50)
ensure(len(page.items) == 50 and page.page_details.next_page_url, page.page_details)
ensure("/atservicesrest/v1.0/" in page.page_details.next_page_url.lower())
ids = [t["id"] for t in page.items]
ensure(ids == sorted(ids))
total = client.tickets.count([{"op": "gte", "field": "id", "value": 0}])
open_count = client.tickets.count({"op": "noteq", "field": "Status", "value": 5})
ensure(0 < open_count < total, (open_count, total))

# Get one: the full field list, SLA fields included.
ticket = client.tickets.get(ids[0])
ensure(ticket["id"] == ids[0])
for f in ("firstResponseDueDateTime", "resolvedDueDateTime", "serviceLevelAgreementID", "lastCustomerVisibleActivityDateTime"):
    ensure(f in ticket, f)
ensure(client.tickets.get(1) is None)

# Field info: picklists with isActive and sortOrder, inactive values included.
fields = {f["name"]: f for f in client.tickets.get_field_info()["fields"]}
status = fields["status"]
ensure(status["isPickList"] and status["isRequired"] and not status["isReadOnly"])
values = status["picklistValues"]
ensure(any(not v["isActive"] for v in values), "an inactive status")
ensure([v["value"] for v in sorted(values, key=lambda v: v["sortOrder"])] != [v["value"] for v in sorted(values, key=lambda v: int(v["value"]))])
ensure(fields["ticketNumber"]["isReadOnly"])
info = client.tickets.get_entity_info()
ensure(info["info"]["canCreate"] and info["info"]["canQuery"], info)
note_fields = {f["name"]: f for f in client.ticket_notes.get_field_info()["fields"]} if hasattr(client, "ticket_notes") else \
    {f["name"]: f for f in client.entities.get_entity("TicketNotes").get_field_info()["fields"]}
ensure({v["value"] for v in note_fields["publish"]["picklistValues"]} == {"1", "2", "4"})
ensure({"13", "99"} <= {v["value"] for v in note_fields["noteType"]["picklistValues"]})

# Create: required fields are checked; then the ticket is created.
company = ticket["companyID"]
fails_with(500, lambda: client.tickets.create({"title": "Missing the rest"}),
           "a ticket without companyID/status/priority")  # Autotask answers a missing required field with 500
created = client.tickets.create({"companyID": company, "title": "Conformance: printer on fire", "status": 1, "priority": 2,
                                 "queueID": 8, "description": "Created by py-autotask."})
new_id = created.item_id
got = client.tickets.get(new_id)
ensure(got["title"] == "Conformance: printer on fire" and got["ticketNumber"].startswith("T"), got)

# Update: py-autotask's own update() uses a route the Swagger lacks (405) ...
fails_with(405, lambda: client.tickets.update({"id": new_id, "priority": 1}), "PATCH /Tickets/{id}")
# ... the documented PATCH /V1.0/Tickets, field names in another case, through the client's session.
r = client.session.patch(f"{client.auth.api_url.rstrip('/')}/v1.0/Tickets", json={"id": new_id, "Priority": 1, "Status": 8}, timeout=30)
ensure(r.status_code == 200 and r.json() == {"itemId": new_id}, r.text)
got = client.tickets.get(new_id)
ensure(got["priority"] == 1 and got["status"] == 8, got)
bad = client.session.patch(f"{client.auth.api_url.rstrip('/')}/v1.0/Tickets", json={"id": new_id, "priority": "urgent"}, timeout=30)
ensure(bad.status_code == 400 and bad.json()["title"] == "One or more validation errors occurred." and bad.json()["errors"], bad.text)

# A note (POST Tickets/{id}/Notes through the client's child-entity mapping), read back by query.
note = client.entities.get_entity("TicketNotes").create({"ticketID": new_id, "title": "Called", "description": "Left a voicemail.",
                                                        "noteType": 1, "publish": 2})
notes = client.entities.get_entity("TicketNotes").query(filters=[{"op": "eq", "field": "TicketID", "value": new_id}])
ensure([n["id"] for n in notes.items] == [note.item_id] and notes.items[0]["publish"] == 2, notes.items)

# Time entries and SLA results of seeded tickets.
entries = client.time_entries.query(filters=[{"op": "in", "field": "ticketID", "value": ids}])
ensure(entries.items and all(e["ticketID"] in ids and e["hoursWorked"] > 0 for e in entries.items), entries.items[:2])
sla = client.entities.get_entity("ServiceLevelAgreementResults").query(filters=[{"op": "in", "field": "ticketID", "value": ids}])
ensure(sla.items and all("isFirstResponseMet" in s for s in sla.items))
print(f"py-autotask: {total} tickets ({open_count} not complete), get/query/count/field info/entity info, "
      f"created {new_id}, updated (PATCH /Tickets; its own PATCH /Tickets/{{id}} refused), note {note.item_id}, "
      f"{len(entries.items)} time entries, {len(sla.items)} SLA results on a page of {len(ids)}")
