"""The sandbox store's state: the inspection handle tests read and mutate.

State is kept in "wire-ish" dicts (field names as the API sends them) with aware UTC
datetimes and ``Decimal`` money; the route modules format them per API version. One
re-entrant lock guards everything: request threads and tests take it around each change.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from operator import itemgetter
from typing import Any

import attrs

from bigcommerce_connect.sandbox import order_edits
from bigcommerce_connect.sandbox.indexes import IndexedTable
from bigcommerce_connect.sandbox.order_factory import OrderPlan, build_order, materialize_order
from bigcommerce_connect.sandbox.rows import Row
from bigcommerce_connect.sandbox.statuses import STATUS_LABELS

EventSink = Callable[[str, dict[str, Any]], None]


def _sku_key(variant: Row) -> Any:
    return str(variant["sku"]) if variant.get("sku") else None


def utc_now() -> datetime:
    """The default clock: the real current time in UTC."""
    return datetime.now(timezone.utc)


@attrs.define
class DeliveryRecord:
    """One webhook delivery attempt, as recorded for tests."""

    hook_id: int
    scope: str
    destination: str
    payload: dict[str, Any]
    status: int | None
    error: str | None = None


class PerOrder(dict[int, list[dict[str, Any]]]):
    """Order id -> records, built on first access from the order's seed plan.

    Indexing, ``get`` and ``in`` see every order; iteration and ``len`` only see the orders
    built so far (use ``store.orders`` to enumerate).
    """

    def __init__(self, materialize: Callable[[int], bool]) -> None:
        super().__init__()
        self._materialize = materialize

    def __missing__(self, order_id: int) -> list[dict[str, Any]]:
        if self._materialize(order_id):
            return dict.__getitem__(self, order_id)
        raise KeyError(order_id)

    def get(self, order_id: int, default: Any = None) -> Any:
        """Like ``dict.get``, building the order's records if needed."""
        try:
            return self[order_id]
        except KeyError:
            return default

    def __contains__(self, order_id: object) -> bool:
        return dict.__contains__(self, order_id) or (
            isinstance(order_id, int) and self.get(order_id) is not None
        )


class SandboxStore:
    """State of the sandbox store, safe to read and change from tests while it serves.

    Take :meth:`locked` around multi-step reads or writes. Collections are plain dicts keyed
    by id: ``orders``, ``order_products`` (order id -> lines), ``shipping_addresses`` (order
    id -> addresses), ``customers``, ``customer_groups``, ``products``, ``variants``,
    ``custom_fields``, ``categories``, ``category_trees``, ``price_lists``,
    ``price_list_records`` (``(price_list_id, variant_id, currency)`` -> record),
    ``price_list_assignments``, ``webhooks``, ``shipments`` (shipment id -> shipment, see
    :mod:`.routes.shipments`) and ``inventory`` (``(variant_id, location_id)`` -> quantity).
    ``delivered_webhooks`` lists webhook deliveries. ``orders``, ``products`` and
    ``variants`` are :class:`~bigcommerce_connect.sandbox.indexes.IndexedTable` dicts.
    """

    def __init__(
        self,
        *,
        store_hash: str,
        store_id: str,
        seed: int = 1,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self.lock = threading.RLock()
        self.store_hash = store_hash
        self.store_id = store_id
        self.seed = seed
        self.clock = clock
        self.status_labels: dict[int, str] = dict(STATUS_LABELS)
        #: Orders indexed by ``(status_id, is_deleted)`` as sorted ids (keyset list pages).
        self.orders = IndexedTable(
            ("status_id", "is_deleted"),
            {"status": itemgetter("status_id", "is_deleted")},
            ordered="status",
        )
        #: Orders whose lines and addresses are not built yet (see ``materialize_order``).
        self.order_plans: dict[int, OrderPlan] = {}
        self.order_products = PerOrder(self._materialize)
        self.shipping_addresses = PerOrder(self._materialize)
        self.customers: dict[int, Row] = {}
        self.customer_groups: dict[int, Row] = {}
        #: Products indexed by name and variants by SKU (uniqueness checks without a scan).
        self.products = IndexedTable(("name",), {"name": itemgetter("name")})
        self.variants = IndexedTable(
            ("sku", "product_id"), {"sku": _sku_key, "product": itemgetter("product_id")}
        )
        self.custom_fields: dict[int, Row] = {}
        self.categories: dict[int, Row] = {}
        self.category_trees: dict[int, Row] = {}
        self.price_lists: dict[int, Row] = {}
        self.price_list_records: dict[tuple[int, int, str], dict[str, Any]] = {}
        self.price_list_assignments: dict[int, Row] = {}
        self.webhooks: dict[int, Row] = {}
        self.shipments: dict[int, Row] = {}
        #: Refunds by id, in the v3 ``Refund`` shape (see :mod:`.order_edits`).
        self.refunds: dict[int, Row] = {}
        self.inventory: dict[tuple[int, int], int] = {}
        self.locations: dict[int, str] = {1: "Default location"}
        self.delivered_webhooks: list[DeliveryRecord] = []
        self._delivery_cond = threading.Condition(self.lock)
        self._last_ids: dict[str, int] = {}
        self._sinks: list[EventSink] = []

    # -- infrastructure -------------------------------------------------------------------

    @contextmanager
    def locked(self) -> Iterator[SandboxStore]:
        """Hold the store lock for a consistent multi-step read or write."""
        with self.lock:
            yield self

    def now(self) -> datetime:
        """The store clock's current time (aware UTC, whole seconds like the real API)."""
        return self.clock().astimezone(timezone.utc).replace(microsecond=0)

    def next_id(self, kind: str) -> int:
        """Allocate the next id of a kind (``order``, ``customer``, ``product``...)."""
        return self.reserve_block(kind, 1)

    def reserve_block(self, kind: str, count: int) -> int:
        """Allocate ``count`` consecutive ids of a kind; return the first."""
        with self.lock:
            first = self._last_ids.get(kind, 0) + 1
            self._last_ids[kind] = first + count - 1
            return first

    def reserve_ids(self, kind: str, last: int) -> None:
        """Make the next id of ``kind`` greater than ``last`` (used after seeding)."""
        with self.lock:
            self._last_ids[kind] = last

    def subscribe(self, sink: EventSink) -> None:
        """Call ``sink(scope, data)`` for every store event (webhook delivery hooks in here)."""
        self._sinks.append(sink)

    def emit(self, scope: str, data: dict[str, Any]) -> None:
        """Publish a store event such as ``store/order/created`` to the subscribers."""
        for sink in list(self._sinks):
            sink(scope, data)

    def record_delivery(self, record: DeliveryRecord) -> None:
        """Remember a webhook delivery and wake tests waiting for it."""
        with self._delivery_cond:
            self.delivered_webhooks.append(record)
            self._delivery_cond.notify_all()

    def wait_for_deliveries(self, count: int, timeout: float = 5.0) -> list[DeliveryRecord]:
        """Block until at least ``count`` deliveries are recorded (or the timeout passes)."""
        with self._delivery_cond:
            self._delivery_cond.wait_for(lambda: len(self.delivered_webhooks) >= count, timeout)
            return list(self.delivered_webhooks)

    # -- orders ---------------------------------------------------------------------------

    def _materialize(self, order_id: int) -> bool:
        """Build a planned order's lines and addresses; ``False`` if there is no plan."""
        with self.lock:
            plan = self.order_plans.pop(order_id, None)
            if plan is None:
                return False
            lines, addresses = materialize_order(self, order_id, plan)
            dict.__setitem__(self.order_products, order_id, lines)
            dict.__setitem__(self.shipping_addresses, order_id, addresses)
            return True

    def lines_of(self, order_id: int) -> list[dict[str, Any]]:
        """An order's line items (built on first access), ``[]`` for an unknown order."""
        return self.order_products.get(order_id) or []

    def addresses_of(self, order_id: int) -> list[dict[str, Any]]:
        """An order's shipping addresses (built on first access)."""
        return self.shipping_addresses.get(order_id) or []

    def touch_order(self, order_id: int, when: datetime | None = None) -> None:
        """Bump an order's ``date_modified`` (to the clock's now by default)."""
        with self.lock:
            self.orders[order_id]["date_modified"] = when or self.now()

    def set_order_status(self, order_id: int, status_id: int) -> None:
        """Change an order's status like the API does: bump the date and fire the webhook."""
        if status_id not in STATUS_LABELS:
            raise ValueError(f"unknown status id {status_id}")
        with self.lock:
            order = self.orders[order_id]
            previous = order["status_id"]
            order["status_id"] = status_id
            order["date_modified"] = self.now()
        self.emit(
            "store/order/statusUpdated",
            {
                "type": "order",
                "id": order_id,
                "status": {"previous_status_id": previous, "new_status_id": status_id},
            },
        )

    # -- after checkout: what a merchant or another app does (see order_edits) ---------------

    def cancel_order(self, order_id: int, status_id: int = 5) -> None:
        """Cancel an order (or decline it: 6, dispute it: 13): statusUpdated, then updated."""
        order_edits.move_status(self, order_id, status_id)

    def refund_order(
        self,
        order_id: int,
        lines: dict[int, int] | None = None,
        *,
        amount: Decimal | None = None,
        reason: str = "",
    ) -> int:
        """Refund line quantities (``{line id: quantity}``), else ``amount``, else what is left.

        Fires ``store/order/refund/created`` (and statusUpdated as the status moves to
        Partially Refunded or Refunded); returns the refund id.
        """
        if lines:
            items = [
                {"item_type": "PRODUCT", "item_id": line_id, "quantity": quantity}
                for line_id, quantity in lines.items()
            ]
        else:
            with self.lock:
                order = self.orders[order_id]
                left = order["total_inc_tax"] - order["refunded_amount"]
            items = [{"item_type": "ORDER", "item_id": order_id, "amount": amount or left}]
        refund = order_edits.create_refund(self, order_id, items, reason=reason)
        return int(refund["id"])

    def edit_order_address(
        self,
        order_id: int,
        *,
        billing: dict[str, Any] | None = None,
        shipping: dict[str, Any] | None = None,
    ) -> None:
        """Change the billing and/or the first shipping address; fires store/order/updated."""
        order_edits.edit_address(self, order_id, billing=billing, shipping=shipping)

    def edit_order_line(self, order_id: int, line_id: int, quantity: int) -> None:
        """Change a line's quantity; fires store/order/updated."""
        order_edits.edit_line(self, order_id, line_id, quantity)

    def rename_status(self, status_id: int, label: str) -> None:
        """Give a status a merchant label (``custom_label`` / ``custom_status``)."""
        with self.lock:
            if status_id not in STATUS_LABELS:
                raise ValueError(f"unknown status id {status_id}")
            self.status_labels[status_id] = label

    def add_order(
        self,
        *,
        customer_id: int | None = None,
        status_id: int = 11,
        line_count: int = 2,
        when: datetime | None = None,
    ) -> int:
        """Create an order like a shopper's checkout would, fire ``store/order/created``.

        ``customer_id`` ``None`` picks a seeded customer, ``0`` makes a guest order.
        """
        with self.lock:
            order_id = self.next_id("order")
            stamp = when or self.now()
            order = build_order(self, order_id, stamp, status_id, customer_id, line_count)
            order["date_modified"] = stamp  # a new order was modified when it was created
        self.emit("store/order/created", {"type": "order", "id": order_id})
        return order_id

    # -- catalog and inventory ------------------------------------------------------------

    def variant_by_sku(self, sku: str) -> dict[str, Any] | None:
        """The variant with this SKU (variant SKUs include base variants), if any."""
        with self.lock:
            # The variants table indexes SKUs on every change (no scan per lookup).
            found = self.variants.ids_with("sku", sku) if sku else []
            return self.variants[found[-1]] if found else None

    def product_named(self, name: str, own_id: int | None = None) -> bool:
        """Whether a product other than ``own_id`` has this name (indexed, no scan)."""
        with self.lock:
            return any(pid != own_id for pid in self.products.ids_with("name", name))

    def inventory_of(self, sku: str, location_id: int = 1) -> int | None:
        """Stock of a SKU at a location (default location 1), or ``None`` for an unknown SKU."""
        with self.lock:
            variant = self.variant_by_sku(sku)
            if variant is None:
                return None
            return self.inventory.get((variant["id"], location_id), 0)

    def product_inventory(self, product_id: int, location_id: int = 1) -> int:
        """A product's stock: the sum of its variants' stock at the location."""
        with self.lock:
            return sum(
                self.inventory.get((v["id"], location_id), 0) for v in self.variants_of(product_id)
            )

    def variants_of(self, product_id: int) -> list[Row]:
        """A product's variants (base variant included) in table order, from the index."""
        with self.lock:
            table = self.variants
            if table.loose:  # rows put in by tests: keep the table's order exactly
                return [v for v in table.values() if v["product_id"] == product_id]
            return [dict.__getitem__(table, vid) for vid in table.ids_with("product", product_id)]

    def set_inventory(self, variant_id: int, quantity: int, location_id: int = 1) -> None:
        """Set a variant's absolute stock and fire the matching inventory webhook."""
        with self.lock:
            variant = self.variants[variant_id]
            product = self.products[variant["product_id"]]
            self.inventory[(variant_id, location_id)] = quantity
            product["date_modified"] = self.now()
            by_variant = product["inventory_tracking"] == "variant"
        if by_variant:
            # SKU events carry the legacy sku_id as data.id (see the reference, section 9).
            self.emit(
                "store/sku/inventory/updated",
                {
                    "type": "sku",
                    "id": variant["sku_id"] or variant_id,
                    "inventory": {
                        "product_id": product["id"],
                        "variant_id": variant_id,
                        "method": "absolute",
                        "value": quantity,
                    },
                },
            )
        else:
            self.emit(
                "store/product/inventory/updated",
                {
                    "type": "product",
                    "id": product["id"],
                    "inventory": {
                        "product_id": product["id"],
                        "method": "absolute",
                        "value": quantity,
                    },
                },
            )

    def money(self, value: str | int | float) -> Decimal:
        """Helper for tests: a ``Decimal`` from a literal."""
        return Decimal(str(value))

    def shift_clock(self, delta: timedelta) -> None:
        """Move the store clock by ``delta`` (replaces the clock with a shifted one)."""
        base = self.clock

        def shifted() -> datetime:
            return base() + delta

        self.clock = shifted
