"""The built-in transforms and their registry.

A rule's ``transform`` list is applied left to right to the source value. In a definition a
transform is written as its name (``"strip"``) or, with arguments, as a list
(``["truncate", 60]``). Every transform except ``default`` passes ``None`` (null) through
untouched, so null stays null.

=============  ==========================  ====================================================
name           arguments                   effect
=============  ==========================  ====================================================
``strip``      none                        text without leading/trailing whitespace
``upper``      none                        upper-case text
``lower``      none                        lower-case text
``truncate``   ``n`` (int ≥ 0)             at most ``n`` characters, never splitting one
                                           (combining marks, ZWJ emoji sequences, flags,
                                           surrogate pairs and CR LF stay whole)
``decimal``    none                        exact ``Decimal`` from str/int/Decimal; a float goes
                                           through ``Decimal(str(x))``; blank text → null;
                                           non-numeric (``1_000``, ``12,50``), NaN, infinity
                                           or bool → error
``date``       none                        aware ``datetime`` from RFC 2822 (``-0000`` is UTC)
                                           or ISO 8601 text, Unix seconds (an int) or an
                                           aware datetime; blank text → null; a date without
                                           an offset → error
``lookup``     ``table`` [, ``default``]   ``table[key]`` where the key is the value as text;
                                           an unknown key gives ``default`` when given, else
                                           the value unchanged
``default``    ``value``                   ``value`` when the source is missing, null or blank
                                           text; otherwise the source unchanged
``text``       none                        the value as text (see :func:`as_text`)
``int``        none                        an ``int`` from an int, integral Decimal/float or
                                           integer text; blank text → null
=============  ==========================  ====================================================

``decimal``, ``int`` and ``date`` follow the one codec, :mod:`bigcommerce_connect.values`, so a
mapping reads dates and amounts exactly as the models do.

Text transforms (``strip``, ``upper``, ``lower``, ``truncate``) accept numbers and dates and
convert them with :func:`as_text`; a list or object is an error. Transforms raise
:class:`TransformFailure`, which the compiled rule turns into a
:class:`~bigcommerce_connect.mapping.errors.MappingValueError` naming the mapping and the rule.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Final

import attrs

from bigcommerce_connect.errors import ConnectError
from bigcommerce_connect.mapping.paths import MISSING
from bigcommerce_connect.values import ValueFormatError, parse_datetime, parse_money

__all__ = [
    "TRANSFORMS",
    "TransformFailure",
    "TransformFn",
    "TransformSpec",
    "as_text",
    "is_blank",
    "truncate_text",
]

TransformFn = Callable[[Any], Any]


class TransformFailure(ConnectError, ValueError):
    """A transform could not convert its value; the compiled rule adds mapping and rule context."""


@attrs.frozen
class TransformSpec:
    """A registered transform.

    Attributes:
        name: the name used in definitions.
        min_args: fewest arguments accepted.
        max_args: most arguments accepted.
        build: ``build(args) -> fn``; validates ``args`` (raising ``ValueError`` with a reason)
            and returns the value function.
        handles_missing: ``True`` when the transform also runs on a missing source (``default``).
        summary: one line for docs and error messages.
    """

    name: str
    min_args: int
    max_args: int
    build: Callable[[tuple[Any, ...]], TransformFn]
    handles_missing: bool = False
    summary: str = ""


def is_blank(value: Any) -> bool:
    """``True`` for missing, null, and blank text; ``0`` and ``False`` are not blank."""
    if value is None or value is MISSING:
        return True
    return isinstance(value, str) and not value.strip()


def as_text(value: Any) -> str:
    """Render a scalar as text: ``true``/``false``, ISO 8601 dates, numbers with ``str``.

    Raises:
        TransformFailure: for lists, objects and other non-scalars.
    """
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float, Decimal)):
        return str(value)
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    raise TransformFailure(f"expected text or a number, got {type(value).__name__}")


# --- text ------------------------------------------------------------------------------------


def _text_fn(op: Callable[[str], str]) -> Callable[[tuple[Any, ...]], TransformFn]:
    def build(args: tuple[Any, ...]) -> TransformFn:
        def fn(value: Any) -> Any:
            if value is None:
                return None
            return op(value if type(value) is str else as_text(value))

        return fn

    return build


_ZWJ: Final = "\u200d"
_KEYCAP: Final = "\u20e3"


def _is_extender(ch: str) -> bool:
    """Characters that belong to the character before them (never start a new one)."""
    if unicodedata.combining(ch) or unicodedata.category(ch) in ("Mn", "Me", "Mc"):
        return True
    cp = ord(ch)
    return (
        ch in (_ZWJ, _KEYCAP)
        or 0xFE00 <= cp <= 0xFE0F  # variation selectors
        or 0xE0100 <= cp <= 0xE01EF
        or 0x1F3FB <= cp <= 0x1F3FF  # emoji skin-tone modifiers
        or 0xE0020 <= cp <= 0xE007F  # emoji tag sequences (subdivision flags)
    )


def _is_regional_indicator(ch: str) -> bool:
    return 0x1F1E6 <= ord(ch) <= 0x1F1FF


def _is_boundary(text: str, i: int) -> bool:
    """Whether cutting ``text`` before index ``i`` keeps every user-perceived character whole.

    An approximation of the UAX #29 grapheme rules that covers what shows up in names and
    addresses: combining marks, emoji ZWJ sequences, modifiers, flags, surrogate pairs, CR LF.
    """
    before, ch = text[i - 1], text[i]
    if _is_extender(ch) or before == _ZWJ:
        return False
    if before == "\r" and ch == "\n":
        return False
    if "\ud800" <= before <= "\udbff" and "\udc00" <= ch <= "\udfff":
        return False  # lone surrogates from JSON escapes: keep a pair together
    if _is_regional_indicator(ch) and _is_regional_indicator(before):
        run = 0
        j = i - 1
        while j >= 0 and _is_regional_indicator(text[j]):
            run += 1
            j -= 1
        return run % 2 == 0  # flags are pairs: cut only between pairs
    return True


def truncate_text(text: str, limit: int) -> str:
    """At most ``limit`` code points of ``text``, cut only at a character boundary."""
    if len(text) <= limit:
        return text
    cut = limit
    while cut > 0 and not _is_boundary(text, cut):
        cut -= 1
    return text[:cut]


def _build_truncate(args: tuple[Any, ...]) -> TransformFn:
    (limit,) = args
    if type(limit) is not int or limit < 0:
        raise ValueError(f"truncate needs a non-negative integer length, got {limit!r}")

    def fn(value: Any) -> Any:
        if value is None:
            return None
        return truncate_text(value if type(value) is str else as_text(value), limit)

    return fn


# --- numbers ---------------------------------------------------------------------------------


def to_decimal(value: Any) -> Decimal | None:
    """The exact ``Decimal`` for a money-like value (see the module table); blank text is null.

    The rule is the codec's (:func:`bigcommerce_connect.values.parse_money`): ``"1_000"`` and
    ``"1,50"`` are not numbers, a float goes through its shortest repr.
    """
    if value is None or (type(value) is str and not value.strip()):
        return None
    try:
        return parse_money(value)
    except ValueFormatError as error:
        raise TransformFailure(str(error)) from None


# An integer with more digits than int() takes from text would take minutes to build.
_MAX_INT_DIGITS: Final = 4300


def to_int(value: Any) -> int | None:
    """An ``int`` from an int, an integral number, or integer text; blank text is null."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise TransformFailure(f"not an integer: {value!r}")
    if type(value) is int:
        return value
    number = to_decimal(value)
    if number is None:
        return None
    if number != number.to_integral_value() or number.adjusted() >= _MAX_INT_DIGITS:
        raise TransformFailure(f"not an integer: {value!r}")
    return int(number)


# --- dates -----------------------------------------------------------------------------------


def to_datetime(value: Any) -> datetime | None:
    """An aware ``datetime`` from a wire timestamp (see the module table); blank text is null.

    The rule is the codec's (:func:`bigcommerce_connect.values.parse_datetime`): RFC 2822
    (``-0000`` is UTC), ISO 8601 with an offset, Unix seconds as an int, or an aware datetime.
    """
    if value is None or (type(value) is str and not value.strip()):
        return None
    try:
        return parse_datetime(value)
    except ValueFormatError as error:
        raise TransformFailure(str(error)) from None


# --- tables and defaults ---------------------------------------------------------------------


def _build_lookup(args: tuple[Any, ...]) -> TransformFn:
    table = args[0]
    if not isinstance(table, Mapping) or not all(isinstance(k, str) for k in table):
        raise ValueError("lookup needs an object with text keys as its table")
    frozen = dict(table)
    has_default = len(args) > 1
    fallback = args[1] if has_default else None

    def fn(value: Any) -> Any:
        if value is None:
            return None
        key = value if type(value) is str else as_text(value)
        if key in frozen:
            return frozen[key]
        return fallback if has_default else value

    return fn


def _build_default(args: tuple[Any, ...]) -> TransformFn:
    (fallback,) = args

    def fn(value: Any) -> Any:
        return fallback if is_blank(value) else value

    return fn


def _plain(fn: Callable[[Any], Any]) -> Callable[[tuple[Any, ...]], TransformFn]:
    def build(args: tuple[Any, ...]) -> TransformFn:
        return fn

    return build


def _text(value: Any) -> Any:
    return None if value is None else as_text(value)


TRANSFORMS: Final[Mapping[str, TransformSpec]] = {
    spec.name: spec
    for spec in (
        TransformSpec("strip", 0, 0, _text_fn(str.strip), summary="trim whitespace"),
        TransformSpec("upper", 0, 0, _text_fn(str.upper), summary="upper-case"),
        TransformSpec("lower", 0, 0, _text_fn(str.lower), summary="lower-case"),
        TransformSpec("truncate", 1, 1, _build_truncate, summary="at most N characters"),
        TransformSpec("decimal", 0, 0, _plain(to_decimal), summary="exact Decimal"),
        TransformSpec("date", 0, 0, _plain(to_datetime), summary="aware datetime"),
        TransformSpec("lookup", 1, 2, _build_lookup, summary="translate through a table"),
        TransformSpec(
            "default", 1, 1, _build_default, handles_missing=True, summary="default if blank"
        ),
        TransformSpec("text", 0, 0, _plain(_text), summary="as text"),
        TransformSpec("int", 0, 0, _plain(to_int), summary="integer"),
    )
}
"""Every built-in transform by name."""
