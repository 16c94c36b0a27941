"""Quota, faults, latency and drift knobs, set before start and while running."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from datetime import datetime, timezone

import pytest
import urllib3

from bigcommerce_connect.sandbox import DriftConfig, Quota, Sandbox, SandboxConfig, run_sandbox
from support.sandbox_api import Api


@pytest.fixture
def limited() -> Iterator[Sandbox]:
    """A sandbox with a 3-requests-per-minute quota."""
    with run_sandbox(SandboxConfig(orders=20, customers=5, products=5, quota=(3, 60))) as sb:
        yield sb


def test_rate_limit_headers_and_429(limited: Sandbox) -> None:
    api = Api(limited)
    first = api.get("v2/orders/1")
    assert first.headers["X-Rate-Limit-Requests-Quota"] == "3"
    assert first.headers["X-Rate-Limit-Requests-Left"] == "2"
    assert first.headers["X-Rate-Limit-Time-Window-Ms"] == "60000"
    assert 0 < int(first.headers["X-Rate-Limit-Time-Reset-Ms"]) <= 60000
    api.get("v3/catalog/products")
    assert api.get("v2/orders").headers["X-Rate-Limit-Requests-Left"] == "0"
    limited_v3 = api.get("v3/catalog/products")
    assert limited_v3.status == 429
    assert json.loads(limited_v3.data)["title"] == "Too many requests"
    assert int(limited_v3.headers["X-Retry-After"]) >= 1
    assert "X-Rate-Limit-Time-Reset-Ms" in limited_v3.headers
    limited.knobs.rate_limit_headers = False
    bare = api.get("v2/orders")
    assert bare.status == 429
    assert not any(h.lower().startswith("x-rate-limit") for h in bare.headers)
    assert json.loads(bare.data)[0]["status"] == 429


def test_quota_changed_while_running(fresh: Sandbox) -> None:
    api = Api(fresh)
    assert "X-Rate-Limit-Requests-Quota" not in api.get("v2/orders/1").headers
    fresh.knobs.quota = Quota(1, 30)
    assert api.get("v2/orders/1").status == 200
    assert api.get("v2/orders/1").status == 429
    fresh.knobs.quota = None
    assert api.get("v2/orders/1").status == 200


def test_scheduled_5xx_faults(fresh: Sandbox) -> None:
    api = Api(fresh)
    fresh.knobs.fail_next("500", path_prefix="/v2/orders")
    fresh.knobs.fail_next("502")
    fresh.knobs.fail_next("503")
    fresh.knobs.fail_next("504")
    assert api.get("v3/catalog/products").status == 502  # 500 waits for an order path
    r500 = api.get("v2/orders/1")
    assert r500.status == 500
    assert json.loads(r500.data)["status"] == 500
    r503 = api.get("v2/orders/1")
    assert r503.status == 503
    r504 = api.get("v2/orders/1")
    assert r504.status == 504
    assert r504.data.startswith(b"<html>")
    assert api.get("v2/orders/1").status == 200
    assert fresh.requests.count(status=502) == 1


def test_connection_reset_fault(fresh: Sandbox) -> None:
    api = Api(fresh)
    fresh.knobs.fail_next("reset")
    with pytest.raises(urllib3.exceptions.ProtocolError):
        api.get("v2/orders/1")
    assert api.get("v2/orders/1").status == 200


def test_timeout_fault_is_bounded(fresh: Sandbox) -> None:
    fresh.knobs.timeout_seconds = 1.0
    fresh.knobs.fail_next("timeout")
    http = urllib3.PoolManager(retries=False, timeout=urllib3.Timeout(read=0.2))
    url = fresh.api_path.removesuffix("v3/") + "v2/orders/1"
    with pytest.raises(urllib3.exceptions.ReadTimeoutError):
        http.request("GET", url, headers={"X-Auth-Token": fresh.access_token})
    assert Api(fresh).get("v2/orders/1").status == 200


def test_malformed_and_truncated_json(fresh: Sandbox) -> None:
    api = Api(fresh)
    fresh.knobs.fail_next("malformed_json")
    fresh.knobs.fail_next("truncated_json")
    for _ in range(2):
        resp = api.get("v3/catalog/products")
        assert resp.status == 200
        with pytest.raises(json.JSONDecodeError):
            json.loads(resp.data)


def test_random_faults_are_deterministic_per_seed() -> None:
    def statuses() -> list[int]:
        config = SandboxConfig(seed=3, orders=5, customers=2, products=2, fault_rate=0.5)
        with run_sandbox(config) as sb:
            sb.knobs.fault_kinds = ("500", "503")
            api = Api(sb)
            return [api.get("v2/orders/1").status for _ in range(12)]

    first = statuses()
    assert first == statuses()
    assert {500, 503} & set(first)
    assert 200 in first


def test_latency_knob(fresh: Sandbox) -> None:
    api = Api(fresh)
    fresh.knobs.latency_ms = 150
    start = time.perf_counter()
    assert api.get("v2/orders/1").status == 200
    assert time.perf_counter() - start >= 0.15
    fresh.knobs.latency_ms = 0


def test_drift_modifies_and_creates_between_pages(fresh: Sandbox) -> None:
    api = Api(fresh)
    store = fresh.store
    frozen = datetime(2026, 6, 1, 12, 0, 0, tzinfo=timezone.utc)
    store.clock = lambda: frozen
    before = len(store.orders)
    fresh.knobs.drift = DriftConfig(every_n_list_requests=1, modify=2, create=1)
    page1 = api.json("GET", "v2/orders?sort=date_modified:asc&limit=10&page=1")
    assert len(store.orders) == before + 1
    bumped = [i for i, o in store.orders.items() if o["date_modified"] == frozen]
    assert len(bumped) == 3  # two modified, one created
    assert len(page1) == 10
    # A client asking for what changed since the drift sees exactly the drifted orders (the
    # drift of this second list request happens after its answer is built).
    since = api.json("GET", "v2/orders?min_date_modified=2026-06-01T12:00:00Z&limit=250")
    assert sorted(o["id"] for o in since) == sorted(bumped)
    assert len(store.orders) == before + 2  # the second list request drifted too
    fresh.knobs.drift = None
    api.json("GET", "v2/orders?limit=10&page=2")
    assert len(store.orders) == before + 2  # drift off: nothing changes any more


def test_request_log(fresh: Sandbox) -> None:
    api = Api(fresh)
    fresh.requests.clear()
    api.get("v2/orders/1")
    api.get("v2/orders/2")
    api.get("v3/catalog/products")
    assert fresh.requests.count() == 3
    assert fresh.requests.count(method="GET", path_prefix="/v2/orders") == 2
    assert fresh.requests.count(path_prefix=f"/stores/{fresh.store_hash}/v3/") == 1
    assert [r.status for r in fresh.requests] == [200, 200, 200]
