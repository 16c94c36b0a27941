"""v2 routes: orders and their sub-resources, order statuses, customer groups.

v2 answers are bare JSON arrays or objects with RFC 2822 dates and 4-decimal money strings;
an empty list is a 204 with no body; errors are ``[{"status", "message"}]`` arrays.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from bigcommerce_connect.sandbox.routing import Request, Response, Router
from bigcommerce_connect.sandbox.store import ORDER_STATUSES, STATUS_LABELS, SandboxStore
from bigcommerce_connect.sandbox.wire import WireError, dumps, parse_v2_date, to_v2

MAX_LIMIT = 250
DEFAULT_LIMIT = 50
SORT_FIELDS = (
    "id", "customer_id", "date_created", "date_modified", "status_id", "channel_id",
    "external_id",
)  # fmt: skip

# Order fields a PUT may carry (order_Put in the spec). Everything else is read-only.
ORDER_WRITABLE = frozenset(
    {
        "base_handling_cost", "base_shipping_cost", "base_wrapping_cost", "billing_address",
        "channel_id", "consignments", "customer_id", "customer_locale", "customer_message",
        "date_created", "default_currency_code", "discount_amount", "ebay_order_id",
        "external_merchant_id", "external_order_id", "external_source", "fees", "geoip_country",
        "geoip_country_iso2", "handling_cost_ex_tax", "handling_cost_inc_tax", "ip_address",
        "ip_address_v6", "items_shipped", "items_total", "order_is_digital", "order_source",
        "payment_method", "payment_provider_id", "products", "refunded_amount",
        "shipping_addresses", "shipping_cost_ex_tax", "shipping_cost_inc_tax", "staff_notes",
        "status_id", "subtotal_ex_tax", "subtotal_inc_tax", "tax_provider_id", "total_ex_tax",
        "total_inc_tax", "wrapping_cost_ex_tax", "wrapping_cost_inc_tax",
    }
)  # fmt: skip
# Writable text fields the sandbox applies as given (the rest are accepted and ignored).
_ORDER_TEXT_FIELDS = ("staff_notes", "customer_message", "payment_method", "customer_locale")
_CONSIGNMENT_NUMBERS = (
    "base_cost", "cost_ex_tax", "cost_inc_tax", "cost_tax", "base_handling_cost",
    "handling_cost_ex_tax", "handling_cost_inc_tax", "handling_cost_tax",
)  # fmt: skip
_GROUP_FIELDS = {
    "name": str, "is_default": bool, "is_group_for_guests": bool, "category_access": dict,
    "discount_rules": list,
}  # fmt: skip


def register(router: Router) -> None:
    """Add the v2 routes to the router."""
    add = router.add
    add("v2", "GET", "/orders", list_orders)
    add("v2", "GET", "/orders/count", count_orders)
    add("v2", "GET", "/orders/{order_id:int}", get_order)
    add("v2", "PUT", "/orders/{order_id:int}", update_order)
    add("v2", "DELETE", "/orders/{order_id:int}", archive_order)
    add("v2", "GET", "/orders/{order_id:int}/products", list_order_products)
    add("v2", "GET", "/orders/{order_id:int}/products/{line_id:int}", get_order_product)
    add("v2", "GET", "/orders/{order_id:int}/shipping_addresses", list_shipping_addresses)
    add("v2", "GET", "/orders/{order_id:int}/shipping_addresses/{aid:int}", get_shipping_address)
    add("v2", "GET", "/orders/{order_id:int}/coupons", list_coupons)
    add("v2", "GET", "/order_statuses", list_statuses)
    add("v2", "GET", "/order_statuses/{status_id:int}", get_status)
    add("v2", "GET", "/customer_groups", list_groups)
    add("v2", "GET", "/customer_groups/count", count_groups)
    add("v2", "POST", "/customer_groups", create_group)
    add("v2", "GET", "/customer_groups/{group_id:int}", get_group)
    add("v2", "PUT", "/customer_groups/{group_id:int}", update_group)
    add("v2", "DELETE", "/customer_groups/{group_id:int}", delete_group)


# -- helpers ------------------------------------------------------------------------------


def page_of(req: Request, items: list[Any]) -> tuple[list[Any], int, int]:
    """Slice one v2 page; ``limit`` above 250 (or ``knobs.max_page_size``) is capped."""
    page = req.query_int("page", 1) or 1
    limit = req.query_int("limit", DEFAULT_LIMIT) or DEFAULT_LIMIT
    if page < 1 or limit < 1:
        raise req.fail(400, "The 'page' and 'limit' parameters must be positive integers.")
    limit = min(limit, MAX_LIMIT)
    cap = req.knobs.max_page_size
    if cap is not None:
        limit = min(limit, cap)  # a store serving fewer items than asked, pages consistent
    start = (page - 1) * limit
    return items[start : start + limit], page, limit


def list_response(rows: list[Any]) -> Response:
    """A v2 list answer: the rows, or 204 with no body when there are none."""
    if not rows:
        return Response(204)
    return Response(200, raw=dumps(rows))


def _date_filter(req: Request, name: str) -> datetime | None:
    raw = req.query.get(name)
    if raw is None:
        return None
    try:
        return parse_v2_date(raw)
    except WireError as exc:
        raise req.fail(
            400,
            f"The field '{name}' is invalid: expected an RFC 2822 or ISO 8601 date "
            "(percent-encode '+' as %2B).",
        ) from exc


def _money_filter(req: Request, name: str) -> Decimal | None:
    raw = req.query.get(name)
    if raw is None:
        return None
    try:
        return Decimal(raw)
    except InvalidOperation as exc:
        raise req.fail(400, f"The field '{name}' is invalid.") from exc


def _order_or_404(req: Request) -> dict[str, Any]:
    order = req.store.orders.get(req.int_param("order_id"))
    if order is None:
        raise req.fail(404, "The requested resource was not found.")
    return order


def _link(req: Request, order_id: int, sub: str) -> dict[str, str]:
    return {
        "url": f"{req.base_url}/orders/{order_id}/{sub}",
        "resource": f"/orders/{order_id}/{sub}",
    }


def _embed_mode(req: Request) -> str:
    """``"lines"`` for ``include=consignments.line_items``, ``"links"`` for ``consignments``."""
    parts = req.query.get("include", "").split(",")
    if "consignments.line_items" in parts:
        return "lines"
    return "links" if "consignments" in parts else ""


def render_order(req: Request, order: dict[str, Any], embed: str) -> dict[str, Any]:
    """An order in v2 wire form; ``embed`` adds consignments (line items or their links)."""
    store = req.store
    out: dict[str, Any] = to_v2(order)
    sid = order["status_id"]
    out["status"] = STATUS_LABELS[sid]
    out["custom_status"] = store.status_labels[sid]
    oid = order["id"]
    out["products"] = _link(req, oid, "products")
    out["shipping_addresses"] = _link(req, oid, "shipping_addresses")
    out["coupons"] = _link(req, oid, "coupons")
    if embed:
        out["consignments"] = _consignments(req, oid, embed == "lines")
    return out


def _consignments(req: Request, order_id: int, with_lines: bool) -> dict[str, Any]:
    store = req.store
    lines = store.lines_of(order_id)
    shipping = []
    for address in store.addresses_of(order_id):
        entry = to_v2({k: v for k, v in address.items() if k != "order_id"})
        # The consignment schema types these costs as numbers, unlike the rest of v2.
        for key in _CONSIGNMENT_NUMBERS:
            entry[key] = float(address[key])
        mine = [line for line in lines if line["order_address_id"] == address["id"]]
        entry["line_items"] = [
            to_v2(line) if with_lines else _link(req, order_id, f"products/{line['id']}")
            for line in mine
        ]
        shipping.append(entry)
    return {
        "pickups": [],
        "shipping": shipping,
        "downloads": [],
        "email": {"gift_certificates": []},
    }


# -- orders -------------------------------------------------------------------------------


def _order_predicates(req: Request) -> list[Callable[[dict[str, Any]], bool]]:
    preds: list[Callable[[dict[str, Any]], bool]] = []
    for name, key, cmp in (
        ("min_id", "id", 1), ("max_id", "id", -1), ("customer_id", "customer_id", 0),
        ("status_id", "status_id", 0), ("channel_id", "channel_id", 0),
    ):  # fmt: skip
        value = req.query_int(name)
        if value is not None:
            preds.append(_compare(key, value, cmp))
    for name, key, cmp in (("min_total", "total_inc_tax", 1), ("max_total", "total_inc_tax", -1)):
        money = _money_filter(req, name)
        if money is not None:
            preds.append(_compare(key, money, cmp))
    for name, key, cmp in (
        ("min_date_created", "date_created", 1), ("max_date_created", "date_created", -1),
        ("min_date_modified", "date_modified", 1), ("max_date_modified", "date_modified", -1),
    ):  # fmt: skip
        when = _date_filter(req, name)
        if when is not None:
            preds.append(_compare(key, when, cmp))
    for name in ("email", "cart_id", "payment_method"):
        text = req.query.get(name)
        if text is not None:
            preds.append(_text_filter(name, text))
    deleted = req.query.get("is_deleted", "false").lower() == "true"
    preds.append(lambda o: o["is_deleted"] is deleted)
    return preds


def _compare(key: str, value: Any, cmp: int) -> Callable[[dict[str, Any]], bool]:
    if cmp > 0:
        return lambda o: bool(o[key] >= value)
    if cmp < 0:
        return lambda o: bool(o[key] <= value)
    return lambda o: bool(o[key] == value)


def _text_filter(name: str, text: str) -> Callable[[dict[str, Any]], bool]:
    if name == "email":
        return lambda o: bool(o["billing_address"].get("email") == text)
    return lambda o: bool(o[name] == text)


def _sort_key(req: Request) -> tuple[Callable[[dict[str, Any]], Any], bool]:
    raw = req.query.get("sort", "id")
    field, _, direction = raw.partition(":")
    if field not in SORT_FIELDS or direction not in ("", "asc", "desc"):
        raise req.fail(400, f"The field 'sort' is invalid: {raw!r}.")

    def key(order: dict[str, Any]) -> Any:
        value = order[field]
        return ((value is None, value if value is not None else ""), order["id"])

    return key, direction == "desc"


def list_orders(req: Request) -> Response:
    """``GET /orders``: filters, sort, paging, optional embedded consignments."""
    preds = _order_predicates(req)
    key, reverse = _sort_key(req)
    embed = _embed_mode(req)
    store = req.store
    with store.lock:
        matched = [o for o in store.orders.values() if all(p(o) for p in preds)]
        matched.sort(key=key, reverse=reverse)
        rows, _, _ = page_of(req, matched)
        body = [render_order(req, o, embed) for o in rows]
    drift = req.knobs.drift_due()
    if drift is not None:
        apply_drift(store, req.knobs.random(), drift.modify, drift.create)
    return list_response(body)


def apply_drift(store: SandboxStore, rng: Any, modify: int, create: int) -> None:
    """Modify ``modify`` random orders (bump ``date_modified``) and create ``create`` new ones."""
    with store.lock:
        ids = sorted(store.orders)
        for order_id in rng.sample(ids, min(modify, len(ids))):
            store.touch_order(order_id)
    for _ in range(create):
        store.add_order()


def count_orders(req: Request) -> Response:
    """``GET /orders/count``: totals per status with their labels."""
    store = req.store
    with store.lock:
        counts = dict.fromkeys(STATUS_LABELS, 0)
        for order in store.orders.values():
            if not order["is_deleted"]:
                counts[order["status_id"]] += 1
        statuses = [
            {
                "id": sid,
                "name": label,
                "system_label": label,
                "custom_label": store.status_labels[sid],
                "system_description": desc,
                "count": counts[sid],
                "sort_order": sort_order,
            }
            for sid, label, desc, sort_order in ORDER_STATUSES
        ]
    return Response(200, {"statuses": statuses, "count": sum(counts.values())})


def get_order(req: Request) -> Response:
    """``GET /orders/{id}``."""
    with req.store.lock:
        order = _order_or_404(req)
        return Response(200, raw=dumps(render_order(req, order, _embed_mode(req))))


def update_order(req: Request) -> Response:
    """``PUT /orders/{id}``: status and a few text fields; read-only fields get a 400."""
    body = req.json()
    if not isinstance(body, dict):
        raise req.fail(400, "The request body must be a JSON object.")
    for field in body:
        if field not in ORDER_WRITABLE:
            raise req.fail(
                400,
                f"The field '{field}' cannot be written to. Please remove it from your request "
                "before trying again.",
            )
    _check_order_types(req, body)
    store = req.store
    order_id = req.int_param("order_id")
    with store.lock:
        order = _order_or_404(req)
        for name in _ORDER_TEXT_FIELDS:
            if name in body:
                order[name] = body[name]
        if "customer_id" in body:
            order["customer_id"] = body["customer_id"]
        order["date_modified"] = store.now()
        status_changed = "status_id" in body and body["status_id"] != order["status_id"]
    if status_changed:
        store.set_order_status(order_id, body["status_id"])
    store.emit("store/order/updated", {"type": "order", "id": order_id})
    with store.lock:
        return Response(200, raw=dumps(render_order(req, store.orders[order_id], "")))


def _check_order_types(req: Request, body: dict[str, Any]) -> None:
    if "external_id" in body:
        # external_id is write-once: set on create, a PUT that carries it is rejected.
        raise req.fail(
            400,
            "The field 'external_id' cannot be written to. Please remove it from your request "
            "before trying again.",
        )
    status_id = body.get("status_id", 0)
    if isinstance(status_id, bool) or not isinstance(status_id, int):
        raise req.fail(400, "The field 'status_id' is invalid.")
    if status_id not in STATUS_LABELS:
        raise req.fail(400, f"The field 'status_id' is invalid: no status {status_id}.")
    customer_id = body.get("customer_id", 0)
    if isinstance(customer_id, bool) or not isinstance(customer_id, int):
        raise req.fail(400, "The field 'customer_id' is invalid.")
    for name in _ORDER_TEXT_FIELDS:
        if name in body and not isinstance(body[name], str):
            raise req.fail(400, f"The field '{name}' is invalid.")


def archive_order(req: Request) -> Response:
    """``DELETE /orders/{id}``: archives the order (``is_deleted``), 204."""
    store = req.store
    with store.lock:
        order = _order_or_404(req)
        order["is_deleted"] = True
        order["date_modified"] = store.now()
    store.emit("store/order/archived", {"type": "order", "id": order["id"]})
    return Response(204)


def list_order_products(req: Request) -> Response:
    """``GET /orders/{id}/products``: paged, 50 lines by default."""
    with req.store.lock:
        order = _order_or_404(req)
        rows, _, _ = page_of(req, req.store.lines_of(order["id"]))
        return list_response([to_v2(line) for line in rows])


def get_order_product(req: Request) -> Response:
    """``GET /orders/{id}/products/{line id}`` (the path id is the line id)."""
    with req.store.lock:
        order = _order_or_404(req)
        line_id = req.int_param("line_id")
        for line in req.store.lines_of(order["id"]):
            if line["id"] == line_id:
                return Response(200, to_v2(line))
    raise req.fail(404, "The requested resource was not found.")


def list_shipping_addresses(req: Request) -> Response:
    """``GET /orders/{id}/shipping_addresses``."""
    with req.store.lock:
        order = _order_or_404(req)
        rows, _, _ = page_of(req, req.store.addresses_of(order["id"]))
        return list_response([_render_address(req, a) for a in rows])


def _render_address(req: Request, address: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = to_v2(address)
    out["shipping_quotes"] = _link(
        req, address["order_id"], f"shipping_addresses/{address['id']}/shipping_quotes"
    )
    return out


def get_shipping_address(req: Request) -> Response:
    """``GET /orders/{id}/shipping_addresses/{address id}``."""
    with req.store.lock:
        order = _order_or_404(req)
        aid = req.int_param("aid")
        for address in req.store.addresses_of(order["id"]):
            if address["id"] == aid:
                return Response(200, _render_address(req, address))
    raise req.fail(404, "The requested resource was not found.")


def list_coupons(req: Request) -> Response:
    """``GET /orders/{id}/coupons``: seeded orders carry none, so 204."""
    with req.store.lock:
        _order_or_404(req)
    return Response(204)


# -- order statuses -----------------------------------------------------------------------


def _render_status(store: SandboxStore, row: tuple[int, str, str, int]) -> dict[str, Any]:
    sid, label, desc, sort_order = row
    return {
        "id": sid,
        "name": label,
        "system_label": label,
        "custom_label": store.status_labels[sid],
        "system_description": desc,
        "order": sort_order,
    }


def list_statuses(req: Request) -> Response:
    """``GET /order_statuses``: every status with its (possibly renamed) custom label."""
    with req.store.lock:
        return Response(200, [_render_status(req.store, row) for row in ORDER_STATUSES])


def get_status(req: Request) -> Response:
    """``GET /order_statuses/{id}``."""
    sid = req.int_param("status_id")
    for row in ORDER_STATUSES:
        if row[0] == sid:
            with req.store.lock:
                return Response(200, _render_status(req.store, row))
    raise req.fail(404, "The requested resource was not found.")


# -- customer groups ----------------------------------------------------------------------


def _group_or_404(req: Request) -> dict[str, Any]:
    group = req.store.customer_groups.get(req.int_param("group_id"))
    if group is None:
        raise req.fail(404, "The requested resource was not found.")
    return group


def _filter_groups(req: Request, groups: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
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


def _by_id(row: dict[str, Any]) -> int:
    return int(row["id"])


def count_groups(req: Request) -> Response:
    """``GET /customer_groups/count``."""
    with req.store.lock:
        return Response(200, {"count": len(req.store.customer_groups)})


def get_group(req: Request) -> Response:
    """``GET /customer_groups/{id}``."""
    with req.store.lock:
        return Response(200, to_v2(_group_or_404(req)))


def _check_group_body(req: Request, body: Any, *, creating: bool) -> dict[str, Any]:
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
