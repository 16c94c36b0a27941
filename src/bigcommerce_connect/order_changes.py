"""What the store changed on an order the ERP already imported: typed change records.

The changes stream (:mod:`bigcommerce_connect.sync.changes`) hands one :class:`OrderChange`
per store-side change to the host's :class:`~bigcommerce_connect.ports.OrderChanges` port,
exactly once: cancelled, declined, refunded (in full or in part), disputed, an address or the
lines edited. Values are the store's, typed: addresses and lines as the wire models, refunds
as :class:`~bigcommerce_connect.models.Refund` with ``Decimal`` money.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal
from typing import Final

import attrs

from bigcommerce_connect.models import BillingAddress, OrderProduct, Refund, ShippingAddress
from bigcommerce_connect.status import OrderStatus

__all__ = ["STATUS_KINDS", "OrderChange", "OrderChangeKind"]


class OrderChangeKind(str, enum.Enum):
    """What changed. A ``str`` enum: hosts may store and compare the plain text."""

    CANCELLED = "cancelled"
    DECLINED = "declined"
    REFUNDED = "refunded"
    PARTIALLY_REFUNDED = "partially_refunded"
    DISPUTED = "disputed"
    ADDRESS_CHANGED = "address_changed"
    LINES_CHANGED = "lines_changed"

    def __str__(self) -> str:
        return str(self.value)


#: The statuses whose arrival is a change, and the kind each one is.
STATUS_KINDS: Final[Mapping[int, OrderChangeKind]] = {
    OrderStatus.CANCELLED: OrderChangeKind.CANCELLED,
    OrderStatus.DECLINED: OrderChangeKind.DECLINED,
    OrderStatus.REFUNDED: OrderChangeKind.REFUNDED,
    OrderStatus.PARTIALLY_REFUNDED: OrderChangeKind.PARTIALLY_REFUNDED,
    OrderStatus.DISPUTED: OrderChangeKind.DISPUTED,
}


@attrs.frozen(kw_only=True)
class OrderChange:
    """One store-side change of an imported order, as the host receives it.

    ``key`` is the change's identity (the same whichever path saw it): ``order {id} refund
    {refund id}`` for a refund, ``order {id} {kind} {date_modified as Unix seconds}``
    otherwise. ``status_id``/``status_label`` are the order's status now (the label as the
    store shows it). Only what changed is filled: the billing address when it changed, the
    shipping addresses and lines that changed or were added (with the ids of those removed),
    the refund a REFUNDED/PARTIALLY_REFUNDED change is about (none when only the status
    moved).
    """

    kind: OrderChangeKind
    order_id: int
    key: str
    status_id: int | None = None
    status_label: str = ""
    date_modified: datetime | None = None
    billing_address: BillingAddress | None = None
    shipping_addresses: tuple[ShippingAddress, ...] = ()
    removed_shipping_address_ids: tuple[int, ...] = ()
    lines: tuple[OrderProduct, ...] = ()
    removed_line_ids: tuple[int, ...] = ()
    refunds: tuple[Refund, ...] = ()
    #: What the store says is refunded on the order in all, after this change.
    refunded_amount: Decimal | None = None

    @property
    def refund_total(self) -> Decimal:
        """The money this change refunds (the sum of its refunds' ``total_amount``)."""
        return sum((refund.total_amount or Decimal(0) for refund in self.refunds), Decimal(0))
