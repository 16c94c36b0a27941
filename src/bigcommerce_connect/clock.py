"""The time the SDK reads, injectable so tests control it: the ``Clock`` protocol and two clocks.

Production code passes :class:`SystemClock`; tests pass a :class:`FixedClock` and move it by
hand. Every clock answers in aware UTC, so cursors and lock leases compare without surprises.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Protocol

__all__ = ["Clock", "FixedClock", "SystemClock"]


class Clock(Protocol):
    """The time, injectable so tests control it."""

    def now(self) -> datetime:
        """The current time, timezone-aware UTC."""
        ...


class SystemClock:
    """The real time in UTC."""

    def now(self) -> datetime:
        """Now, aware UTC."""
        return datetime.now(timezone.utc)


class FixedClock:
    """A clock tests set and move by hand."""

    def __init__(self, now: datetime) -> None:
        if now.tzinfo is None:
            raise ValueError("the clock's time must be timezone-aware")
        self.current = now

    def now(self) -> datetime:
        """The set time."""
        return self.current
