"""Everything an import needs, gathered once per run: client, settings, ports, mappings.

The context holds what a run holds: the store client, the settings, the host's ports, the
options, the report, the notifier, the run's view of the quarantine
(:class:`~bigcommerce_connect.sync.quarantine.RunQuarantine`) and of the client's wire repairs
(:class:`~bigcommerce_connect.sync.wire_repairs.WireRepairs`).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any, TypeVar

import attrs

from bigcommerce_connect.client import BigCommerceClient
from bigcommerce_connect.clock import Clock
from bigcommerce_connect.mapping import (
    AUTOMATIC_CUSTOMER_IMPORT,
    AUTOMATIC_ORDER_IMPORT,
    CompiledMapping,
    MappingStore,
    build_record,
    compile_mapping,
)
from bigcommerce_connect.notifications import Notification, NotificationKind, Notifier, SafeNotifier
from bigcommerce_connect.ports import (
    BindingRepository,
    CreditLimits,
    CustomerRepository,
    ErpAdapters,
    ItemLookup,
    ItemRepository,
    OrderChanges,
    QuarantineRepository,
    SalesOrderRepository,
    StoreLock,
    SyncStateRepository,
    UnitOfWork,
    WebhookReceipts,
)
from bigcommerce_connect.records import ErpCustomer
from bigcommerce_connect.settings import StoreSettings
from bigcommerce_connect.sync.options import ImportOptions
from bigcommerce_connect.sync.quarantine import RunQuarantine, clean_text, quarantine_key
from bigcommerce_connect.sync.report import RunReport
from bigcommerce_connect.sync.wire_ids import wire_id
from bigcommerce_connect.sync.wire_repairs import WireRepairs

__all__ = [
    "ErpPorts",
    "PlannedCustomers",
    "SyncContext",
    "clean_text",  # re-exported: its home is sync.quarantine
    "map_record",
    "prefixed",
    "quarantine_key",  # re-exported: its home is sync.quarantine
    "store_name",
    "wire_id",  # re-exported: its home is sync.wire_ids
]

R = TypeVar("R")


def map_record(
    mapping: CompiledMapping, source: Any, record_type: type[R], *, create: bool
) -> tuple[R, frozenset[str]]:
    """Map ``source`` to a record, and name the fields the mapping wrote.

    An update must change only those: create-only rules did not run, and the record's other
    fields hold defaults, not store data.
    """
    values = mapping.apply(source, create=create)
    return build_record(record_type, values), frozenset(values)


def prefixed(record: R, field: str, code: str, written: frozenset[str]) -> R:
    """``record`` with the settings' ``code`` put in front of the mapped ``field``.

    The original's *Code* goes "in front of imported Customer or Order IDs": it never replaces
    what the mapping built (a custom *Add Customer Code* keeps its shape). Only a value the
    mapping wrote (``written``) and that is not blank gets it, so an update that did not map
    the field, or a mapping that builds no code, is left alone.
    """
    value = getattr(record, field)
    if not code or field not in written or not isinstance(value, str) or not value.strip():
        return record
    return attrs.evolve(record, **{field: f"{code}{value}"})  # type: ignore[misc]


@attrs.frozen(kw_only=True)
class ErpPorts:
    """The host's adapters, one per port (see :mod:`bigcommerce_connect.ports`)."""

    bindings: BindingRepository
    customers: CustomerRepository
    sales_orders: SalesOrderRepository
    items: ItemLookup
    sync_state: SyncStateRepository
    quarantine: QuarantineRepository
    unit_of_work: UnitOfWork
    lock: StoreLock
    notifier: Notifier
    mappings: MappingStore
    clock: Clock
    webhook_receipts: WebhookReceipts | None = None
    credit_limits: CreditLimits | None = None
    #: Optional: the ERP's items, written by the item import (``StoreImporter.import_items``).
    item_repository: ItemRepository | None = None
    #: Optional: receives store-side changes of imported orders (see ``sync.changes``).
    order_changes: OrderChanges | None = None

    @classmethod
    def from_erp(cls, erp: ErpAdapters, *, mappings: MappingStore, clock: Clock) -> ErpPorts:
        """Take every port from one object that has them as attributes (e.g. ``MemoryErp``).

        The optional ports (``webhook_receipts``, ``credit_limits``, ``item_repository``,
        ``order_changes``) are None when it has not.
        """
        names = [f.name for f in attrs.fields(cls) if f.name not in ("mappings", "clock")]
        ports: dict[str, Any] = {name: getattr(erp, name, None) for name in names}
        return cls(mappings=mappings, clock=clock, **ports)


class SyncContext:
    """One run's view of a store: the client, the settings, the ports and the notifier.

    Cursors live only in the ports' sync state; the settings' ``last_update`` is where a
    stream without a cursor starts, and the run never writes it.
    """

    def __init__(
        self,
        client: BigCommerceClient,
        settings: StoreSettings,
        ports: ErpPorts,
        options: ImportOptions | None = None,
        report: RunReport | None = None,
    ) -> None:
        self.client = client
        self.settings = settings
        self.ports = ports
        # No options given: the settings' concurrency, which also sized the client's pool.
        self.options = options or ImportOptions(status_move_concurrency=settings.concurrency)
        self.report = report or RunReport(store=settings.description or store_name(settings))
        self.notifier = SafeNotifier(
            ports.notifier, recipient=settings.notify_to, store=self.report.store
        )
        self.quarantine = RunQuarantine(
            ports.quarantine, notify=self.notify, report=self.report, clock=ports.clock
        )
        self.repairs = WireRepairs(client, self.notify)
        self.progress: Callable[[str, RunReport], None] | None = None
        self._calls_at_start = client.api_calls

    def tick(self, stage: str) -> None:
        """Tell the host's progress display where the run is (after each page)."""
        if self.progress is not None:
            self.report.api_calls = self.client.api_calls - self._calls_at_start
            self.progress(stage, self.report)

    @property
    def preview(self) -> bool:
        """True when the run maps and reports but writes nothing anywhere."""
        return self.report.preview

    def now(self) -> datetime:
        """The run's clock."""
        return self.ports.clock.now()

    @functools.cached_property
    def customer_mapping(self) -> CompiledMapping:
        """The settings' customer import mapping (the automatic one by default)."""
        name = self.settings.customer_import or AUTOMATIC_CUSTOMER_IMPORT
        return compile_mapping(self.ports.mappings.load(name))

    @functools.cached_property
    def order_mapping(self) -> CompiledMapping:
        """The settings' order import mapping (the automatic one by default)."""
        name = self.settings.order_import or AUTOMATIC_ORDER_IMPORT
        return compile_mapping(self.ports.mappings.load(name))

    def with_code(self, record: R, field: str, written: frozenset[str]) -> R:
        """``record`` with the settings' *Code* in front of its mapped ``field``: see prefixed."""
        return prefixed(record, field, self.settings.code, written)

    @functools.cached_property
    def planned_customers(self) -> PlannedCustomers:
        """The customers this preview would create (empty in a real run)."""
        return PlannedCustomers()

    def notify(self, kind: NotificationKind, code: str, message: str, **context: Any) -> None:
        """Send a notification to the settings' employee and keep it in the report.

        A preview delivers nothing: the notification goes to ``report.would_notify``.
        """
        notification = Notification(kind=kind, code=code, message=message, **context)
        if self.preview:
            self.report.would(
                attrs.evolve(
                    notification,
                    recipient=notification.recipient or self.settings.notify_to,
                    store=notification.store or self.report.store,
                )
            )
            return
        kept = len(self.notifier.sent)
        self.notifier.notify(notification)
        if len(self.notifier.sent) > kept:
            self.report.notifications.append(self.notifier.sent[-1])
        else:
            # Delivered to the host's notifier, but not kept: the report stays bounded.
            self.report.notifications_dropped += 1

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """The host's unit of work (a no-op in preview, where nothing is written)."""
        if self.preview:
            yield
            return
        with self.ports.unit_of_work.transaction():
            yield


class PlannedCustomers:
    """The ERP customers a preview would create, findable as a real run finds created ones.

    A real run binds a customer it creates and finds it again by binding, e-mail or lookup for
    the next order. A preview writes nothing, so without this each order of a new customer
    would plan the customer again (and the planned counts would exceed what the run does).
    Each planned customer gets a placeholder local id, which never reaches an adapter.
    """

    def __init__(self) -> None:
        self._found: dict[tuple[str, str], str] = {}
        self._ids: set[str] = set()

    def add(self, customer: ErpCustomer, store_id: int | None) -> str:
        """Plan ``customer`` (bound to ``store_id`` when it has one); return its placeholder."""
        local_id = f"(new customer {len(self._ids) + 1})"
        self._ids.add(local_id)
        keys = [("email", customer.email), ("code", customer.customer_code)]
        if store_id:
            keys.append(("store", str(store_id)))
        for kind, value in keys:
            # The first planned customer wins a key, as the oldest ERP match does.
            if value.strip():
                self._found.setdefault((kind, _key(value)), local_id)
        return local_id

    def by_store_id(self, store_id: int) -> str | None:
        """The planned customer bound to this store customer, if any."""
        return self._found.get(("store", str(store_id)))

    def by_email(self, email: str) -> str | None:
        """The planned customer with this e-mail (ignoring case), if any."""
        return self._found.get(("email", _key(email)))

    def by_code(self, code: str) -> str | None:
        """The planned customer with this customer code (ignoring case), if any."""
        return self._found.get(("code", _key(code)))

    def __contains__(self, local_id: object) -> bool:
        return local_id in self._ids


def _key(text: str) -> str:
    # As the SDK's adapters compare e-mails and codes.
    return text.strip().casefold()


def store_name(settings: StoreSettings) -> str:
    """A short label for a store: its nickname, else its hash."""
    return settings.description or settings.endpoint.store_hash or settings.endpoint.host
