"""Exactly once with a SQLite ERP: a crash after the host's apply, a reopened file, two paths."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from bigcommerce_connect.adapters.sqlite import SqliteErp
from bigcommerce_connect.order_changes import OrderChange
from bigcommerce_connect.sandbox import Sandbox
from bigcommerce_connect.sandbox.webhooks import build_payload
from bigcommerce_connect.sync import OrderChangeStream, RunReport
from bigcommerce_connect.sync.webhooks import SECRET_HEADER

from .conftest import MakeRig, Rig, catalogue_of


class Crash(BaseException):
    """Stands for the process dying: nothing catches it."""


class SqliteChanges:
    """A host's port writing into the ERP's own SQLite file, so the unit of work covers it."""

    def __init__(self, erp: SqliteErp) -> None:
        self.db = erp.database
        self.db.execute(
            "CREATE TABLE IF NOT EXISTS applied_changes (local_id TEXT, change_key TEXT, kind TEXT)"
        )

    def apply(self, local_id: str, change: OrderChange) -> None:
        self.db.execute(
            "INSERT INTO applied_changes VALUES (?, ?, ?)",
            (local_id, change.key, change.kind.value),
        )

    def rows(self) -> list[tuple[str, str, str]]:
        return [tuple(row) for row in self.db.all("SELECT * FROM applied_changes")]  # type: ignore[misc]


OpenErp = Callable[[], SqliteErp]


@pytest.fixture
def open_erp(tmp_path: Path, sandbox: Sandbox) -> Iterator[OpenErp]:
    """Opens the ERP file (again) with the host's changes port attached; closes them all."""
    opened: list[SqliteErp] = []

    def make() -> SqliteErp:
        erp = SqliteErp(tmp_path / "erp.db", items=catalogue_of(sandbox))
        erp.order_changes = SqliteChanges(erp)  # type: ignore[attr-defined]
        opened.append(erp)
        return erp

    yield make
    for erp in opened:
        erp.close()


def poll(rig: Rig) -> RunReport:
    report = rig.importer.run(lambda ctx: OrderChangeStream(ctx).run())
    assert not report.failed, report.errors
    return report


def rows(rig: Rig) -> list[tuple[str, str, str]]:
    port: Any = rig.ports.order_changes
    return port.rows()  # type: ignore[no-any-return]


def test_a_crash_after_apply_rolls_back_and_the_reopened_file_delivers_once(
    make_rig: MakeRig, open_erp: OpenErp
) -> None:
    rig = make_rig(erp=open_erp())
    rig.importer.import_orders()
    poll(rig)
    binding = rig.erp.bindings.all("order")[0]
    order_id = int(binding.external_id)
    rig.sb.store.refund_order(order_id, amount=rig.sb.store.money("2.50"))
    receipts = rig.erp.webhook_receipts

    def crash(key: str) -> None:
        raise Crash

    receipts.record = crash  # type: ignore[method-assign]
    with pytest.raises(Crash):
        poll(rig)
    assert rows(rig) == []  # the host's row rolled back with the receipt and the state
    rerun = make_rig(erp=open_erp())  # a new process on the same file
    rerun.clock.current = rig.clock.current
    assert poll(rerun).order_changes == {"partially_refunded": 1}
    assert poll(rerun).order_changes == {}
    (local_id, key, kind), *others = rows(rerun)
    assert others == []
    assert (local_id, kind) == (binding.local_id, "partially_refunded")
    assert key.startswith(f"order-change {order_id} refund ")


def test_webhooks_and_polling_on_one_file_deliver_once(
    make_rig: MakeRig, open_erp: OpenErp
) -> None:
    rig = make_rig(erp=open_erp())
    fired: list[tuple[str, dict[str, Any]]] = []
    rig.sb.store.subscribe(lambda scope, data: fired.append((scope, data)))
    rig.importer.import_orders()
    poll(rig)
    binding = rig.erp.bindings.all("order")[0]
    order_id = int(binding.external_id)
    fired.clear()
    rig.sb.store.cancel_order(order_id)
    webhooks = make_rig(erp=open_erp())  # the web process, its own connection
    handler = webhooks.importer.webhook_handler("s3cret")
    for scope, data in fired:
        body = json.dumps(build_payload(rig.sb.store, scope, data)).encode()
        handler.handle({SECRET_HEADER: "s3cret"}, body)
    poll(rig)
    assert [(local_id, kind) for local_id, _, kind in rows(rig)] == [
        (binding.local_id, "cancelled")
    ]
    notes = [n.code for n in rig.erp.notifier.notifications() if n.code.startswith("order.")]
    assert notes == ["order.changed.cancelled"]
