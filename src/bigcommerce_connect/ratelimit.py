"""Pace requests by the store's ``X-Rate-Limit-*`` headers.

The quota belongs to the store and is shared with every other app on it, so the governor
reads the headers of every response, and when few requests are left it waits for the window
to reset instead of running into 429s. Every wait is bounded.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping

import attrs

__all__ = ["RateLimitGovernor", "RateLimitSnapshot"]

_LEFT = "X-Rate-Limit-Requests-Left"
_RESET_MS = "X-Rate-Limit-Time-Reset-Ms"
_QUOTA = "X-Rate-Limit-Requests-Quota"
_WINDOW_MS = "X-Rate-Limit-Time-Window-Ms"
_RETRY_AFTER = "X-Retry-After"


def _int_header(headers: Mapping[str, str], name: str) -> int | None:
    raw = headers.get(name)
    if raw is None:
        return None
    try:
        return max(0, int(float(raw.strip())))
    except ValueError:
        return None


@attrs.frozen
class RateLimitSnapshot:
    """What the last response said about the quota."""

    left: int | None
    quota: int | None
    window_ms: int | None
    reset_at: float | None  # on the governor's clock


class RateLimitGovernor:
    """Thread-safe pacing shared by every request of one client.

    ``reserve`` requests are left for other apps on the store; ``max_wait`` caps any single
    wait, so a wrong header can never stall a run for long.
    """

    def __init__(
        self,
        *,
        clock: Callable[[], float],
        sleep: Callable[[float], None],
        reserve: int = 2,
        max_wait: float = 60.0,
    ) -> None:
        self._clock = clock
        self._sleep = sleep
        self._reserve = reserve
        self._max_wait = max_wait
        self._lock = threading.Lock()
        self._left: int | None = None
        self._quota: int | None = None
        self._window_ms: int | None = None
        self._reset_at: float | None = None
        # When a request had to wait for the window to reset, no request may go before that
        # reset: the refilled count belongs to the next window, not to whoever asks first.
        self._not_before = 0.0
        self.waited_seconds = 0.0

    def snapshot(self) -> RateLimitSnapshot:
        """The governor's current view of the quota."""
        with self._lock:
            return RateLimitSnapshot(self._left, self._quota, self._window_ms, self._reset_at)

    def before_request(self) -> None:
        """Wait, if needed, until the quota allows one more request; then count it as spent."""
        delay = self._reserve_slot()
        if delay > 0:
            self.waited_seconds += delay
            self._sleep(delay)

    def _reserve_slot(self) -> float:
        with self._lock:
            now = self._clock()
            if self._reset_at is not None and now >= self._reset_at:
                # The window has rolled over: the old count no longer applies.
                self._left, self._reset_at = self._quota, None
            if self._left is None:
                return 0.0
            start = max(now, self._not_before)
            if self._left > self._reserve:
                self._left -= 1
                return start - now
            wait = self._time_to_reset(now)
            # Assume the reset refills the quota; the next response corrects the count.
            self._left = (self._quota - 1) if self._quota else None
            self._reset_at = None
            self._not_before = now + wait
            return wait

    def _time_to_reset(self, now: float) -> float:
        if self._reset_at is None:
            window = (self._window_ms or 1000) / 1000.0
            return min(window, self._max_wait)
        return min(max(0.0, self._reset_at - now), self._max_wait)

    def observe(self, headers: Mapping[str, str]) -> None:
        """Learn the quota state from a response's headers (absent headers change nothing)."""
        left = _int_header(headers, _LEFT)
        reset_ms = _int_header(headers, _RESET_MS)
        with self._lock:
            quota = _int_header(headers, _QUOTA)
            window = _int_header(headers, _WINDOW_MS)
            if quota is not None:
                self._quota = quota
            if window is not None:
                self._window_ms = window
            reset_at = None if reset_ms is None else self._clock() + reset_ms / 1000.0
            if left is not None:
                # Responses of concurrent requests arrive out of order: one that left the
                # store earlier reports more requests left than we have spent since. In the
                # same window (same reset time) keep the lower count.
                same_window = (
                    reset_at is not None
                    and self._reset_at is not None
                    and self._left is not None
                    and abs(reset_at - self._reset_at) < (self._window_ms or 1000) / 2000.0
                )
                self._left = (
                    min(left, self._left) if same_window and self._left is not None else left
                )
            if reset_at is not None:
                self._reset_at = reset_at

    def delay_after_429(self, headers: Mapping[str, str]) -> float | None:
        """Seconds to wait after a 429, from its headers; None if it had none (platform load)."""
        reset_ms = _int_header(headers, _RESET_MS)
        if reset_ms is not None:
            delay = reset_ms / 1000.0
        else:
            retry_after = _int_header(headers, _RETRY_AFTER)
            if retry_after is None:
                return None
            delay = float(retry_after)
        with self._lock:
            self._left = 0
            self._reset_at = self._clock() + delay
        return min(delay, self._max_wait)
