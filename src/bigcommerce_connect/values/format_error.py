"""The codec's one error, :class:`ValueFormatError`, and how its messages show a bad value."""

from __future__ import annotations

from typing import Final

from bigcommerce_connect.errors import ConnectError

__all__ = ["ValueFormatError", "echo", "kind_of"]


class ValueFormatError(ConnectError, ValueError):
    """A date, an amount or a query value does not follow the codec's wire rules.

    The message says what was wrong and echoes at most about 40 characters of the value.
    """


_ECHO_LIMIT: Final = 40


def echo(value: object) -> str:
    """A short, safe rendering of a bad value for an error message."""
    text = repr(value)
    return text if len(text) <= _ECHO_LIMIT else text[: _ECHO_LIMIT - 3] + "..."


def kind_of(value: object) -> str:
    """The type name an error message gives for ``value`` (``null`` for None)."""
    return "null" if value is None else type(value).__name__
