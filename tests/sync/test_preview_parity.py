"""Preview ("Don't Import") writes nothing anywhere and plans exactly what the run then does.

Each test runs a preview, then the real run on the same sandbox data, and compares: planned
creates equal the creates, no customer is planned twice, the host's notifier hears nothing
during the preview (its notifications wait in ``report.would_notify``), the store sees no
write and the ERP is unchanged.
"""

from __future__ import annotations

import copy
from collections import Counter
from collections.abc import Callable
from typing import Any

from bigcommerce_connect import OrderStatus
from bigcommerce_connect.adapters.memory import MemoryErp
from bigcommerce_connect.sync import ImportOptions
from bigcommerce_connect.sync.report import RunReport

from .conftest import MakeRig, Rig

AF = OrderStatus.AWAITING_FULFILLMENT

Run = Callable[..., RunReport]


def erp_state(erp: MemoryErp) -> tuple[Any, ...]:
    return (
        erp.customers.all(),
        erp.sales_orders.all(),
        erp.bindings.all("customer"),
        erp.bindings.all("order"),
        erp.sync_state.get_cursor("orders"),
        erp.sync_state.get_cursor("customers"),
        erp.quarantine.entries(),
    )


def creates(report: RunReport, entity: str) -> list[str]:
    return [a.external_id for a in report.planned if a.entity == entity and a.action == "create"]


def preview_then_run(rig: Rig, run: Run) -> tuple[RunReport, RunReport]:
    """The preview and the real run, with everything the preview must not have done checked."""
    before = erp_state(rig.erp)
    rig.sb.requests.clear()
    preview = run(preview=True)
    assert preview.preview
    assert not preview.failed, preview.errors
    assert [r for r in rig.sb.requests.records() if r.method != "GET"] == []
    assert rig.erp.notifier.notifications == []
    assert preview.notifications == []
    assert erp_state(rig.erp) == before
    real = run()
    assert not real.failed, real.errors
    return preview, real


def assert_same_plan(preview: RunReport, real: RunReport) -> None:
    counted = ("customers_created", "customers_updated", "orders_imported", "orders_updated")
    assert [getattr(preview, name) for name in counted] == [getattr(real, n) for n in counted]
    assert len(creates(preview, "customer")) == real.customers_created
    assert len(creates(preview, "order")) == real.orders_imported
    moves = [a for a in preview.planned if a.action == "move"]
    assert len(moves) == real.statuses_moved
    # What the preview would have sent is what the run sent.
    assert Counter(n.code for n in preview.would_notify) == Counter(
        n.code for n in real.notifications
    )
    assert all(n.recipient == "pat" for n in preview.would_notify)


def test_a_preview_plans_each_customer_once(make_rig: MakeRig) -> None:
    rig = make_rig()
    assert rig.store_orders_in(AF)
    preview, real = preview_then_run(rig, rig.importer.import_all)
    assert_same_plan(preview, real)
    planned = creates(preview, "customer")
    assert len(planned) == len(set(planned))
    assert preview.would_notify, "the seeded orders warn (an SKU found several times)"
    assert len(rig.erp.notifier.notifications) == len(real.notifications)
    assert preview.to_dict()["would_notify"]


def test_orders_alone_plan_their_customers_once(make_rig: MakeRig) -> None:
    # No customer stream first: each page's customers come from the prefetch, and two
    # orders of one customer (and two guest orders with one e-mail) make one customer.
    rig = make_rig()
    waiting = rig.store_orders_in(AF)
    with rig.sb.store.locked() as store:
        registered = [i for i in waiting if store.orders[i]["customer_id"]]
        guests = [i for i in waiting if not store.orders[i]["customer_id"]]
        first, second = (store.orders[i] for i in registered[:2])
        second["customer_id"] = first["customer_id"]
        second["billing_address"] = copy.deepcopy(first["billing_address"])
        one, two = (store.orders[i] for i in guests[:2])
        two["billing_address"]["email"] = one["billing_address"]["email"]
    preview, real = preview_then_run(rig, rig.importer.import_orders)
    assert_same_plan(preview, real)
    assert len(rig.erp.customers.all()) == real.customers_created == len(waiting) - 2


def test_without_email_matching_each_guest_order_plans_its_own_customer(
    make_rig: MakeRig,
) -> None:
    rig = make_rig(options=ImportOptions(match_customers_by_email=False))
    with rig.sb.store.locked() as store:
        guests = [o for o in store.orders.values() if o["status_id"] == AF and not o["customer_id"]]
        guests[1]["billing_address"]["email"] = guests[0]["billing_address"]["email"]
    preview, real = preview_then_run(rig, rig.importer.import_orders)
    assert_same_plan(preview, real)


def test_a_preview_whose_customers_cannot_be_read_plans_them_once(make_rig: MakeRig) -> None:
    rig = make_rig()

    def run(*, preview: bool = False) -> RunReport:
        rig.sb.knobs.fail_next("503", n=1000, path_prefix="/v3/customers")
        try:
            return rig.importer.import_orders(preview=preview)
        finally:
            rig.sb.knobs.clear_faults()

    preview, real = preview_then_run(rig, run)
    assert_same_plan(preview, real)
    assert "customer.prefetch.failed" in {n.code for n in preview.would_notify}


def test_a_failed_preview_notifies_nobody(make_rig: MakeRig) -> None:
    rig = make_rig()
    rig.sb.knobs.fail_next("503", n=1000, path_prefix="/v2/orders")
    report = rig.importer.import_orders(preview=True)
    rig.sb.knobs.clear_faults()
    assert report.failed
    assert rig.erp.notifier.notifications == []
    assert [n.code for n in report.would_notify if n.code.startswith("run.")]
    assert [r for r in rig.sb.requests.records() if r.method != "GET"] == []
