"""The import facade a host calls: customers, orders, both, items, or a preview, locked."""

from __future__ import annotations

import logging
import os
import socket
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from bigcommerce_connect.client import BigCommerceClient
from bigcommerce_connect.errors import BigCommerceError
from bigcommerce_connect.models import ModelError
from bigcommerce_connect.notifications import NotificationKind
from bigcommerce_connect.ports import ItemRepository
from bigcommerce_connect.settings import StoreSettings
from bigcommerce_connect.sync.context import ErpPorts, SyncContext, store_name
from bigcommerce_connect.sync.customers import CustomerImporter
from bigcommerce_connect.sync.items import ItemImporter, ItemImportReport
from bigcommerce_connect.sync.options import ImportOptions
from bigcommerce_connect.sync.orders import OrderImporter
from bigcommerce_connect.sync.report import RunReport
from bigcommerce_connect.sync.webhooks import SECRET_HEADER, WebhookHandler

__all__ = ["LockedError", "StoreImporter"]

log = logging.getLogger("bigcommerce_connect.sync")


def lock_owner() -> str:
    """A store lock owner that says who holds it: host, process id and a unique part.

    A lock's holder (and the PostgreSQL adapter's grant history) then names the machine and
    process of a run, so an operator can tell a live holder from a dead one.
    """
    return f"{socket.gethostname()[:64]}:{os.getpid()}:{uuid.uuid4().hex[:12]}"


class LockedError(BigCommerceError):
    """Another run holds this store's lock; this run did nothing."""

    code = "locked"


class StoreImporter:
    """Imports one store's customers and orders into the host's ERP.

    Every run takes the store's lock without waiting (a second concurrent run reports
    ``locked`` and does nothing), fills a :class:`RunReport`, and never lets one bad record
    (order or customer) stop the others: it is quarantined with an alert. ``preview=True``
    maps everything and writes nothing anywhere.
    """

    def __init__(
        self,
        client: BigCommerceClient,
        settings: StoreSettings,
        ports: ErpPorts,
        options: ImportOptions | None = None,
        *,
        progress: Callable[[str, RunReport], None] | None = None,
    ) -> None:
        self.client = client
        self.settings = settings
        self.ports = ports
        # No options given: the settings' concurrency, which also sized the client's pool.
        self.options = options or ImportOptions(status_move_concurrency=settings.concurrency)
        self.progress = progress
        #: The report of the run in progress (or the last one): what a host that stops a run
        #: (Ctrl-C) can still show.
        self.last_report: RunReport | None = None
        self._owner = lock_owner()

    def context(self, *, preview: bool = False, report: RunReport | None = None) -> SyncContext:
        """A fresh context (and report, unless one is given) for one run."""
        ctx = SyncContext(self.client, self.settings, self.ports, self.options, report)
        ctx.report.preview = preview
        ctx.report.started_at = ctx.now()
        ctx.progress = self.progress
        self.last_report = ctx.report
        return ctx

    def import_customers(self, *, preview: bool = False) -> RunReport:
        """New and changed customers since the cursor."""
        return self.run(lambda ctx: CustomerImporter(ctx).run(), preview=preview)

    def import_orders(self, *, preview: bool = False) -> RunReport:
        """Orders in the "get" status: import, then move each to the "set" status."""
        return self.run(lambda ctx: OrderImporter(ctx).run(), preview=preview)

    def import_all(self, *, preview: bool = False) -> RunReport:
        """Customers, then orders: one "auto import" cycle's import part."""

        def both(ctx: SyncContext) -> None:
            customers = CustomerImporter(ctx)
            customers.run()
            OrderImporter(ctx, customers).run()

        return self.run(both, preview=preview)

    def import_items(
        self,
        items: ItemRepository | None = None,
        *,
        preview: bool = False,
        mapping: str | None = None,
    ) -> ItemImportReport:
        """Store products and variants into ERP items (the seed's "Update Item Import").

        ``items`` is the host's item repository (default: ``ports.item_repository``);
        ``mapping`` a stored mapping name (default ``automatic:item_import``). ``preview``
        maps every record, plans each create and update, and writes nothing anywhere.
        """
        repository = items if items is not None else self.ports.item_repository
        if repository is None:
            raise ValueError("pass items, or give the ports an item_repository")
        report = ItemImportReport(store=self.settings.description or store_name(self.settings))
        self.run(
            lambda ctx: ItemImporter(ctx, repository, mapping=mapping).run(),
            preview=preview,
            report=report,
        )
        return report

    def retry_quarantine(self) -> RunReport:
        """Fetch and import every quarantined customer, then every quarantined order, again."""

        def replay(ctx: SyncContext) -> None:
            customers = CustomerImporter(ctx)
            customers.retry_quarantine()
            OrderImporter(ctx, customers).retry_quarantine()

        return self.run(replay, preview=False)

    def webhook_handler(self, secret: str, *, secret_header: str = SECRET_HEADER) -> WebhookHandler:
        """A handler for this store's webhook deliveries (see :mod:`.webhooks`)."""
        return WebhookHandler(
            OrderImporter(self.context()), secret=secret, secret_header=secret_header
        )

    def run(
        self,
        job: Callable[[SyncContext], object],
        *,
        preview: bool = False,
        report: RunReport | None = None,
    ) -> RunReport:
        """Run ``job`` under the store lock with a fresh context; return its report.

        A store failure (after the client's retries) ends the job, is reported and notified,
        and leaves every cursor where it was.
        """
        ctx = self.context(preview=preview, report=report)
        calls_before = self.client.api_calls
        started = time.monotonic()
        try:
            with self._locked():
                ctx.progress = self._renewing(ctx.progress)
                job(ctx)
        except LockedError as error:
            ctx.report.failed = True
            ctx.report.stopped(error.code)
            ctx.report.errors.append(str(error))
        except BigCommerceError as error:
            # The store failed us: the cursor did not move, so the next run retries it all.
            ctx.report.failed = True
            ctx.report.stopped(error.code, retry_after=getattr(error, "retry_after", None))
            ctx.report.errors.append(str(error))
            ctx.notify(
                NotificationKind.ERROR,
                f"run.{getattr(error, 'code', 'error')}",
                f"the import stopped: {error}",
                request_id=getattr(error, "request_id", None),
            )
        except ModelError as error:
            # A 2xx whose data the SDK cannot read where no single record can be set aside
            # (the store's status list, say): like a garbled answer, the run stops cleanly.
            ctx.report.failed = True
            ctx.report.stopped("unexpected_response")
            ctx.report.errors.append(f"the store sent data the SDK cannot read: {error}")
            ctx.notify(
                NotificationKind.ERROR,
                "run.unexpected_response",
                f"the import stopped: the store sent data the SDK cannot read: {error}",
            )
        finally:
            ctx.report.api_calls = self.client.api_calls - calls_before
            ctx.report.duration_seconds = time.monotonic() - started
        return ctx.report

    @property
    def _lock_name(self) -> str:
        return f"{self.settings.endpoint.store_hash or self.settings.endpoint.host}:import"

    @contextmanager
    def _locked(self) -> Iterator[None]:
        name = self._lock_name
        if not self.ports.lock.try_acquire(name, self._owner):
            raise LockedError(f"another import of this store is running ({name})")
        try:
            yield
        finally:
            self.ports.lock.release(name, self._owner)

    def _renewing(
        self, progress: Callable[[str, RunReport], None] | None
    ) -> Callable[[str, RunReport], None]:
        """The progress callback, renewing the store lock first after every page.

        A store lock may be a lease (the SQLite one is): a run longer than the lease would lose
        it silently and let a second runner in. Renewing after each page keeps it; finding it
        taken over stops this run (cursor unchanged) instead of running beside the other.
        """

        def tick(stage: str, report: RunReport) -> None:
            if not self.ports.lock.try_acquire(self._lock_name, self._owner):
                raise LockedError(
                    f"the store lock ({self._lock_name}) was taken over by another import; "
                    "this run stopped"
                )
            if progress is not None:
                progress(stage, report)

        return tick
