"""The rate-limit governor under concurrent requests (status moves run four at a time)."""

from __future__ import annotations

from bigcommerce_connect.ratelimit import RateLimitGovernor


def quota_headers(left: int, reset_ms: int) -> dict[str, str]:
    return {
        "X-Rate-Limit-Requests-Left": str(left),
        "X-Rate-Limit-Time-Reset-Ms": str(reset_ms),
        "X-Rate-Limit-Requests-Quota": "50",
        "X-Rate-Limit-Time-Window-Ms": "5000",
    }


def frozen_governor() -> tuple[RateLimitGovernor, list[float]]:
    """A governor whose clock stands still while requests wait: as if they all asked at once."""
    waits: list[float] = []
    governor = RateLimitGovernor(clock=lambda: 100.0, sleep=waits.append, reserve=2)
    return governor, waits


def test_requests_arriving_while_one_waits_for_the_reset_wait_too() -> None:
    governor, waits = frozen_governor()
    governor.observe(quota_headers(left=2, reset_ms=1500))
    for _ in range(4):  # four threads ask in the same instant
        governor.before_request()
    # Nobody may spend the refilled quota before the window has actually reset.
    assert waits == [1.5, 1.5, 1.5, 1.5]


def test_a_late_response_from_the_same_window_does_not_raise_the_count() -> None:
    governor, _ = frozen_governor()
    governor.observe(quota_headers(left=10, reset_ms=1000))
    for _ in range(3):
        governor.before_request()
    # A response that left the store before those three arrives now, out of order.
    governor.observe(quota_headers(left=9, reset_ms=1000))
    assert governor.snapshot().left == 7


def test_a_response_from_the_next_window_takes_its_count() -> None:
    governor, _ = frozen_governor()
    governor.observe(quota_headers(left=3, reset_ms=200))
    governor.observe(quota_headers(left=49, reset_ms=5000))
    assert governor.snapshot().left == 49
