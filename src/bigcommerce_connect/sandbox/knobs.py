"""Behaviour knobs: quota, latency, faults and drift, adjustable while the server runs.

Everything here is read by request threads and written by tests, so one lock guards the
mutable state. Random choices come from a seeded ``random.Random`` so a run is reproducible.
"""

from __future__ import annotations

import random
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable
from typing import Final

import attrs

#: Every fault kind the sandbox can inject (see docs/reliability.md for what each does).
FAULT_KINDS: Final = (
    "500",
    "502",
    "503",
    "504",
    "reset",
    "timeout",
    "malformed_json",
    "truncated_json",
    "empty_200",
    "cut_after_headers",
    "truncated_body",
    "short_page",
    "ignore_paging",
    "repeat_page",
    "shuffled_repeat",
    "status_509",
    "retry_after_only",
    "reset_zero",
    "slow_body",
    "huge_body",
    "gzip_bomb",
    "bad_text",
    "deep_json",
    "control_chars",
    "concurrent_change",
)

#: Every fault kind, for random mixes that should draw from all of them (``timeout``,
#: ``slow_body`` and ``huge_body`` included: pair them with short ``timeout_seconds``,
#: ``trickle_seconds`` and a small ``huge_body_bytes``).
ALL_FAULT_KINDS: Final = FAULT_KINDS

#: Default kinds drawn for random faults (``fault_rate``): all of them except ``timeout``,
#: which would make every faulty run slow.
DEFAULT_RANDOM_KINDS: Final = (
    "500",
    "502",
    "503",
    "504",
    "reset",
    "malformed_json",
    "truncated_json",
)


def parse_fault_kinds(value: str | Iterable[str]) -> tuple[str, ...]:
    """Fault kinds from ``"500,reset"``, a list of names, or ``"all"`` (every kind).

    Raises ``ValueError`` naming the unknown kinds, or when no kind is given.
    """
    parts = value.split(",") if isinstance(value, str) else [str(v) for v in value]
    names = [p.strip() for p in parts if p.strip()]
    if names == ["all"]:
        return ALL_FAULT_KINDS
    unknown = [n for n in names if n not in FAULT_KINDS]
    if unknown or not names:
        bad = ", ".join(unknown) if unknown else "none given"
        raise ValueError(f"unknown fault kind(s): {bad}; choose from all, {', '.join(FAULT_KINDS)}")
    return tuple(dict.fromkeys(names))


@attrs.frozen
class Quota:
    """A rate-limit quota: ``requests`` allowed per ``window_seconds``."""

    requests: int
    window_seconds: float

    @classmethod
    def parse(cls, text: str) -> Quota:
        """Parse the CLI form ``REQUESTS/SECONDS`` (e.g. ``150/30``)."""
        left, sep, right = text.partition("/")
        if not sep:
            raise ValueError(f"quota must look like REQUESTS/SECONDS, got {text!r}")
        quota = cls(int(left), float(right))
        if quota.requests < 1 or quota.window_seconds <= 0:
            raise ValueError(f"quota must be positive, got {text!r}")
        return quota


@attrs.frozen
class DriftConfig:
    """Change orders between the page requests of an order list.

    After every ``every_n_list_requests``-th ``GET /v2/orders`` the sandbox bumps
    ``date_modified`` of ``modify`` random existing orders to the store clock's now and creates
    ``create`` new orders. A client paging by ``date_modified`` then sees rows move between
    pages, exactly the drift that makes naive pagination skip records.
    """

    every_n_list_requests: int = 1
    modify: int = 1
    create: int = 0


@attrs.frozen
class RateDecision:
    """What the rate limiter says about one request."""

    allowed: bool
    quota: int
    left: int
    window_ms: int
    reset_ms: int

    def headers(self) -> dict[str, str]:
        """The ``X-Rate-Limit-*`` headers that tell a client where it stands."""
        return {
            "X-Rate-Limit-Time-Window-Ms": str(self.window_ms),
            "X-Rate-Limit-Time-Reset-Ms": str(self.reset_ms),
            "X-Rate-Limit-Requests-Quota": str(self.quota),
            "X-Rate-Limit-Requests-Left": str(self.left),
        }


@attrs.define
class _ScheduledFault:
    kind: str
    remaining: int
    path_prefix: str | None


class RateLimiter:
    """A fixed-window limiter like BigCommerce's: ``quota`` requests per window."""

    def __init__(self, quota: Quota, clock: Callable[[], float] = time.monotonic) -> None:
        self._quota = quota
        self._clock = clock
        self._window_start = clock()
        self._used = 0

    def take(self) -> RateDecision:
        """Count one request and decide whether it is allowed (caller holds the knobs lock)."""
        now = self._clock()
        window = self._quota.window_seconds
        if now - self._window_start >= window:
            self._window_start = now
            self._used = 0
        reset_ms = max(1, int((self._window_start + window - now) * 1000))
        allowed = self._used < self._quota.requests
        if allowed:
            self._used += 1
        return RateDecision(
            allowed=allowed,
            quota=self._quota.requests,
            left=self._quota.requests - self._used,
            window_ms=int(window * 1000),
            reset_ms=reset_ms,
        )


class Knobs:
    """Mutable behaviour of a running sandbox (thread-safe).

    Attributes can be set at any time: ``quota`` (a :class:`Quota`, a ``(requests, seconds)``
    tuple or ``None`` for unlimited), ``latency_ms``, ``fault_rate`` with ``fault_kinds``,
    ``rate_limit_headers`` (``False`` sends 429s without ``X-Rate-Limit-*`` headers, like a
    platform under load), ``timeout_seconds`` (how long a ``timeout`` fault stalls) and
    ``drift`` (a :class:`DriftConfig` or ``None``), ``max_page_size`` (a store serving at most
    N items a page), ``retry_after``, ``trickle_seconds``, ``huge_body_bytes`` and
    ``deep_json_depth`` (shape the matching fault kinds). ``fail_next`` schedules exact faults.
    ``scopes`` lists the OAuth scopes of the token (``None``: every scope; see
    :mod:`.scopes`): a request outside them is answered 403.
    """

    def __init__(
        self,
        *,
        seed: int = 1,
        quota: Quota | tuple[int, float] | None = None,
        latency_ms: float = 0.0,
        fault_rate: float = 0.0,
    ) -> None:
        self._lock = threading.Lock()
        self._rng = random.Random(seed)
        self._limiter: RateLimiter | None = None
        self._quota: Quota | None = None
        self.quota = quota
        self.latency_ms = latency_ms
        self.fault_rate = fault_rate
        self.fault_kinds: tuple[str, ...] = DEFAULT_RANDOM_KINDS
        self.rate_limit_headers = True
        self.timeout_seconds = 30.0
        self.drift: DriftConfig | None = None
        #: Serve at most this many items a page whatever ``limit`` says (``None``: no cap).
        self.max_page_size: int | None = None
        #: The value of ``Retry-After`` / ``X-Retry-After`` in ``status_509`` and
        #: ``retry_after_only`` answers (a string, so tests can send "inf" or "nan").
        self.retry_after = "1"
        #: Seconds between two bytes of a ``slow_body`` answer.
        self.trickle_seconds = 1.0
        #: Size of a ``huge_body`` answer; ``None`` streams an endless close-delimited body.
        self.huge_body_bytes: int | None = 200 * 1024 * 1024
        #: How many arrays deep the ``deep_json`` field is nested.
        self.deep_json_depth = 10_000
        #: The token's OAuth scopes (``None``: every scope); see :mod:`.scopes`.
        self.scopes: frozenset[str] | None = None
        self._scheduled: deque[_ScheduledFault] = deque()
        self._list_requests = 0

    @property
    def quota(self) -> Quota | None:
        """The current quota, or ``None`` when unlimited."""
        return self._quota

    @quota.setter
    def quota(self, value: Quota | tuple[int, float] | None) -> None:
        if value is not None and not isinstance(value, Quota):
            value = Quota(int(value[0]), float(value[1]))
        with self._lock:
            self._quota = value
            self._limiter = RateLimiter(value) if value is not None else None

    def fail_next(self, kind: str, n: int = 1, path_prefix: str | None = None) -> None:
        """Make the next ``n`` requests (whose path starts with ``path_prefix``) fail as ``kind``.

        ``path_prefix`` is matched against the path after ``/stores/{hash}`` (e.g.
        ``"/v2/orders"``) or the legacy ``/api`` prefix.
        """
        if kind not in FAULT_KINDS:
            raise ValueError(f"unknown fault kind {kind!r}; choose from {FAULT_KINDS}")
        with self._lock:
            self._scheduled.append(_ScheduledFault(kind, n, path_prefix))

    def clear_faults(self) -> None:
        """Drop every scheduled fault and set the random fault rate to zero."""
        with self._lock:
            self._scheduled.clear()
            self.fault_rate = 0.0

    def take_rate(self) -> RateDecision | None:
        """Count a request against the quota; ``None`` when there is no quota."""
        if self._limiter is None:
            return None
        with self._lock:
            limiter = self._limiter
            return limiter.take() if limiter is not None else None

    def pick_fault(self, path: str) -> str | None:
        """The fault to inject into this request, if any (scheduled ones first)."""
        if not self._scheduled and self.fault_rate <= 0.0:
            return None
        with self._lock:
            for entry in self._scheduled:
                if entry.path_prefix is None or path.startswith(entry.path_prefix):
                    entry.remaining -= 1
                    if entry.remaining <= 0:
                        self._scheduled.remove(entry)
                    return entry.kind
            if self.fault_rate > 0.0 and self._rng.random() < self.fault_rate:
                return self._rng.choice(self.fault_kinds)
        return None

    def drift_due(self) -> DriftConfig | None:
        """Count an order-list request; return the drift config when a drift step is due."""
        drift = self.drift
        if drift is None:
            return None
        with self._lock:
            self._list_requests += 1
            if self._list_requests % max(1, drift.every_n_list_requests) == 0:
                return drift
        return None

    def random(self) -> random.Random:
        """The seeded random source used for faults and drift."""
        return self._rng
