"""Compile a definition once into plain callables; apply it on the hot path.

:func:`compile_mapping` validates the definition, parses every path into a getter, composes
every transform chain, and builds one small closure per rule. Consecutive non-child rules are
then fused into one closure that loops over precomputed tuples and reads single-key paths with a
bare ``dict.get`` (attribute-object sources fall back to the per-rule closures). Applying a
mapping is a short loop writing into a fresh dict: no rule lookups, no definition walking, no
exceptions unless a value really cannot be converted. Two run lists are kept, one for creates
and one for updates, so ``on_create_only`` costs nothing per call. The preview
(:mod:`~bigcommerce_connect.mapping.preview`) interprets the same compiled rules one by one,
and property tests check that both give the same values.

Value semantics (the rules every closure follows):

* a **missing** source leaves the target untouched (so the record default applies), except that
  a chain with ``default`` runs on it; a **null** source writes ``None``;
* falsy values (``0``, ``""``, ``False``, ``[]``) are values like any other and are written;
* *Add* is text concatenation (:func:`join_add`);
* child rules give a list of dicts (``many``) or one dict; each element must be an object.
"""

from __future__ import annotations

import copy as _copy
from typing import Any, TypeVar, overload

import attrs

from bigcommerce_connect.mapping.build import build_record
from bigcommerce_connect.mapping.compiled_rule import (
    CompiledRule,
    RuleContext,
    Run,
    check_object,
    join_add,
)
from bigcommerce_connect.mapping.definition import (
    TargetSpecs,
    resolve_target,
    validate_definition,
)
from bigcommerce_connect.mapping.errors import MappingValueError
from bigcommerce_connect.mapping.paths import (
    MISSING,
    Getter,
    compile_getter,
    parse_path,
)
from bigcommerce_connect.mapping.preview import MappingPreview, preview_mapping
from bigcommerce_connect.mapping.rules import MappingDefinition, Rule
from bigcommerce_connect.mapping.targets import TargetSchema
from bigcommerce_connect.mapping.transforms import (
    TRANSFORMS,
    TransformFailure,
    TransformFn,
)

__all__ = ["CompiledMapping", "CompiledRule", "compile_mapping", "join_add"]

T = TypeVar("T")


@attrs.frozen(eq=False)
class CompiledMapping:
    """A compiled mapping: call :meth:`apply` per record.

    Attributes:
        definition: what it was compiled from.
        schema: the target schema (its ``record_type`` is what :meth:`apply_to` builds).
        rules: the compiled top-level rules, in order.
    """

    definition: MappingDefinition
    schema: TargetSchema
    rules: tuple[CompiledRule, ...]
    _create_runs: tuple[Run, ...]
    _update_runs: tuple[Run, ...]

    @property
    def name(self) -> str:
        """The mapping's name."""
        return self.definition.name

    def apply(self, source: Any, *, create: bool = True) -> dict[str, Any]:
        """Map one source record to target field values (children as lists of dicts).

        Raises:
            MappingValueError: the source is not an object, or a value cannot be converted.
        """
        if type(source) is not dict:
            self.check_source(source)
        out: dict[str, Any] = {}
        for run in self._create_runs if create else self._update_runs:
            run(source, out)
        return out

    @overload
    def apply_to(self, source: Any, record_type: type[T], *, create: bool = True) -> T: ...

    @overload
    def apply_to(self, source: Any, record_type: None = None, *, create: bool = True) -> Any: ...

    def apply_to(
        self, source: Any, record_type: type[Any] | None = None, *, create: bool = True
    ) -> Any:
        """Map ``source`` and build the target record (``record_type`` or the schema's class).

        Raises:
            MappingValueError: a value cannot be converted, or the record cannot be built.
        """
        record_type = record_type or self.schema.record_type
        if record_type is None:
            raise MappingValueError(
                f"target {self.schema.name!r} has no record type", mapping=self.name
            )
        return build_record(record_type, self.apply(source, create=create))

    def preview(self, source: Any, *, create: bool = True) -> MappingPreview:
        """Apply without side effects and return a ``MappingPreview`` with the per-rule trace."""
        return preview_mapping(self, source, create=create)

    def check_source(self, source: Any) -> None:
        """Raise :class:`MappingValueError` unless ``source`` is an object with fields."""
        try:
            check_object(source, None, "source")
        except MappingValueError as exc:
            raise MappingValueError(exc.problem, mapping=self.name) from None


def compile_mapping(
    definition: MappingDefinition, *, targets: TargetSpecs | None = None
) -> CompiledMapping:
    """Validate and compile ``definition`` (do this once, then apply many times).

    Raises:
        MappingDefinitionError: the definition is invalid (see ``validate_definition``).
    """
    validate_definition(definition, targets=targets)
    schema = resolve_target(definition.target, definition.fields, targets)
    rules = _compile_rules(definition.name, definition.rules, ())
    return CompiledMapping(
        definition=definition,
        schema=schema,
        rules=rules,
        create_runs=_fuse(rules, create=True),
        update_runs=_fuse(tuple(r for r in rules if not r.rule.on_create_only), create=False),
    )


def _compile_rules(
    mapping: str, rules: tuple[Rule, ...], prefix: tuple[int, ...]
) -> tuple[CompiledRule, ...]:
    return tuple(_compile_rule(mapping, rule, (*prefix, i)) for i, rule in enumerate(rules))


def _compile_rule(mapping: str, rule: Rule, index: tuple[int, ...]) -> CompiledRule:
    context = RuleContext(mapping, index, rule.label, rule.source)
    getter = _source_getter(rule)
    fns = [TRANSFORMS[c.name].build(c.args) for c in rule.transforms]
    chain = _compose(fns)
    handles_missing = any(TRANSFORMS[c.name].handles_missing for c in rule.transforms)
    child_create: tuple[CompiledRule, ...] = ()
    child_update: tuple[CompiledRule, ...] = ()
    if rule.child is not None:
        child_create = _compile_rules(mapping, rule.child.rules, index)
        child_update = tuple(c for c in child_create if not c.rule.on_create_only)
        many = rule.child.many
        run_create = _child_run(rule.target, getter, many, _fuse(child_create, True), context)
        run_update = _child_run(rule.target, getter, many, _fuse(child_update, False), context)
    else:
        run_create = run_update = _run_for(rule, getter, chain, handles_missing, context)
    return CompiledRule(
        index,
        rule,
        getter,
        chain,
        handles_missing,
        child_create,
        child_update,
        context,
        run_create,
        run_update,
    )


def _source_getter(rule: Rule) -> Getter:
    if rule.source is not None:
        return compile_getter(parse_path(rule.source))
    value = rule.constant
    if isinstance(value, (list, dict)):
        # Each output gets its own copy, so a caller mutating one record cannot change the next.
        return lambda _src: _copy.deepcopy(value)
    return lambda _src: value


def _compose(fns: list[TransformFn]) -> TransformFn | None:
    if not fns:
        return None
    if len(fns) == 1:
        return fns[0]
    if len(fns) == 2:
        first, second = fns
        return lambda v: second(first(v))
    chain = tuple(fns)

    def composed(value: Any) -> Any:
        for fn in chain:
            value = fn(value)
        return value

    return composed


def _run_for(
    rule: Rule,
    getter: Getter,
    chain: TransformFn | None,
    handles_missing: bool,
    context: RuleContext,
) -> Run:
    if rule.op == "add":
        return _add_run(rule.target, rule.separator, getter, chain, handles_missing, context)
    if chain is None:
        return _copy_run(rule.target, getter)
    return _transform_run(rule.target, getter, chain, handles_missing, context)


def _copy_run(target: str, getter: Getter) -> Run:
    def run(src: Any, out: dict[str, Any]) -> None:
        value = getter(src)
        if value is not MISSING:
            out[target] = value

    return run


def _transform_run(
    target: str, getter: Getter, chain: TransformFn, handles_missing: bool, context: RuleContext
) -> Run:
    def run(src: Any, out: dict[str, Any]) -> None:
        value = getter(src)
        if value is MISSING:
            if not handles_missing:
                return
            value = None
        try:
            out[target] = chain(value)
        except TransformFailure as exc:
            context.fail(str(exc))

    return run


def _add_run(
    target: str,
    separator: str,
    getter: Getter,
    chain: TransformFn | None,
    handles_missing: bool,
    context: RuleContext,
) -> Run:
    def run(src: Any, out: dict[str, Any]) -> None:
        value = getter(src)
        try:
            if chain is not None and (value is not MISSING or handles_missing):
                value = chain(None if value is MISSING else value)
            result = join_add(out.get(target, MISSING), value, separator)
        except TransformFailure as exc:
            context.fail(str(exc))
        if result is not MISSING:
            out[target] = result

    return run


def _child_run(
    target: str,
    getter: Getter,
    many: bool,
    runs: tuple[Run, ...],
    context: RuleContext,
) -> Run:

    def map_item(item: Any) -> dict[str, Any]:
        if type(item) is not dict:
            check_object(item, context)
        out: dict[str, Any] = {}
        for run in runs:
            run(item, out)
        return out

    def run(src: Any, out: dict[str, Any]) -> None:
        value = getter(src)
        if value is MISSING:
            return
        if value is None:
            out[target] = None
        elif not many:
            out[target] = map_item(value)
        elif isinstance(value, (list, tuple)):
            out[target] = [map_item(item) for item in value]
        else:
            context.fail(f"expected a list, got {type(value).__name__}")

    return run


def _single_key(rule: Rule) -> str | None:
    """The key a rule reads when its path is one dict key (the common case), else ``None``."""
    if rule.source is None:
        return None
    steps = parse_path(rule.source).steps
    return steps[0] if len(steps) == 1 and isinstance(steps[0], str) else None


def _fuse(rules: tuple[CompiledRule, ...], create: bool) -> tuple[Run, ...]:
    """The runs for ``rules``, with consecutive non-child rules merged into one loop.

    Why: a Python call per rule (plus one per getter) was most of the per-order cost; one
    closure looping over precomputed tuples reads single-key paths with a bare ``dict.get``.
    Rule order is preserved, so *Add* still sees the earlier rules' values.
    """
    runs: list[Run] = []
    group: list[CompiledRule] = []

    def flush() -> None:
        if len(group) == 1:
            runs.append(_pick(group[0], create))
        elif group:
            runs.append(_fused_run(tuple(group), create))
        group.clear()

    for rule in rules:
        if rule.rule.child is None:
            group.append(rule)
        else:
            flush()
            runs.append(_pick(rule, create))
    flush()
    return tuple(runs)


def _pick(rule: CompiledRule, create: bool) -> Run:
    return rule.run_create if create else rule.run_update


def _fused_run(group: tuple[CompiledRule, ...], create: bool) -> Run:
    items = tuple(
        (
            _single_key(r.rule),
            r.getter,
            r.rule.target,
            r.chain,
            r.handles_missing,
            r.context,
            r.rule.separator if r.rule.op == "add" else None,
        )
        for r in group
    )
    fallback = tuple(_pick(r, create) for r in group)

    def run(src: Any, out: dict[str, Any]) -> None:
        if type(src) is not dict:
            for each in fallback:
                each(src, out)
            return
        get = src.get
        for key, getter, target, chain, handles_missing, context, separator in items:
            value = get(key, MISSING) if key is not None else getter(src)
            if value is MISSING:
                # A missing part leaves the target as it was, for Add too (see join_add).
                if not handles_missing:
                    continue
                value = None
            try:
                if chain is not None:
                    value = chain(value)
                if separator is not None:
                    value = join_add(out.get(target, MISSING), value, separator)
                    if value is MISSING:
                        continue
            except TransformFailure as exc:
                context.fail(str(exc))
            out[target] = value

    return run
