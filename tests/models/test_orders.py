"""v2 orders: wire examples from the orders spec, consignment flattening, round trips."""

from __future__ import annotations

import copy
import json
from datetime import datetime, timezone
from decimal import Decimal
from typing import Any

import pytest

from bigcommerce_connect.models import (
    ModelError,
    Order,
    OrderCounts,
    OrderProduct,
    OrderStatusInfo,
    ShippingAddress,
    structure,
    to_wire,
    unstructure,
)
from bigcommerce_connect.status import OrderStatus

UTC = timezone.utc

# Trimmed from the spec's order_Resp "Response" example (orders.v2.oas2.yml).
ORDER_218: dict[str, Any] = {
    "id": 218,
    "customer_id": 11,
    "date_created": "Tue, 05 Mar 2019 21:40:11 +0000",
    "date_modified": "Mon, 11 Mar 2019 15:17:25 +0000",
    "date_shipped": "",
    "status_id": 7,
    "status": "Awaiting Payment",
    "subtotal_ex_tax": "62.6793",
    "subtotal_inc_tax": "67.8400",
    "subtotal_tax": "4.4000",
    "base_shipping_cost": "12.0000",
    "shipping_cost_ex_tax": "11.0900",
    "shipping_cost_inc_tax": "12.0000",
    "shipping_cost_tax": "0.9100",
    "shipping_cost_tax_class_id": 0,
    "total_ex_tax": "64.5300",
    "total_inc_tax": "69.8400",
    "total_tax": "5.3100",
    "items_total": 4,
    "items_shipped": 0,
    "payment_method": "Cash",
    "payment_provider_id": "",
    "payment_status": "authorized",
    "refunded_amount": "0.0000",
    "currency_code": "USD",
    "currency_exchange_rate": "1.0000000000",
    "default_currency_code": "USD",
    "discount_amount": "5.0000",
    "coupon_discount": "5.0000",
    "ebay_order_id": "0",
    "cart_id": "7e48f7ef-2e88-4817-aea4-b0ed01490114",
    "billing_address": {
        "first_name": "Jane",
        "last_name": "Doe",
        "company": "",
        "street_1": "555 East Street",
        "street_2": "",
        "city": "Austin",
        "state": "Texas",
        "zip": "78108",
        "country": "United States",
        "country_iso2": "US",
        "phone": "1234567890",
        "email": "janedoe@example.com",
        "form_fields": [{"name": "Delivery Instructions", "value": "Leave in backyard"}],
    },
    "is_email_opt_in": False,
    "credit_card_type": None,
    "order_source": "external",
    "channel_id": 1,
    "external_source": None,
    "products": {
        "url": "https://api.bigcommerce.com/stores/{store_hash}/v2/orders/218/products",
        "resource": "/orders/218/products",
    },
    "shipping_addresses": {
        "url": "https://api.bigcommerce.com/stores/{store_hash}/v2/orders/218/shippingaddresses",
        "resource": "/orders/218/shippingaddresses",
    },
    "coupons": {
        "url": "https://api.bigcommerce.com/stores/{store_hash}/v2/orders/218/coupons",
        "resource": "/orders/218/coupons",
    },
    "external_id": None,
    "custom_status": "Awaiting Payment",
    "customer_locale": "en",
    "fees": [{"id": 1, "type": "custom_fee", "base_cost": "12.3000"}],
}

# From the spec's orderProductsCollection_Resp example (first line, trimmed).
LINE_65: dict[str, Any] = {
    "id": 65,
    "order_id": 149,
    "product_id": 77,
    "order_address_id": 51,
    "name": "Fog Linen Chambray Towel - Beige Stripe",
    "sku": "S-ORAN",
    "upc": "1234567891112",
    "type": "physical",
    "base_price": "55.9900",
    "price_ex_tax": "55.9900",
    "price_inc_tax": "65.2300",
    "price_tax": "9.2400",
    "base_total": "55.9900",
    "total_ex_tax": "55.9900",
    "total_inc_tax": "65.2300",
    "total_tax": "9.2400",
    "weight": "1.0000",
    "quantity": 1,
    "is_refunded": False,
    "quantity_refunded": 0,
    "refund_amount": "0.0000",
    "quantity_shipped": 0,
    "parent_order_product_id": None,
    "is_bundled_product": False,
    "bin_picking_number": "",
    "external_id": None,
    "applied_discounts": [
        {
            "id": "manual-discount",
            "amount": "1.5900",
            "name": "Manual Discount",
            "code": None,
            "target": "order",
        }
    ],
    "product_options": [
        {"id": 45, "option_id": 18, "display_name": "Size", "display_value": "S", "value": "69"}
    ],
    "discounted_total_inc_tax": "63.6400",
}

# From the spec's orderShippingAddressCollection_Resp example.
ADDRESS_132: dict[str, Any] = {
    "id": 132,
    "order_id": 229,
    "first_name": "Trishy",
    "last_name": "Smith",
    "company": "Acme Pty Ltd",
    "street_1": "666 Sussex St",
    "street_2": "",
    "city": "San Antonio",
    "zip": "78251",
    "country": "United States",
    "country_iso2": "US",
    "state": "Texas",
    "email": "janedoe@example.com",
    "phone": "",
    "items_total": 2,
    "items_shipped": 2,
    "shipping_method": "None",
    "base_cost": "12.9900",
    "cost_ex_tax": "12.0000",
    "cost_inc_tax": "12.9900",
    "cost_tax": "0.9900",
    "cost_tax_class_id": 0,
    "shipping_zone_id": 1,
    "shipping_zone_name": "United States -1",
    "shipping_quotes": {"url": "u", "resource": "/orders/229/shippingaddresses/132/shippingquotes"},
    "form_fields": [],
}


def _line(line_id: int, **overrides: Any) -> dict[str, Any]:
    line = copy.deepcopy(LINE_65)
    line.update(id=line_id, order_id=300, **overrides)
    return line


def _link(path: str) -> dict[str, str]:
    return {"url": f"https://api.bigcommerce.com/stores/abc/v2{path}", "resource": path}


def _consignment_order(consignments: dict[str, Any]) -> dict[str, Any]:
    order = copy.deepcopy(ORDER_218)
    order["id"] = 300
    order["products"] = _link("/orders/300/products")
    order["shipping_addresses"] = _link("/orders/300/shipping_addresses")
    order["consignments"] = consignments
    return order


# ----------------------------------------------------------------------------- orders


def test_spec_order_example_structures() -> None:
    order = Order.from_wire(ORDER_218)
    assert order.id == 218
    assert order.status_id == 7
    assert order.order_status is OrderStatus.AWAITING_PAYMENT
    assert order.date_created == datetime(2019, 3, 5, 21, 40, 11, tzinfo=UTC)
    assert order.date_shipped is None
    assert order.subtotal_ex_tax == Decimal("62.6793")
    assert order.currency_exchange_rate == Decimal(1)
    assert order.billing_address is not None
    assert order.billing_address.email == "janedoe@example.com"
    assert order.external_source is None
    assert order.ebay_order_id == "0"


def test_link_objects_leave_lines_unembedded() -> None:
    order = Order.from_wire(ORDER_218)
    assert order.products == []
    assert order.shipping_addresses == []
    assert not order.lines_embedded
    assert not order.shipping_addresses_embedded


def test_unknown_fields_are_kept_through_a_round_trip() -> None:
    data = copy.deepcopy(ORDER_218)
    data["brand_new_field"] = {"nested": [1, 2]}
    data["billing_address"]["what3words"] = "filled.count.soap"
    order = Order.from_wire(data)
    assert order.extra["brand_new_field"] == {"nested": [1, 2]}
    assert order.extra["fees"][0]["base_cost"] == "12.3000"
    assert order.billing_address is not None
    assert order.billing_address.extra == {"what3words": "filled.count.soap"}

    wire = unstructure(order)
    assert set(data) <= set(wire)
    assert wire["billing_address"]["what3words"] == "filled.count.soap"
    assert wire["products"] == data["products"]  # the link goes back as received
    assert wire["subtotal_ex_tax"] == "62.6793"
    json.dumps(wire)  # plain JSON data
    assert Order.from_wire(wire) == order


def test_guest_order_has_customer_id_zero() -> None:
    order = Order.from_wire({**ORDER_218, "customer_id": 0})
    assert order.customer_id == 0
    assert order.is_guest


def test_renamed_status_keeps_the_raw_id() -> None:
    order = Order.from_wire(
        {
            **ORDER_218,
            "status_id": 11,
            "status": "Awaiting Fulfillment",
            "custom_status": "Ready to Pick",
        }
    )
    assert order.status_id == 11
    assert order.order_status is OrderStatus.AWAITING_FULFILLMENT
    assert order.status == "Awaiting Fulfillment"
    assert order.custom_status == "Ready to Pick"


def test_unknown_status_id_is_kept_and_enum_is_none() -> None:
    order = Order.from_wire({**ORDER_218, "status_id": 42})
    assert order.status_id == 42
    assert order.order_status is None


def test_money_as_number_equals_money_as_string() -> None:
    as_string = Order.from_wire({**ORDER_218, "total_inc_tax": "12.3450"})
    as_number = Order.from_wire({**ORDER_218, "total_inc_tax": 12.345})
    assert as_string.total_inc_tax == as_number.total_inc_tax == Decimal("12.345")


def test_zip_and_phone_as_numbers_become_text() -> None:
    data = copy.deepcopy(ORDER_218)
    data["billing_address"].update(zip=78108, phone=1234567890)
    order = Order.from_wire(data)
    assert order.billing_address is not None
    assert order.billing_address.zip == "78108"
    assert order.billing_address.phone == "1234567890"


def test_unicode_names_survive() -> None:
    data = copy.deepcopy(ORDER_218)
    data["billing_address"].update(first_name="Zoë 🚀", last_name="O'Brien-Łukasz", city="Zürich")
    order = Order.from_wire(data)
    assert order.billing_address is not None
    assert order.billing_address.first_name == "Zoë 🚀"
    wire = json.loads(json.dumps(unstructure(order), ensure_ascii=False))
    assert wire["billing_address"]["last_name"] == "O'Brien-Łukasz"


def test_date_shipped_parses_when_set() -> None:
    order = Order.from_wire({**ORDER_218, "date_shipped": "Wed, 06 Mar 2019 10:00:00 -0500"})
    assert order.date_shipped == datetime(2019, 3, 6, 15, 0, tzinfo=UTC)


def test_nulls_are_lenient_but_id_is_required() -> None:
    order = Order.from_wire(
        {"id": 5, "billing_address": None, "total_inc_tax": None, "items_total": None}
    )
    assert order.billing_address is None
    assert order.total_inc_tax is None
    with pytest.raises(ModelError, match=r"^Order\.id: required field is missing$"):
        Order.from_wire({"customer_id": 1})
    with pytest.raises(ModelError, match=r"^Order\.id: required field is null$"):
        Order.from_wire({"id": None})


def test_errors_name_the_field_path_without_the_payload() -> None:
    data = copy.deepcopy(ORDER_218)
    data["billing_address"]["zip"] = {"secret": "x" * 1000}
    with pytest.raises(ModelError) as caught:
        Order.from_wire(data)
    assert str(caught.value) == "Order.billing_address.zip: expected text, got dict"
    assert caught.value.path == ("billing_address", "zip")

    with pytest.raises(ModelError, match=r"^Order\.total_inc_tax: not an amount: 'lots'$"):
        Order.from_wire({**ORDER_218, "total_inc_tax": "lots"})


def test_naive_iso_date_in_an_order_is_rejected() -> None:
    with pytest.raises(ModelError, match=r"^Order\.date_modified: .*no UTC offset"):
        Order.from_wire({**ORDER_218, "date_modified": "2019-03-11T15:17:25"})


def test_non_object_payload_is_a_model_error() -> None:
    with pytest.raises(ModelError, match="expected an object"):
        Order.from_wire([ORDER_218])  # type: ignore[arg-type]


# ----------------------------------------------------------------------------- lines


def test_order_product_example_structures() -> None:
    line = structure(LINE_65, OrderProduct)
    assert line.price_inc_tax == Decimal("65.2300")
    assert line.weight == Decimal(1)
    assert line.parent_order_product_id is None
    assert line.applied_discounts[0]["amount"] == "1.5900"
    assert line.product_options[0]["display_value"] == "S"
    assert line.extra["discounted_total_inc_tax"] == "63.6400"
    assert not line.is_custom


def test_custom_line_has_product_id_zero() -> None:
    line = structure({**LINE_65, "product_id": 0, "sku": ""}, OrderProduct)
    assert line.is_custom


def test_bundle_child_line_points_at_its_parent() -> None:
    child = structure(
        {**LINE_65, "id": 66, "parent_order_product_id": 65, "is_bundled_product": True},
        OrderProduct,
    )
    assert child.parent_order_product_id == 65
    assert child.is_bundled_product is True


def test_shipping_address_example_structures() -> None:
    address = structure(ADDRESS_132, ShippingAddress)
    assert address.id == 132
    assert address.cost_inc_tax == Decimal("12.99")
    assert address.zip == "78251"
    assert "shipping_quotes" in address.extra


def test_embedded_products_list_is_used() -> None:
    order = Order.from_wire(
        {**ORDER_218, "products": [LINE_65], "shipping_addresses": [ADDRESS_132]}
    )
    assert order.lines_embedded
    assert order.shipping_addresses_embedded
    assert [line.id for line in order.products] == [65]
    assert order.shipping_addresses[0].id == 132


def test_bad_line_error_names_its_index() -> None:
    with pytest.raises(ModelError, match=r"^Order\.products\[1\]\.base_price: not an amount"):
        Order.from_wire(
            {**ORDER_218, "products": [LINE_65, {**LINE_65, "id": 2, "base_price": "x"}]}
        )


# ----------------------------------------------------------------------------- consignments


def _shipping_consignment(consignment_id: int, lines: list[dict[str, Any]]) -> dict[str, Any]:
    # Shape of the spec's shippingConsignment_Get example, with embedded line items.
    return {
        "id": consignment_id,
        "first_name": "Jane",
        "last_name": "Doe",
        "company": "Laser Ltd",
        "street_1": "123 Main Street",
        "city": "Austin",
        "state": "Texas",
        "zip": 12345,
        "country": "United States",
        "country_iso2": "US",
        "phone": "0410999888",
        "email": "janedoe@example.com",
        "form_fields": [{"name": "License Id", "value": "123BAF"}],
        "shipping_method": "Free Shipping",
        "line_items": lines,
        "items_total": len(lines),
        "items_shipped": 0,
        "base_cost": 5.1,
        "cost_ex_tax": 5.1,
        "cost_inc_tax": 6.2,
        "cost_tax": 1.1,
        "shipping_zone_id": 1,
        "shipping_zone_name": "United States",
        "shipping_quotes": _link(
            f"/orders/300/consignments/shipping/{consignment_id}/shipping_quotes"
        ),
    }


def test_consignments_flatten_every_kind_of_line() -> None:
    consignments = {
        "pickups": [
            {
                "id": 99,
                "pickup_method_id": 1,
                "location": {"id": 1, "name": "Location 1"},
                "line_items": [_line(4)],
            }
        ],
        "shipping": [_shipping_consignment(51, [_line(1), _line(2)])],
        "downloads": [
            {"recipient_email": "recipient@email.com", "line_items": [_line(3, type="digital")]}
        ],
        "email": {
            "gift_certificates": [{"recipient_email": "gift@email.com", "line_items": [_line(5)]}]
        },
    }
    order = Order.from_wire(_consignment_order(consignments))
    assert order.lines_embedded
    assert [line.id for line in order.products] == [1, 2, 3, 4, 5]
    assert order.shipping_addresses_embedded
    [address] = order.shipping_addresses
    assert address.id == 51
    assert address.order_id == 300
    assert address.zip == "12345"
    assert address.cost_inc_tax == Decimal("6.2")
    assert "line_items" not in address.extra
    assert order.consignments is not None


def test_order_with_120_lines_in_consignments() -> None:
    first = [_line(line_id) for line_id in range(1, 61)]
    second = [_line(line_id, order_address_id=52) for line_id in range(61, 121)]
    consignments = {
        "pickups": [],
        "shipping": [_shipping_consignment(51, first), _shipping_consignment(52, second)],
        "downloads": [],
        "email": {"gift_certificates": []},
    }
    order = Order.from_wire(_consignment_order(consignments))
    assert len(order.products) == 120
    assert [line.id for line in order.products] == list(range(1, 121))
    assert [address.id for address in order.shipping_addresses] == [51, 52]
    assert sum(line.total_inc_tax or 0 for line in order.products) == Decimal("65.23") * 120


def test_consignments_with_link_line_items_are_not_embedded() -> None:
    # include=consignments without .line_items: addresses are there, lines are links.
    consignments = {
        "pickups": [],
        "shipping": [_shipping_consignment(51, [_link("/orders/300/products/12")])],
        "downloads": [
            {"recipient_email": "r@example.com", "line_items": _link("/orders/300/products/13")}
        ],
        "email": {"gift_certificates": []},
    }
    order = Order.from_wire(_consignment_order(consignments))
    assert not order.lines_embedded
    assert order.products == []
    assert order.shipping_addresses_embedded
    assert order.shipping_addresses[0].id == 51


def test_consignment_order_round_trips() -> None:
    consignments = {
        "pickups": [],
        "shipping": [_shipping_consignment(51, [_line(1), _line(2)])],
        "downloads": [],
        "email": {"gift_certificates": []},
    }
    data = _consignment_order(consignments)
    order = Order.from_wire(data)
    wire = unstructure(order)
    assert set(data) <= set(wire)
    assert [line["id"] for line in wire["products"]] == [1, 2]
    again = Order.from_wire(wire)
    assert again.products == order.products
    assert again.shipping_addresses == order.shipping_addresses


def test_bad_consignment_line_names_its_path() -> None:
    consignments = {"shipping": [_shipping_consignment(51, [_line(1), _line(2, quantity="many")])]}
    with pytest.raises(ModelError) as caught:
        Order.from_wire(_consignment_order(consignments))
    assert str(caught.value).startswith("Order.consignments.shipping[0].line_items[1].quantity:")


# ----------------------------------------------------------------------------- statuses


def test_order_status_info_from_the_statuses_example() -> None:
    info = structure(
        {
            "id": 0,
            "name": "Incomplete",
            "system_label": "Incomplete",
            "custom_label": "Incomplete - Testing",
            "system_description": "An incomplete order happens when ...",
            "order": 0,
        },
        OrderStatusInfo,
    )
    assert info.status is OrderStatus.INCOMPLETE
    assert info.custom_label == "Incomplete - Testing"
    assert info.order == 0


def test_order_counts_from_the_count_example() -> None:
    counts = structure(
        {
            "statuses": [
                {
                    "id": 0,
                    "name": "Incomplete",
                    "system_label": "Incomplete",
                    "custom_label": "Incomplete - Testing",
                    "system_description": "...",
                    "count": 15,
                    "sort_order": 0,
                },
                {
                    "id": 11,
                    "name": "Awaiting Fulfillment",
                    "system_label": "Awaiting Fulfillment",
                    "custom_label": "Awaiting Fulfillment",
                    "system_description": "...",
                    "count": 31,
                    "sort_order": 3,
                },
            ],
            "count": 133,
        },
        OrderCounts,
    )
    assert counts.count == 133
    assert counts.for_status(11) == 31
    assert counts.for_status(4) == 0
    assert counts.statuses[0].sort_order == 0


# ----------------------------------------------------------------------------- writes


def test_to_wire_sends_only_the_named_fields_in_v2_form() -> None:
    order = Order.from_wire(ORDER_218)
    assert to_wire(order, version="v2", fields=["status_id"]) == {"status_id": 7}
    payload = to_wire(order, version="v2", fields=["total_inc_tax", "date_created"])
    assert payload == {
        "total_inc_tax": "69.8400",
        "date_created": "Tue, 05 Mar 2019 21:40:11 +0000",
    }


def test_a_page_of_orders_structures_and_names_the_bad_one() -> None:
    page = structure([ORDER_218, {**ORDER_218, "id": 219}], list[Order])
    assert [order.id for order in page] == [218, 219]
    with pytest.raises(ModelError) as caught:
        structure([ORDER_218, {**ORDER_218, "total_inc_tax": "x"}], list[Order])
    assert str(caught.value).startswith("list[Order][1].total_inc_tax: not an amount")
