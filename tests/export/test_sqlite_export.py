"""Product export and inventory push over a SqliteErp, against the sandbox store."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest

from bigcommerce_connect import BigCommerceClient
from bigcommerce_connect.adapters.memory import FixedClock
from bigcommerce_connect.adapters.sqlite import SqliteErp
from bigcommerce_connect.export import Action, InventoryPusher, ProductExporter
from bigcommerce_connect.sandbox import Sandbox
from support.recording import RecordingTransport

from .conftest import T0, item


@pytest.fixture
def client(sandbox: Sandbox) -> Iterator[BigCommerceClient]:
    with BigCommerceClient(
        sandbox.api_path,
        sandbox.access_token,
        allow_insecure_host=True,
        transport=RecordingTransport(),
        sleep=lambda _s: None,
    ) as opened:
        yield opened


def _pusher(client: BigCommerceClient, erp: SqliteErp, clock: FixedClock) -> InventoryPusher:
    return InventoryPusher(client, stock=erp.stock, bindings=erp.bindings, clock=clock)


def test_stock_pushed_from_sqlite_is_visible_and_not_sent_twice(
    sandbox: Sandbox, client: BigCommerceClient, tmp_path: Path
) -> None:
    path = tmp_path / "erp.db"
    clock = FixedClock(T0)
    with SqliteErp(path, clock=clock) as erp:
        # Seeded SKU-00001 is a simple product; SKU-00003-S a variant of a product with options.
        erp.item_source.put("P1", item("SKU-00001", quantity_on_hand=Decimal(4)))
        erp.item_source.put("V3", item("SKU-00003", variant_code="S", quantity_on_hand=Decimal(0)))
        erp.item_source.put("NEW", item("INV-NEW", quantity_on_hand=Decimal(9)))
        exporter = ProductExporter(
            client,
            items=erp.item_source,
            bindings=erp.bindings,
            clock=clock,
            sync_state=erp.sync_state,
        )
        created = exporter.export_changed().item("NEW")  # binds NEW in the SQLite file

        first = _pusher(client, erp, clock).push()

        assert first.ok
        assert first.counts["updated"] == 3
        assert sandbox.store.inventory_of("SKU-00001") == 4
        assert sandbox.store.inventory_of("SKU-00003-S") == 0
        assert sandbox.store.product_inventory(created.product_id or 0) == 9
        assert erp.stock.stock_pushed("NEW", 1) == 9
        sandbox.requests.clear()

        second = _pusher(client, erp, clock).push()

        assert second.items == []
        assert len(sandbox.requests) == 0
        erp.item_source.set_quantity("P1", 3)  # a sale in the ERP

    # The markers are in the file: a new process (a new SqliteErp) sends only the change.
    with SqliteErp(path, clock=clock) as erp:
        third = _pusher(client, erp, clock).push()
        assert [(r.local_id, r.action) for r in third.items] == [("P1", Action.UPDATED)]
        assert sandbox.store.inventory_of("SKU-00001") == 3
        sandbox.requests.clear()
        assert _pusher(client, erp, clock).push().items == []
        assert len(sandbox.requests) == 0
