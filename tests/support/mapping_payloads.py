"""Sample payloads for the mapping tests (wire shapes as BigCommerce sends them)."""

from __future__ import annotations

from typing import Any


def v2_address(first: str = "John", last: str = "Doe") -> dict[str, Any]:
    """A v2 order billing address."""
    return {
        "first_name": first,
        "last_name": last,
        "company": "Acme",
        "street_1": "1 Main St",
        "street_2": "",
        "city": "Austin",
        "state": "Texas",
        "zip": 78701,
        "country": "United States",
        "country_iso2": "US",
        "phone": "555-0100",
        "email": "john@example.com",
    }


def v2_order() -> dict[str, Any]:
    """A v2 order with two lines (one custom) and one shipping address."""
    return {
        "id": 101,
        "customer_id": 0,
        "date_created": "Tue, 05 Mar 2019 21:40:11 +0000",
        "status_id": 11,
        "subtotal_ex_tax": "62.6793",
        "subtotal_inc_tax": "68.0000",
        "total_ex_tax": "67.6793",
        "total_inc_tax": "74.2500",
        "total_tax": "6.5707",
        "shipping_cost_ex_tax": "5.0000",
        "shipping_cost_inc_tax": "5.5000",
        "handling_cost_inc_tax": "0.0000",
        "discount_amount": "0.0000",
        "coupon_discount": 0,
        "currency_code": "USD",
        "payment_method": "Credit Card",
        "payment_status": "captured",
        "customer_message": "  Leave at door ",
        "staff_notes": "",
        "order_source": "www",
        "billing_address": v2_address(),
        "shipping_addresses": [
            {**v2_address("Jane", "Roe"), "id": 7, "shipping_method": "Flat Rate"}
        ],
        "products": [
            {
                "id": 1,
                "product_id": 77,
                "variant_id": 5,
                "sku": "WID-1",
                "name": "Widget",
                "quantity": 2,
                "price_ex_tax": "10.0000",
                "price_inc_tax": "11.0000",
                "total_ex_tax": "20.0000",
                "total_inc_tax": "22.0000",
                "is_bundled_product": False,
                "parent_order_product_id": None,
                "product_options": [],
            },
            {
                "id": 2,
                "product_id": 0,
                "variant_id": 0,
                "sku": "",
                "name": "Custom engraving",
                "quantity": 1,
                "price_ex_tax": "0.0000",
                "price_inc_tax": "0.0000",
                "total_ex_tax": "0.0000",
                "total_inc_tax": "0.0000",
                "is_bundled_product": False,
                "parent_order_product_id": None,
                "product_options": [],
            },
        ],
    }


def v3_customer() -> dict[str, Any]:
    """A v3 customer with one address."""
    return {
        "id": 42,
        "email": " ana@example.com ",
        "first_name": "Ana",
        "last_name": "Müller",
        "company": "",
        "phone": "555",
        "customer_group_id": 0,
        "notes": "",
        "date_created": "2019-09-04T13:45:03Z",
        "date_modified": "2019-09-05T10:00:00+02:00",
        "addresses": [
            {
                "first_name": "Ana",
                "last_name": "Müller",
                "company": "Bäckerei",
                "address1": "Hauptstr. 1",
                "address2": "",
                "city": "Köln",
                "state_or_province": "NRW",
                "postal_code": "50667",
                "country": "Germany",
                "country_code": "DE",
                "phone": "0221",
            }
        ],
    }
