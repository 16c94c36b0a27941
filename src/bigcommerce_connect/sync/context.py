"""Everything an import needs, gathered once per run: client, settings, ports, mappings."""

from __future__ import annotations

import functools
import hashlib
import json
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
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
from bigcommerce_connect.repairs import WireRepair
from bigcommerce_connect.settings import StoreSettings
from bigcommerce_connect.sync.options import ImportOptions
from bigcommerce_connect.sync.report import RunReport

__all__ = [
    "ErpPorts",
    "SyncContext",
    "clean_text",
    "map_record",
    "quarantine_key",
    "wire_id",
]

R = TypeVar("R")

#: Code points that are text in Python but not in UTF-8 (lone or paired surrogate halves).
_SURROGATES = re.compile("[\ud800-\udfff]")
_KEY_LIMIT = 200
_REASON_LIMIT = 500


def clean_text(value: object, limit: int = _REASON_LIMIT) -> str:
    """``value`` as text any store can hold: surrogates become U+FFFD, at most ``limit`` long.

    What a quarantine or a notification keeps comes from the wire or from an exception about
    it; it must never be the next thing that fails.
    """
    try:
        text = value if isinstance(value, str) else str(value)
    except Exception:  # an exception whose __str__ itself fails
        text = type(value).__name__
    text = _SURROGATES.sub("\ufffd", text[: limit + 1])
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"


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
        self._quarantined: dict[str, dict[str, str]] = {}

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
        reports what it would quarantine. A record that fails again with the same code while
        its entry is still there refreshes the entry (one more attempt) without a new alert:
        a run re-reads every order still waiting in the "get" status. Keeping the entry can
        never stop the run: key and reason are cleaned text, and if the host's quarantine
        still refuses the entry, a minimal one is tried, then an error is reported.
        """
        key = clean_text(key, _KEY_LIMIT)
        code = clean_text(getattr(error, "code", None) or type(error).__name__, _KEY_LIMIT)
        reason = clean_text(error)
        self.report.plan(entity, key, "quarantine", reason)
        if self._known_quarantine(entity).get(key) != code:
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
        self._keep(entry)

    def _known_quarantine(self, entity: str) -> dict[str, str]:
        """This entity's quarantined keys and codes, read once per run (for the alerts)."""
        known = self._quarantined.get(entity)
        if known is None:
            try:
                entries = self.ports.quarantine.entries(entity)
                known = {entry.external_id: entry.code for entry in entries}
            except Exception:  # unreadable quarantine: alert every time rather than never
                known = {}
            self._quarantined[entity] = known
        return known

    def _keep(self, entry: QuarantineEntry) -> None:
        """Put the entry; on failure a minimal one; on failure again, report and go on.

        The record was neither imported nor moved, so it is still in the "get" status and the
        next run brings it back either way.
        """
        minimal = attrs.evolve(entry, payload={"id": entry.external_id, "payload_stored": False})
        failure: Exception | None = None
        for candidate in (entry, minimal):
            try:
                self.ports.quarantine.put(candidate)
            except Exception as error:  # a host adapter may fail on anything
                failure = error
                continue
            self._known_quarantine(entry.entity)[entry.external_id] = entry.code
            return
        message = (
            f"{entry.entity} {entry.external_id} could not be quarantined: {clean_text(failure)}"
        )
        self.report.errors.append(message)
        self.notify(
            NotificationKind.ERROR,
            f"{entry.entity}.quarantine.failed",
            message,
            entity=entry.entity,
            external_id=entry.external_id,
        )

    def take_repairs(self, entity: str, ids: Iterable[object]) -> set[str]:
        """Drain the client's wire repairs after a page arrived; return ids to set aside.

        ``ids`` are the records of the page that just arrived. A text repair (a lone surrogate
        or undecodable bytes, now U+FFFD) keeps the record and sends a warning naming it and
        the field. A value nested too deep was dropped by the client: a record of this page
        that lost one is set aside (the caller quarantines it), not imported half-read.
        """
        on_page = {str(record_id) for record_id in ids}
        deep: set[str] = set()
        for repair in self._wire_repairs():
            record_id = repair.record_id
            if repair.kind == "depth" and record_id is not None and record_id in on_page:
                deep.add(record_id)
                continue
            self.notify(
                NotificationKind.WARNING,
                f"record.{clean_text(repair.kind, 20)}.repaired",
                _repair_message(entity, repair),
                entity=entity,
                external_id=None if record_id is None else clean_text(record_id, _KEY_LIMIT),
                details={"field": clean_text(repair.field), "path": clean_text(repair.path)},
            )
        return deep

    def release(self, entity: str, key: str) -> None:
        """A record imported after all: its quarantine entry, if any, goes (not in preview)."""
        if self.preview:
            return
        self.ports.quarantine.remove(entity, key)
        known = self._quarantined.get(entity)  # read only once something was quarantined
        if known is not None:
            known.pop(key, None)

    def refresh_quarantine(self) -> None:
        """Read the quarantine again at the next failure (between a webhook's deliveries).

        A run reads it once; a long-lived context must not decide on an old view whether a
        failure was already alerted.
        """
        self._quarantined.clear()

    def drop_repairs(self) -> None:
        """Forget repairs in answers the run does not import from (re-reads, move echoes)."""
        self._wire_repairs()

    def _wire_repairs(self) -> list[WireRepair]:
        return self.client.take_wire_repairs()

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
    try:
        # ASCII JSON: a lone surrogate is escaped, never an encoding error.
        text = json.dumps(payload, sort_keys=True, default=str, ensure_ascii=True).encode()
    except (ValueError, TypeError, RecursionError):
        text = type(payload).__name__.encode()  # too deep or circular: one shared entry
    return "unidentified-" + hashlib.sha1(text, usedforsecurity=False).hexdigest()[:12]


def _repair_message(entity: str, repair: WireRepair) -> str:
    record = "" if repair.record_id is None else f" {clean_text(repair.record_id, _KEY_LIMIT)}"
    if repair.kind == "text":
        what = "held text that is not valid Unicode; it was kept with U+FFFD in its place"
    else:
        what = "was nested too deep to read; it was dropped"
    return f"{entity}{record}: {clean_text(repair.field)} {what} ({clean_text(repair.path)})"


def wire_id(item: object) -> int:
    """A record's positive id as the wire sent it; 0 when it has none usable."""
    # The wire may hold anything where a record belongs (null, text, a list).
    value = item.get("id") if isinstance(item, dict) else None
    if isinstance(value, int) and not isinstance(value, bool) and value > 0:
        return value
    return 0
