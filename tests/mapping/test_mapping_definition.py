"""Loading, validating and dumping definitions."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from bigcommerce_connect.mapping import (
    FORMAT_VERSION,
    MalformedPathError,
    MappingDefinition,
    MappingDefinitionError,
    RuleTypeError,
    UnknownTargetFieldError,
    UnknownTransformError,
    compile_mapping,
    dump_definition,
    load_definition,
)
from bigcommerce_connect.mapping import (
    copy as copy_rule,
)
from bigcommerce_connect.records import ErpSalesOrder

EXAMPLE: dict[str, Any] = {
    "format": 1,
    "name": "MyBCOrders",
    "kind": "order_import",
    "target": "ErpSalesOrder",
    "rules": [
        {"source": "billing_address.first_name", "target": "billing_name"},
        {"source": "billing_address.last_name", "target": "billing_name", "op": "add"},
        {"constant": "USD", "target": "currency"},
        {"source": "total_inc_tax", "target": "total", "transform": ["decimal"]},
        {"source": "customer_message", "target": "notes", "transform": [["truncate", 60], "strip"]},
        {
            "source": "products",
            "target": "lines",
            "child": {
                "target": "ErpOrderLine",
                "rules": [{"source": "sku", "target": "item_code"}],
            },
        },
        {"source": "id", "target": "external_ref", "transform": ["text"], "on_create_only": True},
    ],
}


def with_rule(rule: Any, index: int = 2) -> dict[str, Any]:
    data = copy.deepcopy(EXAMPLE)
    data["rules"][index] = rule
    return data


def test_example_loads_dumps_identically_and_runs() -> None:
    definition = load_definition(EXAMPLE)
    assert definition.name == "MyBCOrders"
    assert dump_definition(definition) == EXAMPLE
    text = json.dumps(dump_definition(definition))
    assert json.dumps(dump_definition(load_definition(json.loads(text)))) == text
    order = compile_mapping(definition).apply_to(
        {"id": 5, "billing_address": {"first_name": "A", "last_name": "B"}, "products": []}
    )
    assert isinstance(order, ErpSalesOrder)
    assert (order.billing_name, order.currency, order.external_ref) == ("A B", "USD", "5")


@pytest.mark.parametrize(
    ("rule", "error", "words"),
    [
        ({"source": "id", "target": "nope"}, UnknownTargetFieldError, "'nope'"),
        (
            {"source": "id", "target": "notes", "transform": ["shout"]},
            UnknownTransformError,
            "'shout'",
        ),
        ({"source": "a..b", "target": "notes"}, MalformedPathError, "a..b"),
        ({"source": 5, "target": "notes"}, RuleTypeError, "'source' must be text"),
        ({"source": "id", "target": 5}, RuleTypeError, "'target' must be text"),
        (
            {"source": "id", "target": "notes", "on_create_only": "yes"},
            RuleTypeError,
            "true or false",
        ),
        ({"source": "id", "target": "notes", "op": "append"}, RuleTypeError, "'op'"),
        ({"source": "id", "target": "notes", "separator": "-"}, RuleTypeError, "separator"),
        ({"source": "id", "target": "notes", "transform": "strip"}, RuleTypeError, "list"),
        (
            {"source": "id", "target": "notes", "transform": [["truncate", "x"]]},
            RuleTypeError,
            "truncate",
        ),
        (
            {"source": "id", "target": "notes", "transform": [["truncate"]]},
            RuleTypeError,
            "argument",
        ),
        ({"source": "id", "target": "notes", "colour": 1}, RuleTypeError, "'colour'"),
        ({"target": "notes"}, RuleTypeError, "exactly one"),
        ({"source": "a", "constant": 1, "target": "notes"}, RuleTypeError, "exactly one"),
        ("not a rule", RuleTypeError, "must be an object"),
        (
            {"source": "p", "target": "lines", "child": {"target": "Nope", "rules": []}},
            UnknownTargetFieldError,
            "'Nope'",
        ),
        (
            {"constant": 1, "target": "lines", "child": {"target": "ErpOrderLine", "rules": []}},
            RuleTypeError,
            "needs a source",
        ),
    ],
)
def test_invalid_rules_are_named(rule: Any, error: type[Exception], words: str) -> None:
    with pytest.raises(error) as info:
        load_definition(with_rule(rule))
    message = str(info.value)
    assert "mapping 'MyBCOrders'" in message
    assert "rule 2" in message
    assert words in message


def test_child_rule_errors_name_the_child_position() -> None:
    data = copy.deepcopy(EXAMPLE)
    data["rules"][5]["child"]["rules"].append({"source": "sku", "target": "colour"})
    with pytest.raises(UnknownTargetFieldError, match=r"rule 5\.1.*'colour' on ErpOrderLine"):
        load_definition(data)


def test_label_appears_in_errors() -> None:
    rule = {"label": "Add Notes", "source": "x", "target": "notes", "transform": ["nope"]}
    with pytest.raises(UnknownTransformError, match=r"rule 2 \(Add Notes\)"):
        load_definition(with_rule(rule))


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"format": 2}, "unsupported format"),
        ({"format": True}, "unsupported format"),
        ({"name": ""}, "'name' must not be empty"),
        ({"rules": {}}, "'rules' must be a list"),
        ({"target": "Nope"}, "unknown target 'Nope'"),
        ({"extra": 1}, "'extra'"),
    ],
)
def test_invalid_headers(change: dict[str, Any], words: str) -> None:
    with pytest.raises(MappingDefinitionError, match=words):
        load_definition({**EXAMPLE, **change})


def test_not_an_object() -> None:
    with pytest.raises(MappingDefinitionError, match="must be an object"):
        load_definition([1])


def test_host_target_with_explicit_fields() -> None:
    data = {
        "format": FORMAT_VERSION,
        "name": "Host",
        "kind": "custom",
        "target": "HostOrder",
        "fields": ["ref", "who"],
        "rules": [{"source": "id", "target": "ref"}, {"source": "x", "target": "who"}],
    }
    assert dump_definition(load_definition(data)) == data
    bad = {**data, "rules": [{"source": "id", "target": "other"}]}
    with pytest.raises(UnknownTargetFieldError, match="'other' on HostOrder"):
        load_definition(bad)


def test_host_target_registered_by_class() -> None:
    data = {**EXAMPLE, "target": "MyOrder", "rules": [{"source": "id", "target": "ref"}]}
    with pytest.raises(UnknownTargetFieldError):
        load_definition(data)
    assert load_definition(data, targets={"MyOrder": ["ref"]}).target == "MyOrder"


def test_python_built_definitions_are_validated_on_compile() -> None:
    bad = MappingDefinition("py", "custom", "ErpItem", (copy_rule("a", "nope"),))
    with pytest.raises(UnknownTargetFieldError, match="mapping 'py', rule 0"):
        compile_mapping(bad)
    not_json = MappingDefinition("py", "custom", "free", (copy_rule("a", "b", ("lookup", (1,))),))
    with pytest.raises(RuleTypeError, match="JSON"):
        compile_mapping(not_json)
