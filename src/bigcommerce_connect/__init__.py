"""bigcommerce-connect: connect an ERP or accounting system to a BigCommerce store.

The public API is re-exported here; everything else is an implementation detail.

Quick start::

    from bigcommerce_connect import BigCommerceClient, OrderStatus, StoreSettings

    settings = StoreSettings(api_path="https://api.bigcommerce.com/stores/abc123/v3/",
                             api_token=os.environ["BIGCOMMERCE_API_TOKEN"])
    with settings.connect() as client:
        for order in client.orders.iter(status_id=OrderStatus.AWAITING_FULFILLMENT):
            print(order.id, order.total_inc_tax)
"""

# Importing the package stays cheap (see docs/performance.md): only the version and the
# exception hierarchy load eagerly; every other public name is imported from its module on
# first access (PEP 562), so a worker that imports the package per job pays a few
# milliseconds, and the sandbox, the CLI and the SQLite adapter never load unless used.

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from bigcommerce_connect._version import __version__
from bigcommerce_connect.errors import (
    ApiError,
    AuthenticationError,
    BadRequestError,
    BigCommerceError,
    ConflictError,
    ConnectError,
    NetworkError,
    NotFoundError,
    PagingError,
    PayloadTooLargeError,
    PermissionDeniedError,
    RateLimitedError,
    ServerError,
    UnexpectedResponseError,
    UnsupportedOperationError,
    ValidationError,
    WireValueError,
)

if TYPE_CHECKING:
    from bigcommerce_connect.api_path import ApiPath, ApiPathError, AuthMode, parse_api_path
    from bigcommerce_connect.batch import BatchItemError, BatchResult
    from bigcommerce_connect.client import ApiResponse, BigCommerceClient
    from bigcommerce_connect.mapping import (
        AUTOMATIC_B2B_CUSTOMER,
        AUTOMATIC_CUSTOMER_IMPORT,
        AUTOMATIC_INVENTORY,
        AUTOMATIC_ITEM_IMPORT,
        AUTOMATIC_ORDER_IMPORT,
        AUTOMATIC_UPDATE_PRODUCTS,
        CompiledMapping,
        InMemoryMappingStore,
        MappingDefinition,
        MappingError,
        MappingPreview,
        MappingStore,
        build_record,
        compile_mapping,
        dump_definition,
        load_definition,
    )
    from bigcommerce_connect.notifications import Notification, NotificationKind, Notifier
    from bigcommerce_connect.ratelimit import RateLimitGovernor
    from bigcommerce_connect.records import (
        ErpAddress,
        ErpContact,
        ErpCustomer,
        ErpCustomField,
        ErpItem,
        ErpOrderLine,
        ErpSalesOrder,
    )
    from bigcommerce_connect.repairs import WireRepair
    from bigcommerce_connect.retry import RetryPolicy
    from bigcommerce_connect.secret import Secret
    from bigcommerce_connect.settings import SettingsError, StoreSettings
    from bigcommerce_connect.status import OrderStatus, StatusLabels, UnknownStatusError
    from bigcommerce_connect.sync import (
        ErpPorts,
        ImportOptions,
        ItemImporter,
        ItemImportReport,
        RunReport,
        StoreImporter,
        SyncRunner,
        WebhookHandler,
        ensure_webhooks,
    )
    from bigcommerce_connect.sync.dashboard import dashboard
    from bigcommerce_connect.transport import (
        Headers,
        HttpRequest,
        HttpResponse,
        Transport,
        TransportError,
        Urllib3Transport,
    )

# Public name -> module that defines it, imported on first access.
_LAZY: dict[str, str] = {
    "AUTOMATIC_B2B_CUSTOMER": "bigcommerce_connect.mapping",
    "AUTOMATIC_CUSTOMER_IMPORT": "bigcommerce_connect.mapping",
    "AUTOMATIC_INVENTORY": "bigcommerce_connect.mapping",
    "AUTOMATIC_ITEM_IMPORT": "bigcommerce_connect.mapping",
    "AUTOMATIC_ORDER_IMPORT": "bigcommerce_connect.mapping",
    "AUTOMATIC_UPDATE_PRODUCTS": "bigcommerce_connect.mapping",
    "ApiPath": "bigcommerce_connect.api_path",
    "ApiPathError": "bigcommerce_connect.api_path",
    "ApiResponse": "bigcommerce_connect.client",
    "AuthMode": "bigcommerce_connect.api_path",
    "BatchItemError": "bigcommerce_connect.batch",
    "BatchResult": "bigcommerce_connect.batch",
    "BigCommerceClient": "bigcommerce_connect.client",
    "CompiledMapping": "bigcommerce_connect.mapping",
    "ErpAddress": "bigcommerce_connect.records",
    "ErpContact": "bigcommerce_connect.records",
    "ErpCustomField": "bigcommerce_connect.records",
    "ErpCustomer": "bigcommerce_connect.records",
    "ErpItem": "bigcommerce_connect.records",
    "ErpOrderLine": "bigcommerce_connect.records",
    "ErpPorts": "bigcommerce_connect.sync",
    "ErpSalesOrder": "bigcommerce_connect.records",
    "Headers": "bigcommerce_connect.transport",
    "HttpRequest": "bigcommerce_connect.transport",
    "HttpResponse": "bigcommerce_connect.transport",
    "ImportOptions": "bigcommerce_connect.sync",
    "ItemImportReport": "bigcommerce_connect.sync",
    "ItemImporter": "bigcommerce_connect.sync",
    "InMemoryMappingStore": "bigcommerce_connect.mapping",
    "MappingDefinition": "bigcommerce_connect.mapping",
    "MappingError": "bigcommerce_connect.mapping",
    "MappingPreview": "bigcommerce_connect.mapping",
    "MappingStore": "bigcommerce_connect.mapping",
    "Notification": "bigcommerce_connect.notifications",
    "NotificationKind": "bigcommerce_connect.notifications",
    "Notifier": "bigcommerce_connect.notifications",
    "OrderStatus": "bigcommerce_connect.status",
    "RateLimitGovernor": "bigcommerce_connect.ratelimit",
    "RetryPolicy": "bigcommerce_connect.retry",
    "RunReport": "bigcommerce_connect.sync",
    "Secret": "bigcommerce_connect.secret",
    "SettingsError": "bigcommerce_connect.settings",
    "StatusLabels": "bigcommerce_connect.status",
    "StoreImporter": "bigcommerce_connect.sync",
    "StoreSettings": "bigcommerce_connect.settings",
    "SyncRunner": "bigcommerce_connect.sync",
    "Transport": "bigcommerce_connect.transport",
    "TransportError": "bigcommerce_connect.transport",
    "UnknownStatusError": "bigcommerce_connect.status",
    "Urllib3Transport": "bigcommerce_connect.transport",
    "WebhookHandler": "bigcommerce_connect.sync",
    "WireRepair": "bigcommerce_connect.repairs",
    "build_record": "bigcommerce_connect.mapping",
    "compile_mapping": "bigcommerce_connect.mapping",
    "dashboard": "bigcommerce_connect.sync",
    "dump_definition": "bigcommerce_connect.mapping",
    "ensure_webhooks": "bigcommerce_connect.sync",
    "load_definition": "bigcommerce_connect.mapping",
    "parse_api_path": "bigcommerce_connect.api_path",
}


def __getattr__(name: str) -> Any:
    """Import a lazily re-exported public name on first access (PEP 562)."""
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    """Every public name, loaded or not, plus the module's own globals."""
    return sorted(set(globals()) | set(__all__))


__all__ = [
    "AUTOMATIC_B2B_CUSTOMER",
    "AUTOMATIC_CUSTOMER_IMPORT",
    "AUTOMATIC_INVENTORY",
    "AUTOMATIC_ITEM_IMPORT",
    "AUTOMATIC_ORDER_IMPORT",
    "AUTOMATIC_UPDATE_PRODUCTS",
    "ApiError",
    "ApiPath",
    "ApiPathError",
    "ApiResponse",
    "AuthMode",
    "AuthenticationError",
    "BadRequestError",
    "BatchItemError",
    "BatchResult",
    "BigCommerceClient",
    "BigCommerceError",
    "CompiledMapping",
    "ConflictError",
    "ConnectError",
    "ErpAddress",
    "ErpContact",
    "ErpCustomField",
    "ErpCustomer",
    "ErpItem",
    "ErpOrderLine",
    "ErpPorts",
    "ErpSalesOrder",
    "Headers",
    "HttpRequest",
    "HttpResponse",
    "ImportOptions",
    "InMemoryMappingStore",
    "ItemImportReport",
    "ItemImporter",
    "MappingDefinition",
    "MappingError",
    "MappingPreview",
    "MappingStore",
    "NetworkError",
    "NotFoundError",
    "Notification",
    "NotificationKind",
    "Notifier",
    "OrderStatus",
    "PagingError",
    "PayloadTooLargeError",
    "PermissionDeniedError",
    "RateLimitGovernor",
    "RateLimitedError",
    "RetryPolicy",
    "RunReport",
    "Secret",
    "ServerError",
    "SettingsError",
    "StatusLabels",
    "StoreImporter",
    "StoreSettings",
    "SyncRunner",
    "Transport",
    "TransportError",
    "UnexpectedResponseError",
    "UnknownStatusError",
    "UnsupportedOperationError",
    "Urllib3Transport",
    "ValidationError",
    "WebhookHandler",
    "WireRepair",
    "WireValueError",
    "__version__",
    "build_record",
    "compile_mapping",
    "dashboard",
    "dump_definition",
    "ensure_webhooks",
    "load_definition",
    "parse_api_path",
]
