"""The "To Fulfill / To Ship" dashboard, from the store's count endpoint (one call)."""

from __future__ import annotations

import attrs

from bigcommerce_connect.client import BigCommerceClient
from bigcommerce_connect.status import OrderStatus

__all__ = ["Dashboard", "dashboard"]


@attrs.frozen
class Dashboard:
    """Order counts a fulfilment team watches."""

    to_fulfill: int  # Awaiting Fulfillment
    to_ship: int  # Awaiting Shipment
    total: int
    by_status: dict[int, int]


def dashboard(client: BigCommerceClient) -> Dashboard:
    """Read the per-status counts in one call."""
    counts = client.orders.count()
    by_status = {status.id: status.count or 0 for status in counts.statuses}
    return Dashboard(
        to_fulfill=by_status.get(OrderStatus.AWAITING_FULFILLMENT, 0),
        to_ship=by_status.get(OrderStatus.AWAITING_SHIPMENT, 0),
        total=counts.count or 0,
        by_status=by_status,
    )
