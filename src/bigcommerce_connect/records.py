"""The canonical ERP record shapes.

These frozen attrs classes are what the built-in mappings produce (imports) or read (exports).
A host can use them as-is, or point mappings at its own field names instead (see
:mod:`bigcommerce_connect.mapping.targets`). Every field has a default, so a mapping output that
fills only some fields still builds a record
(:func:`bigcommerce_connect.mapping.build_record`).

Conventions: money is ``Decimal`` (never float), dates are timezone-aware ``datetime``; text
defaults to ``""``; numbers, dates and money default to ``None`` ("unknown"), which is kept
apart from ``0``.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

import attrs

__all__ = [
    "ErpAddress",
    "ErpContact",
    "ErpCustomField",
    "ErpCustomer",
    "ErpItem",
    "ErpOrderLine",
    "ErpSalesOrder",
    "item_sku",
]


@attrs.frozen(kw_only=True)
class ErpAddress:
    """A postal address as an ERP stores it.

    Attributes:
        name: addressee ("John Doe"); the defaults join first and last name with *Add*.
        company: company name.
        street_1: first street line (BigCommerce ``street_1`` / ``address1``).
        street_2: second street line.
        city: city.
        state: state or province, full name as BigCommerce sends it.
        zip: postal code, always text (BigCommerce sometimes types it as a number).
        country: country name.
        country_iso2: ISO 3166-1 alpha-2 country code.
        phone: phone number, as text.
        email: e-mail address.
    """

    name: str = ""
    company: str = ""
    street_1: str = ""
    street_2: str = ""
    city: str = ""
    state: str = ""
    zip: str = ""
    country: str = ""
    country_iso2: str = ""
    phone: str = ""
    email: str = ""


@attrs.frozen(kw_only=True)
class ErpCustomer:
    """A customer account in the ERP (target of the customer import).

    Attributes:
        customer_code: the ERP's customer code (key of the account); the default mapping builds
            ``BC-<id>`` with *Add Customer Code*, and the settings' *Code* goes in front.
        customer_listing: the name the ERP lists the account under ("Doe, John"), built with
            *Add Customer Listing*.
        first_name: contact first name.
        last_name: contact last name.
        company: company name.
        email: e-mail address (unique per BigCommerce store).
        phone: phone number.
        customer_group_id: BigCommerce customer group (B2B price tier), ``None`` if unknown.
        price_level: the ERP price level; with B2B on, the importer sets the group's name.
        notes: free notes.
        billing_name: name on invoices, built with *Add Billing Name*.
        billing_address: the billing address, if known.
        shipping_name: name on deliveries, built with *Add Shipping Name*.
        shipping_address: the default delivery address, if known.
        external_id: the BigCommerce customer id.
        date_created: when the store account was created.
        date_modified: when the store account last changed.
    """

    customer_code: str = ""
    customer_listing: str = ""
    first_name: str = ""
    last_name: str = ""
    company: str = ""
    email: str = ""
    phone: str = ""
    customer_group_id: int | None = None
    price_level: str = ""
    notes: str = ""
    billing_name: str = ""
    billing_address: ErpAddress | None = None
    shipping_name: str = ""
    shipping_address: ErpAddress | None = None
    external_id: int | None = None
    date_created: datetime | None = None
    date_modified: datetime | None = None


@attrs.frozen(kw_only=True)
class ErpOrderLine:
    """One line of a sales order.

    Attributes:
        external_line_id: the BigCommerce order-line id (used for shipments).
        product_id: the BigCommerce product id; ``0`` for a custom (non-catalog) line.
        variant_id: the BigCommerce variant id.
        is_custom: ``True`` for custom lines (``product_id`` 0).
        item_code: the ERP item code (the defaults use the SKU).
        description: line description (the product name, truncated to 60 characters).
        quantity: ordered quantity.
        unit_price: price per unit excluding tax.
        unit_price_inc_tax: price per unit including tax.
        line_total: line total excluding tax.
        line_total_inc_tax: line total including tax.
        is_bundled_product: ``True`` for a child line of a pick-list bundle (do not count twice).
        parent_line_id: the parent line of a bundled child line.
        options: the raw product options (``[{display_name, display_value, ...}]``).
        item_id: the ERP item the importer found for the SKU (variants first); ``""`` if none.
    """

    external_line_id: int | None = None
    product_id: int | None = None
    variant_id: int | None = None
    is_custom: bool = False
    item_code: str = ""
    description: str = ""
    quantity: Decimal | None = None
    unit_price: Decimal | None = None
    unit_price_inc_tax: Decimal | None = None
    line_total: Decimal | None = None
    line_total_inc_tax: Decimal | None = None
    is_bundled_product: bool = False
    parent_line_id: int | None = None
    options: list[Any] = attrs.field(factory=list)
    item_id: str = ""


@attrs.frozen(kw_only=True)
class ErpSalesOrder:
    """A sales order in the ERP (target of the order import).

    Attributes:
        external_ref: the BigCommerce order id, as text (only set on create by the defaults),
            with the settings' *Code* in front.
        order_date: when the order was placed.
        status_id: the BigCommerce status id (map on the id, never on the renamable label).
        customer_external_id: the BigCommerce customer id; ``0`` for a guest order.
        customer_lookup: what the importer searches the ERP customer by (after the binding,
            before the e-mail; ``CustomerRepository.find_by_lookup``), built with *Add Customer
            Lookup* (billing first + last name by default).
        customer_email: billing e-mail (identifies guests).
        currency: ISO currency code.
        payment_method: payment method label.
        payment_status: payment status (``captured``, ``paid``, ...).
        notes: the customer's message.
        staff_notes: internal notes.
        order_source: ``www``, ``external``, ``manual``...
        external_source: where an outside channel's order came from (``ebay``, ``M-MIG``...);
            ``""`` for an order from no outside channel.
        external_order_id: the outside channel's own order id (``external_id``); ``""`` if none.
        ebay_order_id: the eBay order id of an eBay order (``"0"`` on other orders).
        billing_name: name on the invoice.
        billing_address: billing address.
        shipping_name: name on the delivery, built with *Add Shipping Name*.
        shipping_address: the first shipping address.
        shipping_method: the first shipping address's method.
        subtotal: subtotal excluding tax.
        subtotal_inc_tax: subtotal including tax.
        shipping: shipping cost excluding tax.
        shipping_inc_tax: shipping cost including tax.
        handling: handling cost including tax.
        discount: order discount amount.
        coupon_discount: coupon discount amount.
        tax: total tax.
        total_ex_tax: order total excluding tax.
        total: order total including tax.
        lines: the order lines.
    """

    external_ref: str = ""
    order_date: datetime | None = None
    status_id: int | None = None
    customer_external_id: int | None = None
    customer_lookup: str = ""
    customer_email: str = ""
    currency: str = ""
    payment_method: str = ""
    payment_status: str = ""
    notes: str = ""
    staff_notes: str = ""
    order_source: str = ""
    external_source: str = ""
    external_order_id: str = ""
    ebay_order_id: str = ""
    billing_name: str = ""
    billing_address: ErpAddress | None = None
    shipping_name: str = ""
    shipping_address: ErpAddress | None = None
    shipping_method: str = ""
    subtotal: Decimal | None = None
    subtotal_inc_tax: Decimal | None = None
    shipping: Decimal | None = None
    shipping_inc_tax: Decimal | None = None
    handling: Decimal | None = None
    discount: Decimal | None = None
    coupon_discount: Decimal | None = None
    tax: Decimal | None = None
    total_ex_tax: Decimal | None = None
    total: Decimal | None = None
    lines: list[ErpOrderLine] = attrs.field(factory=list)


@attrs.frozen(kw_only=True)
class ErpCustomField:
    """A name/value pair the ERP keeps on an item (exported as a product custom field).

    Attributes:
        name: field name (BigCommerce: 1–250 characters).
        value: field value (BigCommerce: 1–250 characters).
    """

    name: str = ""
    value: str = ""


@attrs.frozen(kw_only=True)
class ErpItem:
    """An inventory item in the ERP (source of the product and inventory exports).

    Attributes:
        item_code: the ERP item code; becomes the product SKU.
        variant_code: optional suffix the ERP keeps beside the code (revision, colour...);
            *Add Item Code* appends it to the SKU with ``-`` when not blank.
        description_1: first description line; becomes the product name.
        description_2: second description line; *Add Description 1* appends it to the name,
            and it opens the product description.
        extended_description: long text; *Add Description 2* appends it to the description
            (on a new line).
        price: selling price.
        cost: cost price.
        weight: shipping weight (store units).
        upc: barcode.
        quantity_on_hand: stock on hand (for the inventory export).
        location_id: BigCommerce inventory location id (``None`` = default location).
        categories: BigCommerce category ids (replaces the product's categories on update).
        custom_fields: extra name/value pairs exported as product custom fields.
        is_active: ``False`` hides the product in the store.
        external_id: the BigCommerce product id once bound.
    """

    item_code: str = ""
    variant_code: str = ""
    description_1: str = ""
    description_2: str = ""
    extended_description: str = ""
    price: Decimal | None = None
    cost: Decimal | None = None
    weight: Decimal | None = None
    upc: str = ""
    quantity_on_hand: Decimal | None = None
    location_id: int | None = None
    categories: list[int] = attrs.field(factory=list)
    custom_fields: list[ErpCustomField] = attrs.field(factory=list)
    is_active: bool = True
    external_id: int | None = None


@attrs.frozen(kw_only=True)
class ErpContact:
    """A B2B contact in the ERP (source of the B2B customer export).

    Attributes:
        contact_code: the ERP contact code.
        customer_code: the ERP account the contact belongs to.
        first_name: first name.
        last_name: last name.
        company: company name.
        email: e-mail address (the store's customer key).
        phone: phone number.
        customer_group_id: BigCommerce customer group for the contact's price level.
        notes: notes copied to the store customer.
        external_id: the BigCommerce customer id once bound.
        price_level: the ERP price level (B2B: one store customer group and price list each).
    """

    contact_code: str = ""
    customer_code: str = ""
    first_name: str = ""
    last_name: str = ""
    company: str = ""
    email: str = ""
    phone: str = ""
    customer_group_id: int | None = None
    notes: str = ""
    external_id: int | None = None
    price_level: str = ""


def item_sku(item: ErpItem) -> str:
    """The SKU the automatic mappings build: the item code, ``-variant code`` when set.

    What ``automatic:update_products`` and ``automatic:inventory`` give; a saved mapping may
    build another (the stock sources apply the mapping itself).
    """
    return f"{item.item_code}-{item.variant_code}" if item.variant_code else item.item_code
