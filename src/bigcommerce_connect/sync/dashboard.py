"""The "To Fulfill / To Ship" dashboard, from the store's count endpoint (one call).

"To Fulfill" is the settings' "get" status (the orders waiting for import) and "To Ship" the
"set" status (imported, waiting for the ERP to ship), each resolved through the store's own
labels, so a renamed or a different configured status is counted, not a fixed one.
"""

from __future__ import annotations

import attrs

from bigcommerce_connect.client import BigCommerceClient
from bigcommerce_connect.settings import StoreSettings
from bigcommerce_connect.status import OrderStatus, StatusLabels

__all__ = ["Dashboard", "dashboard"]


@attrs.frozen
class Dashboard:
    """Order counts a fulfilment team watches."""

    to_fulfill: int  # in the settings' "get" status (Awaiting Fulfillment by default)
    to_ship: int  # in the settings' "set" status (Awaiting Shipment by default)
    total: int
    by_status: dict[int, int]
    get_status: int = OrderStatus.AWAITING_FULFILLMENT
    set_status: int = OrderStatus.AWAITING_SHIPMENT


def dashboard(client: BigCommerceClient, settings: StoreSettings | None = None) -> Dashboard:
    """Read the per-status counts in one call; count the statuses ``settings`` configure.

    Without settings the defaults' statuses are counted (Awaiting Fulfillment, Awaiting
    Shipment). A status name the store does not know raises ``UnknownStatusError``.
    """
    # The settings' own defaults when none are given.
    wanted_get: int | str = OrderStatus.AWAITING_FULFILLMENT
    wanted_set: int | str = OrderStatus.AWAITING_SHIPMENT
    if settings is not None:
        wanted_get, wanted_set = settings.get_order_status, settings.set_order_status
    counts = client.orders.count()
    by_status = {status.id: status.count or 0 for status in counts.statuses}
    labels = StatusLabels.from_store(
        (entry.id, entry.custom_label or "") for entry in counts.statuses
    )
    get_status = labels.resolve(wanted_get)
    set_status = labels.resolve(wanted_set)
    return Dashboard(
        to_fulfill=by_status.get(get_status, 0),
        to_ship=by_status.get(set_status, 0),
        total=counts.count or 0,
        by_status=by_status,
        get_status=get_status,
        set_status=set_status,
    )
