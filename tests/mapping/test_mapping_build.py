"""Building attrs records from mapped values, and the error messages."""

from __future__ import annotations

from decimal import Decimal

import pytest

from bigcommerce_connect.mapping import MappingError, MappingValueError, build_record
from bigcommerce_connect.records import ErpAddress, ErpOrderLine, ErpSalesOrder


def test_nested_records_are_built() -> None:
    order = build_record(
        ErpSalesOrder,
        {
            "total": Decimal("1.00"),
            "billing_address": {"name": "A"},
            "shipping_address": None,
            "lines": [{"item_code": "X", "quantity": Decimal(0)}],
        },
    )
    assert order.billing_address == ErpAddress(name="A")
    assert order.shipping_address is None
    assert order.lines == [ErpOrderLine(item_code="X", quantity=Decimal(0))]
    assert order.currency == ""  # default for an unmapped field


def test_unknown_field_is_a_typed_error() -> None:
    with pytest.raises(MappingValueError, match="ErpSalesOrder has no field 'colour'"):
        build_record(ErpSalesOrder, {"colour": "red"})


def test_error_message_names_mapping_rule_and_label() -> None:
    error = MappingError("bad thing", mapping="M", rule_index=(5, 1), label="Add X")
    assert str(error) == "mapping 'M', rule 5.1 (Add X): bad thing"
    assert str(MappingError("plain")) == "plain"
