"""Moving imported orders out of the "get" status: guarded by a re-read, a few at a time.

Just before a page's orders move, one list call re-reads which of them are still in the "get"
status: an order another app took out of it since we listed it (shipped it, say) was imported
once but is not put back, and gets a warning instead. A small window remains between the
re-read and the PUT; the guard closes the much larger one between the list and the move.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

import attrs

from bigcommerce_connect.client import BigCommerceClient
from bigcommerce_connect.errors import BigCommerceError
from bigcommerce_connect.models import Order
from bigcommerce_connect.notifications import NotificationKind
from bigcommerce_connect.settings import StoreSettings
from bigcommerce_connect.sync.context import SyncContext
from bigcommerce_connect.sync.order_queue import ORDER, OrderQueue

__all__ = ["StatusMove", "StatusMover", "resolve_statuses"]


@attrs.frozen
class StatusMove:
    """The status orders are imported from (``get``) and the one they move to (``set``)."""

    get: int
    set: int

    @property
    def moves(self) -> bool:
        """True when the two differ: an imported order then leaves the "get" status."""
        return self.get != self.set


def resolve_statuses(client: BigCommerceClient, settings: StoreSettings) -> StatusMove:
    """The settings' "get" and "set" statuses as ids, through the store's own labels."""
    labels = client.order_statuses.labels()
    return StatusMove(
        get=labels.resolve(settings.get_order_status),
        set=labels.resolve(settings.set_order_status),
    )


class StatusMover:
    """Moves a run's imported orders to the "set" status and reports what did not move."""

    def __init__(self, context: SyncContext, queue: OrderQueue) -> None:
        self.ctx = context
        self.queue = queue

    def move_guarded(self, orders: list[Order], statuses: StatusMove) -> list[Order]:
        """Move the orders still in the "get" status; return the ones whose move failed.

        One list call (status filter + the orders' id range) re-reads them just before the
        move: an order another app took out of the "get" status since we listed it (shipped
        it, say) is not put back, but reported (``order.status.changed``).
        """
        if self.ctx.preview or not orders:
            return self.move(orders, statuses)
        waiting = self.queue.still_waiting(statuses.get, [order.id for order in orders])
        for order in orders:
            if order.id not in waiting:
                self._changed_elsewhere(order, statuses)
        failed = self.move([order for order in orders if order.id in waiting], statuses)
        self.ctx.repairs.drop()  # the re-read and the moves' echoes are not imported
        return failed

    def move(self, orders: list[Order], statuses: StatusMove) -> list[Order]:
        """Move orders to the "set" status, a few at a time; return the ones that failed.

        Unguarded: :meth:`move_guarded` re-reads their status first.
        """
        ctx = self.ctx
        for order in orders:
            ctx.report.plan(ORDER, order.id, "move", f"to status {statuses.set}")
        if ctx.preview or not orders:
            return []
        workers = min(ctx.options.status_move_concurrency, len(orders))
        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="bc-move") as pool:
            results = list(pool.map(lambda o: self._move_one(o, statuses.set), orders))
        failed = [order for order, ok in zip(orders, results, strict=True) if not ok]
        ctx.report.statuses_moved += len(orders) - len(failed)
        ctx.report.status_moves_failed += len(failed)
        return failed

    def _move_one(self, order: Order, set_status: int) -> bool:
        try:
            # No Order is built from the store's echo: a 2xx means the order moved, however
            # unreadable the echo would be as an order.
            self.ctx.client.orders.move(order.id, set_status)
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

    def _changed_elsewhere(self, order: Order, statuses: StatusMove) -> None:
        self.ctx.report.orders_changed_elsewhere += 1
        self.ctx.report.plan(ORDER, order.id, "keep", "changed elsewhere")
        self._tell(
            order.id,
            NotificationKind.WARNING,
            "order.status.changed",
            f"order {order.id} was imported but not moved: another app took it out of "
            f"status {statuses.get} after it was read; its status was left as it is",
        )

    def _tell(
        self, order_id: int, kind: NotificationKind, code: str, message: str, **extra: Any
    ) -> None:
        """A notification about one store order."""
        self.ctx.notify(kind, code, message, entity=ORDER, external_id=str(order_id), **extra)
