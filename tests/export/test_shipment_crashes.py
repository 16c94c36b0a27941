"""A crash at every step of a shipment export, then a rerun: each shipment once, bound once.

The pattern of tests/sync/test_crash_and_webhooks.py: ``Crash`` is a ``BaseException``
nothing catches, standing for the process dying at that point; the rerun is a new exporter
and a new client over the same ERP storage (memory, or a SQLite file reopened).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import attrs
import pytest

from bigcommerce_connect.adapters.memory import MemoryErp
from bigcommerce_connect.adapters.sqlite import SqliteErp
from bigcommerce_connect.sandbox import Sandbox
from support.sandboxes import StartSandbox
from support.shipments import COMPLETED, ShipRig, make_rig, new_order, store_shipments, whole

STEPS = ["before_post", "after_post", "after_bind", "before_final", "after_final"]


class Crash(BaseException):
    """Stands for the process dying: nothing catches it."""


def crash_on_call(n: int, real: Callable[..., Any], *, after: bool) -> Callable[..., Any]:
    """``real``, except that its ``n``-th call dies (before or after doing its work)."""
    calls = {"count": 0}

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        calls["count"] += 1
        if calls["count"] == n and not after:
            raise Crash
        result = real(*args, **kwargs)
        if calls["count"] == n:
            raise Crash
        return result

    return wrapper


def crash_after_commit(n: int, real: Callable[[], Any]) -> Callable[[], Any]:
    """A unit of work whose ``n``-th transaction commits, then the process dies."""
    calls = {"count": 0}

    @contextmanager
    def transaction() -> Iterator[None]:
        calls["count"] += 1
        with real():
            yield
        if calls["count"] == n:
            raise Crash

    return transaction


def patch_step(rig: ShipRig, step: str) -> None:
    """Make the second shipment's step (or the order's final move) die."""
    shipments = rig.client.shipments
    orders = rig.client.orders
    if step in ("before_post", "after_post"):
        after = step == "after_post"
        shipments.create = crash_on_call(2, shipments.create, after=after)  # type: ignore[method-assign]
    elif step == "after_bind":
        work = rig.erp.unit_of_work
        work.transaction = crash_after_commit(2, work.transaction)
    else:
        after = step == "after_final"
        orders.move = crash_on_call(1, orders.move, after=after)  # type: ignore[method-assign]


@pytest.fixture
def ship_sb(start_sandbox: StartSandbox) -> Sandbox:
    return start_sandbox(seed=13, orders=20, customers=4, products=8)


def open_erp(kind: str, tmp_path: Path, previous: Any = None) -> Any:
    """The ERP storage: a fresh one, or (for the rerun) the same storage reopened."""
    if kind == "memory":
        return previous if previous is not None else MemoryErp()
    if previous is not None:
        previous.close()
    return SqliteErp(tmp_path / "erp.db")


@pytest.mark.parametrize("kind", ["memory", "sqlite"])
@pytest.mark.parametrize("step", STEPS)
def test_crash_at_each_step_then_rerun_exports_each_shipment_once(
    ship_sb: Sandbox, tmp_path: Path, kind: str, step: str
) -> None:
    first, second = new_order(ship_sb, lines=1), new_order(ship_sb, lines=2)
    crashed = make_rig(ship_sb, open_erp(kind, tmp_path))
    # The second order ships in two parts: its first line, then the rest.
    lines = whole(second, "B").lines
    crashed.put(
        whole(first, "A1"),
        attrs.evolve(whole(second, "B1"), lines=lines[:1]),
        attrs.evolve(whole(second, "B2"), lines=lines[1:]),
    )
    patch_step(crashed, step)
    try:
        with pytest.raises(Crash):
            crashed.exporter(final_status="Completed").export()
        assert crashed.erp.lock.try_acquire("probe", "x")  # the lock went with the run
        crashed.erp.lock.release("probe", "x")
    finally:
        crashed.client.close()
    rerun = make_rig(ship_sb, open_erp(kind, tmp_path, crashed.erp))
    try:
        report = rerun.exporter(final_status="Completed").export()
        assert report.ok, report.to_dict()
        made = {
            s["tracking_number"]: s["id"]
            for order in (first, second)
            for s in store_shipments(ship_sb, order.id)
        }
        assert sorted(made) == ["TRK-A1", "TRK-B1", "TRK-B2"]  # each once in the store
        assert rerun.bound() == {local: str(made[f"TRK-{local}"]) for local in ("A1", "B1", "B2")}
        assert [rerun.erp.shipment_source.store_ids(local) for local in ("A1", "B1", "B2")] == [
            (first.id, made["TRK-A1"]),
            (second.id, made["TRK-B1"]),
            (second.id, made["TRK-B2"]),
        ]
        with ship_sb.store.locked() as store:
            assert store.orders[first.id]["status_id"] == COMPLETED
            assert store.orders[second.id]["status_id"] == COMPLETED
        final_puts = sum(
            1 for r in ship_sb.requests.records() if r.method == "PUT" and r.status == 200
        )
        assert final_puts == 2  # one final move per order, across both runs
        again = rerun.exporter(final_status="Completed").export()
        assert again.counts["already_exported"] == 3
        assert again.final_moves == []
    finally:
        rerun.client.close()
        if kind == "sqlite":
            rerun.erp.close()
