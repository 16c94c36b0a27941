"""The official ``bigcommerce`` client (0.23.4) works unchanged against the TLS sandbox."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bigcommerce_connect.sandbox import Sandbox, SandboxConfig, run_sandbox

bigcommerce = pytest.importorskip("bigcommerce")


@pytest.fixture
def tls_sandbox() -> Iterator[Sandbox]:
    """A sandbox serving HTTPS with a throwaway CA."""
    with run_sandbox(SandboxConfig(seed=2, orders=40, customers=10, products=10, tls=True)) as sb:
        yield sb


def test_official_client_orders_flow(tls_sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch) -> None:
    sb = tls_sandbox
    assert sb.ca_file is not None
    # BigcommerceApi reads BC_API_ENDPOINT in __init__ (not at import), so setting it is enough.
    monkeypatch.setenv("BC_API_ENDPOINT", f"127.0.0.1:{sb.port}")
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", sb.ca_file)
    api = bigcommerce.api.BigcommerceApi(
        client_id=sb.client_id, store_hash=sb.store_hash, access_token=sb.access_token
    )
    awaiting = api.Orders.all(status_id=11, limit=250)
    assert awaiting
    assert all(o.status_id == 11 for o in awaiting)
    order = awaiting[0]
    lines = order.products()
    assert lines
    assert all(line.order_id == order.id for line in lines)
    addresses = order.shipping_addresses()
    assert addresses[0].order_id == order.id
    statuses = api.OrderStatuses.all()
    assert {s.id for s in statuses} == set(range(15))
    assert next(s for s in statuses if s.id == 11).custom_label == "Ready to Pick"
    updated = order.update(status_id=2)
    assert updated.status_id == 2
    assert sb.store.orders[order.id]["status_id"] == 2
    assert sb.requests.count(method="PUT", path_prefix=f"/v2/orders/{order.id}") == 1
