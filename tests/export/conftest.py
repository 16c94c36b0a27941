"""A sandbox store, an in-memory ERP and the three exporters, wired over real HTTP."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import attrs
import pytest

from bigcommerce_connect import BigCommerceClient
from bigcommerce_connect.adapters.memory import AllowListAccessPolicy, FixedClock, MemoryErp
from bigcommerce_connect.export import B2BExporter, InventoryPusher, ProductExporter
from bigcommerce_connect.records import ErpCustomField, ErpItem
from bigcommerce_connect.sandbox import Sandbox
from support.recording import RecordingTransport
from support.sandboxes import StartSandbox

T0 = datetime(2026, 3, 1, 9, 0, tzinfo=timezone.utc)


@attrs.define
class ExportRig:
    """One store, one ERP, and the exporters bound to both."""

    sb: Sandbox
    erp: MemoryErp
    client: BigCommerceClient
    transport: RecordingTransport
    clock: FixedClock
    products: ProductExporter
    inventory: InventoryPusher
    b2b: B2BExporter

    def writes(self) -> int:
        """Requests that could change the store (everything but GET)."""
        return sum(1 for r in self.sb.requests.records() if r.method != "GET")

    def calls(self) -> int:
        """Every request the store served."""
        return len(self.sb.requests)

    def store_product(self, product_id: int) -> dict[str, Any]:
        with self.sb.store.locked() as store:
            return dict(store.products[product_id])

    def store_fields(self, product_id: int) -> list[tuple[str, str]]:
        with self.sb.store.locked() as store:
            return sorted(
                (f["name"], f["value"])
                for f in store.custom_fields.values()
                if f["product_id"] == product_id
            )


def item(code: str, name: str = "", *, categories: tuple[int, ...] = (1,), **extra: Any) -> ErpItem:
    """An ERP item with a price, weight and category (override any field)."""
    fields: dict[str, Any] = {
        "item_code": code,
        "description_1": name or f"Item {code}",
        "price": Decimal("12.50"),
        "weight": Decimal("1.5"),
        "categories": list(categories),
    }
    fields.update(extra)
    return ErpItem(**fields)


def fields(*pairs: tuple[str, str]) -> list[ErpCustomField]:
    """ERP custom fields from (name, value) pairs."""
    return [ErpCustomField(name=name, value=value) for name, value in pairs]


@pytest.fixture
def sandbox(start_sandbox: StartSandbox) -> Sandbox:
    return start_sandbox(seed=7, orders=5, customers=8, products=12)


@pytest.fixture
def rig(sandbox: Sandbox) -> Iterator[ExportRig]:
    transport = RecordingTransport()
    client = BigCommerceClient(
        sandbox.api_path,
        sandbox.access_token,
        allow_insecure_host=True,
        transport=transport,
        sleep=lambda _s: None,
    )
    erp = MemoryErp()
    clock = FixedClock(T0)
    products = ProductExporter(
        client, items=erp.item_source, bindings=erp.bindings, clock=clock, sync_state=erp.sync_state
    )
    inventory = InventoryPusher(client, stock=erp.stock, bindings=erp.bindings, clock=clock)
    b2b = B2BExporter(
        client,
        access=AllowListAccessPolicy(["pat"]),
        bindings=erp.bindings,
        clock=clock,
        contacts=erp.contacts,
        price_levels=erp.price_levels,
    )
    yield ExportRig(sandbox, erp, client, transport, clock, products, inventory, b2b)
    client.close()


def later(rig: ExportRig, minutes: int = 1) -> None:
    """Move the ERP clock forward."""
    rig.clock.current += timedelta(minutes=minutes)
