"""Stock levels read from ERP items through the inventory mapping: shared by the adapters.

The SKU, quantity and location a level carries are what ``automatic:inventory`` (or the
mapping a host gives) makes of the item, so the inventory push sends the SKU the product
export wrote (*Add Item Code* appends the variant code). The stock on hand is read in whole
units, rounded down: a store holds whole units, and a part unit cannot be promised.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from decimal import ROUND_FLOOR

import attrs

from bigcommerce_connect.mapping import (
    AUTOMATIC_INVENTORY,
    CompiledMapping,
    MappingValueError,
    builtin_definition,
    compile_mapping,
)
from bigcommerce_connect.ports import LocalItem, StockLevel

__all__ = ["default_inventory_mapping", "stock_levels"]

_DEFAULT_LOCATION = 1


@functools.cache
def default_inventory_mapping() -> CompiledMapping:
    """The built-in ``automatic:inventory`` mapping, compiled once."""
    return compile_mapping(builtin_definition(AUTOMATIC_INVENTORY))


def stock_levels(
    entries: Iterable[LocalItem], mapping: CompiledMapping | None = None
) -> list[StockLevel]:
    """One level per item with a known ``quantity_on_hand``, made by the inventory mapping.

    ``mapping`` defaults to ``automatic:inventory``; it must give ``sku`` (text) and
    ``quantity`` (an integer), and may give ``location_id`` (1 when unset).

    Raises:
        MappingValueError: the mapping gave a value a stock level cannot hold.
    """
    mapping = mapping or default_inventory_mapping()
    return [_level(entry, mapping) for entry in entries if entry.item.quantity_on_hand is not None]


def _level(entry: LocalItem, mapping: CompiledMapping) -> StockLevel:
    item = entry.item
    on_hand = item.quantity_on_hand
    if on_hand is not None and on_hand != (whole := on_hand.to_integral_value(ROUND_FLOOR)):
        item = attrs.evolve(item, quantity_on_hand=whole)  # a part unit: only then a copy
    values = mapping.apply(item)
    sku, quantity = values.get("sku"), values.get("quantity")
    location = values.get("location_id")
    if not isinstance(sku, str) or type(quantity) is not int:
        raise MappingValueError(
            f"item {entry.local_id}: the inventory mapping must give a text sku and an integer "
            f"quantity, not {type(sku).__name__} and {type(quantity).__name__}"
        )
    if location is not None and type(location) is not int:
        raise MappingValueError(f"item {entry.local_id}: location_id must be an integer")
    return StockLevel(
        local_id=entry.local_id,
        sku=sku,
        quantity=quantity,
        location_id=location or _DEFAULT_LOCATION,
    )
