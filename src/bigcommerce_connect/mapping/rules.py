"""Rule definitions: the frozen, validated-on-load building blocks of a mapping.

A mapping is an ordered tuple of :class:`Rule`. What a rule does follows from its fields:

========================  =====================================================================
kind                      fields
========================  =====================================================================
``copy``                  ``source`` → ``target``
``constant``              ``constant`` → ``target`` (may be ``None``, ``0``, ``""``, a list...)
``transform``             ``source`` → ``transforms`` → ``target``
``add``                   ``op="add"``: append the (transformed) source or constant to the
                          value already mapped to ``target``, joined by ``separator``,
                          skipping blank parts
``child``                 ``source`` (a list, or one object with ``many=False``) → ``child``
                          rules → ``target`` (a list of dicts, or one dict)
``on_create_only``        a flag on any of the above: the rule runs only when the record is
                          being created, never on an update
========================  =====================================================================

Rules run in order, so an *Add* sees what earlier rules put on its target. Build rules in Python
with the helpers (:func:`copy`, :func:`constant`, :func:`add`, :func:`child`) or load them from
plain data with :func:`~bigcommerce_connect.mapping.definition.load_definition`.
"""

from __future__ import annotations

from typing import Any, Literal

import attrs

from bigcommerce_connect.mapping.paths import MISSING

__all__ = [
    "ChildMapping",
    "MappingDefinition",
    "Rule",
    "RuleKind",
    "TransformCall",
    "add",
    "child",
    "constant",
    "copy",
]

RuleKind = Literal["copy", "constant", "transform", "add", "child"]
Op = Literal["set", "add"]

DEFAULT_SEPARATOR = " "


@attrs.frozen
class TransformCall:
    """One transform in a rule's chain: a registered name and its JSON arguments."""

    name: str
    args: tuple[Any, ...] = ()


@attrs.frozen
class ChildMapping:
    """The rules applied to each element of a child list (or to one nested object).

    Attributes:
        target: the target schema of the child records (e.g. ``ErpOrderLine``).
        rules: the child rules; their source paths are relative to the element.
        many: ``True``: the source is a list and the result a list of dicts; ``False``: the
            source is one object and the result one dict.
        fields: explicit allowed field names for a host target (``None``: use ``target``).
    """

    target: str
    rules: tuple[Rule, ...]
    many: bool = True
    fields: tuple[str, ...] | None = None


@attrs.frozen
class Rule:
    """One rule: where a value comes from, how it is converted, and where it goes.

    Attributes:
        target: the target field written.
        source: a source path (see :mod:`~bigcommerce_connect.mapping.paths`), or ``None`` for
            a constant rule.
        constant: the constant value (JSON data) when ``source`` is ``None``; ``MISSING`` for
            source rules.
        op: ``"set"`` (replace) or ``"add"`` (append to the value already on ``target``).
        separator: what an *Add* puts between the parts (one space by default).
        transforms: the transform chain, applied left to right.
        on_create_only: run only when the record is created.
        child: child rules for a list (or one nested object) at ``source``.
        label: an optional human name, e.g. ``"Add Shipping Name"``; shown in traces and errors.
    """

    target: str
    source: str | None = None
    constant: Any = MISSING
    op: Op = "set"
    separator: str = DEFAULT_SEPARATOR
    transforms: tuple[TransformCall, ...] = ()
    on_create_only: bool = False
    child: ChildMapping | None = None
    label: str | None = None

    @property
    def kind(self) -> RuleKind:
        """The rule kind (``on_create_only`` is a flag on top of it)."""
        if self.child is not None:
            return "child"
        if self.op == "add":
            return "add"
        if self.source is None:
            return "constant"
        return "transform" if self.transforms else "copy"


@attrs.frozen
class MappingDefinition:
    """A named mapping as plain, validated data (compile it to run it).

    Attributes:
        name: the mapping's name ("MyBCOrders", ``automatic:order_import``...).
        kind: what it is for: ``customer_import``, ``order_import``, ``update_products``,
            ``inventory``, ``b2b_customer`` or a host's own word.
        target: the target schema name (see :mod:`~bigcommerce_connect.mapping.targets`).
        rules: the ordered rules.
        fields: explicit allowed field names for a host target (``None``: use ``target``).
        description: free text for the settings screen.
    """

    name: str
    kind: str
    target: str
    rules: tuple[Rule, ...]
    fields: tuple[str, ...] | None = None
    description: str = ""

    def renamed(self, new_name: str) -> MappingDefinition:
        """A copy under ``new_name`` (what "Save As…" stores)."""
        return attrs.evolve(self, name=new_name)


def _calls(transforms: tuple[str | tuple[Any, ...], ...]) -> tuple[TransformCall, ...]:
    return tuple(
        TransformCall(t) if isinstance(t, str) else TransformCall(t[0], tuple(t[1:]))
        for t in transforms
    )


def copy(
    source: str,
    target: str,
    *transforms: str | tuple[Any, ...],
    on_create_only: bool = False,
    label: str | None = None,
) -> Rule:
    """A copy rule, or a transform rule when ``transforms`` such as ``"strip"`` are given."""
    return Rule(
        target,
        source,
        transforms=_calls(transforms),
        on_create_only=on_create_only,
        label=label,
    )


def constant(target: str, value: Any, *, on_create_only: bool = False) -> Rule:
    """A constant rule (``value`` must be JSON data to be saved)."""
    return Rule(target, constant=value, on_create_only=on_create_only)


def add(
    source: str,
    target: str,
    *transforms: str | tuple[Any, ...],
    separator: str = DEFAULT_SEPARATOR,
    label: str | None = None,
) -> Rule:
    """An *Add* rule: append ``source`` to what ``target`` already holds."""
    return Rule(
        target, source, op="add", separator=separator, transforms=_calls(transforms), label=label
    )


def child(source: str, target: str, child_target: str, *rules: Rule, many: bool = True) -> Rule:
    """A child rule: map each element of the list at ``source`` with ``rules``."""
    return Rule(target, source, child=ChildMapping(child_target, tuple(rules), many=many))
