"""Every rule kind, compiled and applied."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from bigcommerce_connect.mapping import (
    MappingDefinition,
    MappingValueError,
    Rule,
    add,
    child,
    compile_mapping,
    constant,
    copy,
    join_add,
)
from bigcommerce_connect.mapping.paths import MISSING


def apply(*rules: Rule, source: Any, create: bool = True) -> dict[str, Any]:
    definition = MappingDefinition("t", "custom", "free", tuple(rules))
    return compile_mapping(definition).apply(source, create=create)


def test_copy_keeps_falsy_values_and_null() -> None:
    source = {"a": 0, "b": "", "c": False, "d": None}
    rules = [copy(k, k) for k in ("a", "b", "c", "d", "e")]
    assert apply(*rules, source=source) == {"a": 0, "b": "", "c": False, "d": None}


def test_missing_source_leaves_target_unset() -> None:
    assert apply(copy("nope", "x"), copy("n.o", "y"), source={}) == {}


def test_constant_including_falsy_and_mutable() -> None:
    definition = MappingDefinition(
        "t", "custom", "free", (constant("a", 0), constant("b", None), constant("c", [1]))
    )
    mapping = compile_mapping(definition)
    first = mapping.apply({})
    assert first == {"a": 0, "b": None, "c": [1]}
    first["c"].append(2)
    assert mapping.apply({})["c"] == [1]  # each output owns its copy


def test_transform_chain_runs_in_order() -> None:
    rule = copy("note", "note", "strip", ("truncate", 3), "upper")
    assert apply(rule, source={"note": "  hello "}) == {"note": "HEL"}


def test_transform_error_names_mapping_rule_and_source() -> None:
    rules = (copy("a", "a"), copy("total", "total", "decimal", label="Total"))
    with pytest.raises(MappingValueError) as info:
        apply(*rules, source={"a": 1, "total": "12,50"})
    assert info.value.rule_index == (1,)
    message = str(info.value)
    assert "mapping 't'" in message
    assert "rule 1 (Total)" in message
    assert "'total'" in message


def test_default_runs_on_missing_source() -> None:
    assert apply(copy("loc", "loc", ("default", 1)), source={}) == {"loc": 1}
    assert apply(copy("loc", "loc", ("default", 1)), source={"loc": 0}) == {"loc": 0}


def test_add_joins_with_a_space() -> None:
    rules = (copy("first", "name"), add("last", "name"))
    assert apply(*rules, source={"first": "John", "last": "Doe"}) == {"name": "John Doe"}


@pytest.mark.parametrize(
    ("first", "last", "expected"),
    [
        ("", "Doe", "Doe"),
        (None, "Doe", "Doe"),
        ("John", "", "John"),
        ("John", "   ", "John"),
        ("John", None, "John"),
        ("", "", ""),
        ("John", 0, "John 0"),
    ],
)
def test_add_skips_blanks(first: Any, last: Any, expected: str) -> None:
    rules = (copy("first", "name"), add("last", "name"))
    assert apply(*rules, source={"first": first, "last": last}) == {"name": expected}


def test_add_onto_nothing_and_custom_separator() -> None:
    assert apply(add("last", "name"), source={"last": "Doe"}) == {"name": "Doe"}
    assert apply(add("last", "name"), source={}) == {}
    rules = (copy("a", "code"), add("b", "code", separator="-"), add("c", "code", separator="-"))
    assert apply(*rules, source={"a": "BC", "b": 42, "c": Decimal("1.50")}) == {
        "code": "BC-42-1.50"
    }


def test_add_with_transform_and_constant_part() -> None:
    rules = (
        copy("a", "x"),
        add("b", "x", "upper"),
        Rule("x", constant="!", op="add", separator=""),
    )
    assert apply(*rules, source={"a": "a", "b": "b"}) == {"x": "a B!"}


def test_add_of_an_object_is_a_typed_error() -> None:
    with pytest.raises(MappingValueError, match="rule 1"):
        apply(copy("a", "x"), add("b", "x"), source={"a": "a", "b": {"k": 1}})


def test_join_add_contract() -> None:
    assert join_add(MISSING, MISSING, " ") is MISSING
    assert join_add(MISSING, None, " ") is None
    assert join_add(None, MISSING, " ") is None
    assert join_add(5, 6, "+") == "5+6"


def test_child_rules_map_each_line() -> None:
    rule = child("products", "lines", "free", copy("sku", "code"), copy("qty", "qty", "decimal"))
    source = {"products": [{"sku": "A", "qty": "1"}, {"sku": "", "qty": 0}]}
    assert apply(rule, source=source) == {
        "lines": [{"code": "A", "qty": Decimal(1)}, {"code": "", "qty": Decimal(0)}]
    }
    assert apply(rule, source={"products": []}) == {"lines": []}
    assert apply(rule, source={"products": None}) == {"lines": None}
    assert apply(rule, source={}) == {}


def test_child_rule_on_one_object() -> None:
    rule = child("billing", "address", "free", copy("city", "city"), many=False)
    assert apply(rule, source={"billing": {"city": "Köln"}}) == {"address": {"city": "Köln"}}


@pytest.mark.parametrize("bad", [{"products": "x"}, {"products": [1]}, {"products": [[]]}])
def test_child_rule_rejects_wrong_shapes(bad: dict[str, Any]) -> None:
    rule = child("products", "lines", "free", copy("sku", "sku"))
    with pytest.raises(MappingValueError, match="rule 0"):
        apply(rule, source=bad)


def test_on_create_only_rules() -> None:
    rules = (copy("id", "ref", on_create_only=True), copy("name", "name"))
    source = {"id": 7, "name": "n"}
    assert apply(*rules, source=source) == {"ref": 7, "name": "n"}
    assert apply(*rules, source=source, create=False) == {"name": "n"}


def test_on_create_only_inside_children() -> None:
    line = (copy("id", "ref", on_create_only=True), copy("sku", "sku"))
    rule = child("items", "lines", "free", *line)
    source = {"items": [{"id": 1, "sku": "A"}]}
    assert apply(rule, source=source, create=False) == {"lines": [{"sku": "A"}]}
    assert apply(rule, source=source) == {"lines": [{"ref": 1, "sku": "A"}]}


@pytest.mark.parametrize("source", [None, 5, "text", [1, 2], True])
def test_non_object_source_is_a_typed_error(source: Any) -> None:
    with pytest.raises(MappingValueError, match="not an object"):
        apply(copy("a", "a"), source=source)


def test_rule_kinds() -> None:
    assert copy("a", "b").kind == "copy"
    assert copy("a", "b", "strip").kind == "transform"
    assert constant("b", 1).kind == "constant"
    assert add("a", "b").kind == "add"
    assert child("a", "b", "free").kind == "child"
