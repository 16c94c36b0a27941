"""Order refunds (v3 payment actions): what the store refunded, with exact ``Decimal`` money.

``GET /v3/orders/{id}/payment_actions/refunds`` lists an order's refunds by id, ascending;
``GET /v3/orders/payment_actions/refunds`` lists them across orders. v3 sends money as JSON
numbers (``requested_amount`` as a string or null); the shared converter reads both exactly.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

import attrs

from bigcommerce_connect.models.converter import wire_model

__all__ = ["Refund", "RefundItem", "RefundPayment"]


@wire_model
@attrs.frozen(kw_only=True)
class RefundItem:
    """One refunded item: ``item_type`` PRODUCT, GIFT_WRAPPING, SHIPPING, HANDLING, ORDER, FEE.

    ``item_id`` is the order line id (PRODUCT, GIFT_WRAPPING), the order address id
    (SHIPPING, HANDLING) or the order id (ORDER, FEE); ``quantity`` only for PRODUCT.
    """

    item_type: str | None = None
    item_id: int | None = None
    quantity: int | None = None
    requested_amount: Decimal | None = None
    reason: str | None = None
    extra: dict[str, Any] = attrs.field(factory=dict)


@wire_model
@attrs.frozen(kw_only=True)
class RefundPayment:
    """One payment of a refund, to one provider (``storecredit``, a gateway, or offline)."""

    id: int | None = None
    provider_id: str | None = None
    amount: Decimal | None = None
    offline: bool | None = None
    is_declined: bool | None = None
    declined_message: str | None = None
    transaction_id: str | None = None
    extra: dict[str, Any] = attrs.field(factory=dict)


@wire_model
@attrs.frozen(kw_only=True)
class Refund:
    """A refund of an order: its total, tax, items and payments."""

    id: int
    order_id: int | None = None
    user_id: int | None = None
    created: datetime | None = None
    reason: str | None = None
    total_amount: Decimal | None = None
    total_tax: Decimal | None = None
    uses_merchant_override_values: bool | None = None
    items: list[RefundItem] = attrs.field(factory=list)
    payments: list[RefundPayment] = attrs.field(factory=list)
    extra: dict[str, Any] = attrs.field(factory=dict)
