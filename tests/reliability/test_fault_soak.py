"""Fault soak: thousands of orders through 5xx with HTML bodies, resets, timeouts, garbled JSON
and 429s (with and without quota headers) -> nothing lost, nothing doubled, every order moved.

CI runs a few hundred orders; ``-m slow`` runs 5,000 (see docs/reliability.md).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bigcommerce_connect.adapters.memory import MemoryErp
from bigcommerce_connect.adapters.sqlite import SqliteErp
from bigcommerce_connect.sandbox import Sandbox, SandboxConfig, run_sandbox
from support.reliability import (
    AS,
    SOAK_FAULTS,
    all_awaiting_fulfillment,
    assert_exactly_once,
    catalogue,
    fast_client,
    run_until_done,
    runner_for,
    settings_for,
    store_statuses,
)


@pytest.fixture
def soak_store(request: pytest.FixtureRequest) -> Iterator[Sandbox]:
    orders: int = request.param
    with run_sandbox(SandboxConfig(seed=11, orders=orders, customers=80, products=30)) as sb:
        yield sb


def another_app_spends_the_window(sb: Sandbox) -> None:
    """Use up what is left of the sandbox's current quota window, as another app would."""
    while (decision := sb.knobs.take_rate()) is not None and decision.allowed:
        pass


def soak(sb: Sandbox, erp: MemoryErp | SqliteErp, *, quota_headers: bool) -> None:
    ids = all_awaiting_fulfillment(sb)
    knobs = sb.knobs
    knobs.fault_kinds = SOAK_FAULTS
    knobs.fault_rate = 0.10
    # A stalled request hangs for 0.5 s; the client gives up on it after 0.2 s and retries.
    knobs.timeout_seconds = 0.5
    # A small real quota window: the importer must pace itself and wait out 429s.
    knobs.quota = (150, 0.5)
    knobs.rate_limit_headers = quota_headers
    settings = settings_for(sb)
    with fast_client(sb, settings, timeout=0.2) as client:
        runner = runner_for(client, settings, erp, page_size=50)
        # The quota is shared with every app on the store, so the governor's count is only a
        # guess: after every page "another app" spends the rest of the window, and the next
        # request meets a 429 (with or without quota headers, as the knob says).
        runner.importer.progress = lambda stage, report: another_app_spends_the_window(sb)
        quarantined = lambda: len(list(erp.quarantine.entries("order")))  # noqa: E731
        moved = lambda: all(s == AS for s in store_statuses(sb, ids).values())  # noqa: E731
        rounds = run_until_done(
            runner, lambda: moved() and not quarantined(), quarantined=quarantined
        )
    knobs.clear_faults()
    # The faults really happened: 429s, dropped connections (status 0) and 5xx, about 10%.
    statuses = [r.status for r in sb.requests]
    assert 429 in statuses
    assert 0 in statuses
    failed = sum(1 for s in statuses if s == 0 or s >= 500)
    assert failed >= 0.05 * len(statuses), (failed, len(statuses))
    assert_exactly_once(sb, erp, ids)
    assert sum(r.orders_imported for r in rounds.reports + rounds.retries) == len(ids)


@pytest.mark.parametrize("soak_store", [300], indirect=True)
def test_soak_memory_erp_with_quota_headers(soak_store: Sandbox) -> None:
    soak(soak_store, MemoryErp(items=catalogue(soak_store)), quota_headers=True)


@pytest.mark.parametrize("soak_store", [300], indirect=True)
def test_soak_sqlite_erp_429s_without_headers(soak_store: Sandbox, tmp_path: Path) -> None:
    with SqliteErp(tmp_path / "erp.db", items=catalogue(soak_store)) as erp:
        soak(soak_store, erp, quota_headers=False)


@pytest.mark.slow
@pytest.mark.parametrize("soak_store", [5000], indirect=True)
@pytest.mark.parametrize("quota_headers", [True, False], ids=["headers", "no-headers"])
def test_long_soak_5000_orders(soak_store: Sandbox, tmp_path: Path, quota_headers: bool) -> None:
    with SqliteErp(tmp_path / "erp.db", items=catalogue(soak_store)) as erp:
        soak(soak_store, erp, quota_headers=quota_headers)
