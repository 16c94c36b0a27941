"""Typed wire models for the BigCommerce APIs the connector uses.

Every model is an attrs class whose field names are the wire names, so a mapping can read the
same path (``billing_address.email``) from a raw dict or from a model. Build models with
:func:`structure` (or a model's ``from_wire``), get plain data back with :func:`unstructure`.

* Dates are timezone-aware datetimes (v2 RFC 2822, v3 ISO 8601, webhook Unix seconds).
* Money is :class:`~decimal.Decimal`, from strings or JSON numbers, never through float.
* Keys a model does not declare are kept in its ``extra`` dict and written back.
* Absent or null fields are None (lists and dicts: empty); only ``id`` is required.
* Bad data raises :class:`ModelError` (a ``ValueError``) naming the field path.
* Writes: :func:`to_wire` sends only the fields asked for, never ``extra``. v2 money goes out
  as 4-decimal strings (more places raise instead of rounding); v3 money as the Decimal,
  which the client writes as a JSON number digit for digit. The rules for dates and money
  are :mod:`bigcommerce_connect.values` (the one codec).
"""

from __future__ import annotations

from bigcommerce_connect.models.catalog import (
    Category,
    CategoryTreeNode,
    CustomField,
    Product,
    Variant,
)
from bigcommerce_connect.models.converter import (
    ModelError,
    converter,
    datetime_to_wire,
    format_iso8601,
    format_rfc2822,
    money_to_wire,
    parse_datetime,
    parse_money,
    structure,
    to_wire,
    unstructure,
)
from bigcommerce_connect.models.customers import (
    Customer,
    CustomerAddress,
    CustomerAddressV2,
    CustomerGroup,
    CustomerV2,
)
from bigcommerce_connect.models.inventory import (
    MAX_ADJUSTMENT_ITEMS,
    AdjustmentResult,
    InventoryAdjustment,
    adjustment_body,
)
from bigcommerce_connect.models.orders import (
    BillingAddress,
    Order,
    OrderCounts,
    OrderProduct,
    OrderStatusCount,
    OrderStatusInfo,
    ShippingAddress,
)
from bigcommerce_connect.models.pricing import PriceList, PriceListAssignment, PriceListRecord
from bigcommerce_connect.models.refunds import Refund, RefundItem, RefundPayment
from bigcommerce_connect.models.shipments import (
    NewShipment,
    Shipment,
    ShipmentAddress,
    ShipmentItem,
)
from bigcommerce_connect.models.webhooks import Webhook, WebhookEvent

__all__ = [
    "MAX_ADJUSTMENT_ITEMS",
    "AdjustmentResult",
    "BillingAddress",
    "Category",
    "CategoryTreeNode",
    "CustomField",
    "Customer",
    "CustomerAddress",
    "CustomerAddressV2",
    "CustomerGroup",
    "CustomerV2",
    "InventoryAdjustment",
    "ModelError",
    "NewShipment",
    "Order",
    "OrderCounts",
    "OrderProduct",
    "OrderStatusCount",
    "OrderStatusInfo",
    "PriceList",
    "PriceListAssignment",
    "PriceListRecord",
    "Product",
    "Refund",
    "RefundItem",
    "RefundPayment",
    "Shipment",
    "ShipmentAddress",
    "ShipmentItem",
    "ShippingAddress",
    "Variant",
    "Webhook",
    "WebhookEvent",
    "adjustment_body",
    "converter",
    "datetime_to_wire",
    "format_iso8601",
    "format_rfc2822",
    "money_to_wire",
    "parse_datetime",
    "parse_money",
    "structure",
    "to_wire",
    "unstructure",
]
