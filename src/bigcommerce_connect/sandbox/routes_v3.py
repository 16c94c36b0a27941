"""v3 routes: customers, inventory, price lists and webhooks (catalog lives in ``catalog``).

v3 answers use the ``{data, meta}`` envelope, ISO 8601 dates and JSON numbers; errors are
``{status, title, type, errors}`` objects.
"""

from __future__ import annotations

import uuid
from typing import Any

from bigcommerce_connect.sandbox import catalog
from bigcommerce_connect.sandbox.routing import ApiError, Request, Response, Router
from bigcommerce_connect.sandbox.seed import new_customer, new_price_record
from bigcommerce_connect.sandbox.store import SandboxStore
from bigcommerce_connect.sandbox.v3common import (
    NUMBER,
    Row,
    apply_filters,
    body_list,
    check_fields,
    decimal_fields,
    envelope,
    not_found,
    paginate,
    unprocessable,
)
from bigcommerce_connect.sandbox.wire import error_v3, to_v3

CUSTOMER_TYPES: dict[str, Any] = {
    "email": str, "first_name": str, "last_name": str, "company": str, "phone": str,
    "notes": str, "tax_exempt_category": str, "customer_group_id": int, "addresses": list,
    "authentication": dict, "accepts_product_review_abandoned_cart_emails": bool,
    "channel_ids": list, "store_credit_amounts": list, "attributes": list, "form_fields": list,
    "trigger_account_created_notification": bool, "origin_channel_id": int,
}  # fmt: skip
CUSTOMER_READ_ONLY = frozenset(
    {"registration_ip_address", "date_created", "date_modified", "address_count",
     "attribute_count"}
)  # fmt: skip
ADDRESS_REQUIRED = ("first_name", "last_name", "address1", "city", "state_or_province",
                    "postal_code", "country_code")  # fmt: skip
MAX_CUSTOMER_BATCH = 10
MAX_INVENTORY_ITEMS = 2000
MAX_RECORDS = 1000
MAX_ASSIGNMENTS = 25
HOOK_TYPES: dict[str, Any] = {"scope": str, "destination": str, "is_active": bool,
                              "headers": dict, "events_history_enabled": bool}  # fmt: skip


def register(router: Router) -> None:
    """Add every v3 route."""
    catalog.register(router)
    add = router.add
    add("v3", "GET", "/customers", list_customers)
    add("v3", "POST", "/customers", create_customers)
    add("v3", "PUT", "/customers", update_customers)
    add("v3", "DELETE", "/customers", delete_customers)
    add("v3", "PUT", "/inventory/adjustments/absolute", absolute_adjustment)
    add("v3", "GET", "/inventory/items", inventory_items)
    add("v3", "GET", "/pricelists", list_price_lists)
    add("v3", "POST", "/pricelists", create_price_list)
    add("v3", "GET", "/pricelists/assignments", list_assignments)
    add("v3", "POST", "/pricelists/assignments", create_assignments)
    add("v3", "DELETE", "/pricelists/assignments", delete_assignments)
    add("v3", "GET", "/pricelists/{plid:int}", get_price_list)
    add("v3", "PUT", "/pricelists/{plid:int}", update_price_list)
    add("v3", "DELETE", "/pricelists/{plid:int}", delete_price_list)
    add("v3", "GET", "/pricelists/{plid:int}/records", list_records)
    add("v3", "PUT", "/pricelists/{plid:int}/records", upsert_records)
    add("v3", "DELETE", "/pricelists/{plid:int}/records", delete_records)
    add("v3", "GET", "/hooks", list_hooks)
    add("v3", "POST", "/hooks", create_hook)
    add("v3", "GET", "/hooks/{hid:int}", get_hook)
    add("v3", "PUT", "/hooks/{hid:int}", update_hook)
    add("v3", "DELETE", "/hooks/{hid:int}", delete_hook)


# -- customers ----------------------------------------------------------------------------


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
            {"id": "int", "email": "str", "company": "str", "customer_group_id": "int",
             "name": "str", "date_created": "date", "date_modified": "date",
             "registration_ip_address": "str"},
            {"name": lambda c: f"{c['first_name']} {c['last_name']}"},
        )  # fmt: skip
        rows = _sort_customers(req, rows)
        page, meta = paginate(req, rows)
        include = req.query.get("include", "").split(",")
        return envelope([_render_customer(c, include) for c in page], meta)


def _sort_customers(req: Request, rows: list[Row]) -> list[Row]:
    raw = req.query.get("sort")
    if raw is None:
        return sorted(rows, key=lambda c: c["id"])
    field, _, direction = raw.partition(":")
    if field not in ("date_created", "last_name", "date_modified") or direction not in (
        "asc",
        "desc",
    ):
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
    customer = new_customer(cid, item["email"], item["first_name"], item["last_name"],
                            store.now())  # fmt: skip
    _apply_customer(customer, item)
    for address in item.get("addresses") or []:
        aid = store.next_id("customer_address")
        customer["addresses"].append(
            {"id": aid, "customer_id": cid, "company": "", "address2": "", "phone": "",
             "address_type": "residential", "country": address.get("country_code", ""),
             **address}
        )  # fmt: skip
    customer["address_count"] = len(customer["addresses"])
    store.customers[cid] = customer
    return customer


def _apply_customer(customer: Row, item: dict[str, Any]) -> None:
    for key, value in item.items():
        if key in ("addresses", "id", "authentication", "attributes", "form_fields",
                   "store_credit_amounts", "trigger_account_created_notification"):  # fmt: skip
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


# -- inventory ----------------------------------------------------------------------------


def _resolve_item(store: SandboxStore, item: dict[str, Any]) -> tuple[Row | None, str | None]:
    """The variant an adjustment item targets, or an error message."""
    if "variant_id" in item:
        variant = store.variants.get(item["variant_id"])
        if variant is None:
            return None, f"variant_id {item['variant_id']} not found"
        if store.products[variant["product_id"]]["inventory_tracking"] == "product" and (
            store.products[variant["product_id"]]["base_variant_id"] != variant["id"]
        ):
            return None, "item is tracked by product"
        return variant, None
    if "sku" in item:
        variant = store.variant_by_sku(str(item["sku"]))
        return (variant, None) if variant else (None, f"sku {item['sku']!r} not found")
    if "product_id" in item:
        product = store.products.get(item["product_id"])
        if product is None:
            return None, f"product_id {item['product_id']} not found"
        if product["inventory_tracking"] == "variant":
            return None, (
                f"Item with product_id {product['id']} is tracked by variant, please update "
                "stock by variant id"
            )
        return store.variants[product["base_variant_id"]], None
    return None, "one of variant_id, sku or product_id is required"


def absolute_adjustment(req: Request) -> Response:
    """``PUT /inventory/adjustments/absolute``: at most 2,000 items; stock shows at once."""
    body = req.json()
    items = body.get("items") if isinstance(body, dict) else None
    if not isinstance(items, list):
        raise unprocessable("The request payload is invalid.", {"items": "error.path.missing"})
    if len(items) > MAX_INVENTORY_ITEMS:
        # Not documented for this endpoint; the sandbox answers like the other batch limits.
        raise unprocessable(
            f"At most {MAX_INVENTORY_ITEMS} items per request.", {"items": "too many items"}
        )
    store = req.store
    errors: dict[str, str] = {}
    targets: list[tuple[int, int, int]] = []
    with store.lock:
        for index, item in enumerate(items):
            quantity = item.get("quantity") if isinstance(item, dict) else None
            location = item.get("location_id") if isinstance(item, dict) else None
            if not isinstance(quantity, int) or isinstance(quantity, bool) or quantity < 0:
                errors[f"items[{index}].quantity"] = "must be a non-negative integer"
                continue
            if location not in store.locations:
                errors[f"items[{index}].location_id"] = "unknown location"
                continue
            variant, problem = _resolve_item(store, item)
            if variant is None:
                errors[f"items[{index}]"] = problem or "invalid item"
                continue
            targets.append((variant["id"], quantity, location))
        if errors:
            raise unprocessable("Inventory adjustment rejected", errors)
    for vid, quantity, location in targets:
        store.set_inventory(vid, quantity, location)
    return Response(200, {"transaction_id": str(uuid.uuid4())})


def inventory_items(req: Request) -> Response:
    """``GET /inventory/items``: stock per variant and location."""
    store = req.store
    with store.lock:
        rows = []
        for variant in sorted(store.variants.values(), key=lambda v: v["id"]):
            locations = [
                {"location_id": loc, "available_to_sell": store.inventory.get((variant["id"], loc),
                 0), "total_inventory_onhand": store.inventory.get((variant["id"], loc), 0)}
                for loc in store.locations
            ]  # fmt: skip
            identity = {"sku": variant["sku"], "variant_id": variant["id"],
                        "product_id": variant["product_id"]}  # fmt: skip
            if variant["sku_id"] is not None:  # base variants have no legacy SKU id
                identity["sku_id"] = variant["sku_id"]
            rows.append({"identity": identity, "locations": locations, "id": variant["id"]})
        rows = apply_filters(req, rows, {"sku": "str", "variant_id": "int", "product_id": "int"},
                             {k: (lambda r, k=k: r["identity"][k])  # type: ignore[misc]
                              for k in ("sku", "variant_id", "product_id")})  # fmt: skip
        page, meta = paginate(req, rows)
        for row in page:
            row.pop("id")
        return envelope(page, meta)


# -- price lists --------------------------------------------------------------------------


def _price_list_or_404(req: Request) -> Row:
    price_list = req.store.price_lists.get(req.int_param("plid"))
    if price_list is None:
        raise not_found(req, "price list")
    return price_list


def list_price_lists(req: Request) -> Response:
    """``GET /pricelists``."""
    with req.store.lock:
        rows = apply_filters(
            req, req.store.price_lists.values(),
            {"id": "int", "name": "str", "date_created": "date", "date_modified": "date"},
        )  # fmt: skip
        page, meta = paginate(req, sorted(rows, key=lambda r: r["id"]))
        return envelope(page, meta)


def create_price_list(req: Request) -> Response:
    """``POST /pricelists``: ``name`` required and unique."""
    body = req.json()
    errors = check_fields(body, {"name": str, "active": bool}, required=("name",))
    if errors:
        raise unprocessable("The price list is invalid.", errors)
    store = req.store
    with store.lock:
        if any(p["name"] == body["name"] for p in store.price_lists.values()):
            raise ApiError(409, error_v3(409, "A price list with this name exists.", {
                "name": "duplicate"}))  # fmt: skip
        plid = store.next_id("price_list")
        now = store.now()
        row = {"id": plid, "name": body["name"], "active": body.get("active", True),
               "date_created": now, "date_modified": now}  # fmt: skip
        store.price_lists[plid] = row
        return envelope(row)


def get_price_list(req: Request) -> Response:
    """``GET /pricelists/{id}``."""
    with req.store.lock:
        return envelope(_price_list_or_404(req))


def update_price_list(req: Request) -> Response:
    """``PUT /pricelists/{id}``."""
    body = req.json()
    errors = check_fields(body, {"name": str, "active": bool, "id": int})
    if errors:
        raise unprocessable("The price list is invalid.", errors)
    with req.store.lock:
        row = _price_list_or_404(req)
        row.update({k: v for k, v in body.items() if k != "id"})
        row["date_modified"] = req.store.now()
        return envelope(row)


def delete_price_list(req: Request) -> Response:
    """``DELETE /pricelists/{id}``: also drops its records and assignments."""
    store = req.store
    with store.lock:
        row = _price_list_or_404(req)
        del store.price_lists[row["id"]]
        for key in [k for k in store.price_list_records if k[0] == row["id"]]:
            del store.price_list_records[key]
        for aid in [a["id"] for a in store.price_list_assignments.values()
                    if a["price_list_id"] == row["id"]]:  # fmt: skip
            del store.price_list_assignments[aid]
    return Response(204)


def list_records(req: Request) -> Response:
    """``GET /pricelists/{id}/records``."""
    store = req.store
    with store.lock:
        row = _price_list_or_404(req)
        records = [r for k, r in sorted(store.price_list_records.items()) if k[0] == row["id"]]
        records = apply_filters(
            req, records,
            {"variant_id": "int", "product_id": "int", "sku": "str", "currency": "str"},
        )  # fmt: skip
        page, meta = paginate(req, records)
        # Unset optional prices are left out rather than sent as null.
        return envelope([{k: v for k, v in r.items() if v is not None} for r in page], meta)


_RECORD_TYPES: dict[str, Any] = {
    "variant_id": int, "sku": str, "currency": str, "price": NUMBER, "sale_price": NUMBER,
    "retail_price": NUMBER, "map_price": NUMBER, "bulk_pricing_tiers": list,
}  # fmt: skip


def upsert_records(req: Request) -> Response:
    """``PUT /pricelists/{id}/records``: upsert at most 1,000; per-item ``batch_errors``."""
    items = body_list(req, MAX_RECORDS)
    store = req.store
    batch_errors: list[dict[str, Any]] = []
    strict = req.headers.get("X-Strict-Mode") == "1"
    with store.lock:
        row = _price_list_or_404(req)
        accepted: list[tuple[dict[str, Any], Row]] = []
        for item in items:
            errors = check_fields(item, _RECORD_TYPES, required=("currency",))
            variant = None
            if not errors:
                variant = _record_variant(store, item)
                if variant is None:
                    errors = {"variant_id": "a known variant_id or sku is required"}
            if errors or variant is None:
                batch_errors.append({"data": item, "errors": errors})
            else:
                accepted.append((item, variant))
        if not (batch_errors and strict):
            for item, variant in accepted:
                _upsert_record(store, row["id"], item, variant)
    if batch_errors:
        return Response(422, {"batch_errors": batch_errors})
    return Response(200, {})


def _record_variant(store: SandboxStore, item: dict[str, Any]) -> Row | None:
    if "variant_id" in item:
        return store.variants.get(item["variant_id"])
    if "sku" in item:
        return store.variant_by_sku(item["sku"])
    return None


def _upsert_record(store: SandboxStore, plid: int, item: dict[str, Any], variant: Row) -> None:
    decimal_fields(item, ("price", "sale_price", "retail_price", "map_price"))
    currency = item["currency"].upper()
    key = (plid, variant["id"], currency)
    record = store.price_list_records.get(key)
    if record is None:
        record = new_price_record(plid, variant, variant["product_id"], item.get("price", 0))
        record["currency"] = currency
        record["date_created"] = store.now()
        store.price_list_records[key] = record
    for name in ("price", "sale_price", "retail_price", "map_price", "bulk_pricing_tiers"):
        if name in item:
            record[name] = item[name]
    record["calculated_price"] = record["sale_price"] or record["price"]
    record["date_modified"] = store.now()


def delete_records(req: Request) -> Response:
    """``DELETE /pricelists/{id}/records?variant_id:in=``."""
    store = req.store
    with store.lock:
        row = _price_list_or_404(req)
        records = [r for k, r in store.price_list_records.items() if k[0] == row["id"]]
        for record in apply_filters(req, records, {"variant_id": "int", "currency": "str"}):
            key = (row["id"], record["variant_id"], record["currency"])
            store.price_list_records.pop(key, None)
    return Response(204)


def list_assignments(req: Request) -> Response:
    """``GET /pricelists/assignments``."""
    with req.store.lock:
        rows = apply_filters(
            req, req.store.price_list_assignments.values(),
            {"id": "int", "price_list_id": "int", "customer_group_id": "int",
             "channel_id": "int"},
        )  # fmt: skip
        page, meta = paginate(req, sorted(rows, key=lambda r: r["id"]))
        return envelope(page, meta)


def create_assignments(req: Request) -> Response:
    """``POST /pricelists/assignments``: at most 25; 200 with an empty object."""
    items = body_list(req, MAX_ASSIGNMENTS)
    store = req.store
    batch_errors: list[dict[str, Any]] = []
    with store.lock:
        for item in items:
            errors = check_fields(
                item, {"price_list_id": int, "customer_group_id": int, "channel_id": int},
                required=("price_list_id",),
            )  # fmt: skip
            if not errors and item["price_list_id"] not in store.price_lists:
                errors = {"price_list_id": "price list not found"}
            if not errors and item.get("customer_group_id", 0) not in (
                0, *store.customer_groups,
            ):  # fmt: skip
                errors = {"customer_group_id": "customer group not found"}
            if errors:
                batch_errors.append({"data": item, "errors": errors})
        if batch_errors:
            return Response(422, {"batch_errors": batch_errors})
        for item in items:
            aid = store.next_id("price_list_assignment")
            store.price_list_assignments[aid] = {
                "id": aid, "price_list_id": item["price_list_id"],
                "customer_group_id": item.get("customer_group_id"),
                "channel_id": item.get("channel_id"),
            }  # fmt: skip
    return Response(200, {})


def delete_assignments(req: Request) -> Response:
    """``DELETE /pricelists/assignments?...``: by filter."""
    store = req.store
    with store.lock:
        rows = apply_filters(
            req, list(store.price_list_assignments.values()),
            {"id": "int", "price_list_id": "int", "customer_group_id": "int",
             "channel_id": "int"},
        )  # fmt: skip
        if len(req.query) > 0:
            for row in rows:
                del store.price_list_assignments[row["id"]]
    return Response(204)


# -- webhooks -----------------------------------------------------------------------------


def _render_hook(hook: Row) -> Row:
    out: Row = to_v3(hook)
    return out


def _hook_or_404(req: Request) -> Row:
    hook = req.store.webhooks.get(req.int_param("hid"))
    if hook is None or hook["client_id"] != req.client_id:
        raise not_found(req, "webhook")
    return hook


def list_hooks(req: Request) -> Response:
    """``GET /hooks``: the calling client's hooks only."""
    with req.store.lock:
        rows = [h for h in req.store.webhooks.values() if h["client_id"] == req.client_id]
        rows = apply_filters(req, rows, {"scope": "str", "destination": "str",
                                         "is_active": "bool"})  # fmt: skip
        page, meta = paginate(req, sorted(rows, key=lambda h: h["id"]))
        return envelope([_render_hook(h) for h in page], meta)


def _check_destination(destination: str) -> str | None:
    # The real API wants https on port 443; the sandbox also accepts http so tests can run a
    # plain loopback receiver.
    if not destination.startswith(("https://", "http://")):
        return "destination must be an http(s) URL"
    return None


def create_hook(req: Request) -> Response:
    """``POST /hooks``: one hook; timestamps are Unix ints."""
    body = req.json()
    errors = check_fields(body, HOOK_TYPES, required=("scope", "destination"))
    if not errors and (problem := _check_destination(body["destination"])):
        errors["destination"] = problem
    if errors:
        raise unprocessable("Webhook is invalid", errors)
    store = req.store
    with store.lock:
        for hook in store.webhooks.values():
            if (hook["client_id"], hook["scope"], hook["destination"]) == (
                req.client_id, body["scope"], body["destination"],
            ):  # fmt: skip
                raise unprocessable(
                    "Webhook already exists", {"scope": "duplicate scope and destination"}
                )
        hid = store.next_id("webhook")
        now = int(store.now().timestamp())
        hook = {
            "id": hid, "client_id": req.client_id, "store_hash": store.store_hash,
            "scope": body["scope"], "destination": body["destination"],
            "is_active": body.get("is_active", True), "headers": body.get("headers") or {},
            "created_at": now, "updated_at": now,
        }  # fmt: skip
        store.webhooks[hid] = hook
        return envelope(_render_hook(hook))


def get_hook(req: Request) -> Response:
    """``GET /hooks/{id}``."""
    with req.store.lock:
        return envelope(_render_hook(_hook_or_404(req)))


def update_hook(req: Request) -> Response:
    """``PUT /hooks/{id}``: e.g. ``is_active: true`` to reactivate."""
    body = req.json()
    errors = check_fields(body, HOOK_TYPES)
    if not errors and "destination" in body:
        problem = _check_destination(body["destination"])
        if problem:
            errors["destination"] = problem
    if errors:
        raise unprocessable("Webhook is invalid", errors)
    with req.store.lock:
        hook = _hook_or_404(req)
        hook.update(body)
        hook["updated_at"] = int(req.store.now().timestamp())
        return envelope(_render_hook(hook))


def delete_hook(req: Request) -> Response:
    """``DELETE /hooks/{id}``: 200 with the deleted hook."""
    with req.store.lock:
        hook = _hook_or_404(req)
        del req.store.webhooks[hook["id"]]
        return envelope(_render_hook(hook))
