"""The checks an order passes on its way into the ERP: its lines, items, rounding and credit.

* Line count: the order's lines must add up to the store's ``items_total``, or the order is
  quarantined (``order.lines.incomplete``) and not moved, so it imports once the store serves
  all of its lines.
* Items: each catalog line's SKU finds an ERP item (several: the first, with an election
  notice; none: a warning, or quarantine by policy), and a warning when stock runs short.
* Rounding: lines, shipping and handling less discounts against the order's total.
* Credit: the order's total against what its ERP customer may still buy on credit.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import attrs

from bigcommerce_connect.errors import BigCommerceError
from bigcommerce_connect.models import Order, OrderProduct
from bigcommerce_connect.notifications import NotificationKind
from bigcommerce_connect.ports import ItemRef
from bigcommerce_connect.records import ErpOrderLine, ErpSalesOrder
from bigcommerce_connect.sync.context import SyncContext
from bigcommerce_connect.sync.options import MissingItemPolicy
from bigcommerce_connect.sync.order_queue import ORDER

__all__ = ["OrderChecks", "OrderImportError", "check_line_count", "is_bundled", "too_deep"]


class OrderImportError(BigCommerceError):
    """An order cannot be imported as it is (an item is missing, say); it is quarantined."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


def too_deep(order_id: object) -> OrderImportError:
    """The error of an order that lost a value nested too deep on the wire."""
    return OrderImportError(
        "json_depth",
        f"order {order_id}: the store sent a value nested too deep to read; it was not imported",
    )


def check_line_count(order: Order) -> None:
    """Raise unless the order's lines hold as many items as the store counts.

    ``items_total`` counts the quantities of the order's lines, except lines bundled into a
    pick-list parent (the parent counts for them). A page of lines cut short would otherwise
    become a short ERP order, and be moved.
    """
    if order.items_total is None:
        return
    counted = sum(line.quantity or 0 for line in order.products if not is_bundled(line))
    if counted != order.items_total:
        raise OrderImportError(
            "order.lines.incomplete",
            f"order {order.id}: its {len(order.products)} lines hold {counted} items but the "
            f"store counts {order.items_total}; not imported until they match",
        )


def is_bundled(line: OrderProduct) -> bool:
    """Whether a line is bundled into a pick-list parent (the parent counts for it)."""
    return bool(line.is_bundled_product or line.parent_order_product_id)


class OrderChecks:
    """The checks of one run that need the ERP or the run's options; they warn or raise."""

    def __init__(self, context: SyncContext) -> None:
        self.ctx = context

    def resolve_item(self, order: Order, line: ErpOrderLine) -> ErpOrderLine:
        """The line with its ERP item, found by SKU; warns on several, missing, short stock.

        Raises :class:`OrderImportError` for a missing item when the policy quarantines.
        """
        if line.is_custom or not line.item_code:
            return line  # custom (non-catalog) lines have no ERP item to find
        refs = list(self.ctx.ports.items.find_by_sku(line.item_code))
        if not refs:
            return self._missing_item(order, line)
        chosen = refs[0]
        if len(refs) > 1:
            self._tell(
                order.id,
                NotificationKind.ELECTION,
                "item.sku.several",
                f"order {order.id}: {len(refs)} ERP items have SKU {line.item_code}; "
                f"chose {chosen.local_id}",
                details={"candidates": [ref.local_id for ref in refs]},
            )
        self._check_stock(order, line, chosen)
        return attrs.evolve(line, item_id=chosen.local_id)

    def check_rounding(self, order: Order, record: ErpSalesOrder) -> None:
        """Warn when the lines add up to a total that differs by up to the tolerance."""
        totals = [line.line_total_inc_tax for line in record.lines if not line.is_bundled_product]
        if record.total is None or any(total is None for total in totals):
            return
        parts = [*totals, record.shipping_inc_tax, record.handling]
        expected = sum((p for p in parts if p is not None), Decimal(0))
        expected -= (record.discount or 0) + (record.coupon_discount or 0)
        difference = abs(expected - record.total)
        if Decimal(0) < difference <= self.ctx.options.rounding_tolerance:
            self._tell(
                order.id,
                NotificationKind.WARNING,
                "order.rounding",
                f"order {order.id}: lines add up to {expected}, the total is {record.total}",
            )

    def check_credit(self, order: Order, customer_id: str | None, record: ErpSalesOrder) -> None:
        """Warn when the order's total exceeds its ERP customer's credit left."""
        limits = self.ctx.ports.credit_limits
        if limits is None or customer_id is None or record.total is None:
            return
        available = limits.available_credit(customer_id)
        if available is not None and record.total > available:
            self._tell(
                order.id,
                NotificationKind.WARNING,
                "customer.credit.exceeded",
                f"order {order.id}: {record.total} exceeds the {available} credit left to "
                f"customer {customer_id}",
            )

    def _check_stock(self, order: Order, line: ErpOrderLine, item: ItemRef) -> None:
        if item.available is None or line.quantity is None or line.quantity <= item.available:
            return
        self._tell(
            order.id,
            NotificationKind.WARNING,
            "item.stock.short",
            f"order {order.id}: {line.quantity} of {line.item_code} ordered, "
            f"{item.available} in stock",
        )

    def _missing_item(self, order: Order, line: ErpOrderLine) -> ErpOrderLine:
        message = f"order {order.id}: no ERP item has SKU {line.item_code}"
        if self.ctx.options.missing_item_policy is MissingItemPolicy.QUARANTINE:
            raise OrderImportError("item.sku.missing", message)
        self._tell(order.id, NotificationKind.WARNING, "item.sku.missing", message)
        return line

    def _tell(
        self, order_id: int, kind: NotificationKind, code: str, message: str, **extra: Any
    ) -> None:
        """A notification about one store order."""
        self.ctx.notify(kind, code, message, entity=ORDER, external_id=str(order_id), **extra)
