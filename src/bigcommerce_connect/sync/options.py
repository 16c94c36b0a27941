"""Import policies a host can tune; the defaults are what a careful ERP user expects."""

from __future__ import annotations

import enum
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

import attrs

__all__ = ["ImportOptions", "MissingItemPolicy"]


class MissingItemPolicy(enum.Enum):
    """What to do with an order line whose SKU matches no ERP item."""

    WARN = "warn"  # import the order, send a warning naming the SKU
    QUARANTINE = "quarantine"  # keep the order back until the item exists


def _aware_or_none(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is None:
        return
    if not isinstance(value, datetime):
        raise TypeError(f"{attribute.name} must be a datetime or None, got {value!r}")
    if value.utcoffset() is None:
        raise ValueError(f"{attribute.name} must be timezone-aware, got {value!r}")


@attrs.frozen(kw_only=True)
class ImportOptions:
    """How imports behave.

    ``overlap`` re-reads a little before the cursor (late writes and equal-second ties);
    ``settle`` leaves the newest seconds for the next run, so a window is never read while the
    store is still writing into it.

    When a run moves imported orders out of the "get" status, that status is the work queue:
    every run lists all of it, bounded below only by ``start_date`` (aware; ``None`` imports
    whatever waits there, however old). Runs that do not move statuses read the cursor window
    and, at most every ``reconcile_every``, sweep the "get" status over the last
    ``reconcile_lookback`` for orders the window missed.

    ``status_move_concurrency`` is how many status moves are in flight at once; a runner built
    without options takes it from ``StoreSettings.concurrency`` (the CLI's ``--concurrency``),
    whose ``connect()`` sizes the client's connection pool to match. A host that raises it
    here for a client built otherwise passes ``max_connections`` to the client too. Moves
    start as each order commits; ``move_guard_age`` is how old the store's word on an order's
    status may be when its move goes out: older, and the rest of the page is re-read first
    (one list call), so an order another app took meanwhile is not put back. ``timedelta(0)``
    re-reads before every move.
    """

    overlap: timedelta = timedelta(minutes=5)
    settle: timedelta = timedelta(seconds=10)
    page_size: int = attrs.field(default=250, validator=attrs.validators.in_(range(1, 251)))
    status_move_concurrency: int = attrs.field(default=4, validator=attrs.validators.ge(1))
    match_customers_by_email: bool = True
    guest_customer_id: str | None = None  # a configured ERP guest account; None: create one
    skip_incomplete: bool = True
    missing_item_policy: MissingItemPolicy = MissingItemPolicy.WARN
    move_statuses: bool = True
    rounding_tolerance: Decimal = Decimal("0.01")  # a difference up to this is a warning
    start_date: datetime | None = attrs.field(default=None, validator=_aware_or_none)
    reconcile_lookback: timedelta = timedelta(days=7)
    reconcile_every: timedelta = timedelta(hours=6)
    move_guard_age: timedelta = attrs.field(
        default=timedelta(seconds=2), validator=attrs.validators.ge(timedelta(0))
    )
