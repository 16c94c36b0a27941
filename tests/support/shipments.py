"""Shipment tests' helpers: fresh store orders, the store's shipments, an exporter rig."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timezone
from typing import Any

import attrs

from bigcommerce_connect import BigCommerceClient
from bigcommerce_connect.adapters.memory import FixedClock, MemoryErp
from bigcommerce_connect.export.shipments import ShipmentExporter, ShipmentOptions
from bigcommerce_connect.sandbox import Sandbox
from bigcommerce_connect.shipments import ErpShipment, ErpShipmentLine

T0 = datetime(2026, 3, 1, 9, 0, tzinfo=timezone.utc)
AWAITING_FULFILLMENT = 11
SHIPPED = 2
PARTIALLY_SHIPPED = 3
COMPLETED = 10


@attrs.frozen
class StoreOrder:
    """A fresh store order: its id, its shipping address and its lines (copies)."""

    id: int
    address_id: int
    lines: list[dict[str, Any]]


def new_order(sb: Sandbox, lines: int = 2) -> StoreOrder:
    """An order waiting for fulfilment, as a shopper's checkout makes it."""
    order_id = sb.store.add_order(line_count=lines, status_id=AWAITING_FULFILLMENT)
    with sb.store.locked() as store:
        address = store.addresses_of(order_id)[0]["id"]
        return StoreOrder(order_id, address, [dict(line) for line in store.lines_of(order_id)])


def whole(order: StoreOrder, local_id: str, **extra: Any) -> ErpShipment:
    """An ERP shipment of every line of ``order``, whole, by line id."""
    lines = [
        ErpShipmentLine(order_product_id=line["id"], quantity=line["quantity"])
        for line in order.lines
    ]
    fields: dict[str, Any] = {
        "store_order_id": order.id,
        "lines": lines,
        "order_address_id": order.address_id,
        "tracking_number": f"TRK-{local_id}",
        "shipping_provider": "ups",
        "shipped_at": T0,
    }
    fields.update(extra)
    return ErpShipment(local_id=local_id, **fields)


def store_shipments(sb: Sandbox, order_id: int) -> list[dict[str, Any]]:
    """The store's shipments of an order (copies)."""
    with sb.store.locked() as store:
        return [dict(s) for s in store.shipments.values() if s["order_id"] == order_id]


def status_of(sb: Sandbox, order_id: int) -> int:
    with sb.store.locked() as store:
        return int(store.orders[order_id]["status_id"])


def posts(sb: Sandbox) -> int:
    """Shipment POSTs the store received (answered or not)."""
    return sum(
        1 for r in sb.requests.records() if r.method == "POST" and "/shipments" in r.api_path
    )


def writes(sb: Sandbox) -> int:
    """Requests that could change the store (everything but GET)."""
    return sum(1 for r in sb.requests.records() if r.method != "GET")


def client_for(sb: Sandbox) -> BigCommerceClient:
    return BigCommerceClient(
        sb.api_path, sb.access_token, allow_insecure_host=True, sleep=lambda _s: None, timeout=5.0
    )


@attrs.define
class ShipRig:
    """One store, one ERP, one client; ``exporter`` builds a shipment exporter over them."""

    sb: Sandbox
    erp: Any  # MemoryErp or SqliteErp
    client: BigCommerceClient
    clock: FixedClock

    def exporter(self, **options: Any) -> ShipmentExporter:
        return ShipmentExporter.from_erp(
            self.client,
            self.erp,
            clock=self.clock,
            options=ShipmentOptions(**options),
            recipient="pat",
        )

    def put(self, *shipments: ErpShipment) -> None:
        for shipment in shipments:
            self.erp.shipment_source.put(shipment)

    def bound(self) -> dict[str, str]:
        """ERP shipment -> store shipment id, for every listed shipment that is bound."""
        found = {}
        for shipment in self.erp.shipment_source.shipments():
            binding = self.erp.bindings.get_by_local("shipment", shipment.local_id)
            if binding is not None:
                found[shipment.local_id] = binding.external_id
        return found


MakeRig = Callable[..., ShipRig]


def make_rig(sb: Sandbox, erp: Any = None) -> ShipRig:
    """A rig over ``sb`` (a fresh memory ERP unless one is given: a rerun's same storage)."""
    return ShipRig(sb, erp if erp is not None else MemoryErp(), client_for(sb), FixedClock(T0))
