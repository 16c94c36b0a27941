"""Price lists (v3): lists, their per-variant records and group/channel assignments."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

import attrs

from bigcommerce_connect.models.converter import wire_model

__all__ = ["PriceList", "PriceListAssignment", "PriceListRecord"]


@wire_model
@attrs.frozen(kw_only=True)
class PriceList:
    """A price list (``/v3/pricelists``)."""

    id: int
    name: str | None = None
    active: bool | None = None
    date_created: datetime | None = None
    date_modified: datetime | None = None
    extra: dict[str, Any] = attrs.field(factory=dict)


@wire_model
@attrs.frozen(kw_only=True)
class PriceListRecord:
    """One price record of a variant in one currency.

    Records have no id of their own: they are keyed by (price_list_id, variant_id, currency).
    ``bulk_pricing_tiers`` entries are ``{quantity_min, quantity_max, type, amount}`` as sent.
    """

    price_list_id: int | None = None
    variant_id: int | None = None
    product_id: int | None = None
    sku: str | None = None
    currency: str | None = None
    price: Decimal | None = None
    sale_price: Decimal | None = None
    retail_price: Decimal | None = None
    map_price: Decimal | None = None
    calculated_price: Decimal | None = None
    date_created: datetime | None = None
    date_modified: datetime | None = None
    bulk_pricing_tiers: list[dict[str, Any]] = attrs.field(factory=list)
    extra: dict[str, Any] = attrs.field(factory=dict)


@wire_model
@attrs.frozen(kw_only=True)
class PriceListAssignment:
    """Ties a price list to a customer group, a channel, or both."""

    id: int | None = None
    price_list_id: int | None = None
    customer_group_id: int | None = None
    channel_id: int | None = None
    extra: dict[str, Any] = attrs.field(factory=dict)
