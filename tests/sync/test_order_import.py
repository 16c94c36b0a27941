"""Order import against the sandbox over real HTTP: exactly once, statuses moved, nothing lost."""

from __future__ import annotations

import threading
from datetime import timedelta
from decimal import Decimal

import attrs
import pytest

from bigcommerce_connect import OrderStatus
from bigcommerce_connect.adapters.memory import MemoryErp
from bigcommerce_connect.notifications import NotificationKind
from bigcommerce_connect.sandbox import DriftConfig
from bigcommerce_connect.sync import ORDER_STREAM, ImportOptions, MissingItemPolicy
from bigcommerce_connect.sync.options import ImportOptions as Options

from .conftest import MakeRig, Rig, catalogue_of

AF = OrderStatus.AWAITING_FULFILLMENT
AS = OrderStatus.AWAITING_SHIPMENT


def expected_refs(ids: list[int]) -> list[str]:
    return sorted(f"BC{i}" for i in ids)


def test_import_creates_one_erp_order_per_store_order_and_moves_each(make_rig: MakeRig) -> None:
    rig = make_rig()
    to_import = rig.store_orders_in(AF)
    assert to_import, "the seeded store has orders awaiting fulfillment"
    report = rig.importer.import_orders()
    assert not report.failed, report.errors
    assert report.orders_imported == len(to_import)
    assert report.statuses_moved == len(to_import)
    assert rig.erp_order_refs() == expected_refs(to_import)
    assert rig.store_orders_in(AF) == []
    assert set(to_import) <= set(rig.store_orders_in(AS))


def test_status_move_sends_exactly_the_status_id(make_rig: MakeRig) -> None:
    rig = make_rig()
    rig.importer.import_orders()
    puts = [r for r in rig.sb.requests.records() if r.method == "PUT"]
    assert puts
    assert all(r.path.startswith("/stores/") and "/v2/orders/" in r.path for r in puts)


def test_running_twice_doubles_nothing(make_rig: MakeRig) -> None:
    rig = make_rig()
    first = rig.importer.import_orders()
    rig.later()
    second = rig.importer.import_orders()
    assert first.orders_imported > 0
    assert second.orders_imported == 0
    assert second.statuses_moved == 0
    assert len(rig.erp_order_refs()) == first.orders_imported


def test_about_one_call_per_order(make_rig: MakeRig) -> None:
    rig = make_rig()
    count = len(rig.store_orders_in(AF))
    report = rig.importer.import_orders()
    # statuses (1) + the queue's top id (1) + one list page + one customers page +
    # one status re-read before the moves (guarded moves) + one move per order
    assert report.api_calls <= count * 1.01 + 5
    assert report.api_calls >= count


def test_money_is_exact_decimal(make_rig: MakeRig) -> None:
    rig = make_rig()
    rig.importer.import_orders()
    with rig.sb.store.locked() as store:
        totals = {f"BC{o['id']}": Decimal(str(o["total_inc_tax"])) for o in store.orders.values()}
    for order, _customer in rig.erp.sales_orders.all().values():
        assert isinstance(order.total, Decimal)
        assert order.total == totals[order.external_ref]


def test_guest_and_marketplace_orders_get_customers_from_billing(make_rig: MakeRig) -> None:
    rig = make_rig()
    with rig.sb.store.locked() as store:
        guests = [
            o for o in store.orders.values() if o["customer_id"] == 0 and o["status_id"] == AF
        ]
    assert guests, "the seed has guest orders"
    rig.importer.import_orders()
    customers = rig.erp.customers.all()
    for guest in guests:
        email = guest["billing_address"]["email"]
        assert any(c.email == email for c in customers.values()), email
    assert not any("/customers/0" in r.path for r in rig.sb.requests.records())


def test_renamed_status_labels_resolve(make_rig: MakeRig) -> None:
    rig = make_rig(get_order_status="Ready to Pick", set_order_status="Packed")
    rig.sb.store.rename_status(AF, "Ready to Pick")
    rig.sb.store.rename_status(AS, "Packed")
    to_import = rig.store_orders_in(AF)
    report = rig.importer.import_orders()
    assert report.orders_imported == len(to_import)
    assert rig.store_orders_in(AF) == []


def test_unknown_status_label_fails_the_run_clearly(make_rig: MakeRig) -> None:
    rig = make_rig(get_order_status="Teleported")
    with pytest.raises(LookupError, match="Teleported"):
        rig.importer.import_orders()
    assert rig.erp.sales_orders.all() == {}


def test_unicode_names_survive(make_rig: MakeRig) -> None:
    rig = make_rig()
    order_id = rig.sb.store.add_order(customer_id=0, line_count=1)
    with rig.sb.store.locked() as store:
        store.orders[order_id]["billing_address"].update(
            first_name="Zoë 🙂", last_name="O'Brien-שלום", email="zoe@example.com"
        )
    rig.importer.import_orders()
    order = next(
        o for o, _ in rig.erp.sales_orders.all().values() if o.external_ref == f"BC{order_id}"
    )
    assert order.billing_name == "Zoë 🙂 O'Brien-שלום"


def test_order_with_120_lines_imports_every_line(make_rig: MakeRig) -> None:
    rig = make_rig()
    order_id = rig.sb.store.add_order(line_count=120)
    rig.importer.import_orders()
    order = next(
        o for o, _ in rig.erp.sales_orders.all().values() if o.external_ref == f"BC{order_id}"
    )
    assert len(order.lines) == 120


def test_incomplete_orders_are_skipped(make_rig: MakeRig) -> None:
    rig = make_rig(get_order_status=0, set_order_status=AS)
    report = rig.importer.import_orders()
    assert report.orders_imported == 0
    assert report.orders_skipped == len(rig.store_orders_in(0))
    assert report.statuses_moved == 0


def test_preview_writes_nothing_anywhere(make_rig: MakeRig) -> None:
    rig = make_rig()
    before = rig.store_orders_in(AF)
    report = rig.importer.import_all(preview=True)
    assert report.preview
    assert report.orders_imported == len(before)
    assert {a.action for a in report.planned} >= {"create", "move"}
    assert rig.erp.sales_orders.all() == {}
    assert rig.erp.customers.all() == {}
    assert rig.erp.sync_state.get_cursor(ORDER_STREAM) is None
    assert rig.store_orders_in(AF) == before
    assert not [r for r in rig.sb.requests.records() if r.method != "GET"]


def test_missing_item_is_quarantined_then_replayed(make_rig: MakeRig) -> None:
    rig = make_rig(
        erp=MemoryErp(items=[]), options=Options(missing_item_policy=MissingItemPolicy.QUARANTINE)
    )
    rig.sb.requests.clear()
    to_import = rig.store_orders_in(AF)
    report = rig.importer.import_orders()
    catalog_orders = [e.external_id for e in rig.erp.quarantine.entries("order")]
    assert report.orders_quarantined == len(catalog_orders) > 0
    assert all(
        n.kind is NotificationKind.ALERT
        for n in report.notifications
        if n.code.startswith("order.import")
    )
    assert all(n.recipient == "pat" for n in report.notifications)
    assert set(rig.store_orders_in(AF)) == {int(i) for i in catalog_orders}
    for item in catalogue_of(rig.sb):
        rig.erp.items.add(item)
    replay = rig.importer.retry_quarantine()
    assert replay.orders_imported == len(catalog_orders)
    assert rig.erp.quarantine.entries() == []
    assert rig.store_orders_in(AF) == []
    assert rig.erp_order_refs() == expected_refs(to_import)


def test_missing_item_warns_by_default(make_rig: MakeRig) -> None:
    rig = make_rig(erp=MemoryErp(items=[]))
    report = rig.importer.import_orders()
    assert report.orders_quarantined == 0
    assert any(
        n.code == "item.sku.missing" and n.kind is NotificationKind.WARNING
        for n in report.notifications
    )


def test_a_raising_notifier_never_breaks_the_import(make_rig: MakeRig) -> None:
    class Broken:
        def notify(self, notification: object) -> None:
            raise RuntimeError("mail server down")

    erp = MemoryErp(items=[])
    erp.notifier = Broken()  # type: ignore[assignment]
    rig = make_rig(erp=erp)
    report = rig.importer.import_orders()
    assert report.orders_imported > 0
    assert report.notifications


def test_two_concurrent_runs_import_each_order_once(make_rig: MakeRig) -> None:
    rig = make_rig()
    other = make_rig(erp=rig.erp)
    to_import = rig.store_orders_in(AF)
    start = threading.Barrier(2)
    reports = []

    def run(r: Rig) -> None:
        start.wait()
        reports.append(r.importer.import_orders())

    threads = [threading.Thread(target=run, args=(r,)) for r in (rig, other)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert rig.erp_order_refs() == expected_refs(to_import)
    assert sum(r.orders_imported for r in reports) == len(to_import)


def test_runs_with_separate_locks_still_bind_each_order_once(make_rig: MakeRig) -> None:
    # Even if a host's lock failed, the unique binding keeps one ERP order per store order.
    rig = make_rig()
    to_import = rig.store_orders_in(AF)
    twin = make_rig(erp=rig.erp)
    twin.importer.ports = attrs.evolve(twin.ports, lock=type(rig.erp.lock)())
    start = threading.Barrier(2)

    def run(r: Rig) -> None:
        start.wait()
        r.importer.import_orders()

    threads = [threading.Thread(target=run, args=(r,)) for r in (rig, twin)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert rig.erp_order_refs() == expected_refs(to_import)


def test_drift_while_paging_loses_and_doubles_nothing(make_rig: MakeRig) -> None:
    rig = make_rig(options=ImportOptions(page_size=10, settle=timedelta(0)))
    rig.sb.knobs.drift = DriftConfig(every_n_list_requests=1, modify=2, create=1)
    first = rig.importer.import_orders()
    assert not first.failed, first.errors
    rig.sb.knobs.drift = None
    rig.later(2)
    rig.importer.import_orders()
    remaining = rig.store_orders_in(AF)
    assert remaining == []
    refs = rig.erp_order_refs()
    assert len(refs) == len(set(refs))
    with rig.sb.store.locked() as store:
        moved = sorted(o["id"] for o in store.orders.values() if o["status_id"] == AS)
    assert set(refs) <= set(expected_refs(moved))
