"""Import policies a host can tune; the defaults are what a careful ERP user expects."""

from __future__ import annotations

import enum
from datetime import timedelta
from decimal import Decimal

import attrs

__all__ = ["ImportOptions", "MissingItemPolicy"]


class MissingItemPolicy(enum.Enum):
    """What to do with an order line whose SKU matches no ERP item."""

    WARN = "warn"  # import the order, send a warning naming the SKU
    QUARANTINE = "quarantine"  # keep the order back until the item exists


@attrs.frozen(kw_only=True)
class ImportOptions:
    """How imports behave.

    ``overlap`` re-reads a little before the cursor (late writes and equal-second ties);
    ``settle`` leaves the newest seconds for the next run, so a window is never read while the
    store is still writing into it.
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
