"""What a task does after a cycle or a webhook: done, retry later (and when), or refuse.

Pure functions over the SDK's error codes (``RunReport.stopped_by``, ``BigCommerceError.code``),
so the mapping is read and tested without Celery:

* ``rate_limited``: retry once the store's quota resets (``retry_after``), bounded;
* ``network``, ``server_error``, ``unexpected_response``, ``paging``, and any exception the SDK
  did not expect (the ERP's database down, say): retry with bounded exponential backoff;
* ``authentication``, ``permission_denied``, ``unsupported`` and unusable settings or store
  ids: refused - a retry cannot fix them, a person must (a notification says so);
* ``locked``: another cycle of the store runs now - done, nothing to retry (the lock, not
  luck, keeps two cycles of one store apart);
* any other code that stopped a stage (a 400 or 422 on one list, say): failed, not retried;
  the next scheduled cycle starts over from the cursors, which did not move.
"""

from __future__ import annotations

import enum
import math
import random
from typing import Final

import attrs

__all__ = [
    "REFUSED_CODES",
    "TRANSIENT_CODES",
    "Backoff",
    "Verdict",
    "VerdictKind",
    "verdict_for_code",
]

#: Codes a retry cannot fix: wrong or revoked token, a missing scope, settings or store id.
REFUSED_CODES: Final = frozenset(
    {"authentication", "permission_denied", "unsupported", "settings", "store_directory"}
)
#: Codes of failures that may pass: retried with backoff.
TRANSIENT_CODES: Final = frozenset(
    {"network", "server_error", "unexpected_response", "paging", "unexpected"}
)
RATE_LIMITED: Final = "rate_limited"
LOCKED: Final = "locked"


class VerdictKind(enum.Enum):
    """What the task does next."""

    DONE = "done"  # nothing stopped the work, or what stopped it is not worth a retry
    RETRY = "retry"  # try again after ``countdown`` seconds
    REFUSED = "refused"  # a person must act: no retry, a notification
    LOCKED = "locked"  # another cycle of the store holds its lock: no retry


@attrs.frozen
class Verdict:
    """The decision, and for a retry the countdown in seconds."""

    kind: VerdictKind
    code: str | None = None
    countdown: float | None = None


@attrs.frozen
class Backoff:
    """Bounded waits between retries.

    A transient failure waits ``base * 2**retries`` seconds at most ``maximum``, of which the
    second half is random ("equal jitter"), so stores that failed together do not all come
    back at once. A rate limit waits what the store said (``retry_after``), or
    ``rate_limit_default`` when it said nothing usable, between ``rate_limit_minimum`` and
    ``maximum``. ``maximum`` must stay below the broker's visibility timeout (Redis
    redelivers a task not acknowledged by then, and a retry waiting its countdown is one).
    """

    base: float = attrs.field(default=10.0, validator=attrs.validators.gt(0))
    maximum: float = attrs.field(default=600.0, validator=attrs.validators.gt(0))
    rate_limit_default: float = attrs.field(default=30.0, validator=attrs.validators.ge(0))
    rate_limit_minimum: float = attrs.field(default=1.0, validator=attrs.validators.ge(0))

    def transient(self, retries: int, rng: random.Random | None = None) -> float:
        """Seconds before retry number ``retries + 1`` of a transient failure."""
        ceiling = min(self.maximum, self.base * 2.0 ** min(retries, 32))
        return ceiling / 2 + (rng or random).uniform(0, ceiling / 2)

    def rate_limited(self, retry_after: float | None) -> float:
        """Seconds before the retry after a rate limit: the store's reset, bounded."""
        if retry_after is None or not math.isfinite(retry_after):
            retry_after = self.rate_limit_default
        return min(self.maximum, max(self.rate_limit_minimum, retry_after))


def verdict_for_code(
    code: str | None,
    *,
    retries: int,
    backoff: Backoff,
    retry_after: float | None = None,
    rng: random.Random | None = None,
) -> Verdict:
    """The verdict for work stopped by an error with ``code`` (``None``: nothing stopped it)."""
    if code is None:
        return Verdict(VerdictKind.DONE)
    if code == LOCKED:
        return Verdict(VerdictKind.LOCKED, code)
    if code in REFUSED_CODES:
        return Verdict(VerdictKind.REFUSED, code)
    if code == RATE_LIMITED:
        return Verdict(VerdictKind.RETRY, code, backoff.rate_limited(retry_after))
    if code in TRANSIENT_CODES:
        return Verdict(VerdictKind.RETRY, code, backoff.transient(retries, rng))
    return Verdict(VerdictKind.DONE, code)
