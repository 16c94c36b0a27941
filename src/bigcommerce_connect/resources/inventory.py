"""v3 inventory: absolute adjustments, at most 2,000 items a request, grouped by location."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from itertools import groupby

from bigcommerce_connect.batch import chunked
from bigcommerce_connect.models import (
    MAX_ADJUSTMENT_ITEMS,
    AdjustmentResult,
    InventoryAdjustment,
    adjustment_body,
    structure,
)
from bigcommerce_connect.resources._base import Resource

__all__ = ["InventoryResource", "adjustment_batches"]


def adjustment_batches(
    items: Iterable[InventoryAdjustment], size: int = MAX_ADJUSTMENT_ITEMS
) -> Iterator[list[InventoryAdjustment]]:
    """Group adjustments by location and cut each group into requests of at most ``size``."""
    by_location = sorted(items, key=lambda item: item.location_id)
    for _, group in groupby(by_location, key=lambda item: item.location_id):
        yield from chunked(group, size)


class InventoryResource(Resource):
    """``/v3/inventory/adjustments``: set stock to absolute values."""

    def adjust_absolute(
        self, items: list[InventoryAdjustment], *, reason: str = "ERP stock sync"
    ) -> AdjustmentResult:
        """Set absolute stock for up to 2,000 items in one request."""
        body = adjustment_body(items, absolute=True, reason=reason)
        data = self._requester.request(
            "PUT", "v3", "inventory/adjustments/absolute", body=body
        ).data
        return structure(data or {}, AdjustmentResult)
