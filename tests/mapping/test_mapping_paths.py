from __future__ import annotations

import attrs
import pytest

from bigcommerce_connect.mapping.paths import MISSING, compile_getter, parse_path
from bigcommerce_connect.records import ErpCustomField, ErpItem


def get(path: str, source: object) -> object:
    return compile_getter(parse_path(path))(source)


def test_parse_steps() -> None:
    assert parse_path("a.b_c[0][-1].d-e").steps == ("a", "b_c", 0, -1, "d-e")


@pytest.mark.parametrize("bad", ["", "a..b", ".a", "a.", "a[", "a[x]", "a b", "1a", "a[0]b", "[0]"])
def test_malformed_paths_rejected(bad: str) -> None:
    with pytest.raises(ValueError, match="path"):
        parse_path(bad)


def test_missing_and_null_are_different() -> None:
    source = {"a": None, "b": {"c": None}}
    assert get("a", source) is None
    assert get("x", source) is MISSING
    assert get("b.c", source) is None
    assert get("b.x", source) is MISSING
    assert get("a.c", source) is MISSING  # stepping through null is "absent"


def test_falsy_values_are_read() -> None:
    source = {"zero": 0, "empty": "", "no": False, "list": []}
    assert [get(k, source) for k in source] == [0, "", False, []]


def test_index_steps() -> None:
    source = {"items": [{"sku": "A"}, {"sku": "B"}]}
    assert get("items[0].sku", source) == "A"
    assert get("items[-1].sku", source) == "B"
    assert get("items[2].sku", source) is MISSING
    assert get("items.sku", source) is MISSING
    assert get("items[0][0]", source) is MISSING


def test_attribute_sources() -> None:
    item = ErpItem(item_code="X1", custom_fields=[ErpCustomField(name="n", value="v")])
    assert get("item_code", item) == "X1"
    assert get("custom_fields[0].value", item) == "v"
    assert get("nope", item) is MISSING


def test_private_attributes_and_scalar_methods_are_not_reachable() -> None:
    @attrs.define
    class Thing:
        _secret: str = "s"

    assert get("_secret", Thing()) is MISSING
    assert get("__class__", Thing()) is MISSING
    assert get("a.upper", {"a": "text"}) is MISSING
    assert get("a.real", {"a": 5}) is MISSING
