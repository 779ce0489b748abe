"""Conformance: the unmodified swagger-generated Atera client from PyPI (`atera-client` 1.1.0)
against the simulator, doing what its users do: walk every ticket page, read one ticket and its
comments, create a ticket, update it, add a comment, read the changes (`lastmodified`,
`statusmodified`, `noComments`), the attachments, and walk customers, contacts and alerts.

Every response body is also checked RAW (`_preload_content=False`): the generated client converts
values and drops keys it does not know, so a typed model alone proves nothing. Against the
client's own models (`swagger_types` / `attribute_map`): every field a model declares is present
with the declared type (or null), and no field the simulator sends is unknown to the model unless
the newer Atera OpenAPI document has it (NEWER_SPEC below, each with its source).

    python atera_client_walk.py http://127.0.0.1:PORT API_KEY EXPECTED_TICKETS
"""
import datetime
import json
import sys

import atera_client
from atera_client import models
from atera_client.rest import ApiException
from dateutil.parser import parse as parse_date
from psatop_checks import ensure, nonempty  # checks that survive python -O

host, key, expected = sys.argv[1], sys.argv[2], int(sys.argv[3])
config = atera_client.Configuration()
config.host = host
config.api_key["X-API-KEY"] = key
client = atera_client.ApiClient(config)
tickets_api = atera_client.TicketApi(client)

# Fields atera-client 1.1.0's models lack but the newer Atera OpenAPI 3 document has
# (davejlong/PSAtera, atera-openapi.yaml, components.schemas.<Schema>.properties.<Field>).
NEWER_SPEC = {
    "TicketCommentQueryDTO": {"CommentHtml": "atera-openapi.yaml TicketCommentDto.CommentHtml (string)"},
    "ContactQueryDTO": {
        "Archived": "atera-openapi.yaml ContactDto.Archived (boolean)",
        "DepartmentID": "atera-openapi.yaml ContactDto.DepartmentID (integer int64)",
        "DepartmentName": "atera-openapi.yaml ContactDto.DepartmentName (string)",
        "DefaultAgentId": "atera-openapi.yaml ContactDto.DefaultAgentId (integer int64)",
    },
    "AlertQueryDTO": {
        "AgentId": "atera-openapi.yaml AlertDto.AgentId (integer int64)",
        "DeviceType": "atera-openapi.yaml AlertDto.DeviceType (string)",
    },
}
checked = {"objects": 0, "fields": 0}


def is_type(value, t):
    if t == "int":
        return isinstance(value, int) and not isinstance(value, bool)
    if t == "float":
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if t == "str":
        return isinstance(value, str)
    if t == "bool":
        return isinstance(value, bool)
    if t in ("datetime", "date"):
        if not isinstance(value, str):
            return False
        try:
            parse_date(value)
            return True
        except (ValueError, OverflowError):
            return False
    if t == "object":
        return True
    raise AssertionError(f"unhandled swagger type {t}")


def check(obj, model_name, where):
    """`obj` (parsed JSON) against the model `model_name` of the client."""
    cls = getattr(models, model_name)
    ensure(isinstance(obj, dict), f"{where}: {model_name} is not an object: {obj!r}")
    by_json = {j: a for a, j in cls.attribute_map.items()}
    allowed = NEWER_SPEC.get(model_name, {})
    for k in obj:
        ensure(k in by_json or k in allowed, f"{where}: field {k!r} is unknown to {model_name} and not in the newer spec")
    for attr, t in cls.swagger_types.items():
        j = cls.attribute_map[attr]
        ensure(j in obj, f"{where}: {model_name}.{j} is missing")
        v = obj[j]
        checked["fields"] += 1
        if v is None:
            continue
        if t.startswith("list["):
            inner = t[5:-1]
            ensure(isinstance(v, list), f"{where}: {model_name}.{j} is not a list")
            for i, item in enumerate(v):
                if hasattr(models, inner):
                    check(item, inner, f"{where}.{j}[{i}]")
                else:
                    ensure(is_type(item, inner), f"{where}: {model_name}.{j}[{i}] = {item!r} is not {inner}")
        elif hasattr(models, t):
            check(v, t, f"{where}.{j}")
        else:
            ensure(is_type(v, t), f"{where}: {model_name}.{j} = {v!r} is not {t}")
    checked["objects"] += 1


def raw(resp, status=200):
    ensure(resp.status == status, (resp.status, resp.data[:300]))
    return json.loads(resp.data)


def call(method, path, query=None, body=None, status=200):
    """The client's own generic caller (for endpoints its 1.1.0 API classes do not wrap), raw."""
    r = client.call_api(path, method, query_params=query or [], body=body,
                        header_params={"Accept": "application/json", "Content-Type": "application/json"},
                        auth_settings=["api-key"], _preload_content=False, _return_http_data_only=True)
    return raw(r, status)


# Walk every ticket page (typed), each page also raw.
seen, page = [], 1
while True:
    result = tickets_api.ticket_get(page=page, items_in_page=50)
    check(raw(tickets_api.ticket_get(page=page, items_in_page=50, _preload_content=False)), "APIResultWrapperTicketQueryDTO", f"tickets p{page}")
    seen += [t.ticket_id for t in result.items]
    ensure(result.total_item_count == expected, result.total_item_count)
    if not result.next_link:
        break
    page += 1
ensure(len(seen) == expected and len(set(seen)) == expected, (len(seen), len(set(seen))))
ensure(page == result.total_pages, (page, result.total_pages))

# One ticket and its comments.
first = seen[0]
one = tickets_api.ticket_get_0(first)
ensure(one.ticket_id == first)
one_raw = raw(tickets_api.ticket_get_0(first, _preload_content=False))
check(one_raw, "TicketQueryDTO", f"ticket {first}")
ensure("LastModified" not in one_raw, "Atera tickets have no LastModified")
comments = tickets_api.ticket_get_comments(first, page=1, items_in_page=50)
check(raw(tickets_api.ticket_get_comments(first, page=1, items_in_page=50, _preload_content=False)), "APIResultWrapperTicketCommentQueryDTO", "comments")
ensure(comments.total_item_count == len(comments.items))

before = datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None) - datetime.timedelta(seconds=2)

# Create (201, ActionID a string), typed and raw; the create needs a title, a description and an end user.
created = tickets_api.ticket_post(atera_client.CreateTicketDTO(
    ticket_title="Printer jams on tray 2", description="It jams every third page.", end_user_id=one.end_user_id))
ensure(isinstance(created.action_id, str) and created.action_id.isdigit(), created.action_id)
new_id = int(created.action_id)
r = tickets_api.ticket_post(atera_client.CreateTicketDTO(ticket_title="Second", description="x", end_user_email=one.end_user_email,
                                                         end_user_first_name="A", end_user_last_name="B"), _preload_content=False)
body = raw(r, 201)
check(body, "Result", "create")
ensure(isinstance(body["ActionID"], str), body)
try:
    tickets_api.ticket_post(atera_client.CreateTicketDTO(ticket_title="No end user", description="x"))
    raise AssertionError("a ticket without an end user was created")
except ApiException as e:
    ensure(e.status == 400 and json.loads(e.body).get("errors"), (e.status, e.body))

# Update with the generated model (POST /tickets/{id}), as a user of the client would.
done = tickets_api.ticket_put_0(new_id, atera_client.UpdateTicketDTO(ticket_status="Pending"))
ensure(isinstance(done.action_id, str), done.action_id)
check(raw(tickets_api.ticket_put_0(first, atera_client.UpdateTicketDTO(ticket_status="Resolved"), _preload_content=False)), "Result", "update")
ensure(tickets_api.ticket_get_0(new_id).ticket_status == "Pending")
ensure(tickets_api.ticket_get_0(first).ticket_status == "Resolved")

# A technician's comment (not in 1.1.0's API classes: the client's generic caller).
tech = one.technician_contact_id
check(call("POST", f"/api/v3/tickets/{new_id}/comments",
           body={"CommentText": "On my way.", "TechnicianCommentDetails": {"TechnicianId": tech, "IsInternal": False}}), "Result", "comment")
after = tickets_api.ticket_get_0(new_id)
ensure(after.last_technician_comment == "On my way." and after.last_technician_comment_timestamp is not None, after)

# What changed since before: the created, updated and commented tickets; without includeComments
# the comment texts are null (the default is false), with it they are there.
changed_ids, p = [], 1
while True:
    env = call("GET", "/api/v3/tickets/lastmodified", query=[("date", before.isoformat(timespec="seconds")), ("page", p), ("itemsInPage", 50)])
    check(env, "APIResultWrapperTicketQueryDTO", f"lastmodified p{p}")
    changed_ids += [t["TicketID"] for t in env["items"]]
    ensure(all(t["LastTechnicianComment"] is None and t["FirstComment"] is None
               for t in nonempty(env["items"], f"lastmodified page {p}")), "comments without includeComments")
    if not env["nextLink"]:
        break
    p += 1
ensure({first, new_id} <= set(changed_ids), changed_ids)
full = call("GET", "/api/v3/tickets/lastmodified", query=[("date", before.isoformat(timespec="seconds")), ("includeComments", "true"), ("itemsInPage", 50)])
ensure(any(t["LastTechnicianComment"] == "On my way." for t in full["items"]), full["items"])

# Resolved and closed tickets (no date parameter).
status_env = tickets_api.ticket_track_status_modified(page=1, items_in_page=50)
ensure(status_env.items and all(t.ticket_status in ("Resolved", "Closed") for t in status_env.items))
check(raw(tickets_api.ticket_track_status_modified(page=1, items_in_page=50, _preload_content=False)), "APIResultWrapperTicketQueryDTO", "statusmodified")
nocomments = call("GET", "/api/v3/tickets/noComments", query=[("itemsInPage", 50)])
check(nocomments, "APIResultWrapperTicketQueryDTO", "noComments")
ensure(all(t["LastTechnicianCommentTimestamp"] is None for t in nonempty(nocomments["items"], "noComments")))
attachments = call("GET", f"/api/v3/tickets/{seen[0] if seen[0] % 5 == 0 else 1005}/attachments")
ensure(isinstance(attachments, list), attachments)
ensure(all(isinstance(u, str) and u.startswith("https://") for u in nonempty(attachments, "attachments")), attachments)


def walk(fetch, model, what):
    items, page = [], 1
    while True:
        env = raw(fetch(page=page, items_in_page=50, _preload_content=False))
        check(env, model, f"{what} p{page}")
        items += env["items"]
        if not env["nextLink"]:
            return items
        page += 1


customers = walk(atera_client.CustomerApi(client).customer_get, "APIResultWrapperCustomerQueryDTO", "customers")
contacts = walk(atera_client.ContactApi(client).contact_get, "APIResultWrapperContactQueryDTO", "contacts")
alerts = walk(atera_client.AlertApi(client).alert_get, "APIResultWrapperAlertQueryDTO", "alerts")
typed = atera_client.AlertApi(client).alert_get(page=1, items_in_page=50)
ensure(typed.items and all(a.severity in ("Information", "Warning", "Critical") for a in typed.items))
ensure(customers and contacts and alerts)
print(f"atera-client: {len(seen)} tickets over {page} pages, {len(comments.items)} comments on ticket {first}; "
      f"created {new_id} (ActionID {created.action_id!r}), updated, commented; lastmodified {len(changed_ids)}, "
      f"statusmodified {status_env.total_item_count}, noComments {nocomments['totalItemCount']}; "
      f"{len(customers)} customers, {len(contacts)} contacts, {len(alerts)} alerts; "
      f"raw-checked {checked['objects']} objects, {checked['fields']} fields")
