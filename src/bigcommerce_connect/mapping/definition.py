"""Named mapping definitions as plain data: load, validate, dump.

The stored format (``format`` 1)
--------------------------------
A definition is a JSON-compatible dict; :func:`dump_definition` writes exactly the keys below in
this order, leaving out optional keys that hold their default, so ``dump → json → load → dump``
is byte-for-byte stable::

    {
      "format": 1,                      # required; this module reads format 1 only
      "name": "MyBCOrders",             # required, non-empty text
      "kind": "order_import",           # required text: customer_import, order_import,
                                        #   update_products, inventory, b2b_customer, or your own
      "target": "ErpSalesOrder",        # required: a target schema (see targets.py)
      "fields": ["a", "b"],             # optional: allowed field names of a host target
      "description": "...",             # optional text
      "rules": [RULE, ...]              # required list, applied in order
    }

    RULE = {
      "label": "Add Shipping Name",     # optional text shown in traces and errors
      "source": "shipping_addresses[0].last_name",   # a source path ...
      "constant": <any JSON value>,     # ... or a constant (exactly one of the two)
      "target": "shipping_name",        # required: a field of the target schema
      "op": "add",                      # optional: "set" (default) or "add"
      "separator": ", ",                # optional, only with "add"; default one space
      "transform": ["strip", ["truncate", 60]],      # optional: names or [name, args...]
      "on_create_only": true,           # optional, default false
      "child": {                        # optional: child rules (needs "source")
        "target": "ErpOrderLine",       # the child target schema
        "many": false,                  # optional: default true (source is a list)
        "fields": ["a", "b"],           # optional, as above
        "rules": [RULE, ...]            # paths relative to each element
      }
    }

Loading validates everything before returning, so nothing half-loads: the first problem raises a
:class:`~bigcommerce_connect.mapping.errors.MappingDefinitionError` subclass whose message names
the mapping, the rule (``rule 5.2`` = child rule 2 of rule 5, counted from 0) and the problem:
:class:`UnknownTargetFieldError`, :class:`UnknownTransformError`, :class:`MalformedPathError`,
:class:`RuleTypeError` (wrong JSON type, unknown key, bad transform arguments), or the base class
for an unsupported ``format``.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Any, Final, NoReturn

from bigcommerce_connect.mapping.errors import (
    MalformedPathError,
    MappingDefinitionError,
    RuleTypeError,
    UnknownTargetFieldError,
    UnknownTransformError,
)
from bigcommerce_connect.mapping.paths import MISSING, parse_path
from bigcommerce_connect.mapping.rules import (
    DEFAULT_SEPARATOR,
    ChildMapping,
    MappingDefinition,
    Rule,
    TransformCall,
)
from bigcommerce_connect.mapping.targets import BUILTIN_TARGETS, TargetSchema, schema_for
from bigcommerce_connect.mapping.transforms import TRANSFORMS

__all__ = [
    "FORMAT_VERSION",
    "TargetSpecs",
    "dump_definition",
    "load_definition",
    "resolve_target",
    "validate_definition",
]

FORMAT_VERSION: Final = 1

TargetSpecs = Mapping[str, "type | Iterable[str] | None"]
"""Extra targets a host registers: name → attrs class, field names, or ``None`` (free)."""

_TOP_KEYS: Final = frozenset({"format", "name", "kind", "target", "fields", "description", "rules"})
_RULE_KEYS: Final = frozenset(
    [
        "label",
        "source",
        "constant",
        "target",
        "op",
        "separator",
        "transform",
        "on_create_only",
        "child",
    ]
)
_CHILD_KEYS: Final = frozenset({"target", "many", "fields", "rules"})


# --- dump ------------------------------------------------------------------------------------


def dump_definition(definition: MappingDefinition) -> dict[str, Any]:
    """The definition as JSON-compatible data in the stored format (see the module docstring)."""
    data: dict[str, Any] = {
        "format": FORMAT_VERSION,
        "name": definition.name,
        "kind": definition.kind,
        "target": definition.target,
    }
    if definition.fields is not None:
        data["fields"] = list(definition.fields)
    if definition.description:
        data["description"] = definition.description
    data["rules"] = [_dump_rule(rule) for rule in definition.rules]
    return data


def _dump_rule(rule: Rule) -> dict[str, Any]:
    data: dict[str, Any] = {}
    if rule.label is not None:
        data["label"] = rule.label
    if rule.source is not None:
        data["source"] = rule.source
    else:
        data["constant"] = rule.constant
    data["target"] = rule.target
    if rule.op != "set":
        data["op"] = rule.op
        if rule.separator != DEFAULT_SEPARATOR:
            data["separator"] = rule.separator
    if rule.transforms:
        data["transform"] = [_dump_transform(t) for t in rule.transforms]
    if rule.on_create_only:
        data["on_create_only"] = True
    if rule.child is not None:
        data["child"] = _dump_child(rule.child)
    return data


def _dump_transform(call: TransformCall) -> str | list[Any]:
    return [call.name, *call.args] if call.args else call.name


def _dump_child(child: ChildMapping) -> dict[str, Any]:
    data: dict[str, Any] = {"target": child.target}
    if not child.many:
        data["many"] = False
    if child.fields is not None:
        data["fields"] = list(child.fields)
    data["rules"] = [_dump_rule(rule) for rule in child.rules]
    return data


# --- load ------------------------------------------------------------------------------------


def load_definition(data: Any, *, targets: TargetSpecs | None = None) -> MappingDefinition:
    """Parse and fully validate stored data into a :class:`MappingDefinition`.

    Args:
        data: the JSON-compatible dict (e.g. from ``json.loads``).
        targets: extra target schemas of the host (see :data:`TargetSpecs`).

    Raises:
        MappingDefinitionError: (a subclass of) naming the mapping, the rule and the problem.
    """
    name = data.get("name") if isinstance(data, dict) else None
    loader = _Loader(name if isinstance(name, str) else None)
    definition = loader.definition(data)
    validate_definition(definition, targets=targets)
    return definition


class _Loader:
    """Structural parsing (JSON types and keys); semantic checks live in ``_Validator``."""

    def __init__(self, mapping: str | None) -> None:
        self.mapping = mapping

    def fail(
        self,
        problem: str,
        index: tuple[int, ...] = (),
        label: str | None = None,
        error: type[MappingDefinitionError] = RuleTypeError,
    ) -> NoReturn:
        raise error(problem, mapping=self.mapping, rule_index=index, label=label)

    def definition(self, data: Any) -> MappingDefinition:
        if not isinstance(data, dict):
            self.fail(f"a mapping definition must be an object, got {type(data).__name__}")
        version = data.get("format")
        if type(version) is not int or version != FORMAT_VERSION:
            self.fail(
                f"unsupported format {version!r} (expected {FORMAT_VERSION})",
                error=MappingDefinitionError,
            )
        self.unknown_keys(data, _TOP_KEYS, ())
        name = self.text(data, "name", (), None, required=True)
        if not name:
            self.fail("'name' must not be empty")
        rules = data.get("rules", MISSING)
        if not isinstance(rules, list):
            self.fail("'rules' must be a list")
        return MappingDefinition(
            name=name,
            kind=self.text(data, "kind", (), None, required=True),
            target=self.text(data, "target", (), None, required=True),
            rules=self.rules(rules, ()),
            fields=self.fields(data, ()),
            description=self.text(data, "description", (), None) or "",
        )

    def unknown_keys(
        self, data: dict[Any, Any], allowed: frozenset[str], index: tuple[int, ...]
    ) -> None:
        extra = sorted(str(k) for k in data if k not in allowed)
        if extra:
            self.fail(f"unknown key(s) {', '.join(map(repr, extra))}", index)

    def text(
        self,
        data: dict[str, Any],
        key: str,
        index: tuple[int, ...],
        label: str | None,
        *,
        required: bool = False,
    ) -> Any:
        value = data.get(key, MISSING)
        if value is MISSING and not required:
            return None
        if not isinstance(value, str):
            self.fail(f"{key!r} must be text, got {_type_name(value)}", index, label)
        return value

    def fields(self, data: dict[str, Any], index: tuple[int, ...]) -> tuple[str, ...] | None:
        if "fields" not in data:
            return None
        fields = data["fields"]
        if not isinstance(fields, list) or not all(isinstance(f, str) for f in fields):
            self.fail("'fields' must be a list of text", index)
        return tuple(fields)

    def rules(self, items: list[Any], prefix: tuple[int, ...]) -> tuple[Rule, ...]:
        return tuple(self.rule(item, (*prefix, i)) for i, item in enumerate(items))

    def rule(self, data: Any, index: tuple[int, ...]) -> Rule:
        if not isinstance(data, dict):
            self.fail(f"a rule must be an object, got {_type_name(data)}", index)
        raw_label = data.get("label")
        label = raw_label if isinstance(raw_label, str) else None
        self.unknown_keys(data, _RULE_KEYS, index)
        self.text(data, "label", index, label)
        has_source, has_constant = "source" in data, "constant" in data
        if has_source == has_constant:
            self.fail("a rule needs exactly one of 'source' and 'constant'", index, label)
        op = data.get("op", "set")
        if op not in ("set", "add"):
            self.fail(f"'op' must be 'set' or 'add', got {op!r}", index, label)
        separator = self.text(data, "separator", index, label)
        if separator is not None and op != "add":
            self.fail("'separator' only applies to op 'add'", index, label)
        on_create_only = data.get("on_create_only", False)
        if not isinstance(on_create_only, bool):
            self.fail("'on_create_only' must be true or false", index, label)
        return Rule(
            target=self.text(data, "target", index, label, required=True),
            source=self.text(data, "source", index, label),
            constant=data.get("constant", MISSING),
            op=op,
            separator=DEFAULT_SEPARATOR if separator is None else separator,
            transforms=self.transforms(data.get("transform", []), index, label),
            on_create_only=on_create_only,
            child=self.child(data["child"], index, label) if "child" in data else None,
            label=label,
        )

    def transforms(
        self, items: Any, index: tuple[int, ...], label: str | None
    ) -> tuple[TransformCall, ...]:
        if not isinstance(items, list):
            self.fail("'transform' must be a list", index, label)
        calls: list[TransformCall] = []
        for item in items:
            if isinstance(item, str):
                calls.append(TransformCall(item))
            elif isinstance(item, list) and item and isinstance(item[0], str):
                calls.append(TransformCall(item[0], tuple(item[1:])))
            else:
                self.fail(
                    f"a transform must be a name or [name, args...], got {item!r}", index, label
                )
        return tuple(calls)

    def child(self, data: Any, index: tuple[int, ...], label: str | None) -> ChildMapping:
        if not isinstance(data, dict):
            self.fail("'child' must be an object", index, label)
        self.unknown_keys(data, _CHILD_KEYS, index)
        many = data.get("many", True)
        if not isinstance(many, bool):
            self.fail("'child.many' must be true or false", index, label)
        rules = data.get("rules", MISSING)
        if not isinstance(rules, list):
            self.fail("'child.rules' must be a list", index, label)
        return ChildMapping(
            target=self.text(data, "target", index, label, required=True),
            rules=self.rules(rules, index),
            many=many,
            fields=self.fields(data, index),
        )


def _type_name(value: Any) -> str:
    return "nothing" if value is MISSING else type(value).__name__


# --- validate --------------------------------------------------------------------------------


def resolve_target(
    name: str, fields: tuple[str, ...] | None, targets: TargetSpecs | None = None
) -> TargetSchema:
    """The schema for a target name: explicit ``fields`` first, then host targets, then built-ins.

    Raises:
        UnknownTargetFieldError: the name is none of those.
    """
    if fields is not None:
        return schema_for(name, fields)
    if targets is not None and name in targets:
        return schema_for(name, targets[name])
    schema = BUILTIN_TARGETS.get(name)
    if schema is None:
        raise UnknownTargetFieldError(f"unknown target {name!r}")
    return schema


def validate_definition(
    definition: MappingDefinition, *, targets: TargetSpecs | None = None
) -> None:
    """Check targets, paths, transforms and constants of a definition (also Python-built ones).

    Raises:
        MappingDefinitionError: (a subclass of) naming the mapping, the rule and the problem.
    """
    validator = _Validator(definition.name, targets)
    try:
        schema = resolve_target(definition.target, definition.fields, targets)
    except UnknownTargetFieldError as exc:
        raise UnknownTargetFieldError(exc.problem, mapping=definition.name) from None
    validator.rules(definition.rules, schema, ())


class _Validator:
    def __init__(self, mapping: str, targets: TargetSpecs | None) -> None:
        self.mapping = mapping
        self.targets = targets

    def rules(self, rules: tuple[Rule, ...], schema: TargetSchema, prefix: tuple[int, ...]) -> None:
        for i, rule in enumerate(rules):
            self.rule(rule, schema, (*prefix, i))

    def rule(self, rule: Rule, schema: TargetSchema, index: tuple[int, ...]) -> None:
        def fail(problem: str, error: type[MappingDefinitionError] = RuleTypeError) -> NoReturn:
            raise error(problem, mapping=self.mapping, rule_index=index, label=rule.label)

        if not schema.allows(rule.target):
            fail(f"unknown target field {rule.target!r} on {schema.name}", UnknownTargetFieldError)
        if (rule.source is None) == (rule.constant is MISSING):
            fail("a rule needs exactly one of a source and a constant")
        if rule.source is not None:
            try:
                parse_path(rule.source)
            except ValueError as exc:
                fail(str(exc), MalformedPathError)
        elif not _is_json(rule.constant):
            fail(f"constant {rule.constant!r} is not JSON data")
        if rule.op not in ("set", "add"):
            fail(f"op must be 'set' or 'add', got {rule.op!r}")
        if rule.op == "set" and rule.separator != DEFAULT_SEPARATOR:
            fail("a separator only applies to op 'add'")
        for call in rule.transforms:
            problem = transform_problem(call)
            if problem is not None:
                fail(*problem)
        if rule.child is not None:
            self.child(rule, index, fail)

    def child(self, rule: Rule, index: tuple[int, ...], fail: Any) -> None:
        assert rule.child is not None
        if rule.source is None:
            fail("a child rule needs a source")
        if rule.op != "set" or rule.transforms:
            fail("a child rule takes no 'op' or 'transform'")
        try:
            schema = resolve_target(rule.child.target, rule.child.fields, self.targets)
        except UnknownTargetFieldError as exc:
            fail(exc.problem, UnknownTargetFieldError)
        self.rules(rule.child.rules, schema, index)


def transform_problem(call: TransformCall) -> tuple[str, type[MappingDefinitionError]] | None:
    """What is wrong with a transform call (message and error class), or ``None``."""
    spec = TRANSFORMS.get(call.name)
    if spec is None:
        known = ", ".join(sorted(TRANSFORMS))
        return f"unknown transform {call.name!r} (known: {known})", UnknownTransformError
    if not spec.min_args <= len(call.args) <= spec.max_args:
        return (
            f"transform {call.name!r} takes {spec.min_args}–{spec.max_args} argument(s), "
            f"got {len(call.args)}",
            RuleTypeError,
        )
    if not all(_is_json(arg) for arg in call.args):
        return f"transform {call.name!r} arguments must be JSON data", RuleTypeError
    try:
        spec.build(call.args)
    except ValueError as exc:
        return str(exc), RuleTypeError
    return None


def _is_json(value: Any) -> bool:
    """Whether ``value`` survives ``json.dumps``/``json.loads`` unchanged (no tuples, no NaN)."""
    if value is None or isinstance(value, (str, bool, int)):
        return True
    if isinstance(value, float):
        return math.isfinite(value)
    if isinstance(value, list):
        return all(_is_json(v) for v in value)
    if isinstance(value, dict):
        return all(isinstance(k, str) and _is_json(v) for k, v in value.items())
    return False
