"""One "auto import" cycle for a store: customers, orders with status moves, inventory push.

The runner is what a scheduler calls — cron, a thread, or a job-queue task (Celery, RQ). It is
safe to call from several places at once: every cycle takes the store's lock without waiting,
so a second runner on the same store reports ``locked`` and does nothing, and bindings keep
each store record to one ERP record even if a host's lock were to fail.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Final

from bigcommerce_connect.client import BigCommerceClient
from bigcommerce_connect.errors import BigCommerceError
from bigcommerce_connect.export.inventory import InventoryPusher
from bigcommerce_connect.export.report import Action
from bigcommerce_connect.notifications import NotificationKind
from bigcommerce_connect.ports import BindingEntity, StockSource
from bigcommerce_connect.settings import StoreSettings
from bigcommerce_connect.sync.changes import OrderChangeStream
from bigcommerce_connect.sync.context import ErpPorts, SyncContext
from bigcommerce_connect.sync.customers import CustomerImporter
from bigcommerce_connect.sync.importer import LockedError, StoreImporter
from bigcommerce_connect.sync.options import ImportOptions
from bigcommerce_connect.sync.orders import OrderImporter
from bigcommerce_connect.sync.report import RunReport

__all__ = ["AUTO_IMPORT_OFF", "InventoryStep", "SyncRunner", "push_inventory"]

#: ``RunReport.skipped`` of a scheduled cycle while the settings' ``auto_import`` is off.
AUTO_IMPORT_OFF: Final = "auto_import is off"

#: Pushes ERP stock to the store inside a cycle; returns how many items it pushed.
InventoryStep = Callable[[SyncContext], int]


def push_inventory(stock: StockSource) -> InventoryStep:
    """The standard inventory step: push changed ERP stock with :class:`InventoryPusher`.

    Failed items are reported as warnings and pushed again next cycle (their marker did not
    move). Without the Store Inventory scope stock goes through the catalog, with one
    ``inventory.scope.missing`` warning a cycle. A preview pushes nothing.
    """

    def step(ctx: SyncContext) -> int:
        if ctx.preview:
            return 0

        def warn(code: str, message: str) -> None:
            ctx.notify(NotificationKind.WARNING, code, message)

        pusher = InventoryPusher(
            ctx.client, stock=stock, bindings=ctx.ports.bindings, clock=ctx.ports.clock, warn=warn
        )
        report = pusher.push()
        failed = [item for item in report.items if item.action is Action.FAILED]
        for item in failed:
            ctx.notify(
                NotificationKind.WARNING,
                "inventory.push.failed",
                f"stock of {item.sku or item.local_id} was not pushed: {item.error}",
                entity=BindingEntity.ITEM,
                external_id=item.local_id,
            )
        return len(report.items) - len(failed)

    return step


class SyncRunner:
    """Runs cycles for one store as its settings say.

    ``run_cycle`` is the scheduled "auto import": it does nothing while the settings'
    ``auto_import`` is off, and its report says so (``skipped == AUTO_IMPORT_OFF``).
    ``run_now`` is the batch on demand and always runs. Each stream's
    cursor lives in the ports' sync state only: the settings' ``last_update`` is where a
    stream with no cursor yet starts, and a cycle never writes it back.
    """

    def __init__(
        self,
        client: BigCommerceClient,
        settings: StoreSettings,
        ports: ErpPorts,
        options: ImportOptions | None = None,
        *,
        inventory: InventoryStep | None = None,
        progress: Callable[[str, RunReport], None] | None = None,
        changes: bool = False,
    ) -> None:
        self.settings = settings
        self.importer = StoreImporter(client, settings, ports, options, progress=progress)
        self.inventory = inventory
        #: Whether cycles run the changes stream (store-side changes of imported orders,
        #: see :mod:`.changes`) right after the orders: for hosts without webhooks.
        self.changes = changes

    def run_cycle(self, *, preview: bool = False) -> RunReport:
        """The scheduled cycle: skipped (and reported so) while auto import is off."""
        if not self.settings.auto_import:
            # Nothing was read or written: ``skipped`` tells this apart from an empty run.
            report = self.importer.context(preview=preview).report
            report.skipped = AUTO_IMPORT_OFF
            report.errors.append(
                "auto import is off in the store settings; nothing was done "
                "(set auto_import = true to schedule imports)"
            )
            return report
        return self.run_now(preview=preview)

    def run_now(self, *, preview: bool = False) -> RunReport:
        """One full cycle now: customers, orders (with status moves), changes, inventory."""
        return self.importer.run(self._cycle, preview=preview)

    def _cycle(self, ctx: SyncContext) -> None:
        customers = CustomerImporter(ctx)
        _stage(ctx, "customers", customers.run)
        _stage(ctx, "orders", OrderImporter(ctx, customers).run)
        if self.changes:
            _stage(ctx, "changes", OrderChangeStream(ctx).run)
        inventory = self.inventory
        if inventory is not None:

            def push() -> None:
                ctx.report.inventory_pushed += inventory(ctx)
                ctx.tick("inventory")

            _stage(ctx, "inventory", push)


def _stage(ctx: SyncContext, name: str, work: Callable[[], object]) -> None:
    """Run one stage; a store failure in it fails only this stage.

    A 403 is about one kind of data (the API account lacks, say, the Products scope), a list
    that stops making progress (:class:`PagingError`) about one list, and a failure that
    outlasted the retries (a customers page always too large, say) about one stage: the
    stage stops where it is, with its cursor unchanged, and is reported and notified; the
    next stages still run (orders import their customers by id), so a stuck customer list
    never holds back the orders. Only a lost store lock ends the whole cycle.
    """
    try:
        work()
    except LockedError:
        raise  # another runner took the store over: nothing more may run
    except BigCommerceError as error:
        ctx.report.failed = True
        ctx.report.stopped(error.code, retry_after=getattr(error, "retry_after", None))
        ctx.report.errors.append(f"{name}: {error}")
        ctx.notify(
            NotificationKind.ERROR,
            f"run.{error.code}",
            f"the {name} stage stopped: {error}",
            request_id=getattr(error, "request_id", None),
        )
