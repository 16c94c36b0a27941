"""Stock levels read from ERP items: shared by the adapters that keep items."""

from __future__ import annotations

from collections.abc import Iterable

from bigcommerce_connect.ports import LocalItem, StockLevel
from bigcommerce_connect.records import item_sku

__all__ = ["stock_levels"]


def stock_levels(entries: Iterable[LocalItem]) -> list[StockLevel]:
    """One level per item with a known ``quantity_on_hand`` (location 1 when unset)."""
    return [
        StockLevel(
            local_id=entry.local_id,
            sku=item_sku(entry.item),
            quantity=int(entry.item.quantity_on_hand),
            location_id=entry.item.location_id or 1,
        )
        for entry in entries
        if entry.item.quantity_on_hand is not None
    ]
