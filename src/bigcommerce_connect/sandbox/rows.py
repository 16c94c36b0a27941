"""Row builders: a new record of each kind with the API's fields and their defaults.

Used by the seeding and by the routes that create records, so a row made by a request looks
exactly like a seeded one. Rows are "wire-ish" dicts: field names as the API sends them, aware
UTC datetimes and ``Decimal`` money (the route modules format them per API version).
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from bigcommerce_connect.sandbox.indexes import WatchedRow
from bigcommerce_connect.sandbox.vocabulary import SEED_BASE, SIZES

#: One stored record (an order, a product, a customer ...).
Row = dict[str, Any]

ZERO = Decimal("0")
CENT = Decimal("0.01")


def new_category(cid: int, parent_id: int, name: str, *, sort_order: int = 0) -> dict[str, Any]:
    """A category record with the v3 fields and their defaults."""
    slug = "".join(ch if ch.isalnum() else "-" for ch in name.lower()).strip("-")
    return {
        "id": cid,
        "parent_id": parent_id,
        "tree_id": 1,
        "name": name,
        "description": "",
        "views": 0,
        "sort_order": sort_order,
        "page_title": "",
        "search_keywords": "",
        "meta_keywords": [],
        "meta_description": "",
        "layout_file": "category.html",
        "is_visible": True,
        "default_product_sort": "use_store_settings",
        "image_url": "",
        "custom_url": {"url": f"/{slug}-{cid}/", "is_customized": False},
    }


def new_product(
    pid: int,
    *,
    name: str,
    sku: str,
    price: Decimal,
    categories: list[int],
    when: datetime,
    product_type: str = "physical",
    weight: Decimal = Decimal("1"),
) -> dict[str, Any]:
    """A product record with the v3 fields and their defaults (indexed by name)."""
    return WatchedRow(
        _product_fields(pid, name, sku, price, categories, when, product_type, weight)
    )


def _product_fields(
    pid: int,
    name: str,
    sku: str,
    price: Decimal,
    categories: list[int],
    when: datetime,
    product_type: str,
    weight: Decimal,
) -> dict[str, Any]:
    return {
        "id": pid,
        "name": name,
        "type": product_type,
        "sku": sku,
        "description": f"<p>{name}</p>",
        "weight": weight,
        "width": ZERO,
        "depth": ZERO,
        "height": ZERO,
        "price": price,
        "cost_price": ZERO,
        "retail_price": ZERO,
        "sale_price": ZERO,
        "map_price": ZERO,
        "tax_class_id": 0,
        "product_tax_code": "",
        "calculated_price": price,
        "categories": list(categories),
        "brand_id": 0,
        "option_set_display": "right",
        "inventory_level": 0,
        "inventory_warning_level": 0,
        "inventory_tracking": "product",
        "reviews_rating_sum": 0,
        "reviews_count": 0,
        "total_sold": 0,
        "fixed_cost_shipping_price": ZERO,
        "is_free_shipping": False,
        "is_visible": True,
        "is_featured": False,
        "related_products": [-1],
        "warranty": "",
        "bin_picking_number": "",
        "layout_file": "product.html",
        "upc": "",
        "mpn": "",
        "gtin": "",
        "search_keywords": "",
        "availability": "available",
        "availability_description": "",
        "gift_wrapping_options_type": "any",
        "gift_wrapping_options_list": [],
        "sort_order": 0,
        "condition": "New",
        "is_condition_shown": False,
        "order_quantity_minimum": 0,
        "order_quantity_maximum": 0,
        "page_title": "",
        "meta_keywords": [],
        "meta_description": "",
        "date_created": when,
        "date_modified": when,
        "view_count": 0,
        "preorder_release_date": None,
        "preorder_message": "",
        "is_preorder_only": False,
        "is_price_hidden": False,
        "price_hidden_label": "",
        "custom_url": {"url": f"/product-{pid}/", "is_customized": False},
        "base_variant_id": None,
        "open_graph_type": "product",
        "open_graph_title": "",
        "open_graph_description": "",
        "open_graph_use_meta_description": True,
        "open_graph_use_product_name": True,
        "open_graph_use_image": True,
    }


def new_variant(
    vid: int, pid: int, sku: str, *, sku_id: int | None, option_label: str | None = None
) -> dict[str, Any]:
    """A variant record (indexed by SKU); ``option_label`` ``None`` makes a base variant."""
    option_values = []
    if option_label is not None:
        option_values = [
            {
                "id": 10 + SIZES.index(option_label) if option_label in SIZES else 99,
                "label": option_label,
                "option_id": 1,
                "option_display_name": "Size",
            }
        ]
    row: dict[str, Any] = {
        "id": vid,
        "product_id": pid,
        "sku": sku,
        "sku_id": sku_id,
        "price": None,
        "calculated_price": None,
        "sale_price": None,
        "retail_price": None,
        "map_price": None,
        "weight": Decimal("1"),
        "calculated_weight": Decimal("1"),
        "width": ZERO,
        "height": ZERO,
        "depth": ZERO,
        "is_free_shipping": False,
        "fixed_cost_shipping_price": ZERO,
        "purchasing_disabled": False,
        "purchasing_disabled_message": "",
        "image_url": "",
        "cost_price": ZERO,
        "upc": "",
        "mpn": "",
        "gtin": "",
        "inventory_level": 0,
        "inventory_warning_level": 0,
        "bin_picking_number": "",
        "option_values": option_values,
    }
    return WatchedRow(row)


def new_price_record(
    price_list_id: int, variant: dict[str, Any], product_id: int, price: Decimal
) -> dict[str, Any]:
    """A price-list record for a variant in USD."""
    return {
        "price_list_id": price_list_id,
        "variant_id": variant["id"],
        "product_id": product_id,
        "sku": variant["sku"],
        "currency": "USD",
        "price": price,
        "sale_price": None,
        "retail_price": None,
        "map_price": None,
        "calculated_price": price,
        "date_created": SEED_BASE,
        "date_modified": SEED_BASE,
        "bulk_pricing_tiers": [],
    }


def new_customer(cid: int, email: str, first: str, last: str, when: datetime) -> dict[str, Any]:
    """A v3 customer record with defaults."""
    return {
        "id": cid,
        "email": email,
        "first_name": first,
        "last_name": last,
        "company": "",
        "phone": "",
        "notes": "",
        "tax_exempt_category": "",
        "customer_group_id": 0,
        "registration_ip_address": "",
        "date_created": when,
        "date_modified": when,
        "address_count": 0,
        "attribute_count": 0,
        "authentication": {"force_password_reset": False},
        "accepts_product_review_abandoned_cart_emails": False,
        "origin_channel_id": 1,
        "addresses": [],
    }


#: The text fields of a v2 postal address (billing and shipping), in wire order.
POSTAL_FIELDS = (
    *("first_name", "last_name", "company", "street_1", "street_2", "city", "state", "zip"),
    *("country", "country_iso2", "phone", "email"),
)
