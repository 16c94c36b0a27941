"""v3 catalog, customers, v2 customer groups and price lists: spec examples and edge cases."""

from __future__ import annotations

from datetime import datetime, timezone
from decimal import Decimal
from typing import Any

import pytest

from bigcommerce_connect.models import (
    Category,
    CategoryTreeNode,
    Customer,
    CustomerGroup,
    ModelError,
    PriceList,
    PriceListAssignment,
    PriceListRecord,
    Product,
    Variant,
    structure,
    to_wire,
    unstructure,
)
from bigcommerce_connect.values import encode_json

UTC = timezone.utc

# Trimmed from the products spec's single-product example (id 174).
PRODUCT_174: dict[str, Any] = {
    "id": 174,
    "name": "1L Le Parfait Jar",
    "type": "physical",
    "sku": "",
    "weight": 1,
    "width": 0,
    "depth": 0,
    "height": 0,
    "price": 7.95,
    "cost_price": 0,
    "retail_price": 10,
    "sale_price": 0,
    "map_price": 0,
    "tax_class_id": 0,
    "calculated_price": 7.95,
    "categories": [23, 21],
    "brand_id": 36,
    "inventory_level": 0,
    "inventory_warning_level": 0,
    "inventory_tracking": "none",
    "total_sold": 7,
    "is_visible": True,
    "upc": "",
    "mpn": "",
    "gtin": "",
    "availability": "available",
    "date_created": "2018-08-15T14:48:46+00:00",
    "date_modified": "2018-09-05T20:42:07+00:00",
    "custom_url": {"url": "/all/1l-le-parfait-jar/", "is_customized": True},
    "base_variant_id": 345,
    "related_products": [-1],
}

# From the variants spec's collection example (first item; map_price made null, see below).
VARIANT_382: dict[str, Any] = {
    "id": 382,
    "product_id": 192,
    "sku": "SMIT",
    "sku_id": 348,
    "price": 10,
    "calculated_price": 10,
    "sale_price": 8,
    "retail_price": 10,
    "map_price": None,
    "weight": 4,
    "purchasing_disabled": False,
    "cost_price": 0,
    "upc": "",
    "mpn": "",
    "gtin": "",
    "inventory_level": 0,
    "inventory_warning_level": 0,
    "bin_picking_number": "",
    "option_values": [
        {"id": 174, "label": "Beige", "option_id": 220, "option_display_name": "Color"}
    ],
    "image_url": "",
}


def test_product_example_structures_with_exact_money() -> None:
    product = structure(PRODUCT_174, Product)
    assert product.price == Decimal("7.95")
    assert product.retail_price == Decimal(10)
    assert product.categories == [23, 21]
    assert product.date_modified == datetime(2018, 9, 5, 20, 42, 7, tzinfo=UTC)
    assert product.extra["custom_url"]["is_customized"] is True
    assert product.variants == []


def test_product_with_variants_and_custom_fields() -> None:
    product = structure(
        {
            **PRODUCT_174,
            "variants": [
                VARIANT_382,
                {**VARIANT_382, "id": 383, "sku_id": None, "option_values": []},
            ],
            "custom_fields": [
                {"id": 6, "name": "ISBN", "value": "1234567890123"},
                {"name": "Color", "value": 7},
            ],
        },
        Product,
    )
    assert [variant.id for variant in product.variants] == [382, 383]
    assert product.variants[1].sku_id is None
    assert product.custom_fields[0].id == 6
    assert product.custom_fields[1].id is None
    assert product.custom_fields[1].value == "7"


def test_variant_example_structures() -> None:
    variant = structure(VARIANT_382, Variant)
    assert variant.sale_price == Decimal(8)
    assert variant.map_price is None
    assert variant.option_values[0]["label"] == "Beige"
    assert variant.extra == {"image_url": ""}


def test_variant_spec_quirk_object_as_money_is_rejected_with_its_path() -> None:
    # The spec example shows "map_price: {}"; that is not an amount, and we say where.
    with pytest.raises(ModelError, match=r"^Variant\.map_price: expected an amount, got dict$"):
        structure({**VARIANT_382, "map_price": {}}, Variant)


def test_product_round_trip_keeps_every_key() -> None:
    product = structure(PRODUCT_174, Product)
    wire = unstructure(product)
    assert set(PRODUCT_174) <= set(wire)
    assert wire["price"] == "7.95"  # canonical form: exact decimal text
    assert structure(wire, Product) == product


def test_v3_write_payload_sends_money_as_exact_numbers() -> None:
    product = structure(PRODUCT_174, Product)
    payload = to_wire(product, version="v3", fields=["price", "categories", "name"])
    # The Decimal itself (never a float); the client's encoder writes it digit for digit.
    assert payload == {
        "name": "1L Le Parfait Jar",
        "price": Decimal("7.95"),
        "categories": [23, 21],
    }
    assert b'"price": 7.95' in encode_json(payload, "v3")


def test_category_and_tree_recursion() -> None:
    category = structure(
        {
            "id": 21,
            "parent_id": 0,
            "name": "Shop All",
            "description": "",
            "sort_order": 0,
            "is_visible": True,
            "views": 3,
        },
        Category,
    )
    assert category.parent_id == 0
    assert category.extra == {"views": 3}

    tree = structure(
        {
            "id": 1,
            "parent_id": 0,
            "name": "Garden",
            "is_visible": True,
            "url": "/garden/",
            "children": [
                {
                    "id": 2,
                    "parent_id": 1,
                    "name": "Tools",
                    "is_visible": True,
                    "url": "/garden/tools/",
                    "children": [
                        {
                            "id": 4,
                            "parent_id": 2,
                            "name": "Spades",
                            "is_visible": False,
                            "url": "/garden/tools/spades/",
                            "children": [],
                        }
                    ],
                },
                {
                    "id": 3,
                    "parent_id": 1,
                    "name": "Seeds",
                    "is_visible": True,
                    "url": "/garden/seeds/",
                },
            ],
        },
        CategoryTreeNode,
    )
    assert [node.id for node in tree.walk()] == [1, 2, 4, 3]
    assert tree.children[0].children[0].name == "Spades"
    assert unstructure(tree)["children"][0]["children"][0]["id"] == 4


def test_deep_tree_error_names_the_path() -> None:
    with pytest.raises(ModelError, match=r"^CategoryTreeNode\.children\[0\]\.children\[0\]\.id: "):
        structure({"id": 1, "children": [{"id": 2, "children": [{"id": "x"}]}]}, CategoryTreeNode)


def test_customer_example_with_addresses() -> None:
    customer = structure(
        {
            "id": 11,
            "email": "janedoe@example.com",
            "first_name": "Jane",
            "last_name": "Doe",
            "company": "",
            "phone": "",
            "notes": "",
            "customer_group_id": 0,
            "tax_exempt_category": "",
            "registration_ip_address": "192.168.1.1",
            "date_created": "2019-02-19T18:34:16Z",
            "date_modified": "2019-02-19T18:34:16Z",
            "address_count": 1,
            "attribute_count": 0,
            "authentication": {"force_password_reset": False},
            "addresses": [
                {
                    "id": 1,
                    "customer_id": 11,
                    "first_name": "Jane",
                    "last_name": "Doe",
                    "company": "",
                    "address1": "123 Main St",
                    "address2": "",
                    "city": "Austin",
                    "state_or_province": "Texas",
                    "postal_code": 78701,
                    "country_code": "US",
                    "country": "United States",
                    "phone": "",
                    "address_type": "residential",
                }
            ],
            "channel_ids": [1],
            "origin_channel_id": 1,
        },
        Customer,
    )
    assert customer.date_created == datetime(2019, 2, 19, 18, 34, 16, tzinfo=UTC)
    assert customer.addresses[0].postal_code == "78701"
    assert customer.channel_ids == [1]
    assert customer.extra["authentication"] == {"force_password_reset": False}


def test_customer_group_with_price_list_rule() -> None:
    group = structure(
        {
            "id": 3,
            "name": "Wholesale",
            "is_default": False,
            "is_group_for_guests": False,
            "category_access": {"type": "specific", "categories": [18, 19]},
            "discount_rules": [
                {"type": "price_list", "price_list_id": 2},
                {"type": "category", "method": "percent", "amount": "5.0000", "category_id": 18},
            ],
        },
        CustomerGroup,
    )
    assert group.price_list_ids == [2]
    assert group.category_access["categories"] == [18, 19]
    assert unstructure(group)["discount_rules"][1]["amount"] == "5.0000"


def test_price_list_record_and_assignment() -> None:
    price_list = structure(
        {
            "id": 2,
            "name": "Wholesale",
            "active": True,
            "date_created": "2021-07-28T19:00:38Z",
            "date_modified": "2021-07-28T19:00:38Z",
        },
        PriceList,
    )
    assert price_list.date_created == datetime(2021, 7, 28, 19, 0, 38, tzinfo=UTC)
    record = structure(
        {
            "price_list_id": 2,
            "variant_id": 382,
            "sku": "SMIT",
            "currency": "usd",
            "price": 9.99,
            "sale_price": None,
            "retail_price": 12.5,
            "map_price": 0,
            "bulk_pricing_tiers": [
                {"quantity_min": 10, "quantity_max": 0, "type": "fixed", "amount": 8.5}
            ],
        },
        PriceListRecord,
    )
    assert record.price == Decimal("9.99")
    assert record.sale_price is None
    assert record.bulk_pricing_tiers[0]["amount"] == 8.5
    assignment = structure(
        {"id": 7, "price_list_id": 2, "customer_group_id": 3, "channel_id": 1}, PriceListAssignment
    )
    assert assignment.customer_group_id == 3
    assert to_wire(assignment, version="v3", fields=["price_list_id", "customer_group_id"]) == {
        "price_list_id": 2,
        "customer_group_id": 3,
    }
