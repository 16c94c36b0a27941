"""Moving imported orders out of the "get" status: as each commits, on a fresh status reading.

An imported order's move goes to a :class:`MovePipeline` the moment its unit of work commits:
a few moves are in flight at once (``status_move_concurrency``) and at most twice as many
wait, so the importer never runs far ahead of the store and memory stays flat.

A move goes out only on a fresh reading of the order's status (:class:`StatusReading`): the
page's own listing while it is younger than ``move_guard_age`` (2 s by default), else one list
call re-reads the rest of the page (status filter + id range) and that reading is used. An
order another app took out of the "get" status meanwhile (shipped it, say) was imported once
but is not put back: it gets a warning instead. No move is therefore based on a reading older
than the guard age when it is handed to the pipeline; a small window (that age plus the wait
for a free mover) remains, much smaller than a page's whole import.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from types import TracebackType
from typing import Any

import attrs

from bigcommerce_connect.client import BigCommerceClient
from bigcommerce_connect.errors import BigCommerceError
from bigcommerce_connect.models import Order
from bigcommerce_connect.notifications import NotificationKind
from bigcommerce_connect.settings import StoreSettings
from bigcommerce_connect.status import StatusLabels
from bigcommerce_connect.sync.context import SyncContext
from bigcommerce_connect.sync.order_queue import ORDER, OrderQueue

__all__ = [
    "MoveFailure",
    "MovePipeline",
    "QueueStart",
    "StatusMove",
    "StatusMover",
    "StatusReading",
    "resolve_queue",
    "resolve_statuses",
]

#: How many moves may wait for a mover, per mover: enough to keep every mover busy while the
#: importer maps the next order, few enough that a reading is not old when its move goes out.
WAITING_PER_MOVER = 2


@attrs.frozen
class StatusMove:
    """The status orders are imported from (``get``) and the one they move to (``set``)."""

    get: int
    set: int

    @property
    def moves(self) -> bool:
        """True when the two differ: an imported order then leaves the "get" status."""
        return self.get != self.set


@attrs.frozen
class QueueStart:
    """A run's start, read in one call: the statuses and how many orders wait in "get"."""

    statuses: StatusMove
    waiting: int | None  # None: the store did not say


def resolve_queue(client: BigCommerceClient, settings: StoreSettings) -> QueueStart:
    """The settings' statuses as ids and the "get" status's order count: one call.

    ``GET /v2/orders/count`` lists every status with its custom label (renamed statuses
    resolve through it, as through ``/v2/order_statuses``) and its number of orders.
    """
    counts = client.orders.count()
    labels = StatusLabels.from_store(
        (entry.id, entry.custom_label or "") for entry in counts.statuses
    )
    statuses = StatusMove(
        get=labels.resolve(settings.get_order_status),
        set=labels.resolve(settings.set_order_status),
    )
    listed = [entry.count for entry in counts.statuses if entry.id == statuses.get]
    waiting = listed[0] if len(listed) == 1 and listed[0] >= 0 else None
    return QueueStart(statuses=statuses, waiting=waiting)


def resolve_statuses(client: BigCommerceClient, settings: StoreSettings) -> StatusMove:
    """The settings' "get" and "set" statuses as ids, through the store's own labels."""
    return resolve_queue(client, settings).statuses


class StatusReading:
    """What the store last said about which of a page's orders wait in the "get" status.

    ``read_at`` is when the page was listed (``time.monotonic()``), None when it was not (a
    webhook's or a sweep's orders): then the first move re-reads. A re-read covers the page
    from the order about to move to its end, so one call serves the rest of the page.
    """

    def __init__(
        self,
        queue: OrderQueue,
        status_id: int,
        orders: Sequence[Order],
        read_at: float | None,
        max_age: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._queue = queue
        self._status_id = status_id
        self._ids = [order.id for order in orders]
        self._position = {order_id: index for index, order_id in enumerate(self._ids)}
        self._waiting = {order.id for order in orders if order.status_id == status_id}
        self._read_at = read_at
        self._max_age = max_age
        self._clock = clock
        self.re_reads = 0
        #: Why the page's status could not be re-read (the rest of the page is then unknown).
        self.failure: BigCommerceError | None = None

    def still_waiting(self, order_id: int) -> bool | None:
        """True when the order waits in the "get" status on a reading younger than the age.

        None when that is unknown: a re-read failed (the store, the network, its paging). The
        rest of the page is then not re-read again; its orders are imported but not moved,
        and the next run, finding them bound and still waiting, moves them.
        """
        if self.failure is not None:
            return None
        if self._read_at is None or self._clock() - self._read_at >= self._max_age:
            rest = self._ids[self._position.get(order_id, 0) :] or [order_id]
            self.re_reads += 1
            try:
                self._waiting = self._queue.still_waiting(self._status_id, rest)
            except BigCommerceError as error:
                self.failure = error
                return None
            self._read_at = self._clock()
        return order_id in self._waiting


@attrs.frozen
class MoveFailure:
    """Why one order's move failed: what the run notifies, on its own thread."""

    code: str
    message: str
    request_id: str | None = None


class MovePipeline:
    """Moves orders to the "set" status as they are handed in, a few at a time.

    ``submit`` blocks while ``WAITING_PER_MOVER`` moves per mover wait already. Movers only
    talk to the store: what failed is told to the host (its notifier, a port) on the thread
    that submits, at the next ``submit`` or at the end. Leaving the ``with`` block waits for
    every move and counts them in the report; the orders whose move failed are in
    :attr:`failed` after it.
    """

    def __init__(self, mover: StatusMover, set_status: int, concurrency: int) -> None:
        self._mover = mover
        self._set_status = set_status
        self._pool = ThreadPoolExecutor(max_workers=concurrency, thread_name_prefix="bc-move")
        #: How many orders the movers hold at most: in flight plus waiting.
        self.holds = concurrency * (1 + WAITING_PER_MOVER)
        self._slots = threading.BoundedSemaphore(self.holds)
        self._lock = threading.Lock()
        self._moved = 0
        self._failures: list[tuple[Order, MoveFailure]] = []
        self._crash: BaseException | None = None
        self.failed: list[Order] = []

    def __enter__(self) -> MovePipeline:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.finish()

    def submit(self, order: Order) -> None:
        """Hand one order's move to the movers (waits while too many are waiting)."""
        self._slots.acquire()
        self._report_failures()
        try:
            self._pool.submit(self._move, order)
        except BaseException:
            self._slots.release()
            raise

    def finish(self) -> None:
        """Wait for every move handed in; tell what failed; count them in the report."""
        self._pool.shutdown(wait=True)
        self._report_failures()
        report = self._mover.ctx.report
        with self._lock:
            report.statuses_moved += self._moved
            self._moved = 0

    def _report_failures(self) -> None:
        with self._lock:
            failures, self._failures = self._failures, []
            crash, self._crash = self._crash, None
        for order, failure in failures:
            self.failed.append(order)
            self._mover.ctx.report.status_moves_failed += 1
            self._mover.tell_failure(order, failure)
        if crash is not None:
            # What no order's failure explains (the process being stopped, memory gone)
            # ends the run on the importing thread, as it would have on the mover's.
            raise crash

    def _move(self, order: Order) -> None:
        try:
            failure = self._mover.move_one(order, self._set_status)
        except BaseException as crash:
            with self._lock:
                self._crash = crash
            return
        finally:
            self._slots.release()
        with self._lock:
            if failure is None:
                self._moved += 1
            else:
                self._failures.append((order, failure))


class StatusMover:
    """Moves a run's imported orders to the "set" status and reports what did not move."""

    def __init__(self, context: SyncContext, queue: OrderQueue) -> None:
        self.ctx = context
        self.queue = queue

    def pipeline(self, statuses: StatusMove) -> MovePipeline:
        """A pipeline moving to the "set" status, as many at once as the options say."""
        concurrency = self.ctx.options.status_move_concurrency
        return MovePipeline(self, statuses.set, concurrency)

    def reading(
        self, statuses: StatusMove, orders: Sequence[Order], read_at: float | None
    ) -> StatusReading:
        """The status reading of a page listed at ``read_at`` (None: not listed, re-read)."""
        max_age = self.ctx.options.move_guard_age.total_seconds()
        return StatusReading(self.queue, statuses.get, orders, read_at, max_age)

    def hand_over(
        self, order: Order, statuses: StatusMove, reading: StatusReading, moves: MovePipeline
    ) -> None:
        """Move an imported order if it still waits in the "get" status (checked fresh)."""
        if self.ctx.preview:  # planned, not moved, and no re-read: a preview sends no call
            self.ctx.report.plan(ORDER, order.id, "move", f"to status {statuses.set}")
            return
        told = reading.failure is not None
        waiting = reading.still_waiting(order.id)
        self.ctx.repairs.drop()  # a re-read's answer is not imported
        if waiting:
            self.ctx.report.plan(ORDER, order.id, "move", f"to status {statuses.set}")
            moves.submit(order)
        elif waiting is None:
            self._unread(order, statuses, reading.failure, told=told)
        else:
            self._changed_elsewhere(order, statuses)

    def move_one(self, order: Order, set_status: int) -> MoveFailure | None:
        """Move one order (on a mover's thread); why it failed, or None. Calls no port."""
        try:
            # No Order is built from the store's echo: a 2xx means the order moved, however
            # unreadable the echo would be as an order.
            self.ctx.client.orders.move(order.id, set_status)
        except BigCommerceError as error:
            return MoveFailure(
                f"order.status.{getattr(error, 'code', 'error')}",
                f"order {order.id} was imported but its status could not be set: {error}",
                request_id=getattr(error, "request_id", None),
            )
        except Exception as error:  # anything else is one order's failure, never the run's
            return MoveFailure(
                "order.status.error",
                f"order {order.id} was imported but its status could not be set: "
                f"{type(error).__name__}",
            )
        finally:
            self.ctx.repairs.drop()  # the echo is not imported: this thread's notes go
        return None

    def tell_failure(self, order: Order, failure: MoveFailure) -> None:
        """Notify a failed move (on the run's thread)."""
        self._tell(
            order.id,
            NotificationKind.ERROR,
            failure.code,
            failure.message,
            request_id=failure.request_id,
        )

    def _unread(
        self, order: Order, statuses: StatusMove, error: BaseException | None, *, told: bool
    ) -> None:
        # Imported, not moved: it still waits in the "get" status, so the next run moves it.
        self.ctx.report.status_moves_failed += 1
        self.ctx.report.plan(ORDER, order.id, "keep", "status not re-read")
        if told:
            return  # one warning per failed re-read, naming the first order it left
        self._tell(
            order.id,
            NotificationKind.WARNING,
            "order.status.unread",
            f"the status of order {order.id} and the rest of its page could not be re-read "
            f"before their moves ({error}); they were imported and stay in status "
            f"{statuses.get} until the next run moves them",
        )

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
