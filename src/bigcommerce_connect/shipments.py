"""The host's shipments: what the ERP shipped, as the shipment export reads it.

An :class:`ErpShipment` is one parcel the ERP sent for one store order: which lines and how
many of each, the tracking number, the carrier, when, and to which of the order's shipping
addresses. The export (:class:`~bigcommerce_connect.export.shipments.ShipmentExporter`) turns
each into one store shipment (``POST /v2/orders/{id}/shipments``), exactly once.

These are plain records: they hold what the host says and check only their own shape (a line
names its order line or its SKU, quantities are positive). Whether the store takes them is
the store's call (an over-shipped line is refused there).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

import attrs

__all__ = ["ErpShipment", "ErpShipmentLine"]


def _positive(_instance: object, attribute: attrs.Attribute[int], value: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise ValueError(f"{attribute.name} must be a whole number above 0, got {value!r}")


def _optional_id(_instance: object, attribute: attrs.Attribute[Any], value: Any) -> None:
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise ValueError(f"{attribute.name} must be a store id above 0 or None, got {value!r}")


def _lines(lines: Iterable[ErpShipmentLine]) -> tuple[ErpShipmentLine, ...]:
    return tuple(lines)


@attrs.frozen(kw_only=True)
class ErpShipmentLine:
    """One line of a shipment: an order line (by its store line id, or by SKU) and a quantity.

    ``order_product_id`` is the store's order line id (``OrderProduct.id``); when the ERP does
    not keep it, ``sku`` finds the line among the order's lines (the first line with that
    SKU that still has quantity to ship).
    """

    quantity: int = attrs.field(validator=_positive)
    order_product_id: int | None = attrs.field(default=None, validator=_optional_id)
    sku: str = ""

    def __attrs_post_init__(self) -> None:
        if self.order_product_id is None and not self.sku.strip():
            raise ValueError("a shipment line needs its order_product_id or its sku")


@attrs.frozen(kw_only=True)
class ErpShipment:
    """One shipment of the ERP for one store order.

    The order is named by ``store_order_id`` (the store's order id) or, when the ERP only
    knows its own sales order, by ``order_local_id`` (found through the order binding the
    import wrote). ``order_address_id`` is the order's shipping address the parcel goes to;
    None takes the address of the shipped lines (they must share one). ``shipped_at`` is the
    ERP's date: the store stamps its own ``date_created`` and has no field for it, so it is
    kept in the shipment's binding.
    """

    local_id: str
    lines: tuple[ErpShipmentLine, ...] = attrs.field(converter=_lines)
    order_local_id: str = ""
    store_order_id: int | None = attrs.field(default=None, validator=_optional_id)
    tracking_number: str = ""
    shipping_provider: str = ""  # "ups", "fedex", "usps", "carrier_{id}" ... or ""
    tracking_carrier: str = ""  # an AfterShip carrier slug, or ""
    shipping_method: str = ""
    comments: str = ""
    shipped_at: datetime | None = None
    order_address_id: int | None = attrs.field(default=None, validator=_optional_id)

    def __attrs_post_init__(self) -> None:
        if not self.local_id.strip():
            raise ValueError("a shipment needs its local id")
        if not self.lines:
            raise ValueError(f"shipment {self.local_id} has no lines")
        if self.store_order_id is None and not self.order_local_id.strip():
            raise ValueError(
                f"shipment {self.local_id} names no order: set store_order_id or order_local_id"
            )
