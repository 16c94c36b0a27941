"""Retries only where safe, bounded backoff, and pacing by the store's quota headers."""

from __future__ import annotations

import random

import pytest

from bigcommerce_connect.errors import NetworkError, RateLimitedError, ServerError
from bigcommerce_connect.ratelimit import RateLimitGovernor
from bigcommerce_connect.retry import RetryPolicy
from bigcommerce_connect.transport import TransportError
from support.scripted import FakeClock, ScriptedTransport, respond

from .conftest import MakeClient


def reset(kind: str = "connection") -> TransportError:
    return TransportError("reset", retryable=True, kind=kind, url="https://x")


def quota(left: int, reset_ms: int = 5000, total: int = 150) -> dict[str, str]:
    return {
        "X-Rate-Limit-Requests-Left": str(left),
        "X-Rate-Limit-Time-Reset-Ms": str(reset_ms),
        "X-Rate-Limit-Requests-Quota": str(total),
        "X-Rate-Limit-Time-Window-Ms": "30000",
    }


def test_get_is_retried_after_a_reset_with_growing_bounded_backoff(
    make_client: MakeClient, clock: FakeClock
) -> None:
    transport = ScriptedTransport(reset(), reset("timeout"), respond(200, []))
    assert make_client(transport).request("GET", "v2", "orders").data == []
    assert len(transport.requests) == 3
    assert len(clock.sleeps) == 2
    assert all(0 <= s <= 4.0 for s in clock.sleeps)


def test_retries_stop_at_the_attempt_cap(make_client: MakeClient) -> None:
    transport = ScriptedTransport(reset(), reset(), reset(), respond(200, []))
    with pytest.raises(NetworkError) as caught:
        make_client(transport).request("GET", "v2", "orders")
    assert caught.value.retryable
    assert caught.value.kind == "connection"
    assert len(transport.requests) == 3


@pytest.mark.parametrize(
    ("step", "error_type"),
    [
        (reset(), NetworkError),
        (reset("timeout"), NetworkError),
        (respond(502, b"bad gateway"), ServerError),
    ],
)
def test_post_is_not_retried_after_a_failure_that_may_have_landed(
    make_client: MakeClient, step: object, error_type: type[Exception]
) -> None:
    transport = ScriptedTransport(step, respond(200, {"data": {}}))  # type: ignore[arg-type]
    with pytest.raises(error_type):
        make_client(transport).request("POST", "v3", "catalog/products", body={"name": "x"})
    assert len(transport.requests) == 1


def test_post_is_retried_when_the_connection_was_never_made(make_client: MakeClient) -> None:
    transport = ScriptedTransport(reset("connect"), respond(200, {"data": {"id": 1}}))
    assert make_client(transport).request("POST", "v3", "hooks", body={}).data == {
        "data": {"id": 1}
    }
    assert len(transport.requests) == 2


def test_tls_certificate_failure_is_never_retried(make_client: MakeClient) -> None:
    failure = TransportError("TLS/certificate problem", retryable=False, kind="tls", url="x")
    transport = ScriptedTransport(failure, respond(200, []))
    with pytest.raises(NetworkError, match="TLS/certificate") as caught:
        make_client(transport).request("GET", "v2", "orders")
    assert not caught.value.retryable
    assert len(transport.requests) == 1


def test_429_waits_the_reset_time_then_retries_even_a_post(
    make_client: MakeClient, clock: FakeClock
) -> None:
    transport = ScriptedTransport(
        respond(429, {"status": 429}, quota(0, reset_ms=2500)), respond(200, {"data": {}})
    )
    make_client(transport).request("POST", "v3", "hooks", body={})
    # The reset time, plus up to the minimum wait (0.25 s) of jitter.
    assert len(clock.sleeps) == 1
    assert 2.5 <= clock.sleeps[0] <= 2.75
    assert len(transport.requests) == 2


def test_429_without_headers_backs_off_and_never_hot_loops(
    make_client: MakeClient, clock: FakeClock
) -> None:
    transport = ScriptedTransport(*[respond(429)] * 7, respond(200, []))
    with pytest.raises(RateLimitedError):
        make_client(transport, retry=RetryPolicy(max_rate_limit_waits=5)).request(
            "GET", "v2", "orders"
        )
    assert len(transport.requests) == 6
    assert len(clock.sleeps) == 5
    assert all(s >= 0.5 for s in clock.sleeps)


def test_pacing_waits_for_the_reset_before_the_quota_runs_out(
    make_client: MakeClient, clock: FakeClock
) -> None:
    transport = ScriptedTransport(
        respond(200, [], quota(left=3, reset_ms=4000)),
        respond(200, [], quota(left=2, reset_ms=3000)),
        respond(200, [], quota(left=150, reset_ms=30000)),
    )
    client = make_client(transport, rate_limit_reserve=2)
    client.request("GET", "v2", "orders")  # leaves 3
    client.request("GET", "v2", "orders")  # 3 > reserve: no wait; leaves 2
    assert clock.sleeps == []
    client.request("GET", "v2", "orders")  # 2 <= reserve: wait the 3 s reset first
    assert clock.sleeps == [3.0]
    assert len(transport.requests) == 3


def test_governor_waits_are_capped() -> None:
    clock = FakeClock()
    governor = RateLimitGovernor(clock=clock, sleep=clock.sleep, reserve=1, max_wait=10.0)
    governor.observe(quota(left=0, reset_ms=3_600_000))
    governor.before_request()
    assert clock.sleeps == [10.0]
    # After the wait the window is assumed fresh: the next request goes at once.
    governor.before_request()
    assert clock.sleeps == [10.0]


def test_governor_ignores_garbage_headers() -> None:
    clock = FakeClock()
    governor = RateLimitGovernor(clock=clock, sleep=clock.sleep)
    governor.observe({"X-Rate-Limit-Requests-Left": "lots", "X-Rate-Limit-Time-Reset-Ms": ""})
    governor.before_request()
    assert clock.sleeps == []
    assert governor.snapshot().left is None


def test_backoff_grows_and_respects_the_ceiling() -> None:
    policy = RetryPolicy(base_delay=1.0, max_delay=8.0)
    rng = random.Random(1)
    for retry in range(1, 10):
        ceiling = min(8.0, 2 ** (retry - 1))
        assert all(0 <= policy.backoff(retry, rng) <= ceiling for _ in range(50))
    assert max(policy.backoff(2, rng, is_write=True) for _ in range(200)) > 2.0


def test_api_calls_are_counted_including_retries(make_client: MakeClient) -> None:
    transport = ScriptedTransport(reset(), respond(200, []), respond(200, []))
    client = make_client(transport)
    client.request("GET", "v2", "orders")
    client.request("GET", "v2", "orders")
    assert client.api_calls == 3
