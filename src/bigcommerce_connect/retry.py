"""When to try a request again, and how long to wait first.

Only idempotent requests are retried after a failure that may have reached the store; a POST
is retried only when the store provably did not act on it (a rate limit, or a connection that
was never made). Attempts are bounded and waits grow exponentially with full jitter.
"""

from __future__ import annotations

import math
import random
from typing import Final

import attrs

__all__ = ["IDEMPOTENT_METHODS", "RATE_LIMIT_STATUSES", "RetryPolicy"]

IDEMPOTENT_METHODS: Final = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})
RETRYABLE_STATUSES: Final = frozenset({500, 502, 503, 504, 507})
#: Statuses that mean "too many requests, nothing was done": 429, and 509 from the older API.
RATE_LIMIT_STATUSES: Final = frozenset({429, 509})
#: The shortest wait after a rate limit, so a header saying "reset in 0 ms" is never a burst.
DEFAULT_MIN_RATE_LIMIT_WAIT: Final = 0.25
#: The longest wait after a rate limit, so a header saying "inf" can never stall a run.
DEFAULT_MAX_RATE_LIMIT_WAIT: Final = 60.0


def _finite_non_negative(
    _instance: object, attribute: attrs.Attribute[float], value: float
) -> None:
    if not (math.isfinite(value) and value >= 0):
        raise ValueError(f"{attribute.name} must be a finite number >= 0, got {value!r}")


@attrs.frozen
class RetryPolicy:
    """Bounded retries with exponential backoff and full jitter.

    ``max_attempts`` counts the first try. ``max_rate_limit_waits`` bounds how many rate limits
    (429 or 509) in a row one request may wait out before
    :class:`~bigcommerce_connect.errors.RateLimitedError`. Each of those waits lies between
    ``min_rate_limit_wait`` (plus up to as much again of jitter) and ``max_rate_limit_wait``,
    whatever the store's headers say.
    """

    max_attempts: int = attrs.field(default=4, validator=attrs.validators.ge(1))
    base_delay: float = attrs.field(default=0.5, validator=attrs.validators.ge(0))
    max_delay: float = attrs.field(default=30.0, validator=attrs.validators.ge(0))
    write_delay_factor: float = 2.0  # wait longer after a failed write than after a failed read
    max_rate_limit_waits: int = attrs.field(default=6, validator=attrs.validators.ge(0))
    min_rate_limit_wait: float = attrs.field(
        default=DEFAULT_MIN_RATE_LIMIT_WAIT, validator=_finite_non_negative
    )
    max_rate_limit_wait: float = attrs.field(
        default=DEFAULT_MAX_RATE_LIMIT_WAIT, validator=_finite_non_negative
    )

    def backoff(self, retry_number: int, rng: random.Random, *, is_write: bool = False) -> float:
        """Seconds to wait before retry ``retry_number`` (1 for the first retry)."""
        ceiling = min(self.max_delay, self.base_delay * (2 ** (retry_number - 1)))
        if is_write:
            ceiling = min(self.max_delay, ceiling * self.write_delay_factor)
        return rng.uniform(0, ceiling)

    @staticmethod
    def may_retry_status(method: str, status: int) -> bool:
        """Whether a response with ``status`` may be retried for ``method`` (rate limits apart)."""
        return method in IDEMPOTENT_METHODS and status in RETRYABLE_STATUSES

    @staticmethod
    def may_retry_network(method: str, kind: str, retryable: bool) -> bool:
        """Whether a network failure may be retried: a POST only if it never connected."""
        if not retryable:
            return False
        return method in IDEMPOTENT_METHODS or kind == "connect"
