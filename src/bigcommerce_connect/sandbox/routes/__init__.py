"""The API's routes, one module per resource, mirroring ``bigcommerce_connect.resources``.

Each module has a ``register(router)`` that adds its routes; :func:`build_router` adds them all.
"""

from __future__ import annotations

from bigcommerce_connect.sandbox.routes import (
    categories,
    category_trees,
    custom_fields,
    customer_groups,
    customers,
    customers_v2,
    inventory,
    order_statuses,
    orders,
    price_list_assignments,
    price_list_records,
    price_lists,
    products,
    refunds,
    shipments,
    variants,
    webhooks,
)
from bigcommerce_connect.sandbox.routing import Router

#: Every route module, v2 first, in registration order.
ROUTE_MODULES = (
    orders,
    shipments,
    order_statuses,
    customer_groups,
    customers_v2,
    products,
    variants,
    custom_fields,
    categories,
    category_trees,
    customers,
    inventory,
    price_lists,
    price_list_records,
    price_list_assignments,
    refunds,
    webhooks,
)


def build_router() -> Router:
    """A router serving every route of every resource module."""
    router = Router()
    for module in ROUTE_MODULES:
        module.register(router)
    return router
