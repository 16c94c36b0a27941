"""A compiled rule and what applying one needs: the *Add* join, the object check, and the
context that names a rule in a runtime error.

Shared by the compiler (:mod:`~bigcommerce_connect.mapping.compiler`), which builds these, and
the preview (:mod:`~bigcommerce_connect.mapping.preview`), which interprets them one by one.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NoReturn

import attrs

from bigcommerce_connect.mapping.errors import MappingValueError
from bigcommerce_connect.mapping.paths import LEAF_TYPES, MISSING, Getter
from bigcommerce_connect.mapping.rules import Rule
from bigcommerce_connect.mapping.transforms import TransformFailure, TransformFn, as_text, is_blank

__all__ = ["CompiledRule", "RuleContext", "Run", "check_object", "join_add"]

Run = Callable[[Any, dict[str, Any]], None]


def join_add(before: Any, part: Any, separator: str) -> Any:
    """The value of a target after an *Add* of ``part`` onto ``before``.

    Blank parts (missing, null, empty or whitespace-only text) are skipped on either side:

    * both non-blank → ``"<before><separator><part>"`` (both rendered with
      :func:`~bigcommerce_connect.mapping.transforms.as_text`, so ``0`` is ``"0"``);
    * only ``part`` non-blank → ``part`` as text (Add onto nothing is the part alone);
    * only ``before`` non-blank → ``before`` unchanged;
    * both blank → ``before`` unchanged, or ``part`` when there was nothing before (a missing
      ``part`` then leaves the target unset: the result is ``MISSING``).

    Raises:
        TransformFailure: a part is a list or an object.
    """
    if is_blank(part):
        return part if before is MISSING else before
    text = part if type(part) is str else as_text(part)
    if is_blank(before):
        return text
    return f"{before if type(before) is str else as_text(before)}{separator}{text}"


@attrs.frozen(eq=False)
class RuleContext:
    """What a runtime error needs to name the rule."""

    mapping: str
    index: tuple[int, ...]
    label: str | None
    source: str | None

    def fail(self, problem: str) -> NoReturn:
        where = f" (source {self.source!r})" if self.source else ""
        raise MappingValueError(
            problem + where, mapping=self.mapping, rule_index=self.index, label=self.label
        ) from None


@attrs.frozen(eq=False)
class CompiledRule:
    """One rule, compiled. ``run_create``/``run_update`` are the hot-path closures.

    Attributes:
        index: the rule's position (``(5, 2)`` = child rule 2 of rule 5).
        rule: the rule definition.
        getter: reads the source (or returns the constant).
        chain: the composed transforms, or ``None``.
        handles_missing: whether the chain runs on a missing source.
        child_create: the compiled child rules for creates (child rules only).
        child_update: the compiled child rules for updates (child rules only).
        context: names the rule in runtime errors.
    """

    index: tuple[int, ...]
    rule: Rule
    getter: Getter
    chain: TransformFn | None
    handles_missing: bool
    child_create: tuple[CompiledRule, ...]
    child_update: tuple[CompiledRule, ...]
    context: RuleContext
    run_create: Run
    run_update: Run

    def convert(self, raw: Any) -> Any:
        """The transformed value for a raw source value (``MISSING`` when the rule is skipped)."""
        if raw is MISSING and not self.handles_missing:
            return MISSING
        if self.chain is None:
            return raw
        try:
            return self.chain(None if raw is MISSING else raw)
        except TransformFailure as exc:
            self.context.fail(str(exc))


def check_object(value: Any, context: RuleContext | None, what: str = "element") -> None:
    """Raise :class:`MappingValueError` when ``value`` is a scalar or list (no fields to read)."""
    if type(value) is dict:
        return
    if value is None or isinstance(value, LEAF_TYPES):
        problem = f"the {what} is {type(value).__name__}, not an object"
        if context is None:
            raise MappingValueError(problem)
        context.fail(problem)
