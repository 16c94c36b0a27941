"""Order shipments (v2): what a store shipment holds, and the body that creates one.

``GET /v2/orders/{id}/shipments`` lists them; ``POST`` creates one from a
:class:`NewShipment` (``order_address_id`` and ``items`` required), and the store moves the
order to Partially Shipped or Shipped itself.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal
from typing import Any

import attrs

from bigcommerce_connect.models.converter import structure, wire_model
from bigcommerce_connect.models.orders import _PostalAddress

__all__ = ["NewShipment", "Shipment", "ShipmentAddress", "ShipmentItem"]


@wire_model
@attrs.frozen(kw_only=True)
class ShipmentAddress(_PostalAddress):
    """The billing or shipping address a shipment carries (a copy of the order's)."""

    extra: dict[str, Any] = attrs.field(factory=dict)


@wire_model
@attrs.frozen(kw_only=True)
class ShipmentItem:
    """One line of a shipment: the order line (``order_product_id``) and how many shipped.

    ``product_id`` is the catalog product (read-only; 0 for a custom line).
    """

    order_product_id: int
    quantity: int
    product_id: int | None = None
    extra: dict[str, Any] = attrs.field(factory=dict)


@wire_model
@attrs.frozen(kw_only=True)
class Shipment:
    """One shipment of an order, as the store lists it."""

    id: int
    order_id: int | None = None
    customer_id: int | None = None
    order_address_id: int | None = None
    date_created: datetime | None = None
    tracking_number: str | None = None
    merchant_shipping_cost: Decimal | None = None
    shipping_method: str | None = None
    shipping_provider: str | None = None
    tracking_carrier: str | None = None
    tracking_link: str | None = None
    comments: str | None = None
    shipping_provider_display_name: str | None = None
    generated_tracking_link: str | None = None
    billing_address: ShipmentAddress | None = None
    shipping_address: ShipmentAddress | None = None
    items: list[ShipmentItem] = attrs.field(factory=list)
    extra: dict[str, Any] = attrs.field(factory=dict)

    @classmethod
    def from_wire(cls, data: Mapping[str, Any]) -> Shipment:
        """Build a shipment from the API's JSON; raises ``ModelError`` naming a bad field."""
        return structure(data, cls)

    def item_counts(self) -> dict[int, int]:
        """Quantity shipped per order line id (lines listed twice are added up)."""
        counts: dict[int, int] = {}
        for item in self.items:
            counts[item.order_product_id] = counts.get(item.order_product_id, 0) + item.quantity
        return counts


@attrs.frozen(kw_only=True)
class NewShipment:
    """The body of ``POST /v2/orders/{id}/shipments``: only the fields set are sent.

    ``items`` maps order line ids (``OrderProduct.id``) to quantities.
    """

    order_address_id: int
    items: Mapping[int, int]
    tracking_number: str = ""
    shipping_provider: str = ""
    tracking_carrier: str = ""
    shipping_method: str = ""
    comments: str = ""

    def to_wire(self) -> dict[str, Any]:
        """The JSON body: the required fields, and the text fields that are not blank."""
        body: dict[str, Any] = {
            "order_address_id": int(self.order_address_id),
            "items": [
                {"order_product_id": int(line), "quantity": int(quantity)}
                for line, quantity in self.items.items()
            ],
        }
        for name in (
            "tracking_number",
            "shipping_provider",
            "tracking_carrier",
            "shipping_method",
            "comments",
        ):
            value = getattr(self, name)
            if value:
                body[name] = value
        return body

    def item_counts(self) -> dict[int, int]:
        """Quantity per order line id, as :meth:`Shipment.item_counts` gives it."""
        return {int(line): int(quantity) for line, quantity in self.items.items()}
