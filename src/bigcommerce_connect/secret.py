"""A wrapper that keeps credentials out of reprs, strings, logs and exception text."""

from __future__ import annotations

from typing import Final

__all__ = ["Secret"]

_MASK: Final = "********"


class Secret:
    """A credential that never shows itself: ``str``, ``repr`` and ``format`` give a mask.

    Call :meth:`reveal` at the single place that must send it (an auth header).
    """

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        if not isinstance(value, str):
            raise TypeError("a secret must be a string")
        self._value = value

    def reveal(self) -> str:
        """The raw value, for building an auth header and nothing else."""
        return self._value

    def __bool__(self) -> bool:
        return bool(self._value)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(("Secret", self._value))

    def __repr__(self) -> str:
        return f"Secret({_MASK!r})"

    def __str__(self) -> str:
        return _MASK

    def __format__(self, format_spec: str) -> str:
        return _MASK

    def __reduce__(self) -> tuple[object, ...]:
        # Pickling would write the raw token into a queue or a file: refuse.
        raise TypeError("a Secret cannot be pickled; pass settings by reference")
