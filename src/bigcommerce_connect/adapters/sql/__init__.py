"""The repositories every SQL adapter shares, written once over :class:`SqlDatabase`.

:mod:`~bigcommerce_connect.adapters.sqlite` and :mod:`~bigcommerce_connect.adapters.postgres`
each bring a connection, a schema and a store lock; the ports themselves are these classes.
"""

from __future__ import annotations

from bigcommerce_connect.adapters.sql.database import Row, SqlDatabase
from bigcommerce_connect.adapters.sql.erp import SqlPorts
from bigcommerce_connect.adapters.sql.repositories import (
    SqlBindings,
    SqlCustomers,
    SqlItems,
    SqlNotifier,
    SqlQuarantine,
    SqlSalesOrders,
    SqlSyncState,
    SqlUnitOfWork,
    SqlWebhookReceipts,
)
from bigcommerce_connect.adapters.sql.shipments import SqlShipmentSource
from bigcommerce_connect.adapters.sql.sources import (
    SqlContacts,
    SqlItemSource,
    SqlPriceLevels,
    SqlStockSource,
)

__all__ = [
    "Row",
    "SqlBindings",
    "SqlContacts",
    "SqlCustomers",
    "SqlDatabase",
    "SqlItemSource",
    "SqlItems",
    "SqlNotifier",
    "SqlPorts",
    "SqlPriceLevels",
    "SqlQuarantine",
    "SqlSalesOrders",
    "SqlShipmentSource",
    "SqlStockSource",
    "SqlSyncState",
    "SqlUnitOfWork",
    "SqlWebhookReceipts",
]
