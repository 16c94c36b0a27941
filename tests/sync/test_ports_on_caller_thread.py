"""The SDK calls every port on the thread that called it, even while its own workers run.

Status movers and the product exporter's creators are worker threads; they only talk to the
store. A host's adapters may therefore be bound to one thread (a ``sqlite3`` connection, a
session of an ERP's client library): docs/adapters.md says so per port, and this test holds
the SDK to it. Every port is wrapped to record the thread of each call; an order import with
status moves (some of them failing, so the notifier is told), a product export creating
products four at a time and a shipment export run against the sandbox over real HTTP.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import pytest

from bigcommerce_connect import BigCommerceClient, OrderStatus, StoreSettings
from bigcommerce_connect.adapters.memory import MemoryErp
from bigcommerce_connect.clock import FixedClock
from bigcommerce_connect.errors import ServerError
from bigcommerce_connect.export import ProductExporter
from bigcommerce_connect.export.shipments import ShipmentExporter, ShipmentOptions
from bigcommerce_connect.mapping import InMemoryMappingStore
from bigcommerce_connect.records import ErpItem
from bigcommerce_connect.sandbox import Sandbox
from bigcommerce_connect.sync import ErpPorts, ImportOptions, StoreImporter
from bigcommerce_connect.testing.contract import OPTIONAL_PORTS, REQUIRED_PORTS
from support.reliability import catalogue as catalogue_of
from support.sandboxes import StartSandbox
from support.shipments import new_order, whole

T0 = datetime(2026, 3, 1, 9, 0, tzinfo=timezone.utc)


class CallLog:
    """``(port.method, thread id)`` of every call made through the recording ports."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, int]] = []
        self._lock = threading.Lock()

    def add(self, name: str) -> None:
        with self._lock:
            self.calls.append((name, threading.get_ident()))

    def elsewhere(self, thread: int) -> list[str]:
        """The calls made on any thread but ``thread``."""
        return sorted({name for name, ident in self.calls if ident != thread})

    def ports(self) -> set[str]:
        return {name.split(".")[0] for name, _ in self.calls}


class Recording:
    """A port whose method calls are logged with their thread, then passed on."""

    def __init__(self, name: str, inner: Any, log: CallLog) -> None:
        self._name, self._inner, self._log = name, inner, log

    def __getattr__(self, attribute: str) -> Any:
        value = getattr(self._inner, attribute)
        if not callable(value):
            return value

        def call(*args: Any, **kwargs: Any) -> Any:
            self._log.add(f"{self._name}.{attribute}")
            return value(*args, **kwargs)

        return call


class RecordingErp:
    """A MemoryErp's ports, each wrapped in :class:`Recording`."""

    def __init__(self, erp: MemoryErp, log: CallLog) -> None:
        for name in (*REQUIRED_PORTS, *OPTIONAL_PORTS):
            port = getattr(erp, name, None)
            setattr(self, name, None if port is None else Recording(name, port, log))


@pytest.fixture
def clients() -> Iterator[list[BigCommerceClient]]:
    made: list[BigCommerceClient] = []
    yield made
    for client in made:
        client.close()


def client_for(sb: Sandbox, clients: list[BigCommerceClient]) -> BigCommerceClient:
    client = BigCommerceClient(
        sb.api_path, sb.access_token, allow_insecure_host=True, sleep=lambda _s: None
    )
    clients.append(client)
    return client


def refuse_every_third_move(client: BigCommerceClient, waiting: list[int]) -> set[int]:
    """Make the store refuse some moves, so the notifier is told on some run."""
    refused = set(waiting[::3])
    move: Callable[[int, int], None] = client.orders.move

    def refuse_some(order_id: int, status_id: int) -> None:
        if order_id in refused:
            raise ServerError(method="PUT", path=f"v2/orders/{order_id}", status=503)
        move(order_id, status_id)

    client.orders.move = refuse_some  # type: ignore[method-assign]
    return refused


def test_order_import_with_moves_calls_every_port_on_the_callers_thread(
    start_sandbox: StartSandbox, clients: list[BigCommerceClient]
) -> None:
    sb = start_sandbox(seed=5, orders=60, customers=20, products=15)
    log = CallLog()
    erp = RecordingErp(MemoryErp(items=catalogue_of(sb)), log)
    settings = StoreSettings.from_dict(
        {
            "api_path": sb.api_path,
            "api_token": sb.access_token,
            "allow_insecure_host": True,
            "code": "BC",
            "notify_to": "pat",
        }
    )
    client = client_for(sb, clients)
    clock = FixedClock(datetime.now(timezone.utc) + timedelta(seconds=1))
    ports = ErpPorts.from_erp(
        erp,  # type: ignore[arg-type]
        mappings=Recording("mappings", InMemoryMappingStore(), log),
        clock=Recording("clock", clock, log),
    )
    options = ImportOptions(settle=timedelta(0), status_move_concurrency=4, page_size=10)
    with sb.store.locked() as store:
        waiting = sorted(
            o["id"]
            for o in store.orders.values()
            if o["status_id"] == OrderStatus.AWAITING_FULFILLMENT
        )
    refused = refuse_every_third_move(client, waiting)
    report = StoreImporter(client, settings, ports, options).import_all()
    assert report.statuses_moved == len(waiting) - len(refused) > 0, report.errors
    assert report.status_moves_failed == len(refused) > 0
    assert log.elsewhere(threading.get_ident()) == []
    # The run did go through the ports the movers' work depends on.
    assert {"lock", "bindings", "sales_orders", "notifier", "unit_of_work"} <= log.ports()


def test_product_export_with_concurrent_creates_calls_ports_on_the_callers_thread(
    start_sandbox: StartSandbox, clients: list[BigCommerceClient]
) -> None:
    sb = start_sandbox(seed=11, orders=0, customers=0, products=0)
    memory = MemoryErp()
    for n in range(12):
        memory.item_source.put(
            f"I{n}",
            ErpItem(
                item_code=f"T-{n:03d}",
                description_1=f"Item {n}",
                price=Decimal("12.50"),
                weight=Decimal("1.5"),
                categories=[1],
            ),
        )
    log = CallLog()
    erp = RecordingErp(memory, log)
    exporter = ProductExporter(
        client_for(sb, clients),
        items=erp.item_source,  # type: ignore[attr-defined]
        bindings=erp.bindings,  # type: ignore[attr-defined]
        clock=Recording("clock", FixedClock(T0), log),
        sync_state=erp.sync_state,  # type: ignore[attr-defined]
        concurrency=4,
    )
    report = exporter.export_changed()
    assert report.counts.get("created") == 12, report.to_dict()
    assert log.elsewhere(threading.get_ident()) == []
    assert {"item_source", "bindings"} <= log.ports()


def test_shipment_export_calls_ports_on_the_callers_thread(
    start_sandbox: StartSandbox, clients: list[BigCommerceClient]
) -> None:
    sb = start_sandbox(seed=9, orders=20, customers=4, products=8)
    memory = MemoryErp()
    for n in range(3):
        memory.shipment_source.put(whole(new_order(sb), f"S{n}"))
    log = CallLog()
    exporter = ShipmentExporter.from_erp(
        client_for(sb, clients),
        RecordingErp(memory, log),
        clock=Recording("clock", FixedClock(T0), log),
        options=ShipmentOptions(final_status="Completed"),
        recipient="pat",
    )
    report = exporter.export()
    assert report.counts.get("created") == 3, report.to_dict()
    assert log.elsewhere(threading.get_ident()) == []
    assert {"shipment_source", "bindings", "unit_of_work", "lock"} <= log.ports()
