"""The "get" status is the work queue: whatever waits there is imported by the next run.

Runs that move statuses list the whole status (keyset by id, bounded below only by the host's
start date), so an order missed for any reason is still there next time. Runs that do not move
statuses keep their date window and sweep the status every few hours. The customer stream
pages by a date keyset that must make progress.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from bigcommerce_connect import BigCommerceClient, OrderStatus
from bigcommerce_connect.sync import CUSTOMER_STREAM, ImportOptions, StoreImporter
from bigcommerce_connect.sync.orders import RECONCILE_STREAM
from bigcommerce_connect.transport import HttpRequest, HttpResponse, Urllib3Transport

from .conftest import MakeRig, Rig

AF = int(OrderStatus.AWAITING_FULFILLMENT)
AS = int(OrderStatus.AWAITING_SHIPMENT)
PENDING = int(OrderStatus.PENDING)
LONG_AGO = datetime(2019, 3, 1, tzinfo=timezone.utc)


def refs(ids: list[int]) -> list[str]:
    return sorted(f"BC{i}" for i in ids)


def put_in_status(rig: Rig, ids: list[int], status_id: int, modified: datetime) -> None:
    """Another hand moves orders straight in the store, with a date of its choosing."""
    with rig.sb.store.locked() as store:
        for order_id in ids:
            store.orders[order_id]["status_id"] = status_id
            store.orders[order_id]["date_modified"] = modified


def others_in(rig: Rig, status_id: int, count: int) -> list[int]:
    return rig.store_orders_in(status_id)[:count]


def test_orders_put_in_the_get_status_with_an_old_date_are_imported_next_run(
    make_rig: MakeRig,
) -> None:
    rig = make_rig()
    first = rig.importer.import_orders()
    assert not first.failed, first.errors
    # After the run (its cursor is now), orders enter the status dated years back: a date
    # window after the cursor would never see them.
    late = others_in(rig, PENDING, 3)
    assert late
    put_in_status(rig, late, AF, LONG_AGO)
    rig.later()
    second = rig.importer.import_orders()
    assert not second.failed, second.errors
    assert second.orders_imported == len(late)
    assert rig.store_orders_in(AF) == []
    assert set(refs(late)) <= set(rig.erp_order_refs())


class _EndsEarly(Urllib3Transport):
    """A proxy that once answers the order list's second page with a 204 (no content)."""

    def __init__(self) -> None:
        super().__init__()
        self.lists = 0
        self.cut = False

    def send(self, request: HttpRequest) -> HttpResponse:
        is_list = request.method == "GET" and "/v2/orders?" in request.url
        if is_list and "include=" in request.url:
            self.lists += 1
            if self.lists == 2 and not self.cut:
                self.cut = True
                return HttpResponse(status=204)
        return super().send(request)


def test_a_page_lost_on_the_way_is_imported_by_the_next_run(make_rig: MakeRig) -> None:
    rig = make_rig(options=ImportOptions(page_size=3, settle=timedelta(0)))
    to_import = rig.store_orders_in(AF)
    assert len(to_import) > 3
    proxy = _EndsEarly()
    client = BigCommerceClient.from_settings(rig.settings, transport=proxy, sleep=lambda _s: None)
    importer = StoreImporter(client, rig.settings, rig.ports, rig.importer.options)
    with client:
        first = importer.import_orders()
        # The 204 looked like the end of the list: the run believed it was done.
        assert proxy.cut
        assert not first.failed
        assert first.orders_imported == 3
        rig.later()
        second = importer.import_orders()
    assert second.orders_imported == len(to_import) - 3
    assert rig.erp_order_refs() == refs(to_import)
    assert rig.store_orders_in(AF) == []


@pytest.mark.parametrize("skew", [timedelta(hours=-3), timedelta(hours=3)])
def test_a_store_clock_behind_or_ahead_of_ours_loses_nothing(
    make_rig: MakeRig, skew: timedelta
) -> None:
    rig = make_rig()
    rig.importer.import_orders()
    rig.sb.store.shift_clock(skew)
    # A checkout stamped by the store's clock: hours before our cursor, or after our now.
    order_id = rig.sb.store.add_order(status_id=AF, line_count=2)
    rig.later()
    report = rig.importer.import_orders()
    assert not report.failed, report.errors
    assert f"BC{order_id}" in rig.erp_order_refs()
    assert rig.store_orders_in(AF) == []


def test_start_date_keeps_older_orders_out(make_rig: MakeRig) -> None:
    start = datetime.now(timezone.utc) - timedelta(days=2)
    rig = make_rig(options=ImportOptions(settle=timedelta(0), start_date=start))
    waiting = rig.store_orders_in(AF)
    recent, old = waiting[: len(waiting) // 2], waiting[len(waiting) // 2 :]
    put_in_status(rig, recent, AF, start + timedelta(hours=1))
    put_in_status(rig, old, AF, start - timedelta(days=30))
    report = rig.importer.import_orders()
    assert not report.failed, report.errors
    assert rig.erp_order_refs() == refs(recent)
    assert rig.store_orders_in(AF) == sorted(old)


def test_start_date_must_be_timezone_aware() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        ImportOptions(start_date=datetime(2024, 1, 1))  # naive: no tzinfo


def test_a_busy_store_cannot_keep_a_run_going(make_rig: MakeRig) -> None:
    from bigcommerce_connect.sandbox import DriftConfig

    rig = make_rig(options=ImportOptions(page_size=2, settle=timedelta(0)))
    waiting = rig.store_orders_in(AF)
    # Every list call brings a new order into the status, above every id listed so far.
    rig.sb.knobs.drift = DriftConfig(every_n_list_requests=1, modify=0, create=1)
    report = rig.importer.import_orders()
    rig.sb.knobs.drift = None
    assert not report.failed, report.errors
    assert set(refs(waiting)) <= set(rig.erp_order_refs())
    rig.later()
    rig.importer.import_orders()  # the orders that arrived meanwhile
    assert rig.store_orders_in(AF) == []


# -- runs that do not move statuses: the window, and the reconcile sweep -----------------------


def test_reconcile_sweep_imports_what_the_window_missed_every_few_hours(
    make_rig: MakeRig,
) -> None:
    rig = make_rig(options=ImportOptions(settle=timedelta(0), move_statuses=False))
    first = rig.importer.import_orders()
    assert first.orders_imported == len(rig.store_orders_in(AF))
    # The first run read the whole status: it counts as a sweep.
    assert rig.erp.sync_state.get_cursor(RECONCILE_STREAM) == rig.clock.now()
    now = datetime.now(timezone.utc)
    missed, too_old = others_in(rig, PENDING, 2)
    put_in_status(rig, [missed], AF, now - timedelta(days=3))  # behind the cursor
    put_in_status(rig, [too_old], AF, now - timedelta(days=30))  # behind the lookback too
    rig.later(60)
    early = rig.importer.import_orders()
    assert early.orders_imported == 0  # the window cannot see it, and no sweep is due
    assert early.orders_reconciled == 0
    rig.later(5 * 60)  # six hours after the last sweep
    swept = rig.importer.import_orders()
    assert not swept.failed, swept.errors
    assert swept.orders_reconciled == 1
    assert swept.orders_imported == 1
    assert f"BC{missed}" in rig.erp_order_refs()
    assert f"BC{too_old}" not in rig.erp_order_refs()
    assert rig.erp.sync_state.get_cursor(RECONCILE_STREAM) == rig.clock.now()
    assert swept.statuses_moved == 0
    rig.later()
    assert rig.importer.import_orders().orders_reconciled == 0  # not due again yet


def test_reconcile_lookback_and_interval_are_options(make_rig: MakeRig) -> None:
    options = ImportOptions(
        settle=timedelta(0),
        move_statuses=False,
        reconcile_every=timedelta(minutes=30),
        reconcile_lookback=timedelta(days=60),
    )
    rig = make_rig(options=options)
    rig.importer.import_orders()
    (old,) = others_in(rig, PENDING, 1)
    put_in_status(rig, [old], AF, datetime.now(timezone.utc) - timedelta(days=30))
    rig.later(31)
    report = rig.importer.import_orders()
    assert report.orders_reconciled == 1
    assert f"BC{old}" in rig.erp_order_refs()


# -- the customer stream: a date keyset that must make progress ---------------------------------


def same_second_customers(rig: Rig) -> None:
    """Every customer modified in one second: the stream must step through them by page."""
    when = datetime.now(timezone.utc).replace(microsecond=0) - timedelta(hours=1)
    with rig.sb.store.locked() as store:
        for customer in store.customers.values():
            customer["date_modified"] = when


def test_a_store_ignoring_page_numbers_stops_the_customer_stream_cleanly(
    make_rig: MakeRig,
) -> None:
    rig = make_rig(options=ImportOptions(page_size=10, settle=timedelta(0)))
    same_second_customers(rig)
    rig.sb.knobs.fail_next("ignore_paging", n=100, path_prefix="/v3/customers")
    report = rig.importer.import_customers()
    rig.sb.knobs.clear_faults()
    assert report.failed
    assert any("paging" in note.code for note in report.notifications), report.errors
    assert rig.erp.sync_state.get_cursor(CUSTOMER_STREAM) is None  # read again next run
    assert rig.sb.requests.count(path_prefix="/v3/customers") < 5
    again = rig.importer.import_customers()
    assert not again.failed, again.errors
    assert len(rig.erp.customers.all()) == len(rig.sb.store.customers)


def test_customers_sharing_one_second_are_all_imported(make_rig: MakeRig) -> None:
    rig = make_rig(options=ImportOptions(page_size=10, settle=timedelta(0)))
    same_second_customers(rig)
    report = rig.importer.import_customers()
    assert not report.failed, report.errors
    assert report.customers_created == len(rig.sb.store.customers)


def test_a_short_customer_page_does_not_end_the_stream(make_rig: MakeRig) -> None:
    rig = make_rig(options=ImportOptions(page_size=10, settle=timedelta(0)))
    rig.sb.knobs.fail_next("short_page", n=1, path_prefix="/v3/customers")
    report = rig.importer.import_customers()
    assert not report.failed, report.errors
    assert report.customers_created == len(rig.sb.store.customers)


def test_customer_stream_honours_total_pages(make_rig: MakeRig) -> None:
    rig = make_rig(options=ImportOptions(page_size=10, settle=timedelta(0)))
    rig.sb.requests.clear()
    report = rig.importer.import_customers()
    assert report.customers_created == len(rig.sb.store.customers) == 30
    # 30 customers with distinct times, 10 a page. Each keyset step starts at the last time
    # read (inclusive): 30, 21, 12 and 3 customers match; the fourth answer says it is the
    # last page, so no empty page is asked for after it.
    assert rig.sb.requests.count(path_prefix="/v3/customers") == 4
