"""Everything an import needs, gathered once per run: client, settings, ports, mappings."""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from datetime import datetime
from typing import Any, TypeVar

import attrs

from bigcommerce_connect.client import BigCommerceClient
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
    Clock,
    CreditLimits,
    CustomerRepository,
    ItemLookup,
    QuarantineEntry,
    QuarantineRepository,
    SalesOrderRepository,
    StoreLock,
    SyncStateRepository,
    UnitOfWork,
    WebhookReceipts,
)
from bigcommerce_connect.settings import StoreSettings
from bigcommerce_connect.sync.options import ImportOptions
from bigcommerce_connect.sync.report import RunReport

__all__ = ["ErpPorts", "SyncContext", "map_record", "quarantine_key", "wire_id"]

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

    @classmethod
    def from_erp(cls, erp: Any, *, mappings: MappingStore, clock: Clock) -> ErpPorts:
        """Take every port from one object that has them as attributes (e.g. ``MemoryErp``)."""
        names = [f.name for f in attrs.fields(cls) if f.name not in ("mappings", "clock")]
        ports: dict[str, Any] = {name: getattr(erp, name, None) for name in names}
        return cls(mappings=mappings, clock=clock, **ports)


class SyncContext:
    """One run's view of a store: the client, the settings, the ports and the notifier."""

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
        self.options = options or ImportOptions()
        self.report = report or RunReport(store=settings.description or store_name(settings))
        self.notifier = SafeNotifier(
            ports.notifier, recipient=settings.notify_to, store=self.report.store
        )
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

    def notify(self, kind: NotificationKind, code: str, message: str, **context: Any) -> None:
        """Send a notification to the settings' employee and keep it in the report."""
        notification = Notification(kind=kind, code=code, message=message, **context)
        kept = len(self.notifier.sent)
        self.notifier.notify(notification)
        if len(self.notifier.sent) > kept:
            self.report.notifications.append(self.notifier.sent[-1])
        else:
            # Delivered to the host's notifier, but not kept: the report stays bounded.
            self.report.notifications_dropped += 1

    def quarantine(
        self, entity: str, key: str, error: Exception, payload: Mapping[str, Any]
    ) -> None:
        """Keep a record that failed to import, with an alert; the caller counts it.

        The entry holds the raw payload for a person to read and the reason; a preview only
        reports what it would quarantine.
        """
        code = str(getattr(error, "code", None) or type(error).__name__)
        reason = str(error)[:500]
        self.report.plan(entity, key, "quarantine", reason)
        self.notify(
            NotificationKind.ALERT,
            f"{entity}.import.{code}",
            f"{entity} {key} was not imported: {reason}",
            entity=entity,
            external_id=key,
            request_id=getattr(error, "request_id", None),
        )
        if self.preview:
            return
        now = self.now()
        entry = QuarantineEntry(
            entity=entity,
            external_id=key,
            code=code,
            reason=reason,
            payload=payload,
            first_failed=now,
            last_failed=now,
        )
        self.ports.quarantine.put(entry)

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """The host's unit of work (a no-op in preview, where nothing is written)."""
        if self.preview:
            yield
            return
        with self.ports.unit_of_work.transaction():
            yield


def store_name(settings: StoreSettings) -> str:
    """A short label for a store: its nickname, else its hash."""
    return settings.description or settings.endpoint.store_hash or settings.endpoint.host


def quarantine_key(payload: object, record_id: int | None) -> str:
    """The record's id, or for junk with none a stable key from its content (one entry each)."""
    found = record_id if record_id is not None else wire_id(payload)
    if found:
        return str(found)
    text = json.dumps(payload, sort_keys=True, default=str).encode()
    return "unidentified-" + hashlib.sha1(text, usedforsecurity=False).hexdigest()[:12]


def wire_id(item: object) -> int:
    """A record's positive id as the wire sent it; 0 when it has none usable."""
    # The wire may hold anything where a record belongs (null, text, a list).
    value = item.get("id") if isinstance(item, dict) else None
    if isinstance(value, int) and not isinstance(value, bool) and value > 0:
        return value
    return 0
