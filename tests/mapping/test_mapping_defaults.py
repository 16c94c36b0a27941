"""The built-in automatic mappings and every seed Add field on them."""

from __future__ import annotations

from datetime import datetime, timezone
from decimal import Decimal
from typing import Any

import pytest

from bigcommerce_connect.mapping import (
    AUTOMATIC_B2B_CUSTOMER,
    AUTOMATIC_CUSTOMER_IMPORT,
    AUTOMATIC_INVENTORY,
    AUTOMATIC_ORDER_IMPORT,
    AUTOMATIC_UPDATE_PRODUCTS,
    BUILTIN_NAMES,
    CompiledMapping,
    builtin_definition,
    compile_mapping,
)
from bigcommerce_connect.records import (
    ErpAddress,
    ErpContact,
    ErpCustomer,
    ErpCustomField,
    ErpItem,
    ErpOrderLine,
    ErpSalesOrder,
)

SEED_ADDS = [
    (AUTOMATIC_CUSTOMER_IMPORT, "Add Billing Name", "billing_name"),
    (AUTOMATIC_CUSTOMER_IMPORT, "Add Shipping Name", "shipping_name"),
    (AUTOMATIC_CUSTOMER_IMPORT, "Add Customer Listing", "customer_listing"),
    (AUTOMATIC_CUSTOMER_IMPORT, "Add Customer Code", "customer_code"),
    (AUTOMATIC_ORDER_IMPORT, "Add Shipping Name", "shipping_name"),
    (AUTOMATIC_ORDER_IMPORT, "Add Customer Lookup", "customer_lookup"),
    (AUTOMATIC_UPDATE_PRODUCTS, "Add Item Code", "sku"),
    (AUTOMATIC_UPDATE_PRODUCTS, "Add Description 1", "name"),
    (AUTOMATIC_UPDATE_PRODUCTS, "Add Description 2", "description"),
]


def compiled(name: str) -> CompiledMapping:
    return compile_mapping(builtin_definition(name))


@pytest.mark.parametrize(("name", "label", "target"), SEED_ADDS)
def test_seed_add_fields_exist_on_the_defaults(name: str, label: str, target: str) -> None:
    rules = [r for r in builtin_definition(name).rules if r.label == label]
    assert len(rules) == 1
    assert rules[0].op == "add"
    assert rules[0].target == target


def test_all_builtins_compile() -> None:
    assert [compiled(n).name for n in BUILTIN_NAMES] == list(BUILTIN_NAMES)


def test_customer_import(customer: dict[str, Any]) -> None:
    record = compiled(AUTOMATIC_CUSTOMER_IMPORT).apply_to(customer)
    assert isinstance(record, ErpCustomer)
    assert record.customer_code == "BC-42"  # Add Customer Code
    assert record.customer_listing == "Müller, Ana"  # Add Customer Listing
    assert record.billing_name == "Ana Müller"  # Add Billing Name
    assert record.shipping_name == "Ana Müller"  # Add Shipping Name
    assert record.email == "ana@example.com"
    assert record.customer_group_id == 0  # falsy, kept
    assert record.shipping_address == ErpAddress(
        name="Ana Müller",
        company="Bäckerei",
        street_1="Hauptstr. 1",
        city="Köln",
        state="NRW",
        zip="50667",
        country="Germany",
        country_iso2="DE",
        phone="0221",
    )
    assert record.date_created == datetime(2019, 9, 4, 13, 45, 3, tzinfo=timezone.utc)


def test_customer_import_update_keeps_the_erp_code(customer: dict[str, Any]) -> None:
    values = compiled(AUTOMATIC_CUSTOMER_IMPORT).apply(customer, create=False)
    assert "customer_code" not in values


def test_customer_without_addresses(customer: dict[str, Any]) -> None:
    customer["addresses"] = []
    record = compiled(AUTOMATIC_CUSTOMER_IMPORT).apply_to(customer)
    assert record.shipping_address is None
    assert record.shipping_name == ""


def test_order_import(order: dict[str, Any]) -> None:
    record = compiled(AUTOMATIC_ORDER_IMPORT).apply_to(order)
    assert isinstance(record, ErpSalesOrder)
    assert record.external_ref == "101"
    assert record.order_date == datetime(2019, 3, 5, 21, 40, 11, tzinfo=timezone.utc)
    assert record.customer_external_id == 0  # guest, kept
    assert record.customer_lookup == "John Doe"  # Add Customer Lookup
    assert record.shipping_name == "Jane Roe"  # Add Shipping Name, first shipping address
    assert record.billing_name == "John Doe"
    assert record.notes == "Leave at door"
    assert record.staff_notes == ""
    assert record.total == Decimal("74.2500")
    assert record.subtotal == Decimal("62.6793")
    assert record.coupon_discount == Decimal(0)
    assert record.billing_address is not None
    assert record.billing_address.zip == "78701"
    assert record.shipping_address is not None
    assert record.shipping_address.name == "Jane Roe"
    assert record.shipping_method == "Flat Rate"
    assert [type(line) for line in record.lines] == [ErpOrderLine, ErpOrderLine]
    first, custom = record.lines
    assert (first.item_code, first.quantity, first.unit_price) == ("WID-1", Decimal(2), Decimal(10))
    assert not first.is_custom
    assert custom.is_custom
    assert custom.line_total == Decimal("0.0000")


def test_order_update_does_not_touch_external_ref(order: dict[str, Any]) -> None:
    assert "external_ref" not in compiled(AUTOMATIC_ORDER_IMPORT).apply(order, create=False)


def test_order_with_missing_last_names(order: dict[str, Any]) -> None:
    order["billing_address"]["first_name"] = ""
    del order["shipping_addresses"][0]["last_name"]
    values = compiled(AUTOMATIC_ORDER_IMPORT).apply(order)
    assert values["customer_lookup"] == "Doe"
    assert values["shipping_name"] == "Jane"


def test_order_description_is_truncated_without_splitting(order: dict[str, Any]) -> None:
    order["products"][0]["name"] = "e\u0301" * 40
    line = compiled(AUTOMATIC_ORDER_IMPORT).apply(order)["lines"][0]
    assert line["description"] == "e\u0301" * 30


def item() -> ErpItem:
    return ErpItem(
        item_code="WID-100",
        variant_code="BL",
        description_1="Widget",
        description_2="Large",
        extended_description="Solid steel.",
        price=Decimal("12.50"),
        weight=Decimal("1.2"),
        quantity_on_hand=Decimal(0),
        categories=[3, 5],
        custom_fields=[ErpCustomField(name="Material", value="Steel")],
    )


def test_update_products_create_and_update() -> None:
    mapping = compiled(AUTOMATIC_UPDATE_PRODUCTS)
    product = mapping.apply(item())
    assert product["sku"] == "WID-100-BL"  # Add Item Code
    assert product["name"] == "Widget Large"  # Add Description 1
    assert product["description"] == "Large\nSolid steel."  # Add Description 2
    assert product["price"] == Decimal("12.50")
    assert product["categories"] == [3, 5]
    assert product["custom_fields"] == [{"name": "Material", "value": "Steel"}]
    assert product["inventory_level"] == 0
    assert product["is_visible"] is True
    assert product["type"] == "physical"
    update = mapping.apply(item(), create=False)
    assert "type" not in update
    assert "inventory_tracking" not in update


def test_update_products_blank_extras_are_skipped() -> None:
    plain = ErpItem(item_code="A1", description_1="Plain", description_2="", variant_code="")
    product = compiled(AUTOMATIC_UPDATE_PRODUCTS).apply(plain)
    assert (product["sku"], product["name"], product["description"]) == ("A1", "Plain", "")


def test_inventory() -> None:
    values = compiled(AUTOMATIC_INVENTORY).apply(item())
    assert values == {"sku": "WID-100-BL", "quantity": 0, "location_id": 1}


def test_b2b_customer() -> None:
    contact = ErpContact(
        email=" Buyer@Example.com", first_name="Bo", last_name="Li", customer_group_id=3
    )
    values = compiled(AUTOMATIC_B2B_CUSTOMER).apply(contact)
    assert values["email"] == "buyer@example.com"
    assert values["customer_group_id"] == 3
    assert values["company"] == ""
