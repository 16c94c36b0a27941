"""The built-in "automatic" mappings.

======================================  =================  ====================================
name                                    source             target
======================================  =================  ====================================
``automatic:customer_import``           v3 customer dict   ``ErpCustomer``
``automatic:order_import``              v2 order dict      ``ErpSalesOrder`` (+ lines, addresses)
``automatic:update_products``           ``ErpItem``        ``BcProduct`` (v3 product fields)
``automatic:inventory``                 ``ErpItem``        ``BcInventoryItem``
``automatic:b2b_customer``              ``ErpContact``     ``BcCustomer`` (v3 customer fields)
``automatic:item_import``               catalog item       ``ErpItem`` (the item import)
======================================  =================  ====================================

They are written below in the stored definition format, so they read like a saved mapping and
are validated like one. The seed product's named *Add* fields are labelled rules:

* customer import: **Add Customer Code** (``"BC"`` + ``-`` + customer id, on create only),
  **Add Customer Listing** (``last_name`` + ``", "`` + ``first_name``), **Add Billing Name**
  (first + last name), **Add Shipping Name** (first + last name of the first address);
* order import: **Add Shipping Name** (first + last name of the first shipping address),
  **Add Customer Lookup** (billing first + last name: what the ERP customer is looked up by),
  plus **Add Billing Name**;
* update products (and inventory): the ERP item's Item Code, Description 1 and Description 2
  feed the product's ``sku``, ``name`` and ``description``; the *Add* rules append an extra
  source to those targets, as they do on the seed's item update: **Add Item Code**
  (``variant_code``, joined with ``-``), **Add Description 1** (``description_2`` onto the name),
  **Add Description 2** (``extended_description`` onto the description, on a new line);
* item import (the seed's *Update Item Import*): a store product or variant (see
  :mod:`bigcommerce_connect.sync.items`) to an ERP item. The SKU is the Item Code of a new item
  (an existing item keeps its code), the name is Description 1, and **Add Description 1**
  appends a variant's option labels; the description becomes the extended description and
  Description 2 is cleared, so the product export builds the same name and description back.
  A saved mapping can read the stored item under ``existing.`` (``existing.item_code``) and
  append to it with **Add Item Code**, **Add Description 1** and **Add Description 2**.
"""

from __future__ import annotations

import functools
from typing import Any, Final

from bigcommerce_connect.mapping.definition import load_definition
from bigcommerce_connect.mapping.rules import MappingDefinition

__all__ = [
    "AUTOMATIC_B2B_CUSTOMER",
    "AUTOMATIC_CUSTOMER_IMPORT",
    "AUTOMATIC_INVENTORY",
    "AUTOMATIC_ITEM_IMPORT",
    "AUTOMATIC_ORDER_IMPORT",
    "AUTOMATIC_UPDATE_PRODUCTS",
    "BUILTIN_NAMES",
    "BUILTIN_PREFIX",
    "builtin_data",
    "builtin_definition",
    "builtin_definitions",
]

BUILTIN_PREFIX: Final = "automatic:"
AUTOMATIC_CUSTOMER_IMPORT: Final = "automatic:customer_import"
AUTOMATIC_ORDER_IMPORT: Final = "automatic:order_import"
AUTOMATIC_UPDATE_PRODUCTS: Final = "automatic:update_products"
AUTOMATIC_INVENTORY: Final = "automatic:inventory"
AUTOMATIC_B2B_CUSTOMER: Final = "automatic:b2b_customer"
AUTOMATIC_ITEM_IMPORT: Final = "automatic:item_import"
BUILTIN_NAMES: Final = (
    AUTOMATIC_CUSTOMER_IMPORT,
    AUTOMATIC_ORDER_IMPORT,
    AUTOMATIC_UPDATE_PRODUCTS,
    AUTOMATIC_INVENTORY,
    AUTOMATIC_B2B_CUSTOMER,
    AUTOMATIC_ITEM_IMPORT,
)

_MONEY: Final = ["decimal"]


def _r(source: str, target: str, *transform: Any, **extra: Any) -> dict[str, Any]:
    """A rule in the stored format (keeps the tables below one line per rule)."""
    rule: dict[str, Any] = {"source": source, "target": target}
    if transform:
        rule["transform"] = list(transform)
    rule.update(extra)
    return rule


def _add(label: str, source: str, target: str, *transform: Any, **extra: Any) -> dict[str, Any]:
    return {"label": label, **_r(source, target, *transform, op="add", **extra)}


def _child(
    source: str, target: str, child_target: str, rules: list[Any], many: bool = True
) -> dict[str, Any]:
    child: dict[str, Any] = {"target": child_target, "rules": rules}
    if not many:
        child["many"] = False
    return {"source": source, "target": target, "child": child}


# v2 order billing/shipping address → ErpAddress.
_V2_ADDRESS: Final = [
    _r("first_name", "name"),
    _add("Add Name", "last_name", "name"),
    _r("company", "company"),
    _r("street_1", "street_1"),
    _r("street_2", "street_2"),
    _r("city", "city"),
    _r("state", "state"),
    _r("zip", "zip", "text"),  # the spec types zip as a number; the ERP wants text
    _r("country", "country"),
    _r("country_iso2", "country_iso2"),
    _r("phone", "phone", "text"),
    _r("email", "email"),
]

# v3 customer address → ErpAddress.
_V3_ADDRESS: Final = [
    _r("first_name", "name"),
    _add("Add Name", "last_name", "name"),
    _r("company", "company"),
    _r("address1", "street_1"),
    _r("address2", "street_2"),
    _r("city", "city"),
    _r("state_or_province", "state"),
    _r("postal_code", "zip", "text"),
    _r("country", "country"),
    _r("country_code", "country_iso2"),
    _r("phone", "phone", "text"),
]

_CUSTOMER_IMPORT: Final = {
    "format": 1,
    "name": AUTOMATIC_CUSTOMER_IMPORT,
    "kind": "customer_import",
    "target": "ErpCustomer",
    "description": "BigCommerce v3 customer to ERP customer; addresses[0] is billing and shipping.",
    "rules": [
        {"constant": "BC", "target": "customer_code", "on_create_only": True},
        _add("Add Customer Code", "id", "customer_code", separator="-", on_create_only=True),
        _r("last_name", "customer_listing", "strip"),
        _add("Add Customer Listing", "first_name", "customer_listing", "strip", separator=", "),
        _r("first_name", "first_name"),
        _r("last_name", "last_name"),
        _r("company", "company"),
        _r("email", "email", "strip"),
        _r("phone", "phone", "text"),
        _r("customer_group_id", "customer_group_id"),
        _r("notes", "notes"),
        _r("first_name", "billing_name"),
        _add("Add Billing Name", "last_name", "billing_name"),
        _child("addresses[0]", "billing_address", "ErpAddress", _V3_ADDRESS, many=False),
        _r("addresses[0].first_name", "shipping_name"),
        _add("Add Shipping Name", "addresses[0].last_name", "shipping_name"),
        _child("addresses[0]", "shipping_address", "ErpAddress", _V3_ADDRESS, many=False),
        _r("id", "external_id"),
        _r("date_created", "date_created", "date"),
        _r("date_modified", "date_modified", "date"),
    ],
}

_ORDER_LINE: Final = [
    _r("id", "external_line_id"),
    _r("product_id", "product_id"),
    _r("variant_id", "variant_id"),
    # product_id 0 marks a custom (non-catalog) line.
    _r("product_id", "is_custom", ["lookup", {"0": True}, False]),
    _r("sku", "item_code"),
    _r("name", "description", ["truncate", 60]),
    _r("quantity", "quantity", *_MONEY),
    _r("price_ex_tax", "unit_price", *_MONEY),
    _r("price_inc_tax", "unit_price_inc_tax", *_MONEY),
    _r("total_ex_tax", "line_total", *_MONEY),
    _r("total_inc_tax", "line_total_inc_tax", *_MONEY),
    _r("is_bundled_product", "is_bundled_product"),
    _r("parent_order_product_id", "parent_line_id"),
    _r("product_options", "options"),
]

_ORDER_IMPORT: Final = {
    "format": 1,
    "name": AUTOMATIC_ORDER_IMPORT,
    "kind": "order_import",
    "target": "ErpSalesOrder",
    "description": "BigCommerce v2 order (products, shipping_addresses embedded) to ERP order.",
    "rules": [
        _r("id", "external_ref", "text", on_create_only=True),
        _r("date_created", "order_date", "date"),
        _r("status_id", "status_id"),
        _r("customer_id", "customer_external_id"),
        _r("billing_address.first_name", "customer_lookup"),
        _add("Add Customer Lookup", "billing_address.last_name", "customer_lookup"),
        _r("billing_address.email", "customer_email"),
        _r("currency_code", "currency"),
        _r("payment_method", "payment_method"),
        _r("payment_status", "payment_status"),
        _r("customer_message", "notes", "strip"),
        _r("staff_notes", "staff_notes"),
        _r("order_source", "order_source"),
        # Text fields: a null (an order from no outside channel) is "", never None.
        _r("external_source", "external_source", "text", ["default", ""]),
        _r("external_id", "external_order_id", "text", ["default", ""]),
        _r("ebay_order_id", "ebay_order_id", "text", ["default", ""]),
        _r("billing_address.first_name", "billing_name"),
        _add("Add Billing Name", "billing_address.last_name", "billing_name"),
        _child("billing_address", "billing_address", "ErpAddress", _V2_ADDRESS, many=False),
        _r("shipping_addresses[0].first_name", "shipping_name"),
        _add("Add Shipping Name", "shipping_addresses[0].last_name", "shipping_name"),
        _child("shipping_addresses[0]", "shipping_address", "ErpAddress", _V2_ADDRESS, many=False),
        _r("shipping_addresses[0].shipping_method", "shipping_method"),
        _r("subtotal_ex_tax", "subtotal", *_MONEY),
        _r("subtotal_inc_tax", "subtotal_inc_tax", *_MONEY),
        _r("shipping_cost_ex_tax", "shipping", *_MONEY),
        _r("shipping_cost_inc_tax", "shipping_inc_tax", *_MONEY),
        _r("handling_cost_inc_tax", "handling", *_MONEY),
        _r("discount_amount", "discount", *_MONEY),
        _r("coupon_discount", "coupon_discount", *_MONEY),
        _r("total_tax", "tax", *_MONEY),
        _r("total_ex_tax", "total_ex_tax", *_MONEY),
        _r("total_inc_tax", "total", *_MONEY),
        _child("products", "lines", "ErpOrderLine", _ORDER_LINE),
    ],
}

_CUSTOM_FIELD: Final = [
    _r("name", "name", ["truncate", 250]),
    _r("value", "value", "text", ["truncate", 250]),
]

_UPDATE_PRODUCTS: Final = {
    "format": 1,
    "name": AUTOMATIC_UPDATE_PRODUCTS,
    "kind": "update_products",
    "target": "BcProduct",
    "description": "ERP item to BigCommerce v3 product fields (categories replace on update).",
    "rules": [
        _r("item_code", "sku"),
        _add("Add Item Code", "variant_code", "sku", separator="-"),
        _r("description_1", "name", "strip"),
        _add("Add Description 1", "description_2", "name", "strip"),
        _r("description_2", "description"),
        _add("Add Description 2", "extended_description", "description", separator="\n"),
        _r("price", "price", *_MONEY),
        _r("cost", "cost_price", *_MONEY),
        _r("weight", "weight", *_MONEY),
        _r("upc", "upc"),
        _r("categories", "categories"),
        _child("custom_fields", "custom_fields", "BcCustomField", _CUSTOM_FIELD),
        _r("is_active", "is_visible"),
        _r("quantity_on_hand", "inventory_level", "int"),
        {"constant": "physical", "target": "type", "on_create_only": True},
        {"constant": "product", "target": "inventory_tracking", "on_create_only": True},
    ],
}

_INVENTORY: Final = {
    "format": 1,
    "name": AUTOMATIC_INVENTORY,
    "kind": "inventory",
    "target": "BcInventoryItem",
    "description": "ERP item stock to an inventory adjustment item (location 1 when unset).",
    "rules": [
        _r("item_code", "sku"),
        _add("Add Item Code", "variant_code", "sku", separator="-"),
        _r("quantity_on_hand", "quantity", "int"),
        _r("location_id", "location_id", ["default", 1]),
    ],
}

_B2B_CUSTOMER: Final = {
    "format": 1,
    "name": AUTOMATIC_B2B_CUSTOMER,
    "kind": "b2b_customer",
    "target": "BcCustomer",
    "description": "ERP contact to BigCommerce v3 customer (group = the contact's price tier).",
    "rules": [
        _r("email", "email", "strip", "lower"),
        _r("first_name", "first_name"),
        _r("last_name", "last_name"),
        _r("company", "company"),
        _r("phone", "phone"),
        _r("customer_group_id", "customer_group_id", "int"),
        _r("notes", "notes"),
    ],
}

_ITEM_CUSTOM_FIELD: Final = [_r("name", "name"), _r("value", "value", "text")]

_ITEM_IMPORT: Final = {
    "format": 1,
    "name": AUTOMATIC_ITEM_IMPORT,
    "kind": "item_import",
    "target": "ErpItem",
    "description": "BigCommerce product or variant to ERP item (the seed's Update Item Import).",
    "rules": [
        # A new item's code is the SKU; an existing one keeps its code and variant code, so
        # the SKU the product export builds from them stays the store's.
        _r("sku", "item_code", "strip", on_create_only=True),
        _r("name", "description_1", "strip"),
        _add("Add Description 1", "options", "description_1", "strip"),
        # The store has one name and one description: Description 2 is cleared so the
        # export's Add Description 1/2 build the same name and description back.
        {"constant": "", "target": "description_2"},
        _r("description", "extended_description", ["default", ""]),
        _r("price", "price", *_MONEY),
        _r("cost_price", "cost", *_MONEY),
        _r("weight", "weight", *_MONEY),
        _r("upc", "upc", "text", ["default", ""]),
        _r("categories", "categories"),
        _child("custom_fields", "custom_fields", "ErpCustomField", _ITEM_CUSTOM_FIELD),
        _r("is_visible", "is_active", ["default", True]),
        _r("inventory_level", "quantity_on_hand", *_MONEY, on_create_only=True),
        _r("product_id", "external_id"),
    ],
}

_ALL: Final = (
    _CUSTOMER_IMPORT,
    _ORDER_IMPORT,
    _UPDATE_PRODUCTS,
    _INVENTORY,
    _B2B_CUSTOMER,
    _ITEM_IMPORT,
)


def builtin_data(name: str) -> dict[str, Any]:
    """The stored-format data of a built-in mapping (a fresh copy, safe to edit).

    Raises:
        KeyError: ``name`` is not a built-in name.
    """
    import copy

    for data in _ALL:
        if data["name"] == name:
            return copy.deepcopy(data)
    raise KeyError(name)


@functools.cache
def builtin_definitions() -> tuple[MappingDefinition, ...]:
    """All built-in mappings, validated (once)."""
    return tuple(load_definition(builtin_data(str(d["name"]))) for d in _ALL)


def builtin_definition(name: str) -> MappingDefinition:
    """One built-in mapping by name (see :data:`BUILTIN_NAMES`).

    Raises:
        KeyError: ``name`` is not a built-in name.
    """
    for definition in builtin_definitions():
        if definition.name == name:
            return definition
    raise KeyError(name)
