"""contrib.celery's retry policy: which SDK error codes retry, when, and which refuse."""

from __future__ import annotations

import random

import pytest

from bigcommerce_connect.contrib.celery.policy import Backoff, VerdictKind, verdict_for_code


@pytest.mark.parametrize(
    ("code", "kind"),
    [
        (None, VerdictKind.DONE),
        ("locked", VerdictKind.LOCKED),
        ("authentication", VerdictKind.REFUSED),
        ("permission_denied", VerdictKind.REFUSED),
        ("unsupported", VerdictKind.REFUSED),
        ("settings", VerdictKind.REFUSED),
        ("store_directory", VerdictKind.REFUSED),
        ("rate_limited", VerdictKind.RETRY),
        ("network", VerdictKind.RETRY),
        ("server_error", VerdictKind.RETRY),
        ("unexpected_response", VerdictKind.RETRY),
        ("paging", VerdictKind.RETRY),
        ("unexpected", VerdictKind.RETRY),
        ("validation", VerdictKind.DONE),  # a stage refused by the store: the next cycle
        ("bad_request", VerdictKind.DONE),
    ],
)
def test_each_code_maps_to_one_verdict(code: str | None, kind: VerdictKind) -> None:
    verdict = verdict_for_code(code, retries=0, backoff=Backoff())
    assert verdict.kind is kind
    assert verdict.code == code
    assert (verdict.countdown is not None) == (kind is VerdictKind.RETRY)


@pytest.mark.parametrize(
    ("retry_after", "countdown"),
    [(42.5, 42.5), (None, 30.0), (0.0, 1.0), (1e9, 600.0), (float("inf"), 30.0)],
)
def test_a_rate_limit_waits_for_the_reset_within_bounds(
    retry_after: float | None, countdown: float
) -> None:
    verdict = verdict_for_code(
        "rate_limited", retries=3, backoff=Backoff(), retry_after=retry_after
    )
    assert verdict.countdown == countdown


def test_transient_backoff_doubles_with_jitter_up_to_the_maximum() -> None:
    backoff = Backoff(base=10.0, maximum=100.0)
    rng = random.Random(7)
    for retries, ceiling in [(0, 10.0), (1, 20.0), (2, 40.0), (3, 80.0), (4, 100.0), (60, 100.0)]:
        waits = [backoff.transient(retries, rng) for _ in range(50)]
        assert all(ceiling / 2 <= wait <= ceiling for wait in waits)
        assert len(set(waits)) > 1  # jittered: stores that failed together spread out
