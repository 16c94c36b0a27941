"""Order import: the seed's "Get Order Status -> import -> Set Order Status", exactly once.

:class:`OrderImporter` is the template over its jobs' modules: :mod:`.order_queue` (which
orders a run reads), :mod:`.order_customers`, :mod:`.order_checks`, :mod:`.status_moves` (the
guarded move) and :mod:`.quarantine`.

1. List a page of orders with line items and shipping addresses embedded: one call per page,
   read on a background thread (:mod:`.lookahead`) so the next page arrives while the current
   one is imported. The page's wire repairs travel with it: repaired text gets a warning
   naming the order and field; an order that lost a too-deep value is quarantined.
2. Each order: bound and not newer -> skip the import (still finish the move); otherwise
   resolve the customer (binding -> e-mail -> guest policy) and the items (by SKU), check its
   lines add up to the store's ``items_total``, map, and create or update the ERP order and its
   binding in one unit of work.
3. Right after it commits, the order's move to the "set" status (``{"status_id": N}``) goes to
   the movers (:class:`~.status_moves.MovePipeline`), a few in flight while the next orders
   import, on a fresh reading of its status: the listing while it is younger than
   ``move_guard_age``, else one list call re-reads the rest of the page. An order another app
   took out of the "get" status meanwhile stays as it is, with a warning.

Anything raised while importing one order quarantines it with its reason and payload; the
others go on. An order not moved stays in the "get" status, so the next run brings it back.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from datetime import datetime
from typing import Any, Final

import attrs

from bigcommerce_connect.errors import BigCommerceError, NotFoundError
from bigcommerce_connect.models import ModelError, Order
from bigcommerce_connect.ports import Binding, BindingConflictError
from bigcommerce_connect.records import ErpSalesOrder
from bigcommerce_connect.status import OrderStatus
from bigcommerce_connect.sync.context import SyncContext, map_record
from bigcommerce_connect.sync.customers import CustomerImporter
from bigcommerce_connect.sync.lookahead import ListedPage, PageLookahead
from bigcommerce_connect.sync.order_checks import (
    OrderChecks,
    OrderImportError,
    check_line_count,
    too_deep,
)
from bigcommerce_connect.sync.order_customers import OrderCustomers
from bigcommerce_connect.sync.order_queue import (
    ORDER,
    ORDER_STREAM,
    RECONCILE_STREAM,
    OrderQueue,
    Sweep,
)
from bigcommerce_connect.sync.quarantine import quarantine_key, record_payload
from bigcommerce_connect.sync.status_moves import (
    MovePipeline,
    StatusMove,
    StatusMover,
    resolve_queue,
    resolve_statuses,
)
from bigcommerce_connect.sync.window import SyncWindow, is_newer, window_for
from bigcommerce_connect.sync.wire_ids import wire_id

__all__ = [
    "ORDER_STREAM",
    "RECONCILE_STREAM",
    "OrderImportError",
    "OrderImporter",
    "StatusMove",
]

#: Orders fetched by the reconcile sweep are imported this many at a time.
_SWEEP_BATCH: Final = 50


@attrs.frozen
class _Outcome:
    move: bool  # the store order should move to the "set" status
    done: bool  # fully handled: the cursor may pass it


class OrderImporter:
    """Imports store orders through the context's order mapping."""

    def __init__(self, context: SyncContext, customers: CustomerImporter | None = None) -> None:
        self.ctx = context
        self.customers = customers or CustomerImporter(context)
        self.queue = OrderQueue(context)
        self.checks = OrderChecks(context)
        self.order_customers = OrderCustomers(context, self.customers)
        self.mover = StatusMover(context, self.queue)
        self._statuses: StatusMove | None = None

    @property
    def statuses(self) -> StatusMove:
        """The "get" and "set" status ids, resolved through the store's own labels (once)."""
        if self._statuses is None:
            self._statuses = resolve_statuses(self.ctx.client, self.ctx.settings)
        return self._statuses

    @property
    def works_the_queue(self) -> bool:
        """True when imported orders leave the "get" status: then it is the work queue."""
        return self.ctx.options.move_statuses and self.statuses.moves

    # -- the stream ------------------------------------------------------------------------

    def run(self) -> SyncWindow:
        """Import the orders waiting in the "get" status and move each after; see the module.

        The returned window is the one recorded as the cursor; it bounds the listing only in
        runs that do not move statuses.
        """
        ctx = self.ctx
        start = resolve_queue(ctx.client, ctx.settings)  # statuses and the queue's length
        self._statuses = start.statuses
        window = window_for(ctx, ORDER_STREAM)
        queue = self.works_the_queue
        unfinished: list[datetime] = []
        listing = self.queue.pages(start.statuses.get, window, whole=queue, waiting=start.waiting)
        with (
            self.mover.pipeline(start.statuses) as moves,
            # Reading ahead overlaps the store's latency with the moves; a run that moves
            # nothing has nothing to overlap, so it reads each page when it needs it.
            PageLookahead(listing, ctx.repairs, ahead=queue) as pages,
        ):
            for page in pages:
                unfinished.extend(self.process_listed(page, moves, pages.prefetch))
                ctx.tick("orders")
        unfinished.extend(_times(moves.failed))
        if not ctx.preview:
            cursor = min([window.end, *unfinished])
            ctx.ports.sync_state.set_cursor(ORDER_STREAM, cursor)
            ctx.report.cursor = cursor
        if not queue:
            self.reconcile(window)
        return window

    def process_listed(
        self, page: ListedPage, moves: MovePipeline, prefetch: Callable[[], None]
    ) -> list[datetime]:
        """Import a listed page as the store sent it; return unfinished orders' times.

        Moves go to ``moves`` as orders commit; ``prefetch`` is called once the rest of the
        page is about what the movers have in hand, so the next page is read meanwhile.
        """
        ids = [wire_id(item) for item in page.items]
        deep = self.ctx.repairs.take(ORDER, ids, page.repairs)
        orders = self._typed(page.items, deep)
        return self._import_page(orders, page.read_at, moves, prefetch)

    def _typed(self, page: list[Any], deep: set[str]) -> list[Order]:
        # One order the SDK cannot read must not block its page: quarantine it, go on.
        orders = []
        for item in page:
            # A list item that is not even an object (null, a string) is kept as it came.
            payload = item if isinstance(item, dict) else {"value": item}
            if str(wire_id(item)) in deep:
                self.quarantine_payload(payload, too_deep(wire_id(item)))
                continue
            try:
                orders.append(Order.from_wire(item))
            except Exception as error:  # a ModelError, or any other reading failure: one order
                self.quarantine_payload(payload, error)
        return orders

    def process_page(self, orders: list[Order]) -> list[datetime]:
        """Import orders not read from a listing, then move them after a re-read of status.

        For a webhook's, a sweep's or a replay's orders; returns unfinished orders' times.
        """
        with self.mover.pipeline(self.statuses) as moves:
            unfinished = self._import_page(orders, None, moves, None)
        return unfinished + _times(moves.failed)

    def _import_page(
        self,
        orders: list[Order],
        read_at: float | None,
        moves: MovePipeline,
        prefetch: Callable[[], None] | None,
    ) -> list[datetime]:
        """Import orders one by one, handing each to ``moves`` as it commits."""
        statuses = self.statuses
        reading = self.mover.reading(statuses, orders, read_at)
        self.order_customers.prefetch(orders)
        unfinished: list[datetime] = []
        # Read the next page once what is left here is about what the movers hold.
        ahead = len(orders) - moves.holds
        for index, order in enumerate(orders):
            if prefetch is not None and index >= ahead:
                prefetch()
            outcome = self.import_order(order)
            if outcome.move:
                self.mover.hand_over(order, statuses, reading, moves)
            elif not outcome.done and order.date_modified is not None:
                unfinished.append(order.date_modified)
        return unfinished

    # -- reconcile sweep -------------------------------------------------------------------

    def reconcile(self, window: SyncWindow) -> None:
        """Import orders in the "get" status the windows missed, at most every few hours.

        For runs that do not move statuses (the status is then no work queue): ids of the
        orders modified within ``reconcile_lookback`` are listed without lines (one call per
        250); those not bound are fetched with their lines and imported.
        """
        ctx = self.ctx
        sweep = self.queue.sweep_due(window)
        if sweep is None:
            return
        before = ctx.report.orders_imported + ctx.report.orders_updated
        batch: list[Order] = []
        for order in self._unbound_orders(sweep):
            batch.append(order)
            if len(batch) >= _SWEEP_BATCH:
                self.process_page(batch)
                batch = []
        self.process_page(batch)
        ctx.report.orders_reconciled += ctx.report.orders_imported + ctx.report.orders_updated
        ctx.report.orders_reconciled -= before
        self.queue.mark_swept(sweep.started)

    def _unbound_orders(self, sweep: Sweep) -> Iterator[Order]:
        """The sweep's unbound orders, fetched one by one with their lines."""
        for order_id in self.queue.unbound_ids(self.statuses.get, sweep):
            try:
                order = self.fetch_order(order_id)
            except NotFoundError:
                continue  # deleted since the sweep listed it
            except ModelError as error:
                self.quarantine_payload({"id": order_id}, error, order_id=order_id)
                continue
            if order is not None:
                yield order

    def fetch_order(self, order_id: int) -> Order | None:
        """One order by id with its lines; None when it lost a too-deep value (quarantined).

        Raises what :meth:`OrdersResource.get` raises (``ApiError``, ``ModelError``).
        """
        order = self.ctx.client.orders.get(order_id)
        if self.ctx.repairs.take(ORDER, [order_id]):
            self.quarantine_order(order, too_deep(order_id))
            return None
        return order

    # -- one order -------------------------------------------------------------------------

    def import_order(self, order: Order) -> _Outcome:
        """Import one order (or skip it); quarantine it on failure. Never raises for the order."""
        try:
            return self._import_or_skip(order)
        except Exception as error:
            # A record's failure of any kind (mapping, the ERP's writes, an encoding error,
            # the store) stays with that order: it is quarantined and the run goes on.
            self.quarantine_order(order, error)
            return _Outcome(move=False, done=True)

    def _import_or_skip(self, order: Order) -> _Outcome:
        ctx = self.ctx
        statuses = self.statuses
        movable = ctx.options.move_statuses and order.status_id == statuses.get != statuses.set
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
        ctx.quarantine.release(ORDER, str(order.id))
        return _Outcome(move=movable, done=True)

    def _import(self, order: Order, binding: Binding | None) -> None:
        ctx = self.ctx
        order = self._with_lines(order)
        check_line_count(order)
        record, fields = self._map(order, create=binding is None)
        with ctx.transaction():
            # Found by binding, the mapped Customer Lookup value, e-mail, the guest policy.
            customer_id = self.order_customers.customer_for(order, record.customer_lookup)
            self.checks.check_credit(order, customer_id, record)
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
                    # What the changes stream last told the host about it stays with it.
                    data=binding.data if binding is not None else {},
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
        if self.ctx.repairs.take(ORDER, [line.id for line in order.products]):
            raise too_deep(order.id)
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
        record, fields = map_record(self.ctx.order_mapping, order, ErpSalesOrder, create=create)
        # The settings' Code goes in front of the mapped reference (it never replaces it).
        record = self.ctx.with_code(record, "external_ref", fields)
        lines = [self.checks.resolve_item(order, line) for line in record.lines]
        self.checks.check_rounding(order, record)
        return attrs.evolve(record, lines=lines), fields

    # -- quarantine ------------------------------------------------------------------------

    def quarantine_order(self, order: Order, error: Exception) -> None:
        """Quarantine a typed order that failed (counted in the report)."""
        self.quarantine_payload(record_payload(order, order.id), error, order_id=order.id)

    def quarantine_payload(
        self, payload: dict[str, Any], error: Exception, *, order_id: int | None = None
    ) -> None:
        """Quarantine an order as the store sent it (or as little of it as was read)."""
        self.ctx.report.orders_quarantined += 1
        self.ctx.quarantine.keep(ORDER, quarantine_key(payload, order_id), error, payload)

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
                order_id = int(entry.external_id)
                self.quarantine_payload(dict(entry.payload), error, order_id=order_id)
                continue
            if order is None:
                continue  # quarantined again: still too deep to read
            self.process_page([order])


def _times(orders: Iterable[Order]) -> list[datetime]:
    """When these orders were last modified (the cursor must not pass them)."""
    return [order.date_modified for order in orders if order.date_modified is not None]
