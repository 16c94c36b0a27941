"""Wire money, in and out: always an exact :class:`~decimal.Decimal`, never a float.

An amount (:func:`parse_money`) is text of ASCII digits with an optional sign, fraction and
exponent (surrounding whitespace is fine; ``"1_000"``, ``"1,50"``, ``"NaN"`` and other digit
scripts are not amounts: a store never sends them), an int, a float through its shortest
``repr`` (``0.1`` is ``Decimal("0.1")``), or a Decimal. It goes out exactly
(:func:`format_money`): v2 takes the 4-decimal string the older API uses (``"12.3400"``) and
refuses digits beyond the 4th place rather than round; v3 takes a JSON number written digit
for digit.
"""

from __future__ import annotations

import math
import re
from decimal import Decimal, InvalidOperation
from typing import Final

from bigcommerce_connect.values.format_error import ValueFormatError, echo, kind_of
from bigcommerce_connect.values.wire_version import WireVersion

__all__ = [
    "MAX_INT_DIGITS",
    "V2_PLACES",
    "decimal_text",
    "format_money",
    "parse_money",
    "require_finite",
]

_AMOUNT_RE: Final = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
#: The most integer digits a number may have: the widest money column is decimal(20,4).
MAX_INT_DIGITS: Final = 20
_MAX_PLACES: Final = 50
#: The decimal places of a v2 amount.
V2_PLACES: Final = 4


def parse_money(value: object) -> Decimal:
    """An amount (or any decimal number) from the wire, exactly (see the module for the rule).

    Strings (``"62.6793"``, ``" -1.50 "``, ``"1e3"``), ints, floats through their shortest
    ``repr`` and Decimals are amounts; booleans, NaN, infinities, blank text, ``"1_000"``,
    ``"1,50"`` and anything else raise :class:`ValueFormatError`.
    """
    if isinstance(value, str):
        result = _decimal_from_text(value)
    elif isinstance(value, bool):
        raise ValueFormatError("expected an amount, got a boolean")
    elif isinstance(value, Decimal):
        result = value
    elif isinstance(value, int):
        result = Decimal(value)
    elif isinstance(value, float):
        if not math.isfinite(value):
            raise ValueFormatError(f"amount is not finite: {echo(value)}")
        result = Decimal(repr(value))  # 0.1 stays 0.1, not its binary expansion
    else:
        raise ValueFormatError(f"expected an amount, got {kind_of(value)}")
    if not result.is_finite():
        raise ValueFormatError(f"amount is not finite: {echo(value)}")
    return result


def _decimal_from_text(text: str) -> Decimal:
    stripped = text.strip()
    # Decimal() alone would also take "1_000", " nan " and other scripts' digits.
    if not _AMOUNT_RE.fullmatch(stripped):
        raise ValueFormatError(f"not an amount: {echo(text)}")
    try:
        return Decimal(stripped)
    except (InvalidOperation, ValueError):  # an exponent beyond what Decimal holds
        raise ValueFormatError(f"not an amount: {echo(text)}") from None


def decimal_text(value: Decimal) -> str:
    """The exact text of a finite Decimal (``str``), for stored and unstructured data.

    :func:`parse_money` reads it back equal, trailing zeros and all.
    """
    require_finite(value)
    return str(value)


def require_finite(value: Decimal) -> None:
    """Refuse anything but a finite Decimal (NaN and infinities have no wire form)."""
    if not isinstance(value, Decimal):
        raise ValueFormatError(f"expected a Decimal, got {kind_of(value)}")
    if not value.is_finite():
        name = "NaN" if value.is_nan() else "Infinity"
        raise ValueFormatError(f"{name} is not a number the API can hold")


def format_money(value: Decimal, version: WireVersion) -> str | Decimal:
    """An amount as a write sends it: v2 a 4-place string (``"12.3450"``), v3 the Decimal.

    The v3 Decimal is written digit for digit by
    :func:`~bigcommerce_connect.values.json_body.encode_json` (the client's encoder); it
    never passes through float. Refused (:class:`ValueFormatError`): NaN, infinity, more
    than 20 integer digits, more than 50 decimal places, and on v2 non-zero digits beyond
    the 4th place (round first, with the rounding your books use).
    """
    require_finite(value)
    if value and value.adjusted() >= MAX_INT_DIGITS:
        raise ValueFormatError(f"a number with more than {MAX_INT_DIGITS} integer digits")
    if version == "v2":
        text = f"{value:.{V2_PLACES}f}"  # exact when the check below passes
        if Decimal(text) != value:
            raise ValueFormatError(
                "a v2 amount with more than 4 decimal places; round it first "
                '(quantize(Decimal("0.0001")))'
            )
        return text
    exponent = value.as_tuple().exponent
    if value and isinstance(exponent, int) and exponent < -_MAX_PLACES:
        raise ValueFormatError(f"a number with more than {_MAX_PLACES} decimal places")
    return value
