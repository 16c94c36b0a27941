"""Property tests: round trips, Add with blanks, arbitrary JSON never escapes the typed errors."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from bigcommerce_connect.mapping import (
    BUILTIN_NAMES,
    MISSING,
    MappingDefinition,
    MappingError,
    Rule,
    TransformCall,
    builtin_definition,
    compile_mapping,
    dump_definition,
    join_add,
    load_definition,
)
from bigcommerce_connect.mapping.rules import ChildMapping
from bigcommerce_connect.mapping.transforms import _is_extender, truncate_text
from support.mapping_payloads import v2_order, v3_customer

json_scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=8)
)
json_values = st.recursive(
    json_scalars,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=4)
    ),
    max_leaves=12,
)
names = st.from_regex(r"[a-z_][a-z0-9_]{0,6}", fullmatch=True)
paths = st.lists(
    st.tuples(names, st.lists(st.integers(-3, 3), max_size=2)), min_size=1, max_size=3
).map(lambda steps: ".".join(n + "".join(f"[{i}]" for i in idx) for n, idx in steps))
transforms = st.sampled_from(
    [
        TransformCall("strip"),
        TransformCall("upper"),
        TransformCall("decimal"),
        TransformCall("date"),
        TransformCall("text"),
        TransformCall("truncate", (5,)),
        TransformCall("lookup", ({"a": 1},)),
        TransformCall("lookup", ({"1": "x"}, None)),
        TransformCall("default", ("d",)),
    ]
)


@st.composite
def rules(draw: st.DrawFn, depth: int = 0) -> Rule:
    target = draw(names)
    label = draw(st.none() | st.text(max_size=10))
    on_create_only = draw(st.booleans())
    if depth == 0 and draw(st.integers(0, 5)) == 0:
        children = tuple(draw(st.lists(rules(depth=1), max_size=3)))
        many = draw(st.booleans())
        return Rule(target, draw(paths), child=ChildMapping("free", children, many), label=label)
    use_constant = draw(st.booleans())
    op = draw(st.sampled_from(["set", "add"]))
    return Rule(
        target,
        source=None if use_constant else draw(paths),
        constant=draw(json_values) if use_constant else MISSING,
        op=op,
        separator=draw(st.text(max_size=3)) if op == "add" else " ",
        transforms=tuple(draw(st.lists(transforms, max_size=3))),
        on_create_only=on_create_only,
        label=label,
    )


definitions = st.builds(
    MappingDefinition,
    name=st.text(min_size=1, max_size=12),
    kind=st.text(max_size=10),
    target=st.just("free"),
    rules=st.lists(rules(), max_size=6).map(tuple),
    description=st.text(max_size=10),
)


@given(definitions)
def test_definition_survives_dump_and_load(definition: MappingDefinition) -> None:
    text = json.dumps(dump_definition(definition))
    loaded = load_definition(json.loads(text))
    assert loaded == definition
    assert json.dumps(dump_definition(loaded)) == text


blankish = st.sampled_from([MISSING, None, "", " ", "\t\n"])
non_blank = st.text(min_size=1).filter(lambda s: s.strip()) | st.integers() | st.booleans()


@given(before=blankish | non_blank, part=blankish | non_blank, sep=st.text(max_size=3))
def test_add_with_blanks(before: Any, part: Any, sep: str) -> None:
    result = join_add(before, part, sep)
    before_blank = (
        before is MISSING or before is None or (isinstance(before, str) and not before.strip())
    )
    part_blank = part is MISSING or part is None or (isinstance(part, str) and not part.strip())

    def text(v: Any) -> str:
        return ("true" if v else "false") if isinstance(v, bool) else str(v)

    if not before_blank and not part_blank:
        assert result == f"{text(before)}{sep}{text(part)}"
    elif not part_blank:
        assert result == text(part)
    elif not before_blank:
        assert result == before
    else:
        assert result == (part if before is MISSING else before)


def _check_typed_errors(name: str, source: Any) -> None:
    mapping = compile_mapping(builtin_definition(name))
    for create in (True, False):
        try:
            values = mapping.apply(source, create=create)
        except MappingError:
            continue
        assert isinstance(values, dict)


@settings(max_examples=60)
@given(st.sampled_from(BUILTIN_NAMES), json_values)
def test_arbitrary_json_raises_only_mapping_errors(name: str, source: Any) -> None:
    _check_typed_errors(name, source)


def _mutated(base: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    return {**base, **changes}


@settings(max_examples=80)
@given(
    st.sampled_from(BUILTIN_NAMES),
    st.sampled_from([v2_order(), v3_customer()]),
    st.dictionaries(
        st.sampled_from(
            [
                "id",
                "date_created",
                "products",
                "billing_address",
                "shipping_addresses",
                "total_inc_tax",
                "addresses",
                "customer_message",
                "first_name",
                "item_code",
                "quantity_on_hand",
                "custom_fields",
                "customer_group_id",
                "email",
            ]
        ),
        json_values,
        max_size=4,
    ),
)
def test_realistic_payloads_with_arbitrary_fields(
    name: str, base: dict[str, Any], changes: dict[str, Any]
) -> None:
    _check_typed_errors(name, _mutated(base, changes))


def _outcome(fn: Any) -> Any:
    try:
        return ("ok", fn())
    except MappingError as exc:
        return ("error", type(exc), str(exc))


@settings(max_examples=80)
@given(definitions, json_values, st.booleans())
def test_preview_agrees_with_apply(
    definition: MappingDefinition, source: Any, create: bool
) -> None:
    # apply runs the fused hot-path loops, preview the per-rule interpreter: same results.
    mapping = compile_mapping(definition)
    applied = _outcome(lambda: mapping.apply(source, create=create))
    previewed = _outcome(lambda: mapping.preview(source, create=create).values)
    assert applied == previewed


@settings(max_examples=40)
@given(
    definitions,
    st.dictionaries(names.filter(lambda n: not n.startswith("_")), json_values, max_size=6),
    st.booleans(),
)
def test_object_sources_agree_with_dict_sources(
    definition: MappingDefinition, data: dict[str, Any], create: bool
) -> None:
    # An attribute object takes the per-rule fallback path; it must map like the dict.
    mapping = compile_mapping(definition)
    as_object = type("Source", (), dict(data))()
    assert _outcome(lambda: mapping.apply(as_object, create=create)) == _outcome(
        lambda: mapping.apply(data, create=create)
    )


# Sources as json.loads can produce them: NaN and infinities, lone surrogates from escapes.
wild_text = st.text(alphabet=st.characters(exclude_categories=()), max_size=8)
wild_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | wild_text,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(wild_text, inner, max_size=4),
    max_leaves=12,
)


@settings(max_examples=60)
@given(st.sampled_from(BUILTIN_NAMES), wild_json)
def test_wild_json_raises_only_mapping_errors(name: str, source: Any) -> None:
    _check_typed_errors(name, source)


combining_heavy = st.text(
    alphabet=st.sampled_from(
        [*"aé\u0301\u0308\u200d\U0001f469\U0001f3fd\ufe0f\U0001f1e9\U0001f1ea\r\n\ud83d\udc4d한"]
    ),
    max_size=20,
)


@given(combining_heavy, st.integers(0, 22))
def test_truncate_is_a_prefix_cut_at_a_boundary(text: str, limit: int) -> None:
    result = truncate_text(text, limit)
    assert text.startswith(result)
    assert len(result) <= limit
    if result and len(result) < len(text):  # cutting to nothing is always clean
        following = text[len(result)]
        assert not _is_extender(following)
        assert not result.endswith("\u200d")
        assert not (result.endswith("\r") and following == "\n")
        assert not (result.endswith("\ud83d") and following == "\udc4d")
