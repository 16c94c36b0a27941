"""A wrapper that keeps credentials out of reprs, strings, logs and exception text."""

from __future__ import annotations

from typing import Final

from bigcommerce_connect.errors import ConnectError

__all__ = ["CredentialError", "Secret", "header_secret"]

_MASK: Final = "********"


class CredentialError(ConnectError, ValueError):
    """A credential that cannot be sent in an HTTP header; the message never shows it.

    ``field`` names the credential (``api_token``, ``username``), ``reason`` says what is
    wrong with it, as a position and a character class, never the value.
    """

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason


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

    # copy.copy and copy.deepcopy stay in memory: a new Secret holding the same value, made
    # without going through pickling (which stays refused above).
    def __copy__(self) -> Secret:
        return Secret(self._value)

    def __deepcopy__(self, memo: dict[int, object]) -> Secret:
        return Secret(self._value)


def _header_safe(char: str) -> bool:
    # What a header value may hold: printable Latin-1 (http.client encodes values as
    # Latin-1; a control character would end the header or smuggle another one).
    return ord(char) <= 0xFF and char.isprintable()


def header_secret(value: Secret | str, field: str) -> Secret:
    """``value`` as a :class:`Secret` fit for an HTTP header: surrounding whitespace removed.

    A token read from a file or a secret store often ends in ``\\n`` or ``\\r\\n``; that is
    dropped. Any other control or non-printable character, or one outside Latin-1, raises
    :class:`CredentialError` naming ``field`` and the character's position, never the value.
    """
    if isinstance(value, Secret):
        raw = value.reveal()
    elif isinstance(value, str):
        raw = value
    else:
        raise CredentialError(field, f"must be a string, not {type(value).__name__}")
    stripped = raw.strip()
    for index, char in enumerate(stripped, 1):
        if not _header_safe(char):
            kind = "a non-Latin-1" if ord(char) > 0xFF else "a control or non-printable"
            raise CredentialError(
                field,
                f"holds {kind} character at position {index}; "
                "an HTTP header cannot carry it: copy the credential again",
            )
    if isinstance(value, Secret) and stripped == raw:
        return value
    return Secret(stripped)
