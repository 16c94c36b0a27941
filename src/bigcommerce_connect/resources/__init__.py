"""Typed endpoint groups, reached from a client as ``client.orders``, ``client.customers`` ..."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bigcommerce_connect.resources._base import chunked
from bigcommerce_connect.resources.catalog import (
    CategoriesResource,
    ProductsResource,
    VariantsResource,
)
from bigcommerce_connect.resources.customers import CustomerGroupsResource, CustomersResource
from bigcommerce_connect.resources.inventory import InventoryResource, adjustment_batches
from bigcommerce_connect.resources.orders import OrdersResource, OrderStatusesResource
from bigcommerce_connect.resources.pricing import PriceListsResource
from bigcommerce_connect.resources.webhooks import WebhooksResource

if TYPE_CHECKING:
    from bigcommerce_connect.client import BigCommerceClient

__all__ = [
    "CategoriesResource",
    "CustomerGroupsResource",
    "CustomersResource",
    "InventoryResource",
    "OrderStatusesResource",
    "OrdersResource",
    "PriceListsResource",
    "ProductsResource",
    "Resources",
    "VariantsResource",
    "WebhooksResource",
    "adjustment_batches",
    "chunked",
]


class Resources:
    """All endpoint groups of one client."""

    def __init__(self, client: BigCommerceClient) -> None:
        self.orders = OrdersResource(client)
        self.order_statuses = OrderStatusesResource(client)
        self.customers = CustomersResource(client)
        self.customer_groups = CustomerGroupsResource(client)
        self.products = ProductsResource(client)
        self.variants = VariantsResource(client)
        self.categories = CategoriesResource(client)
        self.inventory = InventoryResource(client)
        self.price_lists = PriceListsResource(client)
        self.webhooks = WebhooksResource(client)
