"""Store -> ERP: each store-side change of an imported order reaches the host exactly once.

By polling (the changes stream), by webhooks (the handler), and by both at once; across a
crash between the host's apply and the receipt; cheaply when nothing changed.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal
from typing import Any

import attrs
import pytest

from bigcommerce_connect.order_changes import OrderChange, OrderChangeKind
from bigcommerce_connect.ports import Binding
from bigcommerce_connect.sandbox.webhooks import build_payload
from bigcommerce_connect.sync import (
    CHANGES_STREAM,
    OrderChangeStream,
    RunReport,
    StoreImporter,
    SyncRunner,
    WebhookHandler,
    WebhookOutcome,
)
from bigcommerce_connect.sync.webhooks import SECRET_HEADER

from .conftest import MakeRig, Rig

KINDS = [kind.value for kind in OrderChangeKind]
HEADERS = {SECRET_HEADER: "s3cret"}


class Crash(BaseException):
    """Stands for the process dying: nothing catches it."""


class Events:
    """Every event the sandbox store fires, to deliver to a handler as the store would."""

    def __init__(self, rig: Rig) -> None:
        self.rig = rig
        self.fired: list[tuple[str, dict[str, Any]]] = []
        rig.sb.store.subscribe(lambda scope, data: self.fired.append((scope, data)))

    def deliver(self, handler: WebhookHandler, order_id: int) -> list[WebhookOutcome]:
        """Deliver this order's events (twice each: stores redeliver); return the outcomes."""
        outcomes = []
        for scope, data in [e for e in self.fired if e[1].get("id") == order_id] * 2:
            body = json.dumps(build_payload(self.rig.sb.store, scope, data)).encode()
            outcomes.append(handler.handle(HEADERS, body).outcome)
        return outcomes


def imported(rig: Rig) -> list[Binding]:
    """Import the waiting orders (and move them); their bindings, by store id."""
    report = rig.importer.import_orders()
    assert not report.failed, report.errors
    bindings = sorted(rig.erp.bindings.all("order"), key=lambda b: int(b.external_id))
    assert len(bindings) >= 3
    return bindings


def poll(rig: Rig, importer: StoreImporter | None = None) -> RunReport:
    """One run of the changes stream."""
    report = (importer or rig.importer).run(lambda ctx: OrderChangeStream(ctx).run())
    assert not report.failed, report.errors
    return report


def make_change(rig: Rig, order_id: int, kind: str) -> None:
    """Change an imported order in the store as a merchant would."""
    store = rig.sb.store
    if kind in ("cancelled", "declined", "disputed"):
        store.cancel_order(order_id, {"cancelled": 5, "declined": 6, "disputed": 13}[kind])
    elif kind == "refunded":
        store.refund_order(order_id)  # everything left
    elif kind == "partially_refunded":
        store.refund_order(order_id, {store.lines_of(order_id)[0]["id"]: 1})
    elif kind == "address_changed":
        store.edit_order_address(
            order_id, billing={"city": "Lyon"}, shipping={"street_1": "1 Rue Neuve"}
        )
    else:
        line = store.lines_of(order_id)[0]
        store.edit_order_line(order_id, line["id"], line["quantity"] + 1)


def applied(rig: Rig) -> list[tuple[str, OrderChange]]:
    return rig.erp.order_changes.applied()


def alerts(rig: Rig) -> list[str]:
    return [n.code for n in rig.erp.notifier.notifications if n.code.startswith("order.changed")]


def assert_delivered_once(rig: Rig, binding: Binding, kind: str) -> OrderChange:
    (local_id, change), *others = applied(rig)
    assert others == []
    assert (local_id, change.kind.value, change.order_id) == (
        binding.local_id,
        kind,
        int(binding.external_id),
    )
    assert alerts(rig) == [f"order.changed.{kind}"]
    return change


@pytest.mark.parametrize("kind", KINDS)
def test_each_change_is_delivered_once_by_polling(make_rig: MakeRig, kind: str) -> None:
    rig = make_rig()
    binding = imported(rig)[0]
    baseline = poll(rig)
    assert baseline.order_changes == {}  # our own status moves are no change
    make_change(rig, int(binding.external_id), kind)
    report = poll(rig)
    assert report.order_changes == {kind: 1}
    change = assert_delivered_once(rig, binding, kind)
    assert change.status_id == rig.sb.store.orders[change.order_id]["status_id"]
    again = poll(rig)
    assert again.order_changes == {}
    assert len(applied(rig)) == 1


@pytest.mark.parametrize("kind", KINDS)
def test_each_change_is_delivered_once_by_webhooks(make_rig: MakeRig, kind: str) -> None:
    rig = make_rig()
    events = Events(rig)
    binding = imported(rig)[0]
    order_id = int(binding.external_id)
    handler = rig.importer.webhook_handler("s3cret")
    events.deliver(handler, order_id)  # the import's own move: the baseline, no change
    assert applied(rig) == []
    events.fired.clear()
    make_change(rig, order_id, kind)
    outcomes = events.deliver(handler, order_id)
    assert WebhookOutcome.PROCESSED in outcomes
    assert_delivered_once(rig, binding, kind)


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("first", ["webhooks", "polling"])
def test_both_paths_seeing_one_change_deliver_it_once(
    make_rig: MakeRig, kind: str, first: str
) -> None:
    rig = make_rig()
    events = Events(rig)
    binding = imported(rig)[0]
    order_id = int(binding.external_id)
    handler = rig.importer.webhook_handler("s3cret")
    events.deliver(handler, order_id)
    poll(rig)
    events.fired.clear()
    make_change(rig, order_id, kind)
    if first == "webhooks":
        events.deliver(handler, order_id)
        poll(rig)
    else:
        poll(rig)
        events.deliver(handler, order_id)
    assert_delivered_once(rig, binding, kind)


def test_a_cancelled_order_seen_first_after_its_import_is_delivered(make_rig: MakeRig) -> None:
    # No baseline yet (no stream ran since the import): the cancellation still arrives.
    rig = make_rig()
    binding = imported(rig)[0]
    rig.sb.store.cancel_order(int(binding.external_id))
    assert poll(rig).order_changes == {"cancelled": 1}
    assert_delivered_once(rig, binding, "cancelled")


def test_only_bound_orders_produce_changes(make_rig: MakeRig) -> None:
    rig = make_rig()
    imported(rig)
    poll(rig)
    with rig.sb.store.locked() as store:
        unbound = next(
            oid for oid in store.orders if rig.erp.bindings.get("order", str(oid)) is None
        )
    rig.sb.store.cancel_order(unbound)
    rig.sb.store.refund_order(unbound)
    assert poll(rig).order_changes == {}
    assert applied(rig) == []


def test_an_idle_polling_run_costs_one_call(make_rig: MakeRig) -> None:
    rig = make_rig()
    imported(rig)
    poll(rig)
    rig.later(10)  # past the overlap: nothing was modified since
    poll(rig)
    rig.later(10)
    rig.sb.requests.clear()
    report = poll(rig)
    assert [(r.method, r.api_path) for r in rig.sb.requests] == [("GET", "/v2/orders")]
    assert report.api_calls == 1
    assert rig.erp.sync_state.get_cursor(CHANGES_STREAM) == rig.clock.current


def test_refunds_are_typed_records_with_decimal_money(make_rig: MakeRig) -> None:
    rig = make_rig()
    binding = imported(rig)[0]
    order_id = int(binding.external_id)
    poll(rig)
    store = rig.sb.store
    lines = store.lines_of(order_id)
    price = lines[0]["price_inc_tax"]
    first = store.refund_order(order_id, {lines[0]["id"]: 1}, reason="Wrong size")
    second = store.refund_order(order_id)  # the rest
    poll(rig)
    changes = [change for _, change in applied(rig)]
    assert [c.kind for c in changes] == [
        OrderChangeKind.PARTIALLY_REFUNDED,
        OrderChangeKind.REFUNDED,
    ]
    assert [c.refunds[0].id for c in changes] == [first, second]
    refund = changes[0].refunds[0]
    assert isinstance(refund.total_amount, Decimal)
    assert refund.total_amount == price
    assert changes[0].refund_total == price
    assert refund.items[0].item_type == "PRODUCT"
    assert refund.items[0].quantity == 1
    assert refund.reason == "Wrong size"
    assert all(isinstance(p.amount, Decimal) for c in changes for p in c.refunds[0].payments)
    total = store.orders[order_id]["total_inc_tax"]
    assert changes[1].refunded_amount == total
    assert sum((c.refund_total for c in changes), Decimal(0)) == total


def test_address_and_line_changes_carry_the_new_values(make_rig: MakeRig) -> None:
    rig = make_rig()
    binding = imported(rig)[0]
    order_id = int(binding.external_id)
    poll(rig)
    make_change(rig, order_id, "address_changed")
    make_change(rig, order_id, "lines_changed")
    poll(rig)
    by_kind = {change.kind: change for _, change in applied(rig)}
    address = by_kind[OrderChangeKind.ADDRESS_CHANGED]
    assert address.billing_address is not None
    assert address.billing_address.city == "Lyon"
    assert [a.street_1 for a in address.shipping_addresses] == ["1 Rue Neuve"]
    lines = by_kind[OrderChangeKind.LINES_CHANGED]
    line = rig.sb.store.lines_of(order_id)[0]
    assert [(entry.id, entry.quantity) for entry in lines.lines] == [(line["id"], line["quantity"])]


def crash_on_first(real: Callable[..., Any]) -> Callable[..., Any]:
    calls = {"count": 0}

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        calls["count"] += 1
        if calls["count"] == 1:
            raise Crash
        return real(*args, **kwargs)

    return wrapper


@pytest.mark.parametrize("path", ["polling", "webhooks"])
def test_a_crash_between_apply_and_receipt_delivers_once_on_rerun(
    make_rig: MakeRig, path: str
) -> None:
    rig = make_rig()
    events = Events(rig)
    binding = imported(rig)[0]
    order_id = int(binding.external_id)
    poll(rig)
    events.fired.clear()
    make_change(rig, order_id, "partially_refunded")
    receipts = rig.erp.webhook_receipts
    real_record = receipts.record
    receipts.record = crash_on_first(real_record)  # type: ignore[method-assign]
    handler = rig.importer.webhook_handler("s3cret")
    run: Callable[[], object] = (
        (lambda: poll(rig)) if path == "polling" else (lambda: events.deliver(handler, order_id))
    )
    with pytest.raises(Crash):
        run()
    assert applied(rig) == []  # the apply rolled back with the unit of work
    rerun = make_rig(erp=rig.erp)  # a new process: same ERP storage
    rerun.clock.current = rig.clock.current
    if path == "polling":
        poll(rerun)
    else:
        events.deliver(rerun.importer.webhook_handler("s3cret"), order_id)
    poll(rerun)
    assert_delivered_once(rerun, binding, "partially_refunded")


def test_a_host_without_the_port_gets_notifications_once(make_rig: MakeRig) -> None:
    rig = make_rig()
    binding = imported(rig)[0]
    ports = attrs.evolve(rig.ports, order_changes=None)
    importer = StoreImporter(rig.client, rig.settings, ports, rig.importer.options)
    poll(rig, importer)
    rig.sb.store.cancel_order(int(binding.external_id))
    assert poll(rig, importer).order_changes == {"cancelled": 1}
    assert poll(rig, importer).order_changes == {}
    assert alerts(rig) == ["order.changed.cancelled"]
    assert applied(rig) == []


def test_a_failing_apply_is_reported_and_delivered_on_a_later_run(make_rig: MakeRig) -> None:
    rig = make_rig()
    binding = imported(rig)[0]
    poll(rig)
    rig.sb.store.cancel_order(int(binding.external_id))
    port = rig.erp.order_changes
    real_apply = port.apply

    def refuse(local_id: str, change: OrderChange) -> None:
        raise RuntimeError("the ERP is locked for the period close")

    port.apply = refuse  # type: ignore[method-assign]
    report = poll(rig)
    assert report.order_changes == {}
    assert report.order_changes_failed == 1
    assert [n.code for n in report.notifications] == ["order.change.failed"]
    port.apply = real_apply  # type: ignore[method-assign]
    # The cursor stayed before the failed order: a run long after still reads it.
    rig.later(30)
    assert poll(rig).order_changes == {"cancelled": 1}
    assert_delivered_once(rig, binding, "cancelled")


def test_the_runner_stage_and_its_json_fields(make_rig: MakeRig) -> None:
    rig = make_rig()
    runner = SyncRunner(rig.client, rig.settings, rig.ports, rig.importer.options, changes=True)
    first = runner.run_now()
    assert not first.failed, first.errors
    assert first.orders_imported > 0
    assert first.to_dict()["order_changes"] == {}  # imported and baselined in one cycle
    binding = sorted(rig.erp.bindings.all("order"), key=lambda b: int(b.external_id))[0]
    make_change(rig, int(binding.external_id), "address_changed")
    rig.sb.store.cancel_order(int(binding.external_id))
    second = runner.run_now().to_dict()
    assert second["order_changes"] == {"address_changed": 1, "cancelled": 1}
    assert second["order_changes_failed"] == 0


def test_the_runner_leaves_the_stage_out_unless_asked(make_rig: MakeRig) -> None:
    rig = make_rig()
    SyncRunner(rig.client, rig.settings, rig.ports, rig.importer.options).run_now()
    assert rig.erp.sync_state.get_cursor(CHANGES_STREAM) is None


def test_a_preview_plans_changes_and_writes_nothing(make_rig: MakeRig) -> None:
    rig = make_rig()
    binding = imported(rig)[0]
    poll(rig)
    cursor = rig.erp.sync_state.get_cursor(CHANGES_STREAM)
    rig.sb.store.cancel_order(int(binding.external_id))
    rig.later()
    report = rig.importer.run(lambda ctx: OrderChangeStream(ctx).run(), preview=True)
    assert report.order_changes == {"cancelled": 1}
    assert [(p.action, p.detail) for p in report.planned] == [("change", "cancelled")]
    assert applied(rig) == []
    assert rig.erp.sync_state.get_cursor(CHANGES_STREAM) == cursor
    assert poll(rig).order_changes == {"cancelled": 1}


def test_an_older_reading_never_takes_the_state_back(make_rig: MakeRig) -> None:
    rig = make_rig()
    binding = imported(rig)[0]
    order_id = int(binding.external_id)
    poll(rig)
    old = rig.client.orders.get(order_id)  # read before the cancellation
    rig.sb.store.shift_clock(timedelta(seconds=2))
    rig.sb.store.cancel_order(order_id)
    poll(rig)
    handler = rig.importer.webhook_handler("s3cret")
    assert handler.changes.observe(old) == 0  # a late, older reading: dropped
    assert poll(rig).order_changes == {}
    assert_delivered_once(rig, binding, "cancelled")


def test_a_refund_is_not_delivered_again_after_the_order_is_imported_again(
    make_rig: MakeRig,
) -> None:
    # Moved back to the "get" status and imported again, the order's binding keeps what the
    # host was told; the refund's receipt would keep it delivered once even without that.
    rig = make_rig()
    binding = imported(rig)[0]
    order_id = int(binding.external_id)
    poll(rig)
    rig.sb.store.refund_order(order_id, amount=rig.sb.store.money("3.00"))
    assert poll(rig).order_changes == {"partially_refunded": 1}
    rig.sb.store.shift_clock(timedelta(seconds=2))
    rig.sb.store.cancel_order(order_id, 11)  # back to Awaiting Fulfillment
    report = rig.importer.import_orders()
    assert report.orders_updated == 1
    assert poll(rig).order_changes == {}
    assert_delivered_once(rig, binding, "partially_refunded")


@pytest.mark.parametrize(("fault", "times"), [("ignore_paging", 2), ("500", 10), ("empty_200", 10)])
def test_a_failed_listing_keeps_the_cursor_and_the_next_run_delivers(
    make_rig: MakeRig, fault: str, times: int
) -> None:
    rig = make_rig()
    binding = imported(rig)[0]
    poll(rig)
    cursor = rig.erp.sync_state.get_cursor(CHANGES_STREAM)
    rig.sb.store.cancel_order(int(binding.external_id))
    rig.sb.knobs.fail_next(fault, times, "/v2/orders")
    rig.later()
    failed = rig.importer.run(lambda ctx: OrderChangeStream(ctx).run())
    assert failed.failed
    assert rig.erp.sync_state.get_cursor(CHANGES_STREAM) == cursor
    rig.sb.knobs.clear_faults()
    poll(rig)  # a listing that failed after its first page may have delivered it already
    assert_delivered_once(rig, binding, "cancelled")


def test_a_failing_refunds_read_stops_the_stage_and_the_next_run_delivers(
    make_rig: MakeRig,
) -> None:
    rig = make_rig()
    binding = imported(rig)[0]
    order_id = int(binding.external_id)
    poll(rig)
    rig.sb.store.refund_order(order_id, amount=rig.sb.store.money("4.00"))
    rig.sb.knobs.fail_next("503", 10, f"/v3/orders/{order_id}/payment_actions/refunds")
    failed = rig.importer.run(lambda ctx: OrderChangeStream(ctx).run())
    assert failed.failed
    assert applied(rig) == []
    rig.sb.knobs.clear_faults()
    assert poll(rig).order_changes == {"partially_refunded": 1}
    assert_delivered_once(rig, binding, "partially_refunded")
