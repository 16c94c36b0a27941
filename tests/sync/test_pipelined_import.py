"""Pipelined import: moves start as orders commit, the next page is read while one imports.

Counted, never timed: the sandbox's request log says which calls the store had seen when the
ERP was asked to create a given order.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

from bigcommerce_connect import OrderStatus
from bigcommerce_connect.errors import ServerError
from bigcommerce_connect.models import Order
from bigcommerce_connect.notifications import Notification
from bigcommerce_connect.sandbox import Sandbox
from bigcommerce_connect.sync import ImportOptions
from bigcommerce_connect.sync.lookahead import PageLookahead
from bigcommerce_connect.sync.status_moves import WAITING_PER_MOVER, StatusReading
from support.reliability import all_awaiting_fulfillment

from .conftest import MakeRig, Rig

AF = int(OrderStatus.AWAITING_FULFILLMENT)
AS = int(OrderStatus.AWAITING_SHIPMENT)
NO_RE_READ = timedelta(hours=1)


def order_lists(sb: Sandbox) -> int:
    return sb.requests.count(method="GET", path_prefix="/v2/orders") - sb.requests.count(
        method="GET", path_prefix="/v2/orders/"
    )


def on_each_create(rig: Rig, seen: Callable[[int], None]) -> None:
    """Call ``seen(n)`` as the ERP is asked to create its n-th sales order (from 1)."""
    create = rig.erp.sales_orders.create
    count = {"n": 0}

    def counting(*args: Any, **kwargs: Any) -> str:
        count["n"] += 1
        seen(count["n"])
        return create(*args, **kwargs)

    rig.erp.sales_orders.create = counting  # type: ignore[method-assign]


def test_moves_go_out_while_the_page_is_still_importing(make_rig: MakeRig) -> None:
    concurrency = 2
    options = ImportOptions(
        page_size=250,
        settle=timedelta(0),
        status_move_concurrency=concurrency,
        move_guard_age=NO_RE_READ,
    )
    rig = make_rig(options=options)
    all_awaiting_fulfillment(rig.sb)
    waiting = rig.store_orders_in(AF)
    assert len(waiting) > 40  # one page
    puts_at_create: list[int] = []
    on_each_create(rig, lambda _: puts_at_create.append(rig.sb.requests.count(method="PUT")))
    report = rig.importer.import_orders()
    assert report.statuses_moved == len(waiting)
    # At most this many orders are handed to the movers and not yet moved: every order
    # before them was moved by the time the ERP creates the next one.
    held = concurrency * (1 + WAITING_PER_MOVER)
    for n, puts in enumerate(puts_at_create, start=1):
        assert puts >= n - 1 - held, (n, puts)
    # Moving only after the whole page (the old way) would show no PUT before the last create.
    assert puts_at_create[-1] > 0


def test_the_next_page_is_read_while_the_current_one_imports(make_rig: MakeRig) -> None:
    options = ImportOptions(page_size=20, settle=timedelta(0), move_guard_age=NO_RE_READ)
    rig = make_rig(options=options)
    all_awaiting_fulfillment(rig.sb)
    waiting = rig.store_orders_in(AF)
    assert len(waiting) > 40  # three pages at least
    arrived = threading.Event()
    lists_at_last_create: list[int] = []

    def seen(n: int) -> None:
        if n != 20:  # the last order of the first page
            return
        # The read of page two started earlier in this page; wait (bounded) for it to reach
        # the store. An importer that reads pages one after the other never gets there.
        for _ in range(1000):
            if order_lists(rig.sb) >= 2:
                break
            arrived.wait(0.01)
        lists_at_last_create.append(order_lists(rig.sb))

    rig.sb.requests.clear()
    on_each_create(rig, seen)
    report = rig.importer.import_orders()
    assert report.orders_imported == len(waiting) == report.statuses_moved
    assert lists_at_last_create == [2]
    assert rig.store_orders_in(AF) == []


def test_a_crash_on_a_mover_ends_the_run_and_the_rerun_finishes_the_moves(
    make_rig: MakeRig,
) -> None:
    class Stopped(BaseException):
        """The process being stopped while a mover works."""

    crashed = make_rig()
    waiting = crashed.store_orders_in(AF)
    move = crashed.client.orders.move
    calls = {"n": 0}

    def stop_on_fifth(*args: Any, **kwargs: Any) -> None:
        calls["n"] += 1
        if calls["n"] == 5:
            raise Stopped
        move(*args, **kwargs)

    crashed.client.orders.move = stop_on_fifth  # type: ignore[method-assign]
    try:
        crashed.importer.import_orders()
    except Stopped:
        pass
    else:
        raise AssertionError("a BaseException on a mover thread must end the run")
    rerun = make_rig(erp=crashed.erp)
    rerun.later()
    report = rerun.importer.import_orders()
    assert not report.failed, report.errors
    assert rerun.store_orders_in(AF) == []
    assert rerun.erp_order_refs() == sorted(f"BC{i}" for i in waiting)


class _Queue:
    """Stands for the order queue's re-read: answers which ids still wait, and counts."""

    def __init__(self, waiting: set[int]) -> None:
        self.waiting = waiting
        self.asked: list[list[int]] = []

    def still_waiting(self, status_id: int, ids: list[int]) -> set[int]:
        self.asked.append(ids)
        return self.waiting & set(ids)


def _orders(ids: list[int]) -> list[Order]:
    return [Order(id=i, status_id=AF) for i in ids]


def test_a_reading_is_renewed_once_for_the_rest_of_the_page_when_it_gets_old() -> None:
    now = {"t": 100.0}
    queue = _Queue(waiting={1, 2, 4, 5})  # order 3 was shipped by another app meanwhile
    reading = StatusReading(
        queue,  # type: ignore[arg-type]
        AF,
        _orders([1, 2, 3, 4, 5]),
        read_at=100.0,
        max_age=2.0,
        clock=lambda: now["t"],
    )
    assert reading.still_waiting(1)
    assert reading.still_waiting(2)
    assert queue.asked == []  # the listing is fresh: no call
    now["t"] = 102.5
    assert not reading.still_waiting(3)
    assert queue.asked == [[3, 4, 5]]  # one re-read, from this order to the page's end
    now["t"] = 103.0
    assert reading.still_waiting(4)
    assert reading.still_waiting(5)
    assert queue.asked == [[3, 4, 5]]  # fresh again: no more calls
    assert reading.re_reads == 1


def test_orders_not_listed_are_re_read_before_their_first_move() -> None:
    queue = _Queue(waiting={7})
    reading = StatusReading(
        queue,  # type: ignore[arg-type]
        AF,
        _orders([7]),
        read_at=None,
        max_age=2.0,
        clock=lambda: 0.0,
    )
    assert reading.still_waiting(7)
    assert queue.asked == [[7]]


def test_failed_moves_are_told_to_the_host_on_the_run_s_own_thread(make_rig: MakeRig) -> None:
    # A host's notifier (a sqlite3 connection, say) may not be used from other threads: the
    # movers only talk to the store, and the run tells the host what failed.
    rig = make_rig(options=ImportOptions(settle=timedelta(0), move_guard_age=NO_RE_READ))
    all_awaiting_fulfillment(rig.sb)
    waiting = rig.store_orders_in(AF)
    refused = set(waiting[::3])
    move = rig.client.orders.move

    def refuse_some(order_id: int, status_id: int) -> None:
        if order_id in refused:
            raise ServerError(method="PUT", path=f"orders/{order_id}", status=503)
        move(order_id, status_id)

    rig.client.orders.move = refuse_some  # type: ignore[method-assign]
    threads: set[int] = set()
    notify = rig.erp.notifier.notify

    def on_which_thread(notification: Notification) -> None:
        threads.add(threading.get_ident())
        notify(notification)

    rig.erp.notifier.notify = on_which_thread  # type: ignore[method-assign]
    report = rig.importer.import_orders()
    assert report.status_moves_failed == len(refused)
    assert report.statuses_moved == len(waiting) - len(refused)
    told = [n for n in rig.erp.notifier.notifications if n.code.startswith("order.status.")]
    assert sorted(int(str(n.external_id)) for n in told) == sorted(refused)
    assert threads == {threading.get_ident()}
    assert set(rig.store_orders_in(AF)) == refused  # the next run moves them


class _NoRepairs:
    def collect(self) -> list[Any]:
        return []


def _listing(pages: int, threads: list[int]) -> Iterator[list[Any]]:
    for page in range(pages):
        threads.append(threading.get_ident())
        yield [{"id": page}]


def test_a_run_that_moves_nothing_reads_each_page_when_it_needs_it() -> None:
    # Nothing to overlap: two pages alive at once would only fragment the heap.
    threads: list[int] = []
    with PageLookahead(_listing(3, threads), _NoRepairs(), ahead=False) as pages:  # type: ignore[arg-type]
        pages.prefetch()
        assert threads == []  # asked to read ahead: it does not
        assert [page.items for page in pages] == [[{"id": 0}], [{"id": 1}], [{"id": 2}]]
    assert set(threads) == {threading.get_ident()}


def test_reading_ahead_reads_on_its_own_thread_before_the_page_is_asked_for() -> None:
    threads: list[int] = []
    with PageLookahead(_listing(2, threads), _NoRepairs()) as pages:  # type: ignore[arg-type]
        first = next(pages)
        pages.prefetch()
        second = next(pages)
        assert (first.items, second.items) == ([{"id": 0}], [{"id": 1}])
        assert pages.reads == 2
    assert threading.get_ident() not in threads
