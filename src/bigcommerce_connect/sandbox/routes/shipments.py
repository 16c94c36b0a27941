"""v2 ``/orders/{id}/shipments``: list, count, create, get, update, delete, with side effects.

Creating a shipment does what the store does: each shipped line's ``quantity_shipped`` and
the address's and the order's ``items_shipped`` grow, the order moves to Partially Shipped
(3), or Shipped (2) once every line is shipped whole, its ``date_modified`` is bumped, and
``store/order/statusUpdated`` (when the status changed) and ``store/shipment/created`` fire.
Deleting a shipment gives its quantities back but leaves the status as it is (the real store
does not move an order out of Shipped either).

Refusals are v2 ``400`` answers (``[{"status", "message"}]``): a missing ``order_address_id``
or ``items``, a field a POST cannot write, an address that is not the order's, an order line
that is not the order's or ships to another address, and a line shipped beyond what is left
(ordered minus shipped). The wording is the sandbox's own.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any, Final
from urllib.parse import quote

from bigcommerce_connect.sandbox.envelopes import list_response
from bigcommerce_connect.sandbox.formats import to_v2
from bigcommerce_connect.sandbox.paging import page_of
from bigcommerce_connect.sandbox.routing import Request, Response, Router
from bigcommerce_connect.sandbox.rows import POSTAL_FIELDS, Row

SHIPPED: Final = 2
PARTIALLY_SHIPPED: Final = 3
_NOT_FOUND: Final = "The requested resource was not found."
#: What ``orderShipment_Put`` may change; a POST also takes ``items``.
_PUT_FIELDS: Final = frozenset(
    {
        "order_address_id",
        "tracking_number",
        "merchant_shipping_cost",
        "shipping_method",
        "shipping_provider",
        "tracking_carrier",
        "tracking_link",
        "comments",
    }
)
_POST_FIELDS: Final = _PUT_FIELDS | {"items"}
_TEXT_LIMITS: Final = {
    "tracking_number": 50,
    "tracking_link": 500,
    "comments": 65535,
    "shipping_method": 250,
    "shipping_provider": 100,
    "tracking_carrier": 100,
}
_PROVIDER_NAMES: Final = {
    "auspost": "Australia Post",
    "canadapost": "Canada Post",
    "endicia": "Endicia",
    "usps": "USPS",
    "fedex": "FedEx",
    "ups": "UPS",
    "upsready": "UPS Ready",
    "upsonline": "UPS",
    "shipperhq": "ShipperHQ",
    "royalmail": "Royal Mail",
}


def register(router: Router) -> None:
    """Add the order shipment routes."""
    add = router.add
    base = "/orders/{order_id:int}/shipments"
    add("v2", "GET", base, list_shipments)
    add("v2", "POST", base, create_shipment)
    add("v2", "DELETE", base, delete_all_shipments)
    add("v2", "GET", base + "/count", count_shipments)
    add("v2", "GET", base + "/{shipment_id:int}", get_shipment)
    add("v2", "PUT", base + "/{shipment_id:int}", update_shipment)
    add("v2", "DELETE", base + "/{shipment_id:int}", delete_shipment)


# -- reads ----------------------------------------------------------------------------------


def _order_or_404(req: Request) -> Row:
    order = req.store.orders.get(req.int_param("order_id"))
    if order is None:
        raise req.fail(404, _NOT_FOUND)
    return order


def _shipments_of(req: Request, order_id: int) -> list[Row]:
    return [s for s in req.store.shipments.values() if s["order_id"] == order_id]


def _shipment_or_404(req: Request) -> Row:
    order = _order_or_404(req)
    shipment = req.store.shipments.get(req.int_param("shipment_id"))
    if shipment is None or shipment["order_id"] != order["id"]:
        raise req.fail(404, _NOT_FOUND)
    return shipment


def list_shipments(req: Request) -> Response:
    """``GET /orders/{id}/shipments``: paged, oldest first; 204 when there are none."""
    with req.store.lock:
        order = _order_or_404(req)
        rows, _, _ = page_of(req, _shipments_of(req, order["id"]))
        return list_response([to_v2(row) for row in rows])


def count_shipments(req: Request) -> Response:
    """``GET /orders/{id}/shipments/count``."""
    with req.store.lock:
        order = _order_or_404(req)
        return Response(200, {"count": len(_shipments_of(req, order["id"]))})


def get_shipment(req: Request) -> Response:
    """``GET /orders/{id}/shipments/{shipment id}``."""
    with req.store.lock:
        return Response(200, to_v2(_shipment_or_404(req)))


# -- create ---------------------------------------------------------------------------------


def create_shipment(req: Request) -> Response:
    """``POST /orders/{id}/shipments``: 201 with the shipment; the order's status follows."""
    body = _checked_body(req, _POST_FIELDS)
    address_id = _required_int(req, body, "order_address_id")
    items = _items(req, body)
    store = req.store
    with store.lock:
        order = _order_or_404(req)
        address = _address(req, order["id"], address_id)
        lines = _check_lines(req, order["id"], address_id, items)
        shipment = _new_shipment(req, order, address, body, items, lines)
        store.shipments[shipment["id"]] = shipment
        previous = order["status_id"]
        status = _ship(store.lines_of(order["id"]), lines, items, address, order)
        order["date_modified"] = store.now()
        if status == SHIPPED:
            order["date_shipped"] = order["date_modified"]
        answer = to_v2(shipment)
    if status != previous:
        store.set_order_status(order["id"], status)  # bumps the date, fires statusUpdated
    created = {"type": "shipment", "id": shipment["id"], "orderId": order["id"]}
    store.emit("store/shipment/created", created)
    return Response(201, answer)


def _checked_body(req: Request, writable: frozenset[str]) -> Row:
    body = req.json()
    if not isinstance(body, dict):
        raise req.fail(400, "The request body must be a JSON object.")
    for field in body:
        if field not in writable:
            raise req.fail(
                400,
                f"The field '{field}' cannot be written to. Please remove it from your request "
                "before trying again.",
            )
    for field, limit in _TEXT_LIMITS.items():
        value = body.get(field, "")
        if not isinstance(value, str) or len(value) > limit:
            raise req.fail(400, f"The field '{field}' is invalid.")
    if "merchant_shipping_cost" in body:
        body["merchant_shipping_cost"] = _money(req, body["merchant_shipping_cost"])
    return body


def _money(req: Request, value: Any) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise req.fail(400, "The field 'merchant_shipping_cost' is invalid.")
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        raise req.fail(400, "The field 'merchant_shipping_cost' is invalid.") from None
    if not amount.is_finite() or amount < 0:
        raise req.fail(400, "The field 'merchant_shipping_cost' is invalid.")
    return amount


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _required_int(req: Request, body: Row, field: str) -> int:
    if field not in body:
        raise req.fail(400, f"The required field '{field}' was not supplied.")
    value = body[field]
    if not _is_int(value) or value <= 0:
        raise req.fail(400, f"The field '{field}' is invalid.")
    return int(value)


def _items(req: Request, body: Row) -> dict[int, int]:
    """The shipped quantity per order line (a line listed twice adds up)."""
    raw = body.get("items")
    if raw is None:
        raise req.fail(400, "The required field 'items' was not supplied.")
    if not isinstance(raw, list) or not raw:
        raise req.fail(400, "The field 'items' must list at least one order product.")
    items: dict[int, int] = {}
    bad = req.fail(
        400,
        "The field 'items' is invalid: each item needs an integer order_product_id "
        "and a quantity above 0.",
    )
    for entry in raw:
        if not isinstance(entry, dict):
            raise bad
        line_id: Any = entry.get("order_product_id")
        quantity: Any = entry.get("quantity")
        if not (_is_int(line_id) and _is_int(quantity)) or quantity <= 0:
            raise bad
        items[line_id] = items.get(line_id, 0) + quantity
    return items


def _address(req: Request, order_id: int, address_id: int) -> Row:
    for address in req.store.addresses_of(order_id):
        if address["id"] == address_id:
            return address
    message = f"The field 'order_address_id' is invalid: order {order_id} has no address"
    raise req.fail(400, f"{message} {address_id}.")


def _check_lines(
    req: Request, order_id: int, address_id: int, items: Mapping[int, int]
) -> dict[int, Row]:
    """The shipped lines by id; a 400 for a line not the order's, or shipped beyond its rest."""
    by_id = {line["id"]: line for line in req.store.lines_of(order_id)}
    for line_id, quantity in items.items():
        line = by_id.get(line_id)
        if line is None:
            raise req.fail(
                400, f"The field 'items' is invalid: order {order_id} has no product {line_id}."
            )
        if line["order_address_id"] != address_id:
            raise req.fail(
                400,
                f"The field 'items' is invalid: order product {line_id} ships to address "
                f"{line['order_address_id']}, not {address_id}.",
            )
        left = int(line["quantity"]) - int(line["quantity_shipped"])
        if quantity > left:
            raise req.fail(
                400,
                f"The quantity of order product {line_id} to ship ({quantity}) is more than "
                f"the quantity left to ship ({left}).",
            )
    return {line_id: by_id[line_id] for line_id in items}


def _new_shipment(
    req: Request,
    order: Row,
    address: Row,
    body: Row,
    items: Mapping[int, int],
    lines: Mapping[int, Row],
) -> Row:
    store = req.store
    provider = str(body.get("shipping_provider", ""))
    carrier = str(body.get("tracking_carrier", ""))
    return {
        "id": store.next_id("shipment"),
        "order_id": order["id"],
        "customer_id": order["customer_id"],
        "order_address_id": address["id"],
        "date_created": store.now(),
        "tracking_number": str(body.get("tracking_number", "")),
        "merchant_shipping_cost": body.get("merchant_shipping_cost", Decimal("0")),
        "shipping_method": str(body.get("shipping_method", "")),
        "shipping_provider": provider,
        "tracking_carrier": carrier,
        "tracking_link": str(body.get("tracking_link", "")),
        "comments": str(body.get("comments", "")),
        "billing_address": _postal(order["billing_address"]),
        "shipping_address": _postal(address),
        "items": [
            {
                "order_product_id": line_id,
                "product_id": lines[line_id]["product_id"],
                "quantity": quantity,
            }
            for line_id, quantity in items.items()
        ],
        "shipping_provider_display_name": _PROVIDER_NAMES.get(provider, provider),
        "generated_tracking_link": _tracking_link(body, provider, carrier),
    }


def _postal(address: Mapping[str, Any]) -> Row:
    return {name: address.get(name, "") for name in POSTAL_FIELDS}


def _tracking_link(body: Mapping[str, Any], provider: str, carrier: str) -> str:
    # A custom link wins and the generated one stays empty, as the spec says.
    number = str(body.get("tracking_number", ""))
    if body.get("tracking_link") or not number or not (provider or carrier):
        return ""
    return f"https://track.aftership.com/{quote(carrier or provider)}/{quote(number)}"


def _ship(
    all_lines: list[Row],
    lines: Mapping[int, Row],
    items: Mapping[int, int],
    address: Row,
    order: Row,
) -> int:
    """Count the quantities shipped; the order's status once they are (caller holds the lock)."""
    total = sum(items.values())
    for line_id, quantity in items.items():
        lines[line_id]["quantity_shipped"] = int(lines[line_id]["quantity_shipped"]) + quantity
    address["items_shipped"] = int(address.get("items_shipped") or 0) + total
    order["items_shipped"] = int(order.get("items_shipped") or 0) + total
    whole = all(int(line["quantity_shipped"]) >= int(line["quantity"]) for line in all_lines)
    return SHIPPED if whole else PARTIALLY_SHIPPED


# -- update and delete ----------------------------------------------------------------------


def update_shipment(req: Request) -> Response:
    """``PUT /orders/{id}/shipments/{shipment id}``: tracking, carrier, method, comments."""
    body = _checked_body(req, _PUT_FIELDS)
    store = req.store
    with store.lock:
        shipment = _shipment_or_404(req)
        if "order_address_id" in body:
            address_id = _required_int(req, body, "order_address_id")
            if address_id != shipment["order_address_id"]:
                # The lines ship to one address: moving the parcel elsewhere is refused.
                _address(req, shipment["order_id"], address_id)
                raise req.fail(
                    400, "The field 'order_address_id' cannot change: its items ship there."
                )
        shipment.update({k: v for k, v in body.items() if k != "order_address_id"})
        provider, carrier = shipment["shipping_provider"], shipment["tracking_carrier"]
        shipment["shipping_provider_display_name"] = _PROVIDER_NAMES.get(provider, provider)
        shipment["generated_tracking_link"] = _tracking_link(shipment, provider, carrier)
        answer = to_v2(shipment)
    updated = {"type": "shipment", "id": shipment["id"], "orderId": shipment["order_id"]}
    store.emit("store/shipment/updated", updated)
    return Response(200, answer)


def delete_shipment(req: Request) -> Response:
    """``DELETE /orders/{id}/shipments/{shipment id}``: 204; the order's status stays."""
    store = req.store
    with store.lock:
        shipment = _shipment_or_404(req)
        _unship(req, shipment)
    deleted = {"type": "shipment", "id": shipment["id"], "orderId": shipment["order_id"]}
    store.emit("store/shipment/deleted", deleted)
    return Response(204)


def delete_all_shipments(req: Request) -> Response:
    """``DELETE /orders/{id}/shipments``: every shipment of the order, 204."""
    store = req.store
    with store.lock:
        order = _order_or_404(req)
        gone = _shipments_of(req, order["id"])
        for shipment in gone:
            _unship(req, shipment)
    for shipment in gone:
        deleted = {"type": "shipment", "id": shipment["id"], "orderId": order["id"]}
        store.emit("store/shipment/deleted", deleted)
    return Response(204)


def _unship(req: Request, shipment: Row) -> None:
    """Drop a shipment and give its quantities back (caller holds the lock)."""
    store = req.store
    del store.shipments[shipment["id"]]
    order = store.orders[shipment["order_id"]]
    lines = {line["id"]: line for line in store.lines_of(order["id"])}
    total = 0
    for item in shipment["items"]:
        line = lines.get(item["order_product_id"])
        if line is not None:
            line["quantity_shipped"] = max(0, int(line["quantity_shipped"]) - item["quantity"])
        total += item["quantity"]
    for address in store.addresses_of(order["id"]):
        if address["id"] == shipment["order_address_id"]:
            address["items_shipped"] = max(0, int(address.get("items_shipped") or 0) - total)
    order["items_shipped"] = max(0, int(order.get("items_shipped") or 0) - total)
    order["date_modified"] = store.now()
