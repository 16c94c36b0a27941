"""Which orders a run reads: the "get" status as the work queue, the cursor window, the sweep.

When a run moves imported orders out of the "get" status, that status is the work queue: every
run lists all of it, keyset by id (``min_id`` moves forward, so orders leaving the status while
we page shift nothing), bounded below only by the host's ``start_date``, and above by the
number of orders waiting when the run starts (``GET /v2/orders/count``, the same call that
resolves the statuses). An order missed for any reason is still waiting there,
so the next run picks it up. Runs that do not move statuses read the window
``[cursor - overlap, now - settle]`` instead, plus a reconcile sweep (at most every
``reconcile_every``) over the last ``reconcile_lookback`` for orders no window brought.

Every listing here returns the store's items as sent (the importer types them, one by one).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any, Final

import attrs

from bigcommerce_connect.ports import BindingEntity
from bigcommerce_connect.sync.context import SyncContext
from bigcommerce_connect.sync.window import SyncWindow
from bigcommerce_connect.sync.wire_ids import wire_id

__all__ = ["ID_PAGE", "ORDER", "ORDER_STREAM", "RECONCILE_STREAM", "OrderQueue", "Sweep"]

#: The binding and quarantine entity of store orders.
ORDER: Final = BindingEntity.ORDER
#: The sync-state stream holding the orders cursor.
ORDER_STREAM: Final = "orders"
#: The sync-state stream holding when the last reconcile sweep finished (our clock).
RECONCILE_STREAM: Final = "orders.reconcile"
#: Page size of status re-reads and reconcile sweeps: ids only, so always the largest.
ID_PAGE: Final = 250


@attrs.frozen
class Sweep:
    """A reconcile sweep due now: the "get" status modified within ``[since, until]``."""

    since: datetime | None
    until: datetime
    started: datetime  # recorded as the sweep's time once it is done


class OrderQueue:
    """Lists the orders of the "get" status for one run, as the store sent them."""

    def __init__(self, context: SyncContext) -> None:
        self.ctx = context

    def pages(
        self, status_id: int, window: SyncWindow, *, whole: bool, waiting: int | None = None
    ) -> Iterator[list[Any]]:
        """The pages to import: the whole status (the work queue), else the run's window.

        ``waiting`` is how many orders the status held when the run started (None: unknown).
        """
        if whole:
            return self._queue_pages(status_id, waiting)
        return self._window_pages(status_id, window)

    def _queue_pages(self, status_id: int, waiting: int | None) -> Iterator[list[Any]]:
        # The whole status, every run: nothing bounds it below but the host's start date.
        # Above, as many orders as waited when the run started: orders arriving meanwhile
        # wait for the next run, so a busy store cannot keep one run going forever, and the
        # last page needs no empty page after it. A count that is wrong costs at most a call
        # (too high: the empty page ends the list) or a run (too low: the rest waits).
        if waiting == 0:
            return
        options = self.ctx.options
        pages = self.ctx.client.orders.wire_pages_keyset(
            status_id=status_id,
            min_date_modified=options.start_date,
            embed_lines=True,
            limit=options.page_size,
        )
        listed = 0
        for page in pages:
            yield page
            listed += len(page)
            if waiting is not None and listed >= waiting:
                return

    def _window_pages(self, status_id: int, window: SyncWindow) -> Iterator[list[Any]]:
        start = latest(window.start, self.ctx.options.start_date)
        return self.ctx.client.orders.wire_pages_keyset(
            status_id=status_id,
            min_date_modified=start,
            max_date_modified=window.end,
            embed_lines=True,
            limit=self.ctx.options.page_size,
        )

    def still_waiting(self, status_id: int, ids: list[int]) -> set[int]:
        """Which of these orders are in the status now: one list call over their id range."""
        low, high = min(ids), max(ids)
        pages = self.ctx.client.orders.wire_pages_keyset(
            status_id=status_id, min_id=low, max_id=high, embed_lines=False, limit=ID_PAGE
        )
        waiting: set[int] = set()
        for page in pages:
            # Trust the status of each item, not the filter: a store may ignore the filter.
            waiting.update(
                wire_id(item)
                for item in page
                if isinstance(item, dict) and item.get("status_id") == status_id
            )
            if max((wire_id(item) for item in page), default=0) >= high:
                break  # the range is read: no call for an empty page after it
        return waiting

    # -- reconcile sweep -------------------------------------------------------------------

    def sweep_due(self, window: SyncWindow) -> Sweep | None:
        """The sweep to make now, or None: swept recently, or this run read everything.

        The first run reads the status from the beginning, so nothing can be missing yet: it
        counts as a sweep.
        """
        ctx = self.ctx
        now = ctx.now()
        last = ctx.ports.sync_state.get_cursor(RECONCILE_STREAM)
        if last is None and window.start is None:
            self.mark_swept(now)
            return None
        if last is not None and now - last < ctx.options.reconcile_every:
            return None
        since = latest(now - ctx.options.reconcile_lookback, ctx.options.start_date)
        return Sweep(since=since, until=window.end, started=now)

    def unbound_ids(self, status_id: int, sweep: Sweep) -> list[int]:
        """Ids of the sweep's orders not bound yet, listed without lines (one call per 250)."""
        bindings = self.ctx.ports.bindings
        pages = self.ctx.client.orders.wire_pages_keyset(
            status_id=status_id,
            min_date_modified=sweep.since,
            max_date_modified=sweep.until,
            embed_lines=False,
            limit=ID_PAGE,
        )
        missing: list[int] = []
        for page in pages:
            self.ctx.repairs.drop()  # each missing order is read again, whole
            for item in page:
                order_id = wire_id(item)
                if order_id and bindings.get(ORDER, str(order_id)) is None:
                    missing.append(order_id)
        return missing

    def mark_swept(self, when: datetime) -> None:
        """Record when the last sweep ran (not in preview)."""
        if not self.ctx.preview:
            self.ctx.ports.sync_state.set_cursor(RECONCILE_STREAM, when)


def latest(*bounds: datetime | None) -> datetime | None:
    """The latest of the lower bounds given (None: unbounded)."""
    given = [bound for bound in bounds if bound is not None]
    return max(given) if given else None
