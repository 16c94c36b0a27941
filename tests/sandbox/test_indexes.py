"""The store's indexes: list pages and product creates cost their size, not the store's.

Counted, never timed: ``store.orders.examined`` counts the rows the order list looked at, and
a spy counts whole-table scans of products and variants. A property test checks the indexes
against a brute-force scan after random status moves, archives, faults, drift and renames.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bigcommerce_connect.sandbox import DriftConfig, Sandbox, SandboxConfig, run_sandbox
from bigcommerce_connect.sandbox.indexes import WatchedRow
from bigcommerce_connect.sandbox.store import SandboxStore
from support.sandbox_api import Api


@pytest.fixture(scope="module")
def big() -> Iterator[Sandbox]:
    """20,000 orders and 2,000 products (building them is cheap: lines are built lazily)."""
    with run_sandbox(SandboxConfig(seed=2, orders=20_000, products=2_000)) as sb:
        yield sb


def _ids(api: Api, query: str) -> list[int]:
    resp = api.get("v2/orders?" + query)
    assert resp.status in (200, 204), resp.data[:300]
    return [o["id"] for o in json.loads(resp.data)] if resp.status == 200 else []


def test_keyset_page_examines_the_page_not_the_store(big: Sandbox) -> None:
    api, orders = Api(big), big.store.orders
    assert len(orders) == 20_000
    expected = sorted(i for i, o in orders.items() if o["status_id"] == 11 and not o["is_deleted"])
    orders.examined = 0
    page = api.json("GET", "v2/orders?status_id=11&min_id=1&sort=id:asc&limit=250")
    assert [o["id"] for o in page] == expected[:250]
    assert orders.examined == 250  # O(page size), not 20,000
    orders.examined = 0
    nxt = api.json(
        "GET", f"v2/orders?status_id=11&min_id={expected[249] + 1}&sort=id:asc&limit=250"
    )
    assert [o["id"] for o in nxt] == expected[250:500]
    assert orders.examined == 250
    orders.examined = 0
    top = api.json("GET", f"v2/orders?status_id=11&max_id={expected[-10]}&sort=id:desc&limit=250")
    assert [o["id"] for o in top] == expected[-10::-1][:250]
    assert orders.examined == 250
    orders.examined = 0
    api.json("GET", "v2/orders?status_id=11&sort=date_modified:desc&limit=250")
    assert orders.examined == 20_000  # other sorts still scan: the counter counts


class _ScanSpy:
    """Counts whole-table iterations (``values``/``items``/``keys``) of one table."""

    def __init__(self, table: dict[int, Any]) -> None:
        self.scans = 0
        for name in ("values", "items", "keys"):
            setattr(table, name, self._counting(getattr(table, name)))

    def _counting(self, method: Any) -> Any:
        def counted() -> Any:
            self.scans += 1
            return method()

        return counted


def test_product_create_checks_uniqueness_without_scanning(big: Sandbox) -> None:
    api, store = Api(big), big.store
    assert len(store.products) >= 2_000
    products, variants = _ScanSpy(store.products), _ScanSpy(store.variants)
    try:
        body = {"name": "Indexed", "type": "physical", "weight": 1, "price": 5, "categories": []}
        created = api.json("POST", "v3/catalog/products", {**body, "sku": "IDX-1"})["data"]
        assert created["variants"][0]["sku"] == "IDX-1"
        api.json("POST", "v3/catalog/products", {**body, "sku": "IDX-2"}, status=409)  # name
        taken = next(iter(dict.values(store.variants)))["sku"]
        dup = {**body, "name": "Indexed 2", "sku": taken}
        api.json("POST", "v3/catalog/products", dup, status=409)  # a variant's SKU
        assert (products.scans, variants.scans) == (0, 0)
        assert store.products.examined == store.variants.examined == 0  # no loose rows read
    finally:
        for table in (store.products, store.variants):
            for name in ("values", "items", "keys"):
                vars(table).pop(name, None)


def _brute(store: SandboxStore, status: int, deleted: bool) -> list[int]:
    return sorted(
        i
        for i, o in store.orders.items()
        if o["status_id"] == status and o["is_deleted"] is deleted
    )


def _check(store: SandboxStore, api: Api) -> None:
    orders = store.orders
    for status in range(15):
        for deleted in (False, True):
            assert list(orders.keyset((status, deleted), None, None, False)) == [
                i for i in _brute(store, status, deleted) if i not in orders.loose
            ]
    for status in (2, 11):
        brute = _brute(store, status, False)
        low = brute[len(brute) // 3] if brute else 1
        asked = f"status_id={status}&min_id={low}&sort=id:asc&limit=50"
        assert _ids(api, asked) == [i for i in brute if i >= low][:50]
        assert (
            _ids(api, f"status_id={status}&max_id={low}&sort=id:desc&limit=50")
            == [i for i in reversed(brute) if i <= low][:50]
        )
    names: dict[str, set[int]] = {}
    for pid, product in store.products.items():
        names.setdefault(product["name"], set()).add(pid)
    assert all(set(store.products.ids_with("name", n)) == ids for n, ids in names.items())
    for vid, variant in store.variants.items():
        assert vid in store.variants.ids_with("sku", str(variant["sku"]))
        assert variant in store.variants_of(variant["product_id"])


_OPS = st.one_of(
    st.tuples(st.just("put"), st.integers(1, 400), st.sampled_from([1, 2, 9, 11])),
    st.tuples(st.just("direct"), st.integers(1, 400), st.sampled_from([0, 2, 7, 11])),
    st.tuples(st.just("archive"), st.integers(1, 400), st.just(0)),
    st.tuples(st.just("concurrent"), st.just(0), st.sampled_from([2, 11])),
    st.tuples(st.just("drift"), st.just(0), st.just(0)),
    st.tuples(st.just("product"), st.integers(0, 30), st.just(0)),
    st.tuples(st.just("rename"), st.integers(1, 30), st.integers(0, 30)),
    st.tuples(st.just("loose"), st.integers(1, 400), st.sampled_from([2, 11])),
)


@pytest.fixture(scope="module")
def small() -> Iterator[Sandbox]:
    """A small store the property test mutates across examples."""
    with run_sandbox(SandboxConfig(seed=4, orders=400, products=30)) as sb:
        yield sb


def _apply(sb: Sandbox, api: Api, op: str, a: int, b: int) -> None:
    store = sb.store
    if op == "put":
        api.json("PUT", f"v2/orders/{a}", {"status_id": b})
    elif op == "direct":
        with store.lock:
            store.orders[a]["status_id"] = b
    elif op == "archive":
        assert api.request("DELETE", f"v2/orders/{a}").status == 204
    elif op == "concurrent":
        sb.knobs.fail_next("concurrent_change", path_prefix="/v2/orders")
        _ids(api, f"status_id={b}&limit=5")
    elif op == "drift":
        sb.knobs.drift = DriftConfig(every_n_list_requests=1, modify=3, create=2)
        _ids(api, "limit=5")
        sb.knobs.drift = None
    elif op == "product":
        body = {"name": f"P{a}", "type": "physical", "weight": 1, "price": 2, "categories": []}
        api.request("POST", "v3/catalog/products", {**body, "sku": f"S{a}"})
    elif op == "rename" and a in store.products:
        store.products[a]["name"] = f"P{b}"
    elif op == "loose":
        with store.lock:  # a plain dict put in by a test: never indexed, always looked at
            store.orders[a] = {**store.orders[a], "status_id": b}
        assert store.orders.loose == {a}
        _check(store, api)
        with store.lock:
            store.orders[a] = WatchedRow(store.orders[a])
        assert not store.orders.loose


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(ops=st.lists(_OPS, min_size=1, max_size=12))
def test_indexes_match_a_brute_force_scan(small: Sandbox, ops: list[tuple[str, int, int]]) -> None:
    api = Api(small)
    for op, a, b in ops:
        _apply(small, api, op, a, b)
    _check(small.store, api)
