"""Typed endpoint groups, reached from a client as ``client.orders``, ``client.customers`` ...

Every store path the SDK uses is built here: the sync and export engines call these methods,
never a raw path. A group sends its requests through a
:class:`~bigcommerce_connect.requester.Requester` (the client), so it never imports the client.
The batch maxima of the endpoints are declared here, once.
"""

from __future__ import annotations

from bigcommerce_connect.batch import chunked
from bigcommerce_connect.requester import Requester
from bigcommerce_connect.resources._base import WirePage
from bigcommerce_connect.resources.catalog import (
    PRODUCT_BATCH_MAX,
    VARIANT_BATCH_MAX,
    CategoriesResource,
    ProductsResource,
    VariantsResource,
)
from bigcommerce_connect.resources.customers import (
    CUSTOMER_BATCH_MAX,
    CustomerGroupsResource,
    CustomersResource,
)
from bigcommerce_connect.resources.inventory import InventoryResource, adjustment_batches
from bigcommerce_connect.resources.orders import OrdersResource, OrderStatusesResource
from bigcommerce_connect.resources.pricing import (
    PRICE_LIST_ASSIGNMENT_BATCH_MAX,
    PRICE_LIST_RECORD_BATCH_MAX,
    PriceListsResource,
)
from bigcommerce_connect.resources.refunds import RefundsResource
from bigcommerce_connect.resources.shipments import ShipmentsResource
from bigcommerce_connect.resources.webhooks import WebhooksResource

__all__ = [
    "CUSTOMER_BATCH_MAX",
    "PRICE_LIST_ASSIGNMENT_BATCH_MAX",
    "PRICE_LIST_RECORD_BATCH_MAX",
    "PRODUCT_BATCH_MAX",
    "VARIANT_BATCH_MAX",
    "CategoriesResource",
    "CustomerGroupsResource",
    "CustomersResource",
    "InventoryResource",
    "OrderStatusesResource",
    "OrdersResource",
    "PriceListsResource",
    "ProductsResource",
    "RefundsResource",
    "Resources",
    "ShipmentsResource",
    "VariantsResource",
    "WebhooksResource",
    "WirePage",
    "adjustment_batches",
    "chunked",
]


class Resources:
    """All endpoint groups of one client."""

    def __init__(self, requester: Requester) -> None:
        self.orders = OrdersResource(requester)
        self.order_statuses = OrderStatusesResource(requester)
        self.customers = CustomersResource(requester)
        self.customer_groups = CustomerGroupsResource(requester)
        self.products = ProductsResource(requester)
        self.variants = VariantsResource(requester)
        self.categories = CategoriesResource(requester)
        self.inventory = InventoryResource(requester)
        self.price_lists = PriceListsResource(requester)
        self.webhooks = WebhooksResource(requester)
        self.refunds = RefundsResource(requester)
        self.shipments = ShipmentsResource(requester)
