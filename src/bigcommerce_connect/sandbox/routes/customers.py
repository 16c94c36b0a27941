"""v3 ``/customers``: filtered lists, batch create and update (at most 10), delete by id."""

from __future__ import annotations

from typing import Any

from bigcommerce_connect.sandbox.body_checks import body_list, check_fields
from bigcommerce_connect.sandbox.envelopes import envelope, unprocessable
from bigcommerce_connect.sandbox.filters import apply_filters
from bigcommerce_connect.sandbox.paging import paginate
from bigcommerce_connect.sandbox.routing import Request, Response, Router
from bigcommerce_connect.sandbox.rows import Row, new_customer
from bigcommerce_connect.sandbox.store import SandboxStore

CUSTOMER_TYPES: dict[str, Any] = {
    "email": str,
    "first_name": str,
    "last_name": str,
    "company": str,
    "phone": str,
    "notes": str,
    "tax_exempt_category": str,
    "customer_group_id": int,
    "addresses": list,
    "authentication": dict,
    "accepts_product_review_abandoned_cart_emails": bool,
    "channel_ids": list,
    "store_credit_amounts": list,
    "attributes": list,
    "form_fields": list,
    "trigger_account_created_notification": bool,
    "origin_channel_id": int,
}
CUSTOMER_READ_ONLY = frozenset(
    {
        "registration_ip_address",
        "date_created",
        "date_modified",
        "address_count",
        "attribute_count",
    }
)
ADDRESS_REQUIRED = (
    "first_name",
    "last_name",
    "address1",
    "city",
    "state_or_province",
    "postal_code",
    "country_code",
)
MAX_CUSTOMER_BATCH = 10
_CUSTOMER_FILTERS = {
    "id": "int",
    "email": "str",
    "company": "str",
    "customer_group_id": "int",
    "name": "str",
    "date_created": "date",
    "date_modified": "date",
    "registration_ip_address": "str",
}
#: Fields a create or update accepts but the sandbox does not store on the customer row.
_NOT_STORED = (
    "addresses",
    "id",
    "authentication",
    "attributes",
    "form_fields",
    "store_credit_amounts",
    "trigger_account_created_notification",
)
_SORTS = ("date_created", "last_name", "date_modified")


def register(router: Router) -> None:
    """Add the customer routes."""
    add = router.add
    add("v3", "GET", "/customers", list_customers)
    add("v3", "POST", "/customers", create_customers)
    add("v3", "PUT", "/customers", update_customers)
    add("v3", "DELETE", "/customers", delete_customers)


def _render_customer(customer: Row, include: list[str]) -> Row:
    out = dict(customer)
    if "addresses" not in include:
        out.pop("addresses", None)
    return out


def list_customers(req: Request) -> Response:
    """``GET /customers``: ``:in`` filters, ``name:like``, date ranges, include, sort."""
    store = req.store
    with store.lock:
        rows = apply_filters(
            req,
            store.customers.values(),
            _CUSTOMER_FILTERS,
            {"name": lambda c: f"{c['first_name']} {c['last_name']}"},
        )
        rows = _sort_customers(req, rows)
        page, meta = paginate(req, rows)
        include = req.query.get("include", "").split(",")
        return envelope([_render_customer(c, include) for c in page], meta)


def _sort_customers(req: Request, rows: list[Row]) -> list[Row]:
    raw = req.query.get("sort")
    if raw is None:
        return sorted(rows, key=lambda c: c["id"])
    field, _, direction = raw.partition(":")
    if field not in _SORTS or direction not in ("asc", "desc"):
        raise unprocessable("Invalid sort", {"sort": f"'{raw}' is not a valid sort"})
    return sorted(rows, key=lambda c: (c[field], c["id"]), reverse=direction == "desc")


def _customer_errors(item: Any, index: int, *, creating: bool) -> dict[str, str]:
    types = CUSTOMER_TYPES if creating else CUSTOMER_TYPES | {"id": int}
    errors = check_fields(
        item,
        types,
        read_only=CUSTOMER_READ_ONLY,
        required=("email", "first_name", "last_name") if creating else ("id",),
        where=f"[{index}].",
    )
    if errors or not isinstance(item, dict):
        return errors
    for n, address in enumerate(item.get("addresses") or []):
        for name in ADDRESS_REQUIRED:
            if not isinstance(address, dict) or not address.get(name):
                errors[f"[{index}].addresses[{n}].{name}"] = "error.path.missing"
    email = item.get("email")
    if email is not None and not 3 <= len(email) <= 255:
        errors[f"[{index}].email"] = "must be 3 to 255 characters"
    return errors


def create_customers(req: Request) -> Response:
    """``POST /customers``: an array of at most 10; duplicate emails are a 422."""
    items = body_list(req, MAX_CUSTOMER_BATCH)
    store = req.store
    errors: dict[str, str] = {}
    for index, item in enumerate(items):
        errors.update(_customer_errors(item, index, creating=True))
    if errors:
        raise unprocessable("Error creating customers", errors)
    created: list[Row] = []
    with store.lock:
        taken = {c["email"].lower() for c in store.customers.values()}
        for index, item in enumerate(items):
            if item["email"].lower() in taken:
                errors[f"[{index}].email"] = f"Email address {item['email']} is already in use."
            taken.add(item["email"].lower())
        if errors:
            raise unprocessable("Error creating customers", errors)
        for item in items:
            created.append(_insert_customer(store, item))
    for customer in created:
        store.emit("store/customer/created", {"type": "customer", "id": customer["id"]})
    return envelope([_render_customer(c, ["addresses"]) for c in created], {})


def _insert_customer(store: SandboxStore, item: dict[str, Any]) -> Row:
    cid = store.next_id("customer")
    first, last = item["first_name"], item["last_name"]
    customer = new_customer(cid, item["email"], first, last, store.now())
    _apply_customer(customer, item)
    for address in item.get("addresses") or []:
        aid = store.next_id("customer_address")
        defaults = {
            "id": aid,
            "customer_id": cid,
            "company": "",
            "address2": "",
            "phone": "",
            "address_type": "residential",
            "country": address.get("country_code", ""),
        }
        customer["addresses"].append({**defaults, **address})
    customer["address_count"] = len(customer["addresses"])
    store.customers[cid] = customer
    return customer


def _apply_customer(customer: Row, item: dict[str, Any]) -> None:
    for key, value in item.items():
        if key in _NOT_STORED:
            continue
        customer[key] = value


def update_customers(req: Request) -> Response:
    """``PUT /customers``: an array of at most 10, each with ``id``."""
    items = body_list(req, MAX_CUSTOMER_BATCH)
    errors: dict[str, str] = {}
    for index, item in enumerate(items):
        errors.update(_customer_errors(item, index, creating=False))
        if isinstance(item, dict) and "addresses" in item:
            errors[f"[{index}].addresses"] = "addresses are updated through their own endpoint"
    if errors:
        raise unprocessable("Error updating customers", errors)
    store = req.store
    with store.lock:
        for index, item in enumerate(items):
            if item["id"] not in store.customers:
                errors[f"[{index}].id"] = f"Customer {item['id']} was not found."
            elif "email" in item and any(
                c["email"].lower() == item["email"].lower() and c["id"] != item["id"]
                for c in store.customers.values()
            ):
                errors[f"[{index}].email"] = f"Email address {item['email']} is already in use."
        if errors:
            raise unprocessable("Error updating customers", errors)
        updated = []
        for item in items:
            customer = store.customers[item["id"]]
            _apply_customer(customer, item)
            customer["date_modified"] = store.now()
            updated.append(customer)
        body = [_render_customer(c, []) for c in updated]
    for customer in updated:
        store.emit("store/customer/updated", {"type": "customer", "id": customer["id"]})
    return envelope(body, {})


def delete_customers(req: Request) -> Response:
    """``DELETE /customers?id:in=``: without the filter it deletes nothing (204)."""
    raw = req.query.get("id:in")
    if raw:
        store = req.store
        with store.lock:
            for row in apply_filters(req, list(store.customers.values()), {"id": "int"}):
                del store.customers[row["id"]]
                store.emit("store/customer/deleted", {"type": "customer", "id": row["id"]})
    return Response(204)
