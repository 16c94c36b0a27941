"""What a merchant (or another app) does to an order after checkout: refunds and edits.

Each change bumps the order's ``date_modified`` and fires the webhooks the real store fires:
a refund ``store/order/refund/created`` (and, as its status moves to Refunded or Partially
Refunded, ``store/order/statusUpdated``), an edit or a status change
``store/order/updated``. Refunds are kept per id in ``store.refunds`` in the shape of the v3
``Refund`` (``orders.v3.yml``), money as ``Decimal``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any, Protocol

from bigcommerce_connect.sandbox.rows import POSTAL_FIELDS, ZERO, Row

__all__ = ["RefundError", "create_refund", "edit_address", "edit_line", "move_status"]

#: Order statuses a refund leaves an order in.
REFUNDED = 4
PARTIALLY_REFUNDED = 14
_ADDRESS_FIELDS = frozenset(POSTAL_FIELDS)


class RefundError(ValueError):
    """A refund the store refuses (422): nothing left to refund, an unknown line ..."""


class EditableStore(Protocol):
    """What the edits need of the sandbox store."""

    orders: Any
    refunds: dict[int, Row]
    lock: Any

    def now(self) -> datetime:
        """The store clock."""
        ...

    def next_id(self, kind: str) -> int:
        """Allocate an id."""
        ...

    def lines_of(self, order_id: int) -> list[Row]:
        """An order's lines."""
        ...

    def addresses_of(self, order_id: int) -> list[Row]:
        """An order's shipping addresses."""
        ...

    def set_order_status(self, order_id: int, status_id: int) -> None:
        """Change the status (fires statusUpdated)."""
        ...

    def emit(self, scope: str, data: dict[str, Any]) -> None:
        """Fire a store event."""
        ...


def move_status(store: EditableStore, order_id: int, status_id: int) -> None:
    """Move an order's status as the control panel does: statusUpdated, then updated."""
    store.set_order_status(order_id, status_id)
    store.emit("store/order/updated", {"type": "order", "id": order_id})


def create_refund(
    store: EditableStore,
    order_id: int,
    items: Sequence[Mapping[str, Any]],
    *,
    payments: Sequence[Mapping[str, Any]] | None = None,
    reason: str = "",
) -> Row:
    """Refund ``items`` (the v3 body's items) of an order; return the refund row.

    PRODUCT items refund ``quantity`` of a line at its price with tax; other item types
    refund their ``amount``. ``payments`` given must add up to the refund's total. Raises
    :class:`RefundError` (a 422) for what the store refuses.
    """
    with store.lock:
        order = store.orders.get(order_id)
        if order is None:
            raise KeyError(order_id)
        lines = {line["id"]: line for line in store.lines_of(order_id)}
        refunded_items, total = _refund_items(items, lines)
        left = order["total_inc_tax"] - order["refunded_amount"]
        if total <= ZERO or total > left:
            raise RefundError(f"the refund total {total} is not within what is left ({left})")
        _check_payments(payments, total)
        refund = _refund_row(store, order_id, refunded_items, total, payments, reason)
        _apply_to_lines(refunded_items, lines)
        order["refunded_amount"] += total
        full = order["refunded_amount"] >= order["total_inc_tax"]
        order["payment_status"] = "refunded" if full else "partially refunded"
        order["date_modified"] = store.now()
        status = REFUNDED if full else PARTIALLY_REFUNDED
        moved = order["status_id"] != status
    if moved:
        store.set_order_status(order_id, status)
    store.emit(
        "store/order/refund/created",
        {"type": "order", "id": order_id, "refund": {"refund_id": refund["id"]}},
    )
    store.emit("store/order/updated", {"type": "order", "id": order_id})
    return refund


def edit_address(
    store: EditableStore,
    order_id: int,
    *,
    billing: Mapping[str, Any] | None = None,
    shipping: Mapping[str, Any] | None = None,
) -> None:
    """Change address fields (the billing address, the first shipping address)."""
    for fields in (billing, shipping):
        unknown = set(fields or {}) - _ADDRESS_FIELDS
        if unknown:
            raise ValueError(f"not address fields: {sorted(unknown)}")
    with store.lock:
        order = store.orders[order_id]
        if billing:
            order["billing_address"] = {**order["billing_address"], **billing}
        if shipping:
            address = store.addresses_of(order_id)[0]
            address.update(shipping)
        order["date_modified"] = store.now()
    store.emit("store/order/updated", {"type": "order", "id": order_id})


def edit_line(store: EditableStore, order_id: int, line_id: int, quantity: int) -> None:
    """Change one line's quantity (its totals and the order's follow)."""
    if quantity < 1:
        raise ValueError("a line keeps at least one item")
    with store.lock:
        order = store.orders[order_id]
        line = next(line for line in store.lines_of(order_id) if line["id"] == line_id)
        delta = quantity - line["quantity"]
        difference = delta * line["price_inc_tax"]
        line["quantity"] = quantity
        for name in ("base_total", "total_ex_tax", "total_inc_tax"):
            line[name] = line["price_inc_tax"] * quantity
        order["items_total"] += delta
        for name in ("subtotal_ex_tax", "subtotal_inc_tax", "total_ex_tax", "total_inc_tax"):
            order[name] += difference
        order["date_modified"] = store.now()
    store.emit("store/order/updated", {"type": "order", "id": order_id})


def _refund_items(
    items: Sequence[Mapping[str, Any]], lines: Mapping[int, Row]
) -> tuple[list[Row], Decimal]:
    refunded: list[Row] = []
    total = ZERO
    for item in items:
        kind = item.get("item_type")
        if kind in ("PRODUCT", "GIFT_WRAPPING"):
            item_id = item.get("item_id")
            line = lines.get(item_id) if isinstance(item_id, int) else None
            quantity = item.get("quantity")
            if line is None or not isinstance(quantity, int) or quantity < 1:
                raise RefundError(f"item {item.get('item_id')} is not a line of the order")
            if quantity > line["quantity"] - line["quantity_refunded"]:
                raise RefundError(f"line {line['id']} has fewer items left to refund")
            amount = line["price_inc_tax"] * quantity
        elif kind in ("ORDER", "SHIPPING", "HANDLING", "FEE", "TAX"):
            quantity = None
            amount = Decimal(str(item.get("amount")))
        else:
            raise RefundError(f"unknown item_type {kind!r}")
        entry: Row = {"item_type": kind, "item_id": item.get("item_id")}
        if quantity is not None:  # the spec's quantity is for PRODUCT (and wrapping) only
            entry["quantity"] = quantity
        entry.update(requested_amount=amount, reason=str(item.get("reason") or ""))
        refunded.append(entry)
        total += amount
    return refunded, total


def _check_payments(payments: Sequence[Mapping[str, Any]] | None, total: Decimal) -> None:
    if payments is None:
        return
    paid = sum((Decimal(str(p.get("amount"))) for p in payments), ZERO)
    if paid != total:
        raise RefundError(f"the payments ({paid}) do not add up to the refund ({total})")


def _refund_row(
    store: EditableStore,
    order_id: int,
    items: list[Row],
    total: Decimal,
    payments: Sequence[Mapping[str, Any]] | None,
    reason: str,
) -> Row:
    given = payments or [{"provider_id": "storecredit", "amount": total, "offline": False}]
    refund_id = store.next_id("refund")
    refund: Row = {
        "id": refund_id,
        "order_id": order_id,
        "user_id": 0,
        "created": store.now(),
        "reason": reason,
        "total_amount": total,
        "total_tax": ZERO,
        "uses_merchant_override_values": False,
        "items": items,
        "payments": [
            {
                "id": store.next_id("refund_payment"),
                "provider_id": str(p.get("provider_id") or "storecredit"),
                "amount": Decimal(str(p.get("amount"))),
                "offline": bool(p.get("offline", False)),
                "is_declined": False,
                "declined_message": "",
                "transaction_id": f"{refund_id:06d}",
            }
            for p in given
        ],
    }
    store.refunds[refund_id] = refund
    return refund


def _apply_to_lines(items: list[Row], lines: Mapping[int, Row]) -> None:
    for item in items:
        if item["item_type"] != "PRODUCT":
            continue
        line = lines[item["item_id"]]
        line["quantity_refunded"] += item["quantity"]
        line["refund_amount"] += item["requested_amount"]
        line["is_refunded"] = line["quantity_refunded"] >= line["quantity"]
