"""Preview ("Don't Import"): apply a mapping and explain every rule, writing nothing anywhere.

:meth:`CompiledMapping.preview` returns a :class:`MappingPreview`: the mapped values (the same
dict :meth:`~CompiledMapping.apply` returns) plus one :class:`TraceEntry` per rule, in order:
which source produced which value, and for an *Add* the value before, the appended part and the
result. Child rules carry one nested preview per element.
"""

from __future__ import annotations

from typing import Any, Protocol

import attrs

from bigcommerce_connect.mapping.compiled_rule import CompiledRule, check_object, join_add
from bigcommerce_connect.mapping.errors import format_rule_index
from bigcommerce_connect.mapping.paths import MISSING
from bigcommerce_connect.mapping.rules import RuleKind
from bigcommerce_connect.mapping.transforms import TransformFailure, as_text, is_blank


class PreviewedMapping(Protocol):
    """What a preview reads of a compiled mapping (the compiler's ``CompiledMapping``)."""

    @property
    def name(self) -> str:
        """The mapping's name."""
        ...

    @property
    def rules(self) -> tuple[CompiledRule, ...]:
        """The compiled top-level rules, in order."""
        ...

    def check_source(self, source: Any) -> None:
        """Raise unless ``source`` is an object with fields."""
        ...


__all__ = ["MappingPreview", "TraceEntry", "preview_mapping"]


@attrs.frozen
class TraceEntry:
    """What one rule did.

    Attributes:
        index: the rule's position (``(5, 2)`` = child rule 2 of rule 5).
        kind: ``copy``, ``constant``, ``transform``, ``add`` or ``child``.
        label: the rule's label, if any.
        target: the target field.
        source: the source path (``None`` for a constant).
        source_value: what the path read (``MISSING`` when absent) or the constant.
        value: the value after the transforms (``MISSING`` when the rule did nothing).
        written: the target's value after the rule (``MISSING`` when the target is unset).
        before: for an *Add*, the target's value before it (``MISSING`` when unset).
        appended: for an *Add*, the part appended (``None`` when it was blank and skipped).
        note: a short explanation when the rule did nothing or skipped a blank.
        children: for a child rule, one preview per element (one for ``many=False``).
    """

    index: tuple[int, ...]
    kind: RuleKind
    label: str | None
    target: str
    source: str | None
    source_value: Any
    value: Any
    written: Any
    before: Any = MISSING
    appended: Any = None
    note: str = ""
    children: tuple[MappingPreview, ...] = ()

    def describe(self) -> str:
        """One human-readable line (for a settings screen or a log)."""
        name = f" {self.label}" if self.label else ""
        origin = self.source if self.source is not None else "constant"
        shown = _summary(self.source_value) if self.kind == "child" else repr(self.source_value)
        head = f"#{format_rule_index(self.index)}{name} [{self.kind}] {origin}={shown}"
        if self.kind == "add":
            body = f"{self.target}: {self.before!r} + {self.appended!r} -> {self.written!r}"
        elif self.kind == "child":
            body = f"{self.target}: {len(self.children)} element(s)"
        else:
            body = f"{self.target} = {self.written!r}"
        return f"{head} -> {body}" + (f" ({self.note})" if self.note else "")


def _summary(value: Any) -> str:
    """A short stand-in for a child source (its elements are traced one by one below)."""
    if isinstance(value, (list, tuple)):
        return f"<list of {len(value)}>"
    return repr(value) if value is None or value is MISSING else "<object>"


@attrs.frozen
class MappingPreview:
    """The result of a preview.

    Attributes:
        mapping: the mapping's name.
        create: whether create-only rules ran.
        values: the mapped values, exactly what ``apply`` returns.
        trace: one entry per rule, in rule order.
    """

    mapping: str
    create: bool
    values: dict[str, Any]
    trace: tuple[TraceEntry, ...]

    def lines(self, indent: str = "") -> list[str]:
        """The trace as text lines, children indented under their rule."""
        result: list[str] = []
        for entry in self.trace:
            result.append(indent + entry.describe())
            for i, child in enumerate(entry.children):
                result.append(f"{indent}  [{i}]")
                result.extend(child.lines(indent + "    "))
        return result


def preview_mapping(
    mapping: PreviewedMapping, source: Any, *, create: bool = True
) -> MappingPreview:
    """Apply ``mapping`` to ``source`` with a full trace (see :meth:`CompiledMapping.preview`)."""
    if type(source) is not dict:
        mapping.check_source(source)
    values, trace = _trace_rules(mapping.rules, source, create)
    return MappingPreview(mapping.name, create, values, trace)


def _trace_rules(
    rules: tuple[CompiledRule, ...], source: Any, create: bool
) -> tuple[dict[str, Any], tuple[TraceEntry, ...]]:
    out: dict[str, Any] = {}
    return out, tuple(_trace_rule(rule, source, out, create) for rule in rules)


def _trace_rule(rule: CompiledRule, source: Any, out: dict[str, Any], create: bool) -> TraceEntry:
    spec = rule.rule
    raw = rule.getter(source)
    entry = TraceEntry(
        index=rule.index,
        kind=spec.kind,
        label=spec.label,
        target=spec.target,
        source=spec.source,
        source_value=raw,
        value=MISSING,
        written=out.get(spec.target, MISSING),
    )
    if spec.on_create_only and not create:
        return attrs.evolve(entry, note="skipped: only on create")
    if spec.child is not None:
        return _trace_child(rule, entry, raw, out, create)
    value = rule.convert(raw)
    if spec.op == "add":
        return _trace_add(rule, entry, value, out)
    if value is MISSING:
        return attrs.evolve(entry, note="source missing: target left as it was")
    out[spec.target] = value
    return attrs.evolve(entry, value=value, written=value)


def _trace_add(
    rule: CompiledRule, entry: TraceEntry, value: Any, out: dict[str, Any]
) -> TraceEntry:
    target = rule.rule.target
    before = out.get(target, MISSING)
    try:
        result = join_add(before, value, rule.rule.separator)
    except TransformFailure as exc:
        rule.context.fail(str(exc))
    if result is not MISSING:
        out[target] = result
    skipped = is_blank(value)
    return attrs.evolve(
        entry,
        value=value,
        written=result,
        before=before,
        appended=None if skipped else value if type(value) is str else as_text(value),
        note="blank part skipped" if skipped else "",
    )


def _trace_child(
    rule: CompiledRule, entry: TraceEntry, raw: Any, out: dict[str, Any], create: bool
) -> TraceEntry:
    assert rule.rule.child is not None
    target = rule.rule.target
    if raw is MISSING:
        return attrs.evolve(entry, note="source missing: target left as it was")
    if raw is None:
        out[target] = None
        return attrs.evolve(entry, value=None, written=None)
    if rule.rule.child.many and not isinstance(raw, (list, tuple)):
        rule.context.fail(f"expected a list, got {type(raw).__name__}")
    items = raw if rule.rule.child.many else [raw]
    previews = tuple(_preview_child(rule, item, create) for item in items)
    values = [p.values for p in previews]
    written: Any = values if rule.rule.child.many else values[0]
    out[target] = written
    return attrs.evolve(entry, value=written, written=written, children=previews)


def _preview_child(rule: CompiledRule, item: Any, create: bool) -> MappingPreview:
    check_object(item, rule.context)
    # All child rules, so create-only ones show up as skipped on an update.
    children = rule.child_create
    values, trace = _trace_rules(children, item, create)
    return MappingPreview(rule.context.mapping, create, values, trace)
