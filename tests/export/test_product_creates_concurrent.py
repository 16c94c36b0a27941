"""Product creates run ``concurrency`` at a time, exactly once, and skip an empty catalog's lookups.

Concurrency is shown by counting, never by timing: a transport wrapper holds the first
``concurrency`` creates at a barrier until that many are inside ``send`` together (a sequential
exporter never gets there and the barrier breaks), and records the most creates in flight.
"""

from __future__ import annotations

import json
import threading
from collections import Counter
from collections.abc import Iterator

import pytest

from bigcommerce_connect import BigCommerceClient
from bigcommerce_connect.adapters.memory import FixedClock, MemoryErp
from bigcommerce_connect.export import Action, ExportReport, ProductExporter
from bigcommerce_connect.ports import Binding, BindingRepository
from bigcommerce_connect.sandbox import Sandbox
from bigcommerce_connect.settings import StoreSettings
from bigcommerce_connect.transport import HttpRequest, HttpResponse, Urllib3Transport
from support.sandboxes import StartSandbox

from .conftest import T0, item

CREATE_PATH = "/v3/catalog/products"
BARRIER_TIMEOUT = 10.0  # only a safety net: a concurrent exporter passes at once
HOLD_TIMEOUT = 1.0  # how long the first create waits for creates a bounded exporter never sends


class CountingTransport:
    """Real HTTP that counts creates in flight and remembers each create's SKU, in order.

    The first ``gate`` creates wait until ``gate`` of them are in flight together. With
    ``hold_first_until``, the first create waits until that many creates were sent (or
    ``HOLD_TIMEOUT`` passed) and records how many were sent while it was held.
    """

    def __init__(self, gate: int = 1, hold_first_until: int | None = None) -> None:
        self.inner = Urllib3Transport(max_connections=16)
        self._lock = threading.Lock()
        self._barrier = threading.Barrier(gate)
        self._gated = gate
        self.in_flight = 0
        self.peak = 0
        self.gate_broken = False
        self.posted: list[str] = []
        self._hold_until = hold_first_until
        self._released = threading.Event()
        self.sent_while_held = 0

    def send(self, request: HttpRequest) -> HttpResponse:
        """Send the request; a create is counted while it is in flight."""
        if request.method != "POST" or not request.url.split("?")[0].endswith(CREATE_PATH):
            return self.inner.send(request)
        with self._lock:
            self.in_flight += 1
            self.peak = max(self.peak, self.in_flight)
            self.posted.append(json.loads(request.body or b"{}")["sku"])
            gated, self._gated = self._gated > 0, self._gated - 1
            first = len(self.posted) == 1
            if len(self.posted) == self._hold_until:
                self._released.set()
        try:
            if gated:
                self._hold()
            if first and self._hold_until is not None:
                self._released.wait(HOLD_TIMEOUT)
                self.sent_while_held = len(self.posted)
            return self.inner.send(request)
        finally:
            with self._lock:
                self.in_flight -= 1

    def _hold(self) -> None:
        try:
            self._barrier.wait(BARRIER_TIMEOUT)
        except threading.BrokenBarrierError:
            self.gate_broken = True

    def close(self) -> None:
        """Close the pool."""
        self.inner.close()


@pytest.fixture
def empty_store(start_sandbox: StartSandbox) -> Sandbox:
    """A store with categories but no products and no variants."""
    return start_sandbox(seed=11, orders=0, customers=0, products=0)


@pytest.fixture
def clients() -> Iterator[list[BigCommerceClient]]:
    made: list[BigCommerceClient] = []
    yield made
    for client in made:
        client.close()


def exporter(
    sb: Sandbox,
    erp: MemoryErp,
    transport: CountingTransport,
    clients: list[BigCommerceClient],
    concurrency: int,
) -> ProductExporter:
    client = BigCommerceClient(
        sb.api_path,
        sb.access_token,
        allow_insecure_host=True,
        transport=transport,
        sleep=lambda _s: None,
    )
    clients.append(client)
    return ProductExporter(
        client,
        items=erp.item_source,
        bindings=erp.bindings,
        clock=FixedClock(T0),
        sync_state=erp.sync_state,
        concurrency=concurrency,
    )


def erp_with(count: int, prefix: str = "C") -> MemoryErp:
    erp = MemoryErp()
    for n in range(count):
        erp.item_source.put(f"{prefix}{n}", item(f"{prefix}-{n:04d}"))
    return erp


def products_by_sku(sb: Sandbox) -> Counter[str]:
    with sb.store.locked() as store:
        return Counter(str(p["sku"]) for p in store.products.values())


def assert_all_bound(erp: MemoryErp, report: ExportReport) -> None:
    for result in report.items:
        product = erp.bindings.get_by_local("product", result.local_id)
        variant = erp.bindings.get_by_local("variant", result.local_id)
        assert product is not None, result.local_id
        assert variant is not None, result.local_id
        assert (product.external_id, variant.external_id) == (
            str(result.product_id),
            str(result.variant_id),
        )


@pytest.mark.parametrize("concurrency", [1, 2, 4, 8])
def test_creates_are_in_flight_concurrency_at_a_time(
    empty_store: Sandbox, clients: list[BigCommerceClient], concurrency: int
) -> None:
    erp = erp_with(21)
    transport = CountingTransport(gate=concurrency)
    products = exporter(empty_store, erp, transport, clients, concurrency)

    report = products.export_changed()

    assert report.counts["created"] == 21, report.failed
    assert not transport.gate_broken  # `concurrency` creates were in flight together
    assert transport.peak == concurrency  # and never more
    in_erp_order = [entry.local_id for entry in erp.item_source.changed_since(None)]
    assert [r.local_id for r in report.items] == in_erp_order
    assert_all_bound(erp, report)


def test_settings_concurrency_is_the_exporters(
    empty_store: Sandbox, clients: list[BigCommerceClient]
) -> None:
    settings = StoreSettings(
        api_path=empty_store.api_path,
        api_token=empty_store.access_token,
        allow_insecure_host=True,
        concurrency=3,
    )
    erp = erp_with(7)
    transport = CountingTransport(gate=3)
    client = settings.connect(transport=transport)
    clients.append(client)
    products = ProductExporter.from_settings(
        settings, client, items=erp.item_source, bindings=erp.bindings, clock=FixedClock(T0)
    )

    report = products.export_changed()

    assert products.concurrency == 3
    assert report.counts["created"] == 7, report.failed
    assert (transport.peak, transport.gate_broken) == (3, False)
    default = ProductExporter(
        client, items=erp.item_source, bindings=erp.bindings, clock=FixedClock(T0)
    )
    assert default.concurrency == 4  # StoreSettings' default


@pytest.mark.parametrize("bad", [0, 33, True])
def test_concurrency_out_of_range_is_refused(
    empty_store: Sandbox, clients: list[BigCommerceClient], bad: int
) -> None:
    with pytest.raises((ValueError, TypeError), match="concurrency"):
        exporter(empty_store, MemoryErp(), CountingTransport(), clients, bad)


def test_empty_catalog_sends_no_sku_lookups(
    empty_store: Sandbox, clients: list[BigCommerceClient]
) -> None:
    erp = erp_with(30)
    transport = CountingTransport()
    products = exporter(empty_store, erp, transport, clients, 4)

    report = products.export_changed()

    requests = empty_store.requests
    assert requests.count("GET", "/v3/catalog/variants") == 1  # the count, not ?sku=
    assert requests.count("GET", "/v3/catalog/products") == 0  # no ?sku= nor ?sku:in=
    assert requests.count("POST", CREATE_PATH) == 30
    assert len(requests) == 31
    assert report.api_calls == 31
    assert report.counts["created"] == 30, report.failed
    assert_all_bound(erp, report)
    assert sorted(transport.posted) == sorted(products_by_sku(empty_store))


def test_non_empty_catalog_still_links_by_sku(
    empty_store: Sandbox, clients: list[BigCommerceClient]
) -> None:
    first = exporter(empty_store, erp_with(3, "OLD"), CountingTransport(), clients, 4)
    assert first.export_changed().ok
    erp = erp_with(3, "OLD")  # a second ERP that has never bound them
    erp.item_source.put("NEW", item("NEW-1"))
    transport = CountingTransport()
    empty_store.requests.clear()

    report = exporter(empty_store, erp, transport, clients, 4).export_changed()

    assert {r.local_id: r.action for r in report.items} == {
        **dict.fromkeys(["OLD0", "OLD1", "OLD2"], Action.LINKED),
        "NEW": Action.CREATED,
    }
    assert transport.posted == ["NEW-1"]
    assert empty_store.requests.count("GET", "/v3/catalog/variants") >= 2  # count + lookups
    assert_all_bound(erp, report)
    assert max(products_by_sku(empty_store).values()) == 1


class BrokenBindings:
    """A host's binding repository that fails on the first write (a bug, a lost database)."""

    def __init__(self, inner: BindingRepository) -> None:
        self.inner = inner

    def get(self, entity: str, external_id: str) -> Binding | None:
        return self.inner.get(entity, external_id)

    def get_by_local(self, entity: str, local_id: str) -> Binding | None:
        return self.inner.get_by_local(entity, local_id)

    def bind(self, binding: Binding) -> None:
        raise RuntimeError("the ERP's database is gone")


def test_work_in_flight_is_bounded_and_stops_with_the_host(
    empty_store: Sandbox, clients: list[BigCommerceClient]
) -> None:
    erp = erp_with(40)
    transport = CountingTransport()
    products = exporter(empty_store, erp, transport, clients, 4)
    products.bindings = BrokenBindings(erp.bindings)

    with pytest.raises(RuntimeError, match="database is gone"):
        products.export_changed()

    # At most twice `concurrency` creates were queued when the first binding failed; the
    # queued ones were dropped, so the store saw no more than that of the 40.
    assert 1 <= len(transport.posted) <= 8
    assert len(transport.posted) == empty_store.requests.count("POST", CREATE_PATH)


def test_creates_queued_are_bounded_by_twice_the_concurrency(
    empty_store: Sandbox, clients: list[BigCommerceClient]
) -> None:
    # While the first create is held, the exporter waits for its result before queueing
    # more: the other workers send the rest of the window (2 x 4 - 1 creates) and stop.
    erp = erp_with(40)
    transport = CountingTransport(hold_first_until=9)
    products = exporter(empty_store, erp, transport, clients, 4)

    report = products.export_changed()

    assert report.counts["created"] == 40, report.failed
    assert 2 <= transport.sent_while_held <= 8  # not 40: the work queued is bounded


# The store acts, then the answer is lost or garbled (the outcome is unknown), or the store
# refuses without acting: either way no create is sent twice, nothing is doubled.
FAULTS = ["cut_after_headers", "truncated_body", "empty_200", "malformed_json", "reset", "500"]


@pytest.mark.parametrize("kind", FAULTS)
def test_faulted_creates_are_exactly_once_after_a_rerun(
    empty_store: Sandbox, clients: list[BigCommerceClient], kind: str
) -> None:
    erp = erp_with(12)
    empty_store.knobs.fail_next(kind, 3, CREATE_PATH)
    transport = CountingTransport()
    products = exporter(empty_store, erp, transport, clients, 4)

    first = products.export_changed()
    posted_first, made_first = list(transport.posted), products_by_sku(empty_store)
    second = products.export_changed()

    assert len(first.failed) == 3, [r.error for r in first.failed]
    assert second.ok, [r.error for r in second.failed]
    assert max(Counter(posted_first).values()) == 1  # never sent twice in a run
    resent = transport.posted[len(posted_first) :]
    assert not set(resent) & set(made_first)  # made but unanswered: linked, not re-created
    assert products_by_sku(empty_store) == Counter(f"C-{n:04d}" for n in range(12))
    assert {r.action for r in second.items} <= {Action.UNCHANGED, Action.CREATED, Action.LINKED}
    assert_all_bound(erp, second)
