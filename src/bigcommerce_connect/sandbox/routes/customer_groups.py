"""v2 ``/customer_groups``: list, count, get, create, update and delete."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from bigcommerce_connect.sandbox.envelopes import list_response
from bigcommerce_connect.sandbox.formats import to_v2
from bigcommerce_connect.sandbox.paging import page_of
from bigcommerce_connect.sandbox.routing import Request, Response, Router
from bigcommerce_connect.sandbox.rows import Row

_GROUP_FIELDS = {
    "name": str,
    "is_default": bool,
    "is_group_for_guests": bool,
    "category_access": dict,
    "discount_rules": list,
}


def register(router: Router) -> None:
    """Add the customer-group routes."""
    add = router.add
    add("v2", "GET", "/customer_groups", list_groups)
    add("v2", "GET", "/customer_groups/count", count_groups)
    add("v2", "POST", "/customer_groups", create_group)
    add("v2", "GET", "/customer_groups/{group_id:int}", get_group)
    add("v2", "PUT", "/customer_groups/{group_id:int}", update_group)
    add("v2", "DELETE", "/customer_groups/{group_id:int}", delete_group)


def _group_or_404(req: Request) -> Row:
    group = req.store.customer_groups.get(req.int_param("group_id"))
    if group is None:
        raise req.fail(404, "The requested resource was not found.")
    return group


def _filter_groups(req: Request, groups: Iterable[Row]) -> list[Row]:
    out = list(groups)
    name = req.query.get("name")
    if name is not None:
        out = [g for g in out if g["name"] == name]
    like = req.query.get("name:like")
    if like is not None:
        out = [g for g in out if like.lower() in g["name"].lower()]
    for flag in ("is_default", "is_group_for_guests"):
        raw = req.query.get(flag)
        if raw is not None:
            if raw not in ("true", "false"):
                raise req.fail(400, f"The field '{flag}' is invalid.")
            out = [g for g in out if g[flag] is (raw == "true")]
    return out


def list_groups(req: Request) -> Response:
    """``GET /customer_groups``: filters, paging, 204 when empty."""
    with req.store.lock:
        groups = _filter_groups(req, sorted(req.store.customer_groups.values(), key=_by_id))
        rows, _, _ = page_of(req, groups)
        return list_response([to_v2(g) for g in rows])


def _by_id(row: Row) -> int:
    return int(row["id"])


def count_groups(req: Request) -> Response:
    """``GET /customer_groups/count``."""
    with req.store.lock:
        return Response(200, {"count": len(req.store.customer_groups)})


def get_group(req: Request) -> Response:
    """``GET /customer_groups/{id}``."""
    with req.store.lock:
        return Response(200, to_v2(_group_or_404(req)))


def _check_group_body(req: Request, body: Any, *, creating: bool) -> Row:
    if not isinstance(body, dict):
        raise req.fail(400, "The request body must be a JSON object.")
    for field, value in body.items():
        expected = _GROUP_FIELDS.get(field)
        if expected is None:
            raise req.fail(
                400,
                f"The field '{field}' cannot be written to. Please remove it from your request "
                "before trying again.",
            )
        if not isinstance(value, expected):
            raise req.fail(400, f"The field '{field}' is invalid.")
    if creating and not body.get("name"):
        raise req.fail(400, "The required field 'name' was not supplied.")
    return body


def create_group(req: Request) -> Response:
    """``POST /customer_groups``: name required and unique."""
    body = _check_group_body(req, req.json(), creating=True)
    store = req.store
    with store.lock:
        if any(g["name"] == body["name"] for g in store.customer_groups.values()):
            raise req.fail(409, f"The customer group name '{body['name']}' is already in use.")
        gid = store.next_id("customer_group")
        now = store.now()
        group = {
            "id": gid,
            "name": body["name"],
            "is_default": body.get("is_default", False),
            "category_access": body.get("category_access", {"type": "all"}),
            "discount_rules": body.get("discount_rules", []),
            "is_group_for_guests": body.get("is_group_for_guests", False),
            "date_created": now,
            "date_modified": now,
        }
        store.customer_groups[gid] = group
        return Response(200, to_v2(group))


def update_group(req: Request) -> Response:
    """``PUT /customer_groups/{id}``: a supplied ``discount_rules`` replaces the whole set."""
    body = _check_group_body(req, req.json(), creating=False)
    store = req.store
    with store.lock:
        group = _group_or_404(req)
        group.update(body)
        group["date_modified"] = store.now()
        return Response(200, to_v2(group))


def delete_group(req: Request) -> Response:
    """``DELETE /customer_groups/{id}``: the group's customers fall back to no group."""
    store = req.store
    with store.lock:
        group = _group_or_404(req)
        del store.customer_groups[group["id"]]
        for customer in store.customers.values():
            if customer["customer_group_id"] == group["id"]:
                customer["customer_group_id"] = 0
    return Response(204)
