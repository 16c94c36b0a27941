"""Catalog (v3): products, variants, custom fields, categories and the category tree.

v3 sends money as JSON numbers; they are parsed through ``str`` into exact Decimals.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

import attrs

from bigcommerce_connect.models.converter import wire_model

__all__ = ["Category", "CategoryTreeNode", "CustomField", "Product", "Variant"]


@wire_model
@attrs.frozen(kw_only=True)
class CustomField:
    """A product custom field. ``id`` is None for one not created yet (it is needed to update)."""

    id: int | None = None
    name: str = ""
    value: str = ""
    extra: dict[str, Any] = attrs.field(factory=dict)


@wire_model
@attrs.frozen(kw_only=True)
class Variant:
    """A product variant. ``sku_id`` (the v2 SKU id, used by ``store/sku/*`` webhooks) is None
    for a base variant; a None price means the product's price applies."""

    id: int
    product_id: int | None = None
    sku: str | None = None
    sku_id: int | None = None
    price: Decimal | None = None
    sale_price: Decimal | None = None
    retail_price: Decimal | None = None
    map_price: Decimal | None = None
    cost_price: Decimal | None = None
    calculated_price: Decimal | None = None
    weight: Decimal | None = None
    width: Decimal | None = None
    height: Decimal | None = None
    depth: Decimal | None = None
    inventory_level: int | None = None
    inventory_warning_level: int | None = None
    purchasing_disabled: bool | None = None
    upc: str | None = None
    mpn: str | None = None
    gtin: str | None = None
    bin_picking_number: str | None = None
    option_values: list[dict[str, Any]] = attrs.field(factory=list)
    extra: dict[str, Any] = attrs.field(factory=dict)


@wire_model
@attrs.frozen(kw_only=True)
class Product:
    """A v3 catalog product. ``variants`` and ``custom_fields`` need ``include=``.

    ``inventory_level`` applies only when ``inventory_tracking == "product"`` and reports the
    default location; ``categories`` on an update replaces every category of the product.
    """

    id: int
    name: str | None = None
    type: str | None = None
    sku: str | None = None
    description: str | None = None
    price: Decimal | None = None
    cost_price: Decimal | None = None
    retail_price: Decimal | None = None
    sale_price: Decimal | None = None
    map_price: Decimal | None = None
    calculated_price: Decimal | None = None
    weight: Decimal | None = None
    width: Decimal | None = None
    depth: Decimal | None = None
    height: Decimal | None = None
    categories: list[int] = attrs.field(factory=list)
    brand_id: int | None = None
    tax_class_id: int | None = None
    inventory_level: int | None = None
    inventory_warning_level: int | None = None
    inventory_tracking: str | None = None
    is_visible: bool | None = None
    availability: str | None = None
    upc: str | None = None
    gtin: str | None = None
    mpn: str | None = None
    bin_picking_number: str | None = None
    custom_fields: list[CustomField] = attrs.field(factory=list)
    variants: list[Variant] = attrs.field(factory=list)
    base_variant_id: int | None = None
    date_created: datetime | None = None
    date_modified: datetime | None = None
    total_sold: int | None = None
    extra: dict[str, Any] = attrs.field(factory=dict)


@wire_model
@attrs.frozen(kw_only=True)
class Category:
    """A v3 category. ``parent_id`` 0 is a top-level category."""

    id: int
    parent_id: int | None = None
    name: str | None = None
    description: str | None = None
    sort_order: int | None = None
    is_visible: bool | None = None
    extra: dict[str, Any] = attrs.field(factory=dict)


@wire_model
@attrs.frozen(kw_only=True)
class CategoryTreeNode:
    """A node of a nested category tree; ``children`` are nodes too (up to 8 levels)."""

    id: int
    parent_id: int | None = None
    name: str | None = None
    is_visible: bool | None = None
    url: str | None = None
    children: list[CategoryTreeNode] = attrs.field(factory=list)
    extra: dict[str, Any] = attrs.field(factory=dict)

    def walk(self) -> list[CategoryTreeNode]:
        """This node and all its descendants, depth first, without recursion limits."""
        nodes: list[CategoryTreeNode] = []
        stack = [self]
        while stack:
            node = stack.pop()
            nodes.append(node)
            stack.extend(reversed(node.children))
        return nodes
