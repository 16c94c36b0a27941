"""v2 ``/orders``: list, count, get, update, archive, and an order's lines and addresses.

v2 answers are bare JSON arrays or objects with RFC 2822 dates and 4-decimal money strings;
an empty list is a 204 with no body; errors are ``[{"status", "message"}]`` arrays.
"""

from __future__ import annotations

import random

from bigcommerce_connect.sandbox.envelopes import list_response
from bigcommerce_connect.sandbox.formats import dumps, to_v2
from bigcommerce_connect.sandbox.order_filters import list_page, order_predicates, sort_key
from bigcommerce_connect.sandbox.order_views import embed_mode, render_address, render_order
from bigcommerce_connect.sandbox.paging import page_of
from bigcommerce_connect.sandbox.routing import Request, Response, Router
from bigcommerce_connect.sandbox.rows import Row
from bigcommerce_connect.sandbox.statuses import ORDER_STATUSES, STATUS_LABELS
from bigcommerce_connect.sandbox.store import SandboxStore

# Order fields a PUT may carry (order_Put in the spec). Everything else is read-only.
ORDER_WRITABLE = frozenset(
    {
        "base_handling_cost",
        "base_shipping_cost",
        "base_wrapping_cost",
        "billing_address",
        "channel_id",
        "consignments",
        "customer_id",
        "customer_locale",
        "customer_message",
        "date_created",
        "default_currency_code",
        "discount_amount",
        "ebay_order_id",
        "external_merchant_id",
        "external_order_id",
        "external_source",
        "fees",
        "geoip_country",
        "geoip_country_iso2",
        "handling_cost_ex_tax",
        "handling_cost_inc_tax",
        "ip_address",
        "ip_address_v6",
        "items_shipped",
        "items_total",
        "order_is_digital",
        "order_source",
        "payment_method",
        "payment_provider_id",
        "products",
        "refunded_amount",
        "shipping_addresses",
        "shipping_cost_ex_tax",
        "shipping_cost_inc_tax",
        "staff_notes",
        "status_id",
        "subtotal_ex_tax",
        "subtotal_inc_tax",
        "tax_provider_id",
        "total_ex_tax",
        "total_inc_tax",
        "wrapping_cost_ex_tax",
        "wrapping_cost_inc_tax",
    }
)
# Writable text fields the sandbox applies as given (the rest are accepted and ignored).
_ORDER_TEXT_FIELDS = ("staff_notes", "customer_message", "payment_method", "customer_locale")
_NOT_FOUND = "The requested resource was not found."


def register(router: Router) -> None:
    """Add the order routes."""
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


def _order_or_404(req: Request) -> Row:
    order = req.store.orders.get(req.int_param("order_id"))
    if order is None:
        raise req.fail(404, _NOT_FOUND)
    return order


def list_orders(req: Request) -> Response:
    """``GET /orders``: filters, sort, paging, optional embedded consignments."""
    preds = order_predicates(req)
    sort_key(req)  # a 400 for an unknown sort before the embed and paging checks
    embed = embed_mode(req)
    store = req.store
    with store.lock:
        rows = list_page(req, store.orders, preds)  # indexed for status + id keyset
        body = [render_order(req, o, embed) for o in rows]
    drift = req.knobs.drift_due()
    if drift is not None:
        apply_drift(store, req.knobs.random(), drift.modify, drift.create)
    return list_response(body)


def apply_drift(store: SandboxStore, rng: random.Random, modify: int, create: int) -> None:
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
        # From the status index: a count costs the number of statuses, not of orders.
        counts = {sid: len(store.orders.ids_with("status", (sid, False))) for sid in STATUS_LABELS}
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
        return Response(200, raw=dumps(render_order(req, order, embed_mode(req))))


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


def _check_order_types(req: Request, body: Row) -> None:
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
    raise req.fail(404, _NOT_FOUND)


def list_shipping_addresses(req: Request) -> Response:
    """``GET /orders/{id}/shipping_addresses``."""
    with req.store.lock:
        order = _order_or_404(req)
        rows, _, _ = page_of(req, req.store.addresses_of(order["id"]))
        return list_response([render_address(req, a) for a in rows])


def get_shipping_address(req: Request) -> Response:
    """``GET /orders/{id}/shipping_addresses/{address id}``."""
    with req.store.lock:
        order = _order_or_404(req)
        aid = req.int_param("aid")
        for address in req.store.addresses_of(order["id"]):
            if address["id"] == aid:
                return Response(200, render_address(req, address))
    raise req.fail(404, _NOT_FOUND)


def list_coupons(req: Request) -> Response:
    """``GET /orders/{id}/coupons``: seeded orders carry none, so 204."""
    with req.store.lock:
        _order_or_404(req)
    return Response(204)
