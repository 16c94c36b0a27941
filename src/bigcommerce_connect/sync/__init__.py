"""Importers, the webhook handler and run reports: the SDK's sync layer over the ports."""

from bigcommerce_connect.sync.changes import CHANGES_STREAM, ChangeTracker, OrderChangeStream
from bigcommerce_connect.sync.context import ErpPorts, SyncContext
from bigcommerce_connect.sync.customers import (
    CUSTOMER_STREAM,
    CustomerImporter,
    CustomerImportError,
)
from bigcommerce_connect.sync.dashboard import Dashboard, dashboard
from bigcommerce_connect.sync.importer import LockedError, StoreImporter
from bigcommerce_connect.sync.items import ItemImporter, ItemImportError, ItemImportReport
from bigcommerce_connect.sync.options import ImportOptions, MissingItemPolicy
from bigcommerce_connect.sync.orders import (
    ORDER_STREAM,
    RECONCILE_STREAM,
    OrderImporter,
    OrderImportError,
)
from bigcommerce_connect.sync.quarantine import RunQuarantine
from bigcommerce_connect.sync.report import PlannedAction, RunReport
from bigcommerce_connect.sync.runner import InventoryStep, SyncRunner, push_inventory
from bigcommerce_connect.sync.status_moves import StatusMove
from bigcommerce_connect.sync.webhooks import (
    DEFAULT_SCOPES,
    SECRET_HEADER,
    WebhookHandler,
    WebhookOutcome,
    WebhookResult,
    ensure_webhooks,
)
from bigcommerce_connect.sync.window import SyncWindow

__all__ = [
    "CHANGES_STREAM",
    "CUSTOMER_STREAM",
    "DEFAULT_SCOPES",
    "ORDER_STREAM",
    "RECONCILE_STREAM",
    "SECRET_HEADER",
    "ChangeTracker",
    "CustomerImportError",
    "CustomerImporter",
    "Dashboard",
    "ErpPorts",
    "ImportOptions",
    "InventoryStep",
    "ItemImportError",
    "ItemImportReport",
    "ItemImporter",
    "LockedError",
    "MissingItemPolicy",
    "OrderChangeStream",
    "OrderImportError",
    "OrderImporter",
    "PlannedAction",
    "RunQuarantine",
    "RunReport",
    "StatusMove",
    "StoreImporter",
    "SyncContext",
    "SyncRunner",
    "SyncWindow",
    "WebhookHandler",
    "WebhookOutcome",
    "WebhookResult",
    "dashboard",
    "ensure_webhooks",
    "push_inventory",
]
