"""The clocks live in ``bigcommerce_connect.clock``; their old homes still import them."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from bigcommerce_connect import clock, ports
from bigcommerce_connect.adapters import memory


def test_the_clocks_keep_their_old_import_paths() -> None:
    assert memory.SystemClock is clock.SystemClock
    assert memory.FixedClock is clock.FixedClock
    assert ports.Clock is clock.Clock


def test_the_system_clock_answers_in_aware_utc() -> None:
    assert clock.SystemClock().now().tzinfo is timezone.utc


def test_a_fixed_clock_is_aware_and_moves_by_hand() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        clock.FixedClock(datetime(2026, 1, 1))  # a naive time: refused
    fixed = clock.FixedClock(datetime(2026, 1, 1, tzinfo=timezone.utc))
    fixed.current = datetime(2026, 1, 2, tzinfo=timezone.utc)
    assert fixed.now() == datetime(2026, 1, 2, tzinfo=timezone.utc)
