"""Seeding determinism and size, and clean shutdown (no threads or sockets left)."""

from __future__ import annotations

import socket
import sys
import threading
import time

import pytest
import urllib3

from bigcommerce_connect.sandbox import SandboxConfig, SandboxStore, run_sandbox
from bigcommerce_connect.sandbox.seed import populate
from bigcommerce_connect.sandbox.tls import TLSUnavailableError


def _store(seed: int, orders: int = 80) -> SandboxStore:
    store = SandboxStore(store_hash="abc", store_id="1", seed=seed)
    populate(store, orders=orders, customers=20, products=12)
    return store


def test_seed_is_deterministic_and_independent_of_now() -> None:
    a, b, c = _store(11), _store(11), _store(12)
    assert a.orders == b.orders
    assert [a.lines_of(i) for i in a.orders] == [b.lines_of(i) for i in b.orders]
    assert [a.addresses_of(i) for i in a.orders] == [b.addresses_of(i) for i in b.orders]
    assert a.customers == b.customers
    assert a.products == b.products
    assert a.orders != c.orders
    assert min(o["date_created"] for o in a.orders.values()).year == 2026


def test_large_store_generates_quickly() -> None:
    start = time.perf_counter()
    store = _store(1, orders=20_000)
    assert len(store.orders) == 20_000
    # Well under a second per 20k orders on a 2-core machine; lines are built lazily.
    assert time.perf_counter() - start < 10
    assert store.lines_of(20_000)
    assert 20_000 in store.shipping_addresses


def test_server_stops_cleanly_with_idle_keepalive_connection() -> None:
    before = set(threading.enumerate())
    with run_sandbox(SandboxConfig(orders=5, customers=2, products=2)) as sb:
        http = urllib3.PoolManager()
        url = sb.api_path.removesuffix("v3/") + "v2/orders/1"
        assert http.request("GET", url, headers={"X-Auth-Token": sb.access_token}).status == 200
        port = sb.port
    # The idle keep-alive connection did not hold shutdown up, and nothing is left running.
    assert set(threading.enumerate()) <= before
    with (
        pytest.raises(ConnectionRefusedError),
        socket.create_connection(("127.0.0.1", port), timeout=1),
    ):
        pass
    http.clear()


def test_tls_without_trustme_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "trustme", None)  # makes "import trustme" fail
    config = SandboxConfig(orders=2, customers=1, products=1, tls=True)
    with (
        pytest.raises(TLSUnavailableError, match=r"bigcommerce-connect\[tls\]"),
        run_sandbox(config),
    ):
        pass
