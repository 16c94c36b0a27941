"""An ERP (in-memory adapters) wired to a running sandbox store over real HTTP."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime, timedelta, timezone
from typing import Any

import attrs
import pytest

from bigcommerce_connect import BigCommerceClient, StoreSettings
from bigcommerce_connect.adapters.memory import FixedClock, MemoryErp
from bigcommerce_connect.mapping import InMemoryMappingStore
from bigcommerce_connect.sandbox import Sandbox
from bigcommerce_connect.sync import ErpPorts, ImportOptions, StoreImporter
from support.reliability import catalogue as catalogue_of
from support.sandboxes import StartSandbox


@attrs.define
class Rig:
    """One store, one ERP, one importer; ``clock`` drives the importer's windows."""

    sb: Sandbox
    erp: MemoryErp
    client: BigCommerceClient
    settings: StoreSettings
    ports: ErpPorts
    importer: StoreImporter
    clock: FixedClock

    def later(self, minutes: int = 1) -> None:
        self.clock.current += timedelta(minutes=minutes)

    def store_orders_in(self, status_id: int) -> list[int]:
        with self.sb.store.locked() as store:
            return sorted(o["id"] for o in store.orders.values() if o["status_id"] == status_id)

    def erp_order_refs(self) -> list[str]:
        return sorted(order.external_ref for order, _ in self.erp.sales_orders.all().values())


MakeRig = Callable[..., Rig]


@pytest.fixture
def sandbox(start_sandbox: StartSandbox) -> Sandbox:
    return start_sandbox(seed=5, orders=120, customers=30, products=25)


@pytest.fixture
def make_rig(sandbox: Sandbox) -> Iterator[MakeRig]:
    clients: list[BigCommerceClient] = []

    def make(
        *,
        erp: MemoryErp | None = None,
        options: ImportOptions | None = None,
        sb: Sandbox | None = None,
        **settings: Any,
    ) -> Rig:
        sb = sb or sandbox
        settings_data: dict[str, Any] = {
            "api_path": sb.api_path,
            "api_token": sb.access_token,
            "allow_insecure_host": True,
            "description": "sandbox",
            "code": "BC",
            "notify_to": "pat",
        }
        settings_data.update(settings)
        store_settings = StoreSettings.from_dict(settings_data)
        client = BigCommerceClient.from_settings(store_settings, sleep=lambda _s: None)
        clients.append(client)
        erp = erp or MemoryErp(items=catalogue_of(sb))
        clock = FixedClock(datetime.now(timezone.utc) + timedelta(seconds=1))
        ports = ErpPorts.from_erp(erp, mappings=InMemoryMappingStore(), clock=clock)
        options = options or ImportOptions(settle=timedelta(0))
        importer = StoreImporter(client, store_settings, ports, options)
        return Rig(sb, erp, client, store_settings, ports, importer, clock)

    yield make
    for client in clients:
        client.close()
