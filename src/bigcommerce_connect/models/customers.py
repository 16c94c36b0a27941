"""Customers (v3, and v2 for legacy API accounts) and customer groups (v2, the B2B tiers).

A legacy (Basic auth) account reads customers from v2 only: :class:`CustomerV2` and its
:class:`CustomerAddressV2` records, which :meth:`CustomerV2.to_customer` turns into the v3
:class:`Customer` the customer import maps, so one mapping serves both.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

import attrs

from bigcommerce_connect.models.converter import wire_model

__all__ = ["Customer", "CustomerAddress", "CustomerAddressV2", "CustomerGroup", "CustomerV2"]


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
class CustomerAddressV2:
    """A v2 customer address (``customerAddress_Full``): ``street_1``, ``state``, ``zip``."""

    id: int
    customer_id: int | None = None
    first_name: str | None = None
    last_name: str | None = None
    company: str | None = None
    street_1: str | None = None
    street_2: str | None = None
    city: str | None = None
    state: str | None = None
    zip: str | None = None
    country: str | None = None
    country_iso2: str | None = None
    phone: str | None = None
    address_type: str | None = None
    extra: dict[str, Any] = attrs.field(factory=dict)

    def to_address(self) -> CustomerAddress:
        """The same address in the v3 shape (``address1``, ``state_or_province`` ...)."""
        return CustomerAddress(
            id=self.id,
            customer_id=self.customer_id,
            first_name=self.first_name,
            last_name=self.last_name,
            company=self.company,
            address1=self.street_1,
            address2=self.street_2,
            city=self.city,
            state_or_province=self.state,
            postal_code=self.zip,
            country_code=self.country_iso2,
            country=self.country,
            phone=self.phone,
            address_type=self.address_type,
        )


@wire_model
@attrs.frozen(kw_only=True)
class CustomerV2:
    """A v2 customer (``customer_Full``), as a legacy API account reads it.

    ``addresses`` is the link to the ``/customers/{id}/addresses`` sub-resource, not the
    addresses themselves; read those and give them to :meth:`to_customer`.
    """

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
    store_credit: Decimal | None = None
    date_created: datetime | None = None
    date_modified: datetime | None = None
    accepts_marketing: bool | None = None
    addresses: dict[str, Any] = attrs.field(factory=dict)
    form_fields: list[dict[str, Any]] = attrs.field(factory=list)
    extra: dict[str, Any] = attrs.field(factory=dict)

    def to_customer(self, addresses: Sequence[CustomerAddressV2] = ()) -> Customer:
        """The v3 :class:`Customer` the customer import maps (one mapping for both APIs)."""
        return Customer(
            id=self.id,
            email=self.email,
            first_name=self.first_name,
            last_name=self.last_name,
            company=self.company,
            phone=self.phone,
            notes=self.notes,
            customer_group_id=self.customer_group_id,
            tax_exempt_category=self.tax_exempt_category,
            registration_ip_address=self.registration_ip_address,
            date_created=self.date_created,
            date_modified=self.date_modified,
            address_count=len(addresses),
            addresses=[address.to_address() for address in addresses],
        )


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
