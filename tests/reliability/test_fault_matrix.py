"""Every fault kind the sandbox knows, at chosen requests of a whole import cycle.

For each kind the fault hits one request of the order traffic (a page, the guard's re-read, a
status move) or of the customer traffic; the cycle runs again (faults
off) until the queue is empty. Outcome, for every kind: every order that the run's listing
saw waiting is imported exactly once, moved unless another app took it, nothing is
quarantined at the end, every store customer is bound once, and the runs terminate. A run
that had to stop did so with a typed error in its report, never an exception.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from datetime import timedelta

import pytest

from bigcommerce_connect import BigCommerceClient, OrderStatus, StoreSettings
from bigcommerce_connect.adapters.memory import MemoryErp
from bigcommerce_connect.clock import SystemClock
from bigcommerce_connect.mapping import InMemoryMappingStore
from bigcommerce_connect.retry import RetryPolicy
from bigcommerce_connect.sandbox import Sandbox, SandboxConfig, run_sandbox
from bigcommerce_connect.sandbox.knobs import ALL_FAULT_KINDS
from bigcommerce_connect.sync import ErpPorts, ImportOptions, RunReport, StoreImporter
from support.reliability import all_awaiting_fulfillment, catalogue, erp_refs, expected_refs

AS = int(OrderStatus.AWAITING_SHIPMENT)
SHIPPED = int(OrderStatus.SHIPPED)

#: The requests a fault can be aimed at, by the path below the store.
KINDS_OF_REQUEST = {
    "list": lambda path: path.split("?")[0] == "/v2/orders",  # a page or a guard re-read
    "move": lambda path: re.fullmatch(r"/v2/orders/\d+", path.split("?")[0]) is not None,
    "customers": lambda path: path.startswith("/v3/customers"),
}
#: (kind of request, which of them gets the fault): the order list's first page, the first
#: guard re-read (every move re-reads here: the guard age is 0), a status move; a customer page.
TARGETS = [("list", 1), ("list", 2), ("move", 2), ("customers", 1)]


@pytest.fixture(scope="module")
def sandbox() -> Iterator[Sandbox]:
    with run_sandbox(SandboxConfig(seed=31, orders=45, customers=20, products=15)) as sb:
        knobs = sb.knobs
        knobs.timeout_seconds = 0.3  # a stall outlasts the client's 0.1 s read timeout
        knobs.trickle_seconds = 0.01  # a trickled page outlasts the 0.4 s deadline
        knobs.huge_body_bytes = 3 * 1024 * 1024  # above the client's 1 MiB cap
        knobs.retry_after = "0"
        yield sb


def fault_at(sb: Sandbox, kind: str, request: str, nth: int) -> list[str]:
    """Make the ``nth`` request of the ``request`` kind (and only it) fail as ``kind``.

    Returns the list the paths of faulted requests are appended to.
    """
    counter = itertools.count(1)
    real = type(sb.knobs).pick_fault
    matches = KINDS_OF_REQUEST[request]
    fired: list[str] = []

    def pick(path: str) -> str | None:
        if matches(path) and next(counter) == nth:
            fired.append(path)
            return kind
        return real(sb.knobs, path)

    sb.knobs.pick_fault = pick  # type: ignore[method-assign]
    return fired


def importer(sb: Sandbox, erp: MemoryErp) -> StoreImporter:
    settings = StoreSettings(
        api_path=sb.api_path, api_token=sb.access_token, allow_insecure_host=True, code="BC"
    )
    client = BigCommerceClient.from_settings(
        settings,
        timeout=0.1,
        deadline=0.4,
        max_body_bytes=1024 * 1024,
        retry=RetryPolicy(max_attempts=3, base_delay=0.0, max_delay=0.0),
        sleep=lambda _seconds: None,
    )
    ports = ErpPorts.from_erp(erp, mappings=InMemoryMappingStore(), clock=SystemClock())
    # Every move re-reads first, so the guard's re-read is a request a fault can hit.
    options = ImportOptions(settle=timedelta(0), page_size=20, move_guard_age=timedelta(0))
    return StoreImporter(client, settings, ports, options)


def typed_stop(report: RunReport) -> bool:
    """A run that stopped says why in its report; one that did not has no error."""
    return not report.failed or bool(report.errors)


@pytest.mark.parametrize(("request_kind", "nth"), TARGETS, ids=[f"{r}#{n}" for r, n in TARGETS])
@pytest.mark.parametrize("kind", ALL_FAULT_KINDS)
def test_one_fault_of_any_kind_loses_and_doubles_nothing(
    sandbox: Sandbox, kind: str, request_kind: str, nth: int
) -> None:
    sb = sandbox
    ids = all_awaiting_fulfillment(sb)
    erp = MemoryErp(items=catalogue(sb))
    run = importer(sb, erp)
    fired = fault_at(sb, kind, request_kind, nth)
    try:
        reports = [run.import_all()]
    finally:
        del sb.knobs.pick_fault  # back to the class's own
    assert fired, "the fault was injected"
    assert typed_stop(reports[0]), reports[0].to_dict()
    for _ in range(3):  # the queue and the quarantine replay finish what the fault left
        if not list(erp.quarantine.entries()) and moved_on(sb, ids):
            break
        reports.append(run.import_all())
        reports.append(run.retry_quarantine())
    run.client.close()
    # The other app only ever ships orders an import listing or a re-read brought.
    assert erp_refs(erp) == expected_refs(ids), [r.to_dict() for r in reports]
    assert moved_on(sb, ids)
    assert list(erp.quarantine.entries()) == []
    with sb.store.locked() as store:
        customers = sorted(store.customers)
    bound = sorted(int(i) for i in customers_bound(erp))
    assert set(customers) <= set(bound)


def moved_on(sb: Sandbox, ids: list[int]) -> bool:
    """Every order moved on: to Awaiting Shipment by us, or shipped by another app."""
    with sb.store.locked() as store:
        return all(store.orders[i]["status_id"] in (AS, SHIPPED) for i in ids)


def customers_bound(erp: MemoryErp) -> list[str]:
    return [b.external_id for b in erp.bindings.all("customer")]
