"""v3 ``/pricelists/assignments``: which customer group and channel use which price list."""

from __future__ import annotations

from typing import Any

from bigcommerce_connect.sandbox.body_checks import body_list, check_fields
from bigcommerce_connect.sandbox.envelopes import envelope
from bigcommerce_connect.sandbox.filters import apply_filters
from bigcommerce_connect.sandbox.paging import paginate
from bigcommerce_connect.sandbox.routing import Request, Response, Router
from bigcommerce_connect.sandbox.store import SandboxStore

MAX_ASSIGNMENTS = 25
_ASSIGNMENT_FIELDS = {"price_list_id": int, "customer_group_id": int, "channel_id": int}
_ASSIGNMENT_FILTERS = {
    "id": "int",
    "price_list_id": "int",
    "customer_group_id": "int",
    "channel_id": "int",
}


def register(router: Router) -> None:
    """Add the price-list assignment routes."""
    add = router.add
    add("v3", "GET", "/pricelists/assignments", list_assignments)
    add("v3", "POST", "/pricelists/assignments", create_assignments)
    add("v3", "DELETE", "/pricelists/assignments", delete_assignments)


def list_assignments(req: Request) -> Response:
    """``GET /pricelists/assignments``."""
    with req.store.lock:
        rows = apply_filters(req, req.store.price_list_assignments.values(), _ASSIGNMENT_FILTERS)
        page, meta = paginate(req, sorted(rows, key=lambda r: r["id"]))
        return envelope(page, meta)


def create_assignments(req: Request) -> Response:
    """``POST /pricelists/assignments``: at most 25; 200 with an empty object."""
    items = body_list(req, MAX_ASSIGNMENTS)
    store = req.store
    batch_errors: list[dict[str, Any]] = []
    with store.lock:
        for item in items:
            errors = _assignment_errors(store, item)
            if errors:
                batch_errors.append({"data": item, "errors": errors})
        if batch_errors:
            return Response(422, {"batch_errors": batch_errors})
        for item in items:
            aid = store.next_id("price_list_assignment")
            store.price_list_assignments[aid] = {
                "id": aid,
                "price_list_id": item["price_list_id"],
                "customer_group_id": item.get("customer_group_id"),
                "channel_id": item.get("channel_id"),
            }
    return Response(200, {})


def _assignment_errors(store: SandboxStore, item: Any) -> dict[str, str]:
    errors = check_fields(item, _ASSIGNMENT_FIELDS, required=("price_list_id",))
    if errors:
        return errors
    if item["price_list_id"] not in store.price_lists:
        return {"price_list_id": "price list not found"}
    if item.get("customer_group_id", 0) not in (0, *store.customer_groups):
        return {"customer_group_id": "customer group not found"}
    return {}


def delete_assignments(req: Request) -> Response:
    """``DELETE /pricelists/assignments?...``: by filter."""
    store = req.store
    with store.lock:
        rows = apply_filters(req, list(store.price_list_assignments.values()), _ASSIGNMENT_FILTERS)
        if len(req.query) > 0:
            for row in rows:
                del store.price_list_assignments[row["id"]]
    return Response(204)
