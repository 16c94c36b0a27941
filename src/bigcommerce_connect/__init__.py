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

from bigcommerce_connect._version import __version__
from bigcommerce_connect.api_path import ApiPath, ApiPathError, AuthMode, parse_api_path
from bigcommerce_connect.batch import BatchItemError, BatchResult
from bigcommerce_connect.client import ApiResponse, BigCommerceClient
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
from bigcommerce_connect.mapping import (
    AUTOMATIC_B2B_CUSTOMER,
    AUTOMATIC_CUSTOMER_IMPORT,
    AUTOMATIC_INVENTORY,
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
    RunReport,
    StoreImporter,
    SyncRunner,
    WebhookHandler,
    dashboard,
    ensure_webhooks,
)
from bigcommerce_connect.transport import (
    Headers,
    HttpRequest,
    HttpResponse,
    Transport,
    TransportError,
    Urllib3Transport,
)

__all__ = [
    "AUTOMATIC_B2B_CUSTOMER",
    "AUTOMATIC_CUSTOMER_IMPORT",
    "AUTOMATIC_INVENTORY",
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
