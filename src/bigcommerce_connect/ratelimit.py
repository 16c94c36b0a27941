"""Pace requests by the store's ``X-Rate-Limit-*`` headers, and wait out rate limits.

The quota belongs to the store and is shared with every other app on it, so the governor
reads the headers of every response, and when few requests are left it waits for the window
to reset instead of running into 429s. After a rate limit (429, or 509 from the older API) it
says how long to wait: ``X-Rate-Limit-Time-Reset-Ms``, else ``X-Retry-After``, else the
standard ``Retry-After`` (delta-seconds or an HTTP-date, RFC 9110).

Header values come from the network and are parsed defensively: a value that is not a number
(or date) is ignored, a negative one counts as 0, ``inf`` or a huge one is capped. Every wait
lies between a minimum (so "reset in 0 ms" is never a burst) and a maximum (so a wrong header
can never stall a run for long).
"""

from __future__ import annotations

import math
import random
import threading
import time
from collections.abc import Callable, Mapping
from datetime import timezone
from email.utils import parsedate_to_datetime
from typing import Final

import attrs

from bigcommerce_connect.retry import (
    DEFAULT_MAX_RATE_LIMIT_WAIT,
    DEFAULT_MIN_RATE_LIMIT_WAIT,
    RetryPolicy,
)

__all__ = ["RateLimitGovernor", "RateLimitSnapshot", "requested_delay"]

_LEFT: Final = "X-Rate-Limit-Requests-Left"
_RESET_MS: Final = "X-Rate-Limit-Time-Reset-Ms"
_QUOTA: Final = "X-Rate-Limit-Requests-Quota"
_WINDOW_MS: Final = "X-Rate-Limit-Time-Window-Ms"
_X_RETRY_AFTER: Final = "X-Retry-After"
_RETRY_AFTER: Final = "Retry-After"
_DATE: Final = "Date"

# Longer header values are not numbers or dates anyone sends; don't spend time parsing them.
_MAX_VALUE_CHARS: Final = 64
# Counts above this are nonsense; capping keeps arithmetic on them cheap and finite.
_MAX_COUNT: Final = 1_000_000_000


def _number(raw: str | None) -> float | None:
    """A header's number: None if unusable (absent, not a number, NaN); negative becomes 0.

    Infinity is kept: the caller caps it (for a wait, "infinitely long" means the maximum).
    """
    if raw is None:
        return None
    text = raw.strip()
    if not text or len(text) > _MAX_VALUE_CHARS:
        return None
    try:
        value = float(text)
    except ValueError:
        return None
    if math.isnan(value):
        return None
    return max(0.0, value)


def _count(headers: Mapping[str, str], name: str) -> int | None:
    """A count header (requests left, quota, window) as a bounded int; None if unusable."""
    value = _number(headers.get(name))
    if value is None or math.isinf(value):
        return None
    return int(min(value, _MAX_COUNT))


def _http_date(raw: str | None) -> float | None:
    """An HTTP-date (RFC 9110, e.g. ``Wed, 21 Oct 2015 07:28:00 GMT``) as a POSIX time."""
    if raw is None or len(raw) > _MAX_VALUE_CHARS:
        return None
    try:
        moment = parsedate_to_datetime(raw.strip())
        if moment.tzinfo is None:  # "-0000": a time in UTC without a known zone
            moment = moment.replace(tzinfo=timezone.utc)
        return moment.timestamp()
    except (TypeError, ValueError, OverflowError, IndexError):
        return None


def _seconds_or_date(
    raw: str | None, date_header: str | None, wall_clock: Callable[[], float]
) -> float | None:
    """A Retry-After value: delta-seconds, or an HTTP-date taken relative to the answer's Date.

    Measuring against the store's own ``Date`` header keeps a skewed local clock out of it.
    """
    seconds = _number(raw)
    if seconds is not None or raw is None:
        return seconds
    when = _http_date(raw)
    if when is None:
        return None
    now = _http_date(date_header)
    return max(0.0, when - (wall_clock() if now is None else now))


def requested_delay(
    headers: Mapping[str, str], *, wall_clock: Callable[[], float] = time.time
) -> float | None:
    """Seconds a rate-limited answer asks us to wait (unclamped, may be inf); None if it says not.

    The first usable header wins: ``X-Rate-Limit-Time-Reset-Ms``, ``X-Retry-After``,
    ``Retry-After``. An unusable value (``nan``, ``soon``) is skipped, not trusted.
    """
    reset_ms = _number(headers.get(_RESET_MS))
    if reset_ms is not None:
        return reset_ms / 1000.0
    date_header = headers.get(_DATE)
    for name in (_X_RETRY_AFTER, _RETRY_AFTER):
        seconds = _seconds_or_date(headers.get(name), date_header, wall_clock)
        if seconds is not None:
            return seconds
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

    ``reserve`` requests are left for other apps on the store. A pacing wait lasts at least
    ``min_wait`` when the store says the quota is spent (even "resets in 0 ms") and at most
    ``max_wait``, so a wrong header can neither cause a burst nor stall a run for long.
    ``wall_clock`` (POSIX seconds) is only used for ``Retry-After`` dates when an answer has
    no usable ``Date`` header.
    """

    def __init__(
        self,
        *,
        clock: Callable[[], float],
        sleep: Callable[[float], None],
        reserve: int = 2,
        max_wait: float = DEFAULT_MAX_RATE_LIMIT_WAIT,
        min_wait: float = DEFAULT_MIN_RATE_LIMIT_WAIT,
        wall_clock: Callable[[], float] = time.time,
    ) -> None:
        self._clock = clock
        self._sleep = sleep
        self._wall_clock = wall_clock
        self._reserve = reserve
        self._max_wait = max_wait
        self._min_wait = min(min_wait, max_wait)
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
            return min(max(window, self._min_wait), self._max_wait)
        return min(max(0.0, self._reset_at - now), self._max_wait)

    def observe(self, headers: Mapping[str, str]) -> None:
        """Learn the quota state from a response's headers (absent or garbled values: no change)."""
        left = _count(headers, _LEFT)
        reset_ms = _number(headers.get(_RESET_MS))
        quota = _count(headers, _QUOTA)
        window = _count(headers, _WINDOW_MS)
        with self._lock:
            if quota is not None:
                self._quota = quota
            if window is not None:
                self._window_ms = window
            reset_at = (
                None if reset_ms is None else self._clock() + self._reset_delay(reset_ms, left)
            )
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

    def _reset_delay(self, reset_ms: float, left: int | None) -> float:
        """Seconds until the window resets, capped; at least ``min_wait`` when we must wait.

        "0 left, resets in 0 ms" would otherwise roll the window over at once, every time, and
        let requests through in a hot loop.
        """
        delay = min(reset_ms / 1000.0, self._max_wait)
        if left is not None and left <= self._reserve:
            delay = max(delay, self._min_wait)
        return delay

    def rate_limit_wait(
        self,
        headers: Mapping[str, str],
        *,
        attempt: int,
        policy: RetryPolicy,
        rng: random.Random,
    ) -> float:
        """Seconds to wait after the ``attempt``-th rate limit (429/509) in a row of one request.

        The store's headers say how long (see :func:`requested_delay`); without a usable one
        the platform is under load and the wait grows with each attempt. The wait is clamped
        to ``[policy.min_rate_limit_wait, policy.max_rate_limit_wait]`` and gets up to
        ``min_rate_limit_wait`` of jitter, so clients released together do not burst. Every
        request of this client waits out the same reset.
        """
        asked = requested_delay(headers, wall_clock=self._wall_clock)
        if asked is None:
            # No usable header: back off harder each time, never less than the base delay.
            asked = policy.backoff(attempt, rng) + policy.base_delay
        low = policy.min_rate_limit_wait
        high = max(low, policy.max_rate_limit_wait)
        delay = min(high, max(low, asked) + rng.uniform(0.0, low))
        with self._lock:
            self._left = 0
            self._reset_at = self._clock() + delay
        return delay
