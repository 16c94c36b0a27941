"""Order, line-item and shipping-address records built from the template of constant fields.

Copying a template of the constant fields is much cheaper than a 55-key literal, which matters
when seeding 100k orders; ``None`` in a template marks a field set per record.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from bigcommerce_connect.sandbox.indexes import WatchedRow
from bigcommerce_connect.sandbox.rows import ZERO, Row

_LINE_TEMPLATE: dict[str, Any] = {
    "id": None,  # set per line
    "order_id": None,  # set per line
    "product_id": None,  # set per line
    "variant_id": None,  # set per line
    "order_address_id": None,  # set per line
    "name": None,  # set per line
    "name_customer": None,  # set per line
    "name_merchant": None,  # set per line
    "sku": None,  # set per line
    "upc": "",
    "type": "physical",
    "base_price": None,  # set per line
    "price_ex_tax": None,  # set per line
    "price_inc_tax": None,  # set per line
    "price_tax": ZERO,
    "base_total": None,  # set per line
    "total_ex_tax": None,  # set per line
    "total_inc_tax": None,  # set per line
    "total_tax": ZERO,
    "weight": Decimal("1"),
    "width": ZERO,
    "height": ZERO,
    "depth": ZERO,
    "quantity": None,  # set per line
    "base_cost_price": ZERO,
    "cost_price_inc_tax": ZERO,
    "cost_price_ex_tax": ZERO,
    "cost_price_tax": ZERO,
    "is_refunded": False,
    "quantity_refunded": 0,
    "refund_amount": ZERO,
    "return_id": 0,
    "wrapping_id": 0,
    "wrapping_name": "",
    "base_wrapping_cost": ZERO,
    "wrapping_cost_ex_tax": ZERO,
    "wrapping_cost_inc_tax": ZERO,
    "wrapping_cost_tax": ZERO,
    "wrapping_message": "",
    "quantity_shipped": 0,
    "fixed_shipping_cost": ZERO,
    "ebay_item_id": "",
    "ebay_transaction_id": "",
    "option_set_id": None,  # set per line
    "parent_order_product_id": None,
    "is_bundled_product": False,
    "bin_picking_number": "",
    "external_id": None,
    "brand": "",
    "applied_discounts": None,  # set per line
    "product_options": None,  # set per line
    "configurable_fields": None,  # set per line
}


def line_record(
    line_id: int,
    order_id: int,
    address_id: int,
    product: Row | None,
    variant: Row | None,
    qty: int,
    price: Decimal,
) -> Row:
    """A line item (``product`` ``None``: a custom line with no catalog product)."""
    if product is None or variant is None:
        name, sku, pid, vid = "Custom engraving — «Für Élise»", "", 0, 0
    else:
        name, sku, pid, vid = product["name"], variant["sku"], product["id"], variant["id"]
    total = price * qty
    options = [
        {
            "id": line_id * 10 + i,
            "option_id": ov["option_id"],
            "order_product_id": line_id,
            "product_option_id": 100 + ov["option_id"],
            "display_name": ov["option_display_name"],
            "display_value": ov["label"],
            "value": str(ov["id"]),
            "type": "Multiple choice",
            "name": ov["option_display_name"],
            "display_style": "Rectangle",
        }
        for i, ov in enumerate(variant["option_values"] if variant else [])
    ]
    line = _LINE_TEMPLATE.copy()
    line.update(
        id=line_id,
        order_id=order_id,
        product_id=pid,
        variant_id=vid,
        order_address_id=address_id,
        name=name,
        name_customer=name,
        name_merchant=name,
        sku=sku,
        base_price=price,
        price_ex_tax=price,
        price_inc_tax=price,
        base_total=total,
        total_ex_tax=total,
        total_inc_tax=total,
        quantity=qty,
        option_set_id=1 if options else None,
        applied_discounts=[],
        product_options=options,
        configurable_fields=[],
    )
    return line


def shipping_address_record(order: Row, address_id: int, items: int, shipping: Decimal) -> Row:
    """The shipping address of an order: its billing address plus the shipping costs."""
    billing = order["billing_address"]
    address = {k: v for k, v in billing.items() if k != "form_fields"}
    address.update(
        id=address_id,
        order_id=order["id"],
        items_total=items,
        items_shipped=0,
        shipping_method="Flat Rate",
        base_cost=shipping,
        cost_ex_tax=shipping,
        cost_inc_tax=shipping,
        cost_tax=ZERO,
        cost_tax_class_id=2,
        base_handling_cost=ZERO,
        handling_cost_ex_tax=ZERO,
        handling_cost_inc_tax=ZERO,
        handling_cost_tax=ZERO,
        handling_cost_tax_class_id=2,
        shipping_zone_id=1,
        shipping_zone_name="United States",
        form_fields=[],
    )
    return address


_ORDER_TEMPLATE: dict[str, Any] = {
    "id": None,  # set per order
    "customer_id": None,  # set per order
    "date_created": None,  # set per order
    "date_modified": None,  # set per order
    "date_shipped": "",
    "status_id": None,  # set per order
    "subtotal_ex_tax": None,  # set per order
    "subtotal_inc_tax": None,  # set per order
    "subtotal_tax": ZERO,
    "base_shipping_cost": None,  # set per order
    "shipping_cost_ex_tax": None,  # set per order
    "shipping_cost_inc_tax": None,  # set per order
    "shipping_cost_tax": ZERO,
    "shipping_cost_tax_class_id": 0,
    "base_handling_cost": ZERO,
    "handling_cost_ex_tax": ZERO,
    "handling_cost_inc_tax": ZERO,
    "handling_cost_tax": ZERO,
    "handling_cost_tax_class_id": 0,
    "base_wrapping_cost": ZERO,
    "wrapping_cost_ex_tax": ZERO,
    "wrapping_cost_inc_tax": ZERO,
    "wrapping_cost_tax": ZERO,
    "wrapping_cost_tax_class_id": 0,
    "total_ex_tax": None,  # set per order
    "total_inc_tax": None,  # set per order
    "total_tax": ZERO,
    "is_tax_inclusive_pricing": False,
    "items_total": 0,
    "items_shipped": 0,
    "payment_method": "Credit Card",
    "payment_provider_id": "",
    "payment_status": "captured",
    "refunded_amount": ZERO,
    "order_is_digital": False,
    "store_credit_amount": ZERO,
    "gift_certificate_amount": ZERO,
    "ip_address": "",
    "ip_address_v6": "",
    "geoip_country": "",
    "geoip_country_iso2": "",
    "currency_id": 1,
    "currency_code": "USD",
    "currency_exchange_rate": "1.0000000000",
    "default_currency_id": 1,
    "default_currency_code": "USD",
    "staff_notes": "",
    "customer_message": "",
    "discount_amount": ZERO,
    "coupon_discount": ZERO,
    "shipping_address_count": 1,
    "is_deleted": False,
    "ebay_order_id": "0",
    "cart_id": "",
    "billing_address": None,  # set per order
    "is_email_opt_in": False,
    "credit_card_type": None,
    "order_source": "www",
    "channel_id": 1,
    "external_source": None,
    "external_id": None,
    "external_merchant_id": None,
    "tax_provider_id": "BasicTaxProvider",
    "customer_locale": "en",
    "external_order_id": "",
    "store_default_currency_code": "USD",
    "store_default_to_transactional_exchange_rate": "1.0000000000",
}


def order_record(
    order_id: int,
    customer_id: int,
    created: datetime,
    modified: datetime,
    status_id: int,
    subtotal: Decimal,
    shipping: Decimal,
) -> Row:
    """An order record; the caller fills in the billing address and the extras."""
    total = subtotal + shipping
    order = WatchedRow(_ORDER_TEMPLATE)  # the orders table indexes it by status
    dict.update(
        order,
        id=order_id,
        customer_id=customer_id,
        date_created=created,
        date_modified=modified,
        status_id=status_id,
        subtotal_ex_tax=subtotal,
        subtotal_inc_tax=subtotal,
        base_shipping_cost=shipping,
        shipping_cost_ex_tax=shipping,
        shipping_cost_inc_tax=shipping,
        total_ex_tax=total,
        total_inc_tax=total,
        billing_address={},
    )
    return order
