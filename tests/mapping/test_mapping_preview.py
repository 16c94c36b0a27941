"""Preview ("Don't Import"): values plus a per-rule trace."""

from __future__ import annotations

from typing import Any

import pytest

from bigcommerce_connect.mapping import (
    AUTOMATIC_ORDER_IMPORT,
    MISSING,
    MappingValueError,
    builtin_definition,
    compile_mapping,
)


def test_preview_values_equal_apply(order: dict[str, Any]) -> None:
    mapping = compile_mapping(builtin_definition(AUTOMATIC_ORDER_IMPORT))
    for create in (True, False):
        assert mapping.preview(order, create=create).values == mapping.apply(order, create=create)


def test_trace_explains_add_and_children(order: dict[str, Any]) -> None:
    mapping = compile_mapping(builtin_definition(AUTOMATIC_ORDER_IMPORT))
    preview = mapping.preview(order)
    assert len(preview.trace) == len(mapping.rules)
    add = next(e for e in preview.trace if e.label == "Add Shipping Name")
    assert add.kind == "add"
    assert add.source == "shipping_addresses[0].last_name"
    assert (add.before, add.appended, add.written) == ("Jane", "Roe", "Jane Roe")
    total = next(e for e in preview.trace if e.target == "total")
    assert (total.kind, total.source_value, str(total.value)) == ("transform", "74.2500", "74.2500")
    lines = next(e for e in preview.trace if e.kind == "child" and e.target == "lines")
    assert len(lines.children) == 2
    assert lines.children[0].trace[4].source_value == "WID-1"
    text = "\n".join(preview.lines())
    assert "Add Shipping Name" in text
    assert "'Jane' + 'Roe' -> 'Jane Roe'" in text
    assert "products=<list of 2> -> lines: 2 element(s)" in text


def test_trace_shows_skips(order: dict[str, Any]) -> None:
    mapping = compile_mapping(builtin_definition(AUTOMATIC_ORDER_IMPORT))
    del order["staff_notes"]
    order["billing_address"]["last_name"] = "  "
    preview = mapping.preview(order, create=False)
    ref = preview.trace[0]
    assert ref.target == "external_ref"
    assert ref.note == "skipped: only on create"
    notes = next(e for e in preview.trace if e.target == "staff_notes")
    assert notes.source_value is MISSING
    assert notes.written is MISSING
    lookup = next(e for e in preview.trace if e.label == "Add Customer Lookup")
    assert lookup.appended is None
    assert lookup.note == "blank part skipped"
    assert lookup.written == "John"


def test_preview_does_not_modify_the_source(order: dict[str, Any]) -> None:
    import copy

    before = copy.deepcopy(order)
    compile_mapping(builtin_definition(AUTOMATIC_ORDER_IMPORT)).preview(order)
    assert order == before


def test_preview_raises_the_same_typed_errors(order: dict[str, Any]) -> None:
    order["total_inc_tax"] = "lots"
    mapping = compile_mapping(builtin_definition(AUTOMATIC_ORDER_IMPORT))
    with pytest.raises(MappingValueError, match="'total_inc_tax'"):
        mapping.preview(order)
