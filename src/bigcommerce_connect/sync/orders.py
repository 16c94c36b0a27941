"""Order import: the seed's "Get Order Status -> import -> Set Order Status", exactly once.

The "get" status is the work queue. When a run moves imported orders out of it (the default),
every run lists all of it: keyset by id (``min_id`` moves forward, so orders leaving the status
while we page shift nothing), bounded below only by the host's ``start_date``, no date window.
An order missed for any reason (a garbled page, a crash, a store clock ahead of or behind ours,
a reused database) is still waiting there, so the next run picks it up. Runs that do not move
statuses read the window ``[cursor - overlap, now - settle]`` instead, plus a reconcile sweep
(at most every ``reconcile_every``) over the last ``reconcile_lookback`` for unbound orders.

1. List a page of orders with line items and shipping addresses embedded: one call per page.
   Right after it arrives, the client's wire repairs are drained: repaired text gets a warning
   naming the order and field; an order that lost a too-deep value is quarantined.
2. Each order: bound and not newer -> skip the import (still finish the move); otherwise
   resolve the customer (binding -> e-mail -> guest policy) and the items (by SKU), check its
   lines add up to the store's ``items_total``, map, and create or update the ERP order and its
   binding in one unit of work.
3. Guarded move: one list call re-reads which of the page's orders are still in the "get"
   status (status filter + id range); those move to the "set" status (``{"status_id": N}``),
   the others (another app changed them meanwhile) stay as they are, with a warning.

Anything raised while importing one order quarantines it with its reason and payload; the
others go on. An order not moved stays in the "get" status, so the next run brings it back.
"""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from decimal import Decimal
from typing import Any, Final

import attrs

from bigcommerce_connect.errors import (
    BigCommerceError,
    NotFoundError,
    PermissionDeniedError,
)
from bigcommerce_connect.models import ModelError, Order, OrderProduct, unstructure
from bigcommerce_connect.notifications import NotificationKind
from bigcommerce_connect.ports import Binding, BindingConflictError, ItemRef
from bigcommerce_connect.records import ErpOrderLine, ErpSalesOrder
from bigcommerce_connect.status import OrderStatus
from bigcommerce_connect.sync.context import SyncContext, map_record, quarantine_key, wire_id
from bigcommerce_connect.sync.customers import CustomerImporter, safe_bind
from bigcommerce_connect.sync.options import MissingItemPolicy
from bigcommerce_connect.sync.window import SyncWindow, is_newer, window_for

__all__ = ["ORDER_STREAM", "RECONCILE_STREAM", "OrderImportError", "OrderImporter"]

ORDER_STREAM: Final = "orders"
#: The sync-state stream holding when the last reconcile sweep finished (our clock).
RECONCILE_STREAM: Final = "orders.reconcile"
ORDER: Final = "order"
#: Page size of status re-reads and reconcile sweeps: ids only, so always the largest.
ID_PAGE: Final = 250
#: Orders fetched by the reconcile sweep are imported this many at a time.
_SWEEP_BATCH: Final = 50


class OrderImportError(BigCommerceError):
    """An order cannot be imported as it is (an item is missing, say); it is quarantined."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


@attrs.frozen
class _Outcome:
    move: bool  # the store order should move to the "set" status
    done: bool  # fully handled: the cursor may pass it


class OrderImporter:
    """Imports store orders through the context's order mapping."""

    def __init__(self, context: SyncContext, customers: CustomerImporter | None = None) -> None:
        self.ctx = context
        self.customers = customers or CustomerImporter(context)
        self._statuses: tuple[int, int] | None = None
        self._customers_unreadable = False

    # -- statuses --------------------------------------------------------------------------

    @property
    def statuses(self) -> tuple[int, int]:
        """The "get" and "set" status ids, resolved through the store's own labels."""
        if self._statuses is None:
            labels = self.ctx.client.order_statuses.labels()
            settings = self.ctx.settings
            self._statuses = (
                labels.resolve(settings.get_order_status),
                labels.resolve(settings.set_order_status),
            )
        return self._statuses

    @property
    def works_the_queue(self) -> bool:
        """True when imported orders leave the "get" status: then it is the work queue."""
        get_status, set_status = self.statuses
        return self.ctx.options.move_statuses and get_status != set_status

    # -- the stream ------------------------------------------------------------------------

    def run(self) -> SyncWindow:
        """Import the orders waiting in the "get" status and move each after; see the module.

        The returned window is the one recorded as the cursor; it bounds the listing only in
        runs that do not move statuses.
        """
        ctx = self.ctx
        window = window_for(ctx, ORDER_STREAM)
        get_status, _ = self.statuses
        queue = self.works_the_queue
        pages = self._queue_pages(get_status) if queue else self._window_pages(get_status, window)
        unfinished: list[datetime] = []
        for page in pages:
            unfinished.extend(self.process_wire_page(page))
            ctx.tick("orders")
        if not ctx.preview:
            cursor = min([window.end, *unfinished])
            ctx.ports.sync_state.set_cursor(ORDER_STREAM, cursor)
            ctx.report.cursor = cursor
        if not queue:
            self.reconcile(window)
        return window

    def _queue_pages(self, status_id: int) -> Iterator[list[Any]]:
        # The whole status, every run: nothing bounds it below but the host's start date.
        # Above, the highest id waiting when the run starts: orders arriving meanwhile wait
        # for the next run, so a busy store cannot keep one run going forever.
        options = self.ctx.options
        top = self._queue_top(status_id)
        if top is None:
            return
        pages = self.ctx.client.orders.wire_pages_keyset(
            status_id=status_id,
            min_date_modified=options.start_date,
            max_id=top,
            embed_lines=True,
            limit=options.page_size,
        )
        for page in pages:
            yield page
            if max((wire_id(item) for item in page), default=0) >= top:
                return  # the queue is read up to its top: no call for an empty page after it

    def _queue_top(self, status_id: int) -> int | None:
        """The highest order id in the "get" status (one call), None when it is empty."""
        pages = self.ctx.client.orders.wire_pages(
            status_id=status_id,
            min_date_modified=self.ctx.options.start_date,
            sort="id:desc",
            embed_lines=False,
            limit=1,
        )
        first = next(pages, [])  # one page of one order: the rest is never asked for
        self.ctx.drop_repairs()  # the top order is read again with its page
        return max((wire_id(item) for item in first), default=0) or None

    def _window_pages(self, status_id: int, window: SyncWindow) -> Iterator[list[Any]]:
        start = _latest(window.start, self.ctx.options.start_date)
        return self.ctx.client.orders.wire_pages_keyset(
            status_id=status_id,
            min_date_modified=start,
            max_date_modified=window.end,
            embed_lines=True,
            limit=self.ctx.options.page_size,
        )

    def process_wire_page(self, page: list[Any]) -> list[datetime]:
        """Import a listed page as the store sent it; return unfinished orders' times."""
        deep = self.ctx.take_repairs(ORDER, [wire_id(item) for item in page])
        return self.process_page(self._typed(page, deep))

    def _typed(self, page: list[Any], deep: set[str]) -> list[Order]:
        # One order the SDK cannot read must not block its page: quarantine it, go on.
        orders = []
        for item in page:
            # A list item that is not even an object (null, a string) is kept as it came.
            payload = item if isinstance(item, dict) else {"value": item}
            if str(wire_id(item)) in deep:
                self._quarantine_wire(payload, _too_deep(wire_id(item)))
                continue
            try:
                orders.append(Order.from_wire(item))
            except Exception as error:  # ModelError, or worse: still only this order
                self._quarantine_wire(payload, error)
        return orders

    def process_page(self, orders: list[Order]) -> list[datetime]:
        """Import a page of orders, then move their statuses; return unfinished orders' times."""
        self._prefetch_customers(orders)
        to_move: list[Order] = []
        unfinished: list[datetime] = []
        for order in orders:
            outcome = self.import_order(order)
            if outcome.move:
                to_move.append(order)
            elif not outcome.done and order.date_modified is not None:
                unfinished.append(order.date_modified)
        for order in self.move_guarded(to_move):
            if order.date_modified is not None:
                unfinished.append(order.date_modified)
        return unfinished

    def _prefetch_customers(self, orders: list[Order]) -> None:
        # One call for the page's registered customers we have not bound yet, instead of one
        # call per order: keeps a whole import near one API call per order.
        bindings = self.ctx.ports.bindings
        unbound = sorted(
            {
                order.customer_id
                for order in orders
                if order.customer_id and bindings.get("customer", str(order.customer_id)) is None
            }
        )
        if not unbound or self._customers_unreadable:
            return
        try:
            self.customers.import_by_ids(unbound)
        except PermissionDeniedError as error:
            # Without the Customers scope the orders still import: their customers are found
            # by e-mail or made from the billing address, and bound to the store customer, so
            # a later customer import (once the scope is granted) completes them.
            self._customers_unreadable = True
            self.ctx.notify(
                NotificationKind.WARNING,
                "customer.scope.missing",
                f"customers could not be read ({error.scope} is missing); orders use their "
                "billing addresses to find or create the ERP customer",
                request_id=error.request_id,
            )
        except BigCommerceError as error:
            # The page is listed: its orders must be imported now, because another app may
            # take them out of the "get" status before the next run. Their customers come
            # from the billing address (bound to the store customer, so the customer stream
            # completes them later) instead of the run ending here.
            self.ctx.notify(
                NotificationKind.WARNING,
                "customer.prefetch.failed",
                f"the page's {len(unbound)} customers could not be read ({error}); their "
                "orders use the billing address to find or create the ERP customer",
                request_id=getattr(error, "request_id", None),
            )

    # -- reconcile sweep -------------------------------------------------------------------

    def reconcile(self, window: SyncWindow) -> None:
        """Import orders in the "get" status the windows missed, at most every few hours.

        For runs that do not move statuses (the status is then no work queue): ids of the
        orders modified within ``reconcile_lookback`` are listed without lines (one call per
        250); those not bound are fetched with their lines and imported.
        """
        ctx = self.ctx
        now = ctx.now()
        last = ctx.ports.sync_state.get_cursor(RECONCILE_STREAM)
        if last is None and window.start is None:
            # This run read the status from the beginning: nothing can be missing yet.
            self._swept(now)
            return
        if last is not None and now - last < ctx.options.reconcile_every:
            return
        since = _latest(now - ctx.options.reconcile_lookback, ctx.options.start_date)
        before = ctx.report.orders_imported + ctx.report.orders_updated
        batch: list[Order] = []
        for order_id in self._unbound_ids(since, window.end):
            order = self._sweep_fetch(order_id)
            if order is not None:
                batch.append(order)
            if len(batch) >= _SWEEP_BATCH:
                self.process_page(batch)
                batch = []
        self.process_page(batch)
        ctx.report.orders_reconciled += ctx.report.orders_imported + ctx.report.orders_updated
        ctx.report.orders_reconciled -= before
        self._swept(now)

    def _unbound_ids(self, since: datetime | None, until: datetime) -> list[int]:
        get_status, _ = self.statuses
        bindings = self.ctx.ports.bindings
        pages = self.ctx.client.orders.wire_pages_keyset(
            status_id=get_status,
            min_date_modified=since,
            max_date_modified=until,
            embed_lines=False,
            limit=ID_PAGE,
        )
        missing: list[int] = []
        for page in pages:
            self.ctx.drop_repairs()  # each missing order is read again, whole
            for item in page:
                order_id = wire_id(item)
                if order_id and bindings.get(ORDER, str(order_id)) is None:
                    missing.append(order_id)
        return missing

    def _sweep_fetch(self, order_id: int) -> Order | None:
        try:
            return self.fetch_order(order_id)
        except NotFoundError:
            return None  # deleted since the sweep listed it
        except ModelError as error:
            self._quarantine_wire({"id": order_id}, error, order_id=order_id)
            return None

    def _swept(self, now: datetime) -> None:
        if not self.ctx.preview:
            self.ctx.ports.sync_state.set_cursor(RECONCILE_STREAM, now)

    def fetch_order(self, order_id: int) -> Order | None:
        """One order by id with its lines; None when it lost a too-deep value (quarantined).

        Raises what :meth:`OrdersResource.get` raises (``ApiError``, ``ModelError``).
        """
        order = self.ctx.client.orders.get(order_id)
        if self.ctx.take_repairs(ORDER, [order_id]):
            self._quarantine(order, _too_deep(order_id))
            return None
        return order

    # -- one order -------------------------------------------------------------------------

    def import_order(self, order: Order) -> _Outcome:
        """Import one order (or skip it); quarantine it on failure. Never raises for the order."""
        try:
            return self._import_or_skip(order)
        except Exception as error:  # whatever breaks on one order stays with that order
            self._quarantine(order, error)
            return _Outcome(move=False, done=True)

    def _import_or_skip(self, order: Order) -> _Outcome:
        ctx = self.ctx
        get_status, set_status = self.statuses
        movable = ctx.options.move_statuses and order.status_id == get_status != set_status
        if order.status_id == OrderStatus.INCOMPLETE and ctx.options.skip_incomplete:
            ctx.report.orders_skipped += 1
            ctx.report.plan(ORDER, order.id, "skip", "incomplete order")
            return _Outcome(move=False, done=True)
        binding = ctx.ports.bindings.get(ORDER, str(order.id))
        if binding is not None and not is_newer(order.date_modified, binding.external_modified):
            ctx.report.orders_skipped += 1
            ctx.report.plan(ORDER, order.id, "skip", "already imported")
            return _Outcome(move=movable, done=True)
        try:
            self._import(order, binding)
        except BindingConflictError:
            # Another runner imported it between our read and our write: nothing to do.
            ctx.report.orders_skipped += 1
            return _Outcome(move=movable, done=True)
        ctx.release(ORDER, str(order.id))
        return _Outcome(move=movable, done=True)

    def _import(self, order: Order, binding: Binding | None) -> None:
        ctx = self.ctx
        order = self._with_lines(order)
        _check_lines(order)
        record, fields = self._map(order, create=binding is None)
        with ctx.transaction():
            customer_id = self._customer_for(order)
            self._check_credit(order, customer_id, record)
            if ctx.preview:
                self._count(order, binding, record)
                return
            if binding is None:
                local_id = ctx.ports.sales_orders.create(record, customer_id=customer_id or "")
            else:
                local_id = binding.local_id
                ctx.ports.sales_orders.update(
                    local_id, record, customer_id=customer_id or "", fields=fields
                )
            ctx.ports.bindings.bind(
                Binding(
                    entity=ORDER,
                    external_id=str(order.id),
                    local_id=local_id,
                    external_modified=order.date_modified,
                    synced_at=ctx.now(),
                )
            )
        # Counted once the unit of work committed: a run that lost the race for this order
        # to another runner (BindingConflictError) rolled back and imported nothing.
        self._count(order, binding, record)

    def _with_lines(self, order: Order) -> Order:
        """The order with every line; fetched lines go through the wire-repair check too."""
        if order.lines_embedded:
            return order
        order = self.ctx.client.orders.with_lines(order)
        if self.ctx.take_repairs(ORDER, [line.id for line in order.products]):
            raise _too_deep(order.id)
        return order

    def _count(self, order: Order, binding: Binding | None, record: ErpSalesOrder) -> None:
        report = self.ctx.report
        if binding is None:
            report.orders_imported += 1
            report.plan(ORDER, order.id, "create", record.customer_lookup)
        else:
            report.orders_updated += 1
            report.plan(ORDER, order.id, "update", binding.local_id)

    def _map(self, order: Order, *, create: bool) -> tuple[ErpSalesOrder, frozenset[str]]:
        mapping = self.ctx.order_mapping
        record, fields = map_record(mapping, order, ErpSalesOrder, create=create)
        code = self.ctx.settings.code
        if create and code:
            record = attrs.evolve(record, external_ref=f"{code}{order.id}")
        lines = [self._resolve_item(order, line) for line in record.lines]
        self._check_rounding(order, record)
        return attrs.evolve(record, lines=lines), fields

    def _customer_for(self, order: Order) -> str | None:
        ctx = self.ctx
        if order.customer_id:
            binding = ctx.ports.bindings.get("customer", str(order.customer_id))
            if binding is not None:
                return binding.local_id
        elif ctx.options.guest_customer_id:
            return ctx.options.guest_customer_id
        local_id = self.customers.customer_for_guest(
            order.billing_address, order.id, store_customer_id=order.customer_id or 0
        )
        if order.customer_id and local_id is not None and not ctx.preview:
            safe_bind(self.customers, order.customer_id, local_id)
        return local_id

    def _resolve_item(self, order: Order, line: ErpOrderLine) -> ErpOrderLine:
        if line.is_custom or not line.item_code:
            return line  # custom (non-catalog) lines have no ERP item to find
        refs = list(self.ctx.ports.items.find_by_sku(line.item_code))
        if not refs:
            return self._missing_item(order, line)
        chosen = refs[0]
        if len(refs) > 1:
            self._tell(
                order.id,
                NotificationKind.ELECTION,
                "item.sku.several",
                f"order {order.id}: {len(refs)} ERP items have SKU {line.item_code}; "
                f"chose {chosen.local_id}",
                details={"candidates": [ref.local_id for ref in refs]},
            )
        self._check_stock(order, line, chosen)
        return attrs.evolve(line, item_id=chosen.local_id)

    def _check_credit(self, order: Order, customer_id: str | None, record: ErpSalesOrder) -> None:
        limits = self.ctx.ports.credit_limits
        if limits is None or customer_id is None or record.total is None:
            return
        available = limits.available_credit(customer_id)
        if available is not None and record.total > available:
            self._tell(
                order.id,
                NotificationKind.WARNING,
                "customer.credit.exceeded",
                f"order {order.id}: {record.total} exceeds the {available} credit left to "
                f"customer {customer_id}",
            )

    def _check_stock(self, order: Order, line: ErpOrderLine, item: ItemRef) -> None:
        if item.available is None or line.quantity is None or line.quantity <= item.available:
            return
        self._tell(
            order.id,
            NotificationKind.WARNING,
            "item.stock.short",
            f"order {order.id}: {line.quantity} of {line.item_code} ordered, "
            f"{item.available} in stock",
        )

    def _missing_item(self, order: Order, line: ErpOrderLine) -> ErpOrderLine:
        message = f"order {order.id}: no ERP item has SKU {line.item_code}"
        if self.ctx.options.missing_item_policy is MissingItemPolicy.QUARANTINE:
            raise OrderImportError("item.sku.missing", message)
        self._tell(
            order.id,
            NotificationKind.WARNING,
            "item.sku.missing",
            message,
        )
        return line

    def _check_rounding(self, order: Order, record: ErpSalesOrder) -> None:
        totals = [line.line_total_inc_tax for line in record.lines if not line.is_bundled_product]
        if record.total is None or any(total is None for total in totals):
            return
        parts = [*totals, record.shipping_inc_tax, record.handling]
        expected = sum((p for p in parts if p is not None), Decimal(0))
        expected -= (record.discount or 0) + (record.coupon_discount or 0)
        difference = abs(expected - record.total)
        if Decimal(0) < difference <= self.ctx.options.rounding_tolerance:
            self._tell(
                order.id,
                NotificationKind.WARNING,
                "order.rounding",
                f"order {order.id}: lines add up to {expected}, the total is {record.total}",
            )

    def _quarantine(self, order: Order, error: Exception) -> None:
        self._quarantine_wire(_json_payload(order), error, order_id=order.id)

    def _quarantine_wire(
        self, payload: dict[str, Any], error: Exception, order_id: int | None = None
    ) -> None:
        self.ctx.report.orders_quarantined += 1
        self.ctx.quarantine(ORDER, quarantine_key(payload, order_id), error, payload)

    def _tell(
        self, order_id: int | str, kind: NotificationKind, code: str, message: str, **extra: Any
    ) -> None:
        """A notification about one store order."""
        self.ctx.notify(kind, code, message, entity=ORDER, external_id=str(order_id), **extra)

    # -- status moves ----------------------------------------------------------------------

    def move_guarded(self, orders: list[Order]) -> list[Order]:
        """Move the orders still in the "get" status; return the ones whose move failed.

        One list call (status filter + the orders' id range) re-reads them just before the
        move: an order another app took out of the "get" status since we listed it (shipped
        it, say) is not put back, but reported (``order.status.changed``).
        """
        if self.ctx.preview or not orders:
            return self.move_statuses(orders)
        waiting = self._still_waiting(orders)
        for order in orders:
            if order.id not in waiting:
                self._changed_elsewhere(order)
        failed = self.move_statuses([order for order in orders if order.id in waiting])
        self.ctx.drop_repairs()  # the re-read and the moves' echoes are not imported
        return failed

    def _still_waiting(self, orders: list[Order]) -> set[int]:
        get_status, _ = self.statuses
        ids = [order.id for order in orders]
        low, high = min(ids), max(ids)
        pages = self.ctx.client.orders.wire_pages_keyset(
            status_id=get_status, min_id=low, max_id=high, embed_lines=False, limit=ID_PAGE
        )
        waiting: set[int] = set()
        for page in pages:
            # Trust the status of each item, not the filter: a store may ignore the filter.
            waiting.update(
                wire_id(item)
                for item in page
                if isinstance(item, dict) and item.get("status_id") == get_status
            )
            if max((wire_id(item) for item in page), default=0) >= high:
                break  # the range is read: no call for an empty page after it
        return waiting

    def _changed_elsewhere(self, order: Order) -> None:
        get_status, _ = self.statuses
        self.ctx.report.orders_changed_elsewhere += 1
        self.ctx.report.plan(ORDER, order.id, "keep", "changed elsewhere")
        self._tell(
            order.id,
            NotificationKind.WARNING,
            "order.status.changed",
            f"order {order.id} was imported but not moved: another app took it out of "
            f"status {get_status} after it was read; its status was left as it is",
        )

    def move_statuses(self, orders: list[Order]) -> list[Order]:
        """Move orders to the "set" status, a few at a time; return the ones that failed.

        Unguarded: :meth:`move_guarded` re-reads their status first.
        """
        ctx = self.ctx
        _, set_status = self.statuses
        for order in orders:
            ctx.report.plan(ORDER, order.id, "move", f"to status {set_status}")
        if ctx.preview or not orders:
            return []
        workers = min(ctx.options.status_move_concurrency, len(orders))
        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="bc-move") as pool:
            results = list(pool.map(lambda o: self._move(o, set_status), orders))
        failed = [order for order, ok in zip(orders, results, strict=True) if not ok]
        ctx.report.statuses_moved += len(orders) - len(failed)
        ctx.report.status_moves_failed += len(failed)
        return failed

    def _move(self, order: Order, set_status: int) -> bool:
        try:
            self.ctx.client.orders.set_status(order.id, set_status)
        except ModelError:
            # The store answered 2xx, so the order moved; only its echo of the order was
            # unreadable. Raising here would end the run half way through a page.
            return True
        except BigCommerceError as error:
            self._tell(
                order.id,
                NotificationKind.ERROR,
                f"order.status.{getattr(error, 'code', 'error')}",
                f"order {order.id} was imported but its status could not be set: {error}",
                request_id=getattr(error, "request_id", None),
            )
            return False
        return True

    # -- quarantine replay -----------------------------------------------------------------

    def retry_quarantine(self) -> None:
        """Fetch every quarantined order again and import it; successes leave the quarantine."""
        entries = list(self.ctx.ports.quarantine.entries(ORDER))
        for entry in entries:
            if not entry.external_id.isdigit():
                # The store sent something with no order id: nothing to fetch again. It stays
                # for a person to look at its payload.
                self.ctx.report.errors.append(
                    f"order {entry.external_id}: has no order id to fetch again"
                )
                continue
            try:
                order = self.fetch_order(int(entry.external_id))
            except BigCommerceError as error:  # the store or the network: the next replay
                self.ctx.report.errors.append(f"order {entry.external_id}: {error}")
                continue
            except ModelError as error:
                # Still unreadable: it stays quarantined (one more attempt counted) and the
                # replay goes on with the next entry instead of ending on this one.
                self._quarantine_wire(dict(entry.payload), error, order_id=int(entry.external_id))
                continue
            if order is None:
                continue  # quarantined again: still too deep to read
            outcome = self.import_order(order)
            if outcome.move:
                self.move_guarded([order])


def _check_lines(order: Order) -> None:
    """Raise unless the order's lines hold as many items as the store counts.

    ``items_total`` counts the quantities of the order's lines, except lines bundled into a
    pick-list parent (the parent counts for them). A page of lines cut short would otherwise
    become a short ERP order, and be moved.
    """
    if order.items_total is None:
        return
    counted = sum(line.quantity or 0 for line in order.products if not _bundled(line))
    if counted != order.items_total:
        raise OrderImportError(
            "order.lines.incomplete",
            f"order {order.id}: its {len(order.products)} lines hold {counted} items but the "
            f"store counts {order.items_total}; not imported until they match",
        )


def _bundled(line: OrderProduct) -> bool:
    return bool(line.is_bundled_product or line.parent_order_product_id)


def _too_deep(order_id: object) -> OrderImportError:
    return OrderImportError(
        "json_depth",
        f"order {order_id}: the store sent a value nested too deep to read; it was not imported",
    )


def _latest(*bounds: datetime | None) -> datetime | None:
    """The latest of the lower bounds given (None: unbounded)."""
    given = [bound for bound in bounds if bound is not None]
    return max(given) if given else None


def _json_payload(order: Order) -> dict[str, Any]:
    try:
        data = unstructure(order)
    except Exception:  # the payload is for a person to read; the id is the least of it
        return {"id": order.id}
    return data if isinstance(data, dict) else {"id": order.id}
