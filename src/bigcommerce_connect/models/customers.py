"""Customers (v3) and customer groups (v2, the B2B pricing tiers)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import attrs

from bigcommerce_connect.models.converter import wire_model

__all__ = ["Customer", "CustomerAddress", "CustomerGroup"]


@wire_model
@attrs.frozen(kw_only=True)
class CustomerAddress:
    """A v3 customer address (``address_Full``). ``country_code`` is ISO 3166 alpha-2."""

    id: int
    customer_id: int | None = None
    first_name: str | None = None
    last_name: str | None = None
    company: str | None = None
    address1: str | None = None
    address2: str | None = None
    city: str | None = None
    state_or_province: str | None = None
    postal_code: str | None = None
    country_code: str | None = None
    country: str | None = None
    phone: str | None = None
    address_type: str | None = None
    extra: dict[str, Any] = attrs.field(factory=dict)


@wire_model
@attrs.frozen(kw_only=True)
class Customer:
    """A v3 customer. ``addresses`` is filled only with ``include=addresses``."""

    id: int
    email: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    company: str | None = None
    phone: str | None = None
    notes: str | None = None
    customer_group_id: int | None = None
    tax_exempt_category: str | None = None
    registration_ip_address: str | None = None
    date_created: datetime | None = None
    date_modified: datetime | None = None
    address_count: int | None = None
    addresses: list[CustomerAddress] = attrs.field(factory=list)
    channel_ids: list[int] = attrs.field(factory=list)
    origin_channel_id: int | None = None
    extra: dict[str, Any] = attrs.field(factory=dict)


@wire_model
@attrs.frozen(kw_only=True)
class CustomerGroup:
    """A v2 customer group.

    ``category_access`` is ``{type: all|specific|none, categories: [ids]}``;
    ``discount_rules`` entries are ``{type, method, amount, price_list_id}`` as sent (a group
    linked to a price list shows ``{"type": "price_list", "price_list_id": N}``). A PUT
    replaces the whole ``discount_rules`` set.
    """

    id: int
    name: str | None = None
    is_default: bool | None = None
    is_group_for_guests: bool | None = None
    category_access: dict[str, Any] = attrs.field(factory=dict)
    discount_rules: list[dict[str, Any]] = attrs.field(factory=list)
    extra: dict[str, Any] = attrs.field(factory=dict)

    @property
    def price_list_ids(self) -> list[int]:
        """Ids of the price lists this group is linked to through ``discount_rules``."""
        return [
            int(rule["price_list_id"])
            for rule in self.discount_rules
            if rule.get("type") == "price_list" and isinstance(rule.get("price_list_id"), int)
        ]
