"""Rate limits as a hostile store sends them: 509, Retry-After, a reset of 0 ms, garbage values.

Every wait is recorded by a fake clock (nothing really sleeps) and must lie between the
minimum wait (no burst) and the maximum (no stall); the number of waits stays bounded; no
header value can make the client raise anything but the SDK's typed errors.
"""

from __future__ import annotations

import random
import time
from collections.abc import Iterator
from email.utils import formatdate

import pytest

from bigcommerce_connect import BigCommerceClient, RateLimitedError
from bigcommerce_connect.ratelimit import RateLimitGovernor, requested_delay
from bigcommerce_connect.retry import RetryPolicy
from bigcommerce_connect.sandbox import Sandbox, SandboxConfig, run_sandbox
from support.scripted import FakeClock, ScriptedTransport, respond

from .conftest import MakeClient

MIN_WAIT = 0.25  # RetryPolicy.min_rate_limit_wait's default
MAX_WAIT = 60.0  # RetryPolicy.max_rate_limit_wait's default
POLICY = RetryPolicy(max_attempts=3, base_delay=0.5, max_delay=4.0)


@pytest.fixture(scope="module")
def sb() -> Iterator[Sandbox]:
    with run_sandbox(SandboxConfig(seed=23, orders=12, customers=3, products=3)) as sandbox:
        yield sandbox


@pytest.fixture
def clock(sb: Sandbox) -> Iterator[FakeClock]:
    sb.knobs.clear_faults()
    sb.knobs.retry_after = "1"
    yield FakeClock()
    sb.knobs.clear_faults()
    sb.knobs.retry_after = "1"


def connect(sb: Sandbox, clock: FakeClock, retry: RetryPolicy = POLICY) -> BigCommerceClient:
    return BigCommerceClient(
        sb.api_path,
        sb.access_token,
        allow_insecure_host=True,
        clock=clock,
        sleep=clock.sleep,
        rng=random.Random(5),
        retry=retry,
    )


def http_date(offset_seconds: float) -> str:
    return formatdate(time.time() + offset_seconds, usegmt=True)


# -- against the sandbox ---------------------------------------------------------------------


def test_509_is_a_rate_limit_waited_out_as_x_retry_after_says(
    sb: Sandbox, clock: FakeClock
) -> None:
    sb.knobs.retry_after = "3"
    sb.knobs.fail_next("status_509", n=2, path_prefix="/v2/orders")
    with connect(sb, clock) as client:
        assert client.orders.count().count > 0
        assert client.api_calls == 3
    assert len(clock.sleeps) == 2
    assert all(3.0 <= s <= 3.0 + MIN_WAIT for s in clock.sleeps)


def test_a_write_is_retried_after_509_and_lands_once(sb: Sandbox, clock: FakeClock) -> None:
    with connect(sb, clock) as client:
        before = len(list(client.webhooks.iter()))
        sb.knobs.fail_next("status_509", n=1, path_prefix="/v3/hooks")
        client.webhooks.create("store/order/*", "https://erp.example/hook-509")
        assert len(list(client.webhooks.iter())) == before + 1
    assert sb.requests.count("POST", "/v3/hooks", status=509) == 1
    assert len(clock.sleeps) == 1


def test_509_beyond_the_allowed_waits_is_rate_limited_error(sb: Sandbox, clock: FakeClock) -> None:
    before = sb.requests.count("GET", "/v2/orders", status=509)
    sb.knobs.fail_next("status_509", n=10, path_prefix="/v2/orders")
    retry = RetryPolicy(max_attempts=3, max_rate_limit_waits=4)
    with connect(sb, clock, retry) as client, pytest.raises(RateLimitedError) as caught:
        client.orders.count()
    assert caught.value.status == 509
    assert caught.value.retryable
    assert len(clock.sleeps) == 4
    assert sb.requests.count("GET", "/v2/orders", status=509) == before + 5


@pytest.mark.parametrize("kind", ["status_509", "retry_after_only"])
@pytest.mark.parametrize(
    ("value", "low", "high"),
    [
        ("7", 7.0, 7.0 + MIN_WAIT),
        ("0", MIN_WAIT, 2 * MIN_WAIT),  # never a burst
        ("-5", MIN_WAIT, 2 * MIN_WAIT),  # "already past": the minimum
        ("inf", MAX_WAIT, MAX_WAIT),  # "forever": the maximum, then try again
        ("Infinity", MAX_WAIT, MAX_WAIT),
        ("1e308", MAX_WAIT, MAX_WAIT),
        ("1e309", MAX_WAIT, MAX_WAIT),  # overflows a float to inf
        ("99999999999999999999999999999", MAX_WAIT, MAX_WAIT),
        # Unusable: ignored, so the harder backoff of a header-less 429 applies (0.5 s base).
        ("nan", 0.5, 1.0 + MIN_WAIT),
        ("soon", 0.5, 1.0 + MIN_WAIT),
        ("", 0.5, 1.0 + MIN_WAIT),
    ],
)
def test_hostile_retry_after_values_are_clamped(
    sb: Sandbox, clock: FakeClock, kind: str, value: str, low: float, high: float
) -> None:
    sb.knobs.retry_after = value
    sb.knobs.fail_next(kind, n=1, path_prefix="/v2/orders")
    with connect(sb, clock) as client:
        assert client.orders.count().count > 0
    assert len(clock.sleeps) == 1
    assert low <= clock.sleeps[0] <= high


@pytest.mark.parametrize(
    ("offset", "low", "high"),
    [
        (30.0, 27.0, 31.0 + MIN_WAIT),  # measured against the answer's own Date header
        (10 * 365 * 86400.0, MAX_WAIT, MAX_WAIT),  # years ahead: the maximum
        (-3600.0, MIN_WAIT, 2 * MIN_WAIT),  # in the past: the minimum
    ],
)
def test_retry_after_as_an_http_date(
    sb: Sandbox, clock: FakeClock, offset: float, low: float, high: float
) -> None:
    sb.knobs.retry_after = http_date(offset)
    sb.knobs.fail_next("retry_after_only", n=1, path_prefix="/v2/orders")
    with connect(sb, clock) as client:
        client.orders.count()
    assert len(clock.sleeps) == 1
    assert low <= clock.sleeps[0] <= high


@pytest.mark.parametrize(
    "value", ["Fri, 31 Dec 9999 23:59:59 GMT", "Mon, 99 Foo 2024 99:99:99 GMT", "Tue, 1 Jan 0 0"]
)
def test_dates_out_of_range_or_garbled_never_escape_as_exceptions(
    sb: Sandbox, clock: FakeClock, value: str
) -> None:
    sb.knobs.retry_after = value
    sb.knobs.fail_next("retry_after_only", n=1, path_prefix="/v2/orders")
    with connect(sb, clock) as client:
        client.orders.count()
    assert len(clock.sleeps) == 1
    assert MIN_WAIT <= clock.sleeps[0] <= MAX_WAIT


def test_reset_of_zero_ms_waits_the_minimum_every_time(sb: Sandbox, clock: FakeClock) -> None:
    # Before: 7 requests within milliseconds. Now each 429 costs at least the minimum wait.
    sb.knobs.fail_next("reset_zero", n=6, path_prefix="/v2/orders")
    with connect(sb, clock) as client:
        assert client.orders.count().count > 0
        assert client.api_calls == 7
    assert len(clock.sleeps) == 6
    assert all(MIN_WAIT <= s <= 2 * MIN_WAIT for s in clock.sleeps)
    assert len(set(clock.sleeps)) > 1  # jittered: clients released together do not burst


def test_reset_of_zero_ms_forever_is_a_bounded_rate_limited_error(
    sb: Sandbox, clock: FakeClock
) -> None:
    sb.knobs.fail_next("reset_zero", n=50, path_prefix="/v2/orders")
    with connect(sb, clock) as client, pytest.raises(RateLimitedError):
        client.orders.count()
    assert len(clock.sleeps) == RetryPolicy().max_rate_limit_waits
    assert sum(clock.sleeps) >= MIN_WAIT * len(clock.sleeps)


# -- what the sandbox cannot send on demand: scripted answers at the transport seam ----------


def quota(left: str, reset_ms: str) -> dict[str, str]:
    return {
        "X-Rate-Limit-Requests-Left": left,
        "X-Rate-Limit-Time-Reset-Ms": reset_ms,
        "X-Rate-Limit-Requests-Quota": "150",
        "X-Rate-Limit-Time-Window-Ms": "30000",
    }


def test_pacing_on_left_0_and_reset_0_is_no_hot_loop(
    make_client: MakeClient, clock: FakeClock
) -> None:
    # Successful answers that say "0 left, resets in 0 ms": each next request waits.
    transport = ScriptedTransport(*[respond(200, [], quota("0", "0"))] * 5)
    client = make_client(transport)
    for _ in range(5):
        client.request("GET", "v2", "orders")
    assert len(clock.sleeps) == 4
    assert all(s >= MIN_WAIT for s in clock.sleeps)


@pytest.mark.parametrize(
    ("left", "reset_ms", "expected"),
    [
        ("0", "inf", [MAX_WAIT]),
        ("0", "1e308", [MAX_WAIT]),
        ("0", "nan", [30.0]),  # zero left, reset unusable: one window (30 s), no hot loop
        ("-3", "-100", [MIN_WAIT]),
        ("inf", "1000", []),
        ("nan", "nan", []),
        ("1e400", "5", []),
    ],
)
def test_hostile_quota_headers_on_a_success_are_clamped(
    make_client: MakeClient, clock: FakeClock, left: str, reset_ms: str, expected: list[float]
) -> None:
    transport = ScriptedTransport(respond(200, [], quota(left, reset_ms)), respond(200, []))
    client = make_client(transport)
    client.request("GET", "v2", "orders")
    client.request("GET", "v2", "orders")
    assert clock.sleeps == expected


def test_retry_after_date_is_measured_against_the_answers_date_header(
    make_client: MakeClient, clock: FakeClock
) -> None:
    # The store's clock is an hour behind ours: its own Date header is the reference.
    headers = {
        "Date": "Wed, 21 Oct 2015 07:28:00 GMT",
        "Retry-After": "Wed, 21 Oct 2015 07:28:10 GMT",
    }
    transport = ScriptedTransport(respond(429, {}, headers), respond(200, []))
    make_client(transport).request("GET", "v2", "orders")
    assert len(clock.sleeps) == 1
    assert 10.0 <= clock.sleeps[0] <= 10.0 + MIN_WAIT


def test_reset_ms_wins_over_x_retry_after_wins_over_retry_after() -> None:
    both = {"X-Rate-Limit-Time-Reset-Ms": "1500", "X-Retry-After": "7", "Retry-After": "9"}
    assert requested_delay(both) == 1.5
    assert requested_delay({"X-Retry-After": "7", "Retry-After": "9"}) == 7.0
    assert requested_delay({"Retry-After": "9"}) == 9.0
    # A garbled value is skipped, not trusted: the next header decides.
    assert requested_delay({"X-Rate-Limit-Time-Reset-Ms": "nan", "Retry-After": "9"}) == 9.0
    assert requested_delay({"X-Retry-After": "x" * 10_000}) is None
    assert requested_delay({}) is None


def test_policy_refuses_infinite_or_nan_waits() -> None:
    for bad in (float("inf"), float("nan"), -1.0):
        with pytest.raises(ValueError, match="finite number"):
            RetryPolicy(max_rate_limit_wait=bad)
        with pytest.raises(ValueError, match="finite number"):
            RetryPolicy(min_rate_limit_wait=bad)


def test_a_rate_limit_makes_every_request_of_the_client_wait_the_same_reset() -> None:
    clock = FakeClock()
    governor = RateLimitGovernor(clock=clock, sleep=clock.sleep)
    delay = governor.rate_limit_wait(
        {"Retry-After": "4"}, attempt=1, policy=RetryPolicy(), rng=random.Random(1)
    )
    assert 4.0 <= delay <= 4.0 + MIN_WAIT
    governor.before_request()  # another thread, asking in the same instant
    assert clock.sleeps == [pytest.approx(delay)]
