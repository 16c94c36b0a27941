"""The import engine end to end against the sandbox, with its ERP in a SQLite file."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from bigcommerce_connect import OrderStatus
from bigcommerce_connect.adapters.sqlite import SqliteErp
from bigcommerce_connect.sandbox import Sandbox
from bigcommerce_connect.sync import ORDER_STREAM
from bigcommerce_connect.sync.report import RunReport

from .conftest import MakeRig, Rig, catalogue_of

AF = OrderStatus.AWAITING_FULFILLMENT
AS = OrderStatus.AWAITING_SHIPMENT

OpenErp = Callable[[], SqliteErp]


@pytest.fixture
def open_erp(tmp_path: Path, sandbox: Sandbox) -> Iterator[OpenErp]:
    """Opens ``SqliteErp`` on one file with the sandbox's catalogue; closes them all after."""
    opened: list[SqliteErp] = []
    items = catalogue_of(sandbox)

    def make() -> SqliteErp:
        erp = SqliteErp(tmp_path / "erp.db", items=items)
        opened.append(erp)
        return erp

    yield make
    for erp in opened:
        erp.close()


def expected_refs(ids: list[int]) -> list[str]:
    return sorted(f"BC{i}" for i in ids)


def test_orders_import_once_and_move_then_a_second_run_imports_nothing(
    make_rig: MakeRig, open_erp: OpenErp
) -> None:
    rig = make_rig(erp=open_erp())
    to_import = rig.store_orders_in(AF)
    assert to_import

    first = rig.importer.import_all()

    assert not first.failed, first.errors
    assert first.orders_imported == len(to_import)
    assert first.statuses_moved == len(to_import)
    assert rig.erp_order_refs() == expected_refs(to_import)
    assert rig.store_orders_in(AF) == []
    assert set(to_import) <= set(rig.store_orders_in(AS))
    assert rig.erp.sync_state.get_cursor(ORDER_STREAM) is not None
    assert first.customers_created > 0
    assert len(rig.erp.customers.all()) >= first.customers_created
    rig.later()
    second = rig.importer.import_all()
    assert not second.failed, second.errors
    assert (second.orders_imported, second.statuses_moved) == (0, 0)


def test_a_reopened_database_remembers_what_was_imported(
    make_rig: MakeRig, open_erp: OpenErp
) -> None:
    first_erp = open_erp()
    rig = make_rig(erp=first_erp)
    imported = rig.importer.import_orders().orders_imported
    assert imported > 0
    first_erp.close()

    # A new process would see this: a fresh connection, importer and lock owner.
    reopened = make_rig(erp=open_erp())
    reopened.later()
    again = reopened.importer.import_orders()
    assert not again.failed, again.errors
    assert again.orders_imported == 0
    assert len(reopened.erp_order_refs()) == imported


def test_two_runners_on_two_connections_import_each_order_once(
    make_rig: MakeRig, open_erp: OpenErp
) -> None:
    # Two SqliteErp on one file stand for two processes: the lock row keeps one run out,
    # and the unique binding would keep one ERP order per store order even if it did not.
    rigs = [make_rig(erp=open_erp()), make_rig(erp=open_erp())]
    to_import = rigs[0].store_orders_in(AF)
    start = threading.Barrier(2)
    reports: list[RunReport] = []

    def run(rig: Rig) -> None:
        start.wait()
        reports.append(rig.importer.import_orders())

    threads = [threading.Thread(target=run, args=(rig,)) for rig in rigs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert rigs[0].erp_order_refs() == expected_refs(to_import)
    assert sum(r.orders_imported for r in reports) == len(to_import)
