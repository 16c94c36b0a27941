"""The time one attempt may take: socket reads wait at most for what is left of it."""

from __future__ import annotations

import math
from collections.abc import Callable

__all__ = ["AttemptBudget"]


class AttemptBudget:
    """The time left for one attempt: per-read timeouts shrink to it (``None``: no deadline)."""

    def __init__(self, deadline: float | None, per_read: float, clock: Callable[[], float]):
        self.deadline = _finite_or_none(deadline)
        self.per_read = per_read
        self._clock = clock
        self._ends = None if self.deadline is None else clock() + max(0.0, self.deadline)

    def left(self) -> float | None:
        """Seconds left before the deadline (at most 0 once passed); ``None``: no deadline."""
        return None if self._ends is None else self._ends - self._clock()

    def expired(self) -> bool:
        """Whether the deadline (if any) has passed."""
        left = self.left()
        return left is not None and left <= 0

    def read_timeout(self) -> float:
        """The timeout for the next socket read: the per-read timeout or the time left."""
        left = self.left()
        return self.per_read if left is None else min(self.per_read, left)


def _finite_or_none(value: float | None) -> float | None:
    # inf and NaN mean "no deadline": neither can bound a socket timeout.
    if value is None or math.isnan(value) or math.isinf(value):
        return None
    return value
