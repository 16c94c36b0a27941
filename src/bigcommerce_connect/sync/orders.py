"""Order import: the seed's "Get Order Status -> import -> Set Order Status", exactly once.

1. List orders in the "get" status inside a fixed window, one page at a time, keyed by id
   (``min_id`` moves forward, so orders leaving the status while we page shift nothing), with
   line items and shipping addresses embedded: one call per page.
2. Each order: bound and not newer -> skip the import (still finish the move); otherwise
   resolve the customer (binding -> e-mail -> guest policy) and the items (by SKU), map, and
   create or update the ERP order and its binding in one unit of work.
3. Only after that commits, move the store order to the "set" status (``{"status_id": N}``).

A failing order is quarantined with its reason and payload; the others go on. The cursor moves
only past orders that are fully handled.
"""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from decimal import Decimal
from typing import Any, Final

import attrs

from bigcommerce_connect.errors import ApiError, BigCommerceError, PermissionDeniedError
from bigcommerce_connect.mapping import MappingError
from bigcommerce_connect.models import ModelError, Order, unstructure
from bigcommerce_connect.notifications import NotificationKind
from bigcommerce_connect.ports import Binding, BindingConflictError, ItemRef
from bigcommerce_connect.records import ErpOrderLine, ErpSalesOrder
from bigcommerce_connect.status import OrderStatus
from bigcommerce_connect.sync.context import SyncContext, map_record, quarantine_key, wire_id
from bigcommerce_connect.sync.customers import CustomerImporter, safe_bind
from bigcommerce_connect.sync.options import MissingItemPolicy
from bigcommerce_connect.sync.window import SyncWindow, is_newer, window_for

__all__ = ["ORDER_STREAM", "OrderImportError", "OrderImporter"]

ORDER_STREAM: Final = "orders"
ORDER: Final = "order"


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

    # -- the stream ------------------------------------------------------------------------

    def run(self) -> SyncWindow:
        """Import every order in the "get" status changed in the window; move each after."""
        ctx = self.ctx
        window = window_for(ctx, ORDER_STREAM)
        get_status, _ = self.statuses
        unfinished: list[datetime] = []
        for page in self._pages(get_status, window):
            unfinished.extend(self.process_page(self._typed(page)))
            ctx.tick("orders")
        if not ctx.preview:
            cursor = min([window.end, *unfinished])
            ctx.ports.sync_state.set_cursor(ORDER_STREAM, cursor)
            ctx.report.cursor = cursor
        return window

    def _pages(self, status_id: int, window: SyncWindow) -> Iterator[list[dict[str, Any]]]:
        limit = self.ctx.options.page_size
        after_id = 0
        while True:
            pages = self.ctx.client.orders.wire_pages(
                status_id=status_id,
                min_date_modified=window.start,
                max_date_modified=window.end,
                min_id=after_id + 1,
                sort="id:asc",
                limit=limit,
            )
            page = next(pages, [])
            if not page:
                return
            yield page
            if len(page) < limit:
                return
            after_id = max(wire_id(item) for item in page)

    def _typed(self, page: list[dict[str, Any]]) -> list[Order]:
        # One order the SDK cannot read must not block its page: quarantine it, go on.
        orders = []
        for item in page:
            try:
                orders.append(Order.from_wire(item))
            except ModelError as error:
                # A list item that is not even an object (null, a string) is kept as it came.
                payload = item if isinstance(item, dict) else {"value": item}
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
        for order in self.move_statuses(to_move):
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

    # -- one order -------------------------------------------------------------------------

    def import_order(self, order: Order) -> _Outcome:
        """Import one order (or skip it); quarantine it on failure. Never raises for the order."""
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
        except (MappingError, ModelError, OrderImportError, ApiError, Exception) as error:
            self._quarantine(order, error)
            return _Outcome(move=False, done=True)
        if not ctx.preview:
            ctx.ports.quarantine.remove(ORDER, str(order.id))
        return _Outcome(move=movable, done=True)

    def _import(self, order: Order, binding: Binding | None) -> None:
        ctx = self.ctx
        order = ctx.client.orders.with_lines(order)
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

    def move_statuses(self, orders: list[Order]) -> list[Order]:
        """Move orders to the "set" status, a few at a time; return the ones that failed."""
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
                order = self.ctx.client.orders.get(int(entry.external_id))
            except ApiError as error:
                self.ctx.report.errors.append(f"order {entry.external_id}: {error}")
                continue
            except ModelError as error:
                # Still unreadable: it stays quarantined (one more attempt counted) and the
                # replay goes on with the next entry instead of ending on this one.
                self._quarantine_wire(dict(entry.payload), error, order_id=int(entry.external_id))
                continue
            outcome = self.import_order(order)
            if outcome.move:
                self.move_statuses([order])


def _json_payload(order: Order) -> dict[str, Any]:
    data = unstructure(order)
    return data if isinstance(data, dict) else {"id": order.id}
