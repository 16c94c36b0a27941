"""Typed errors of the mapping DSL.

Every failure the DSL can raise is a :class:`MappingError`. Loading a definition raises a
:class:`MappingDefinitionError` subclass; applying a mapping raises :class:`MappingValueError`;
the store raises :class:`MappingNotFound`, :class:`MappingExistsError` or
:class:`ReadOnlyMappingError`. Messages name the mapping and the rule so a user can find the
offending line of a saved mapping: ``rule 5.2`` is child rule 2 of rule 5, both counted from 0
as positions in the definition's ``rules`` lists.
"""

from __future__ import annotations

from bigcommerce_connect.errors import ConnectError

__all__ = [
    "MalformedPathError",
    "MappingDefinitionError",
    "MappingError",
    "MappingExistsError",
    "MappingNotFound",
    "MappingValueError",
    "ReadOnlyMappingError",
    "RuleTypeError",
    "UnknownTargetFieldError",
    "UnknownTransformError",
    "format_rule_index",
]


def format_rule_index(index: tuple[int, ...]) -> str:
    """Render a rule position: ``(5,)`` → ``"5"``; ``(5, 2)`` → ``"5.2"`` (child 2 of rule 5)."""
    return ".".join(str(i) for i in index)


class MappingError(ConnectError):
    """Base class of every error the mapping DSL raises.

    Attributes:
        mapping: the mapping's name, or ``None`` when not known.
        rule_index: the rule position (``()`` when the problem is not about one rule).
        problem: the bare description, without the mapping/rule prefix.
    """

    def __init__(
        self,
        problem: str,
        *,
        mapping: str | None = None,
        rule_index: tuple[int, ...] = (),
        label: str | None = None,
    ) -> None:
        self.problem = problem
        self.mapping = mapping
        self.rule_index = rule_index
        self.label = label
        super().__init__(self._render())

    def _render(self) -> str:
        parts: list[str] = []
        if self.mapping is not None:
            parts.append(f"mapping {self.mapping!r}")
        if self.rule_index:
            where = f"rule {format_rule_index(self.rule_index)}"
            if self.label:
                where += f" ({self.label})"
            parts.append(where)
        prefix = ", ".join(parts)
        return f"{prefix}: {self.problem}" if prefix else self.problem


class MappingDefinitionError(MappingError):
    """A mapping definition is invalid; nothing of it was loaded."""


class UnknownTargetFieldError(MappingDefinitionError):
    """A rule writes a field the target record does not have (or the target itself is unknown)."""


class UnknownTransformError(MappingDefinitionError):
    """A rule names a transform that is not registered."""


class MalformedPathError(MappingDefinitionError):
    """A source path does not follow the syntax of :mod:`bigcommerce_connect.mapping.paths`."""


class RuleTypeError(MappingDefinitionError):
    """A definition element has the wrong JSON type or shape (e.g. ``"target": 5``)."""


class MappingValueError(MappingError):
    """Applying a mapping met a value it cannot convert (e.g. ``"12,50"`` through ``decimal``)."""


class MappingNotFound(MappingError):
    """No mapping is stored under the requested name."""


class MappingExistsError(MappingError):
    """A mapping is already stored under the name a save-as would create."""


class ReadOnlyMappingError(MappingError):
    """The built-in ``automatic:*`` mappings cannot be overwritten or deleted."""
