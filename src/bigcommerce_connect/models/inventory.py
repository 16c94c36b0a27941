"""Inventory adjustments (v3 Inventory API): absolute and relative stock writes.

An item names its location and exactly one of ``sku``, ``variant_id`` or ``product_id``.
Absolute adjustments set the stock to ``quantity`` (so it must be ≥ 0); relative ones add
``quantity`` (may be negative). At most 2,000 items go in one request.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import attrs

from bigcommerce_connect.models.converter import ModelError, wire_model

__all__ = ["MAX_ADJUSTMENT_ITEMS", "AdjustmentResult", "InventoryAdjustment", "adjustment_body"]

MAX_ADJUSTMENT_ITEMS = 2000
"""The Inventory API's per-request maximum."""

_IDENTIFIERS = ("sku", "variant_id", "product_id")


def _strict_int(name: str, value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ModelError(f"must be an integer, got {type(value).__name__}", (name,))
    return value


@wire_model
@attrs.frozen(kw_only=True)
class InventoryAdjustment:
    """One inventory adjustment item; validated on construction (raises :class:`ModelError`).

    Unknown keys are not accepted here (``extra`` is absent on purpose): this is a write model.
    """

    location_id: int
    quantity: int
    sku: str | None = None
    variant_id: int | None = None
    product_id: int | None = None

    def __attrs_post_init__(self) -> None:
        _strict_int("location_id", self.location_id)
        _strict_int("quantity", self.quantity)
        given = [name for name in _IDENTIFIERS if getattr(self, name) is not None]
        if len(given) != 1:
            raise ModelError(
                f"exactly one of sku, variant_id, product_id is required (got {len(given)})"
            )
        if self.sku is not None and not self.sku.strip():
            raise ModelError("must not be empty", ("sku",))
        for name in ("variant_id", "product_id"):
            if getattr(self, name) is not None:
                _strict_int(name, getattr(self, name))

    @property
    def identifier(self) -> tuple[str, int | str]:
        """The (field name, value) pair that names the item."""
        for name in _IDENTIFIERS:
            value = getattr(self, name)
            if value is not None:
                return name, value
        raise AssertionError("unreachable: validated on construction")  # pragma: no cover

    def to_wire(self) -> dict[str, Any]:
        """The item as the API takes it: ``{location_id, <identifier>, quantity}``."""
        name, value = self.identifier
        return {"location_id": self.location_id, name: value, "quantity": self.quantity}


def adjustment_body(
    items: Iterable[InventoryAdjustment], *, absolute: bool, reason: str | None = None
) -> dict[str, Any]:
    """The request body for ``PUT .../adjustments/absolute`` or ``POST .../relative``.

    Checks what the API would reject late: an empty or oversized batch, and a negative
    quantity in an absolute adjustment. Raises :class:`ModelError` naming the item index.
    """
    listed = list(items)
    if not listed:
        raise ModelError("an adjustment needs at least one item")
    if len(listed) > MAX_ADJUSTMENT_ITEMS:
        raise ModelError(f"at most {MAX_ADJUSTMENT_ITEMS} items per request, got {len(listed)}")
    if absolute:
        for index, item in enumerate(listed):
            if item.quantity < 0:
                raise ModelError(
                    "absolute quantity must be >= 0", ("items", f"[{index}]", "quantity")
                )
    body: dict[str, Any] = {"items": [item.to_wire() for item in listed]}
    if reason:
        body["reason"] = reason
    return body


@wire_model
@attrs.frozen(kw_only=True)
class AdjustmentResult:
    """The API's answer to an adjustment: a ``transaction_id`` (the write is asynchronous)."""

    transaction_id: str | None = None
    extra: dict[str, Any] = attrs.field(factory=dict)
