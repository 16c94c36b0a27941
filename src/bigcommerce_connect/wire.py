"""What goes on the wire: query parameter formats and JSON request bodies.

Query parameters: v2 takes RFC 2822 dates, v3 ISO 8601; lists are comma-joined.

JSON bodies (:func:`encode_json`): money is exact. A ``Decimal`` never passes through
``float``: v3 gets it as a JSON number written digit for digit (``12345678901234.5678``), v2
as the 4-decimal string the older API uses for amounts (``"12.3400"``). A value the API cannot
hold raises :class:`~bigcommerce_connect.errors.WireValueError` before anything is sent,
naming where in the body it sits (``$[3].variants[0].price``) and never any other value:

- NaN, ±Infinity, sNaN (``Decimal`` or ``float``);
- a number with more than 20 integer digits (no store column holds it), or a ``Decimal`` with
  more than 50 decimal places (a runaway computation, not an amount);
- in a v2 body, a ``Decimal`` with non-zero digits beyond the 4th decimal place: the store
  would round it, and money is never rounded silently. Round it first
  (``amount.quantize(Decimal("0.0001"))``) with the rounding your books use. Trailing zeros
  are fine (``Decimal("1.230000")`` is ``"1.2300"``);
- text with a lone surrogate (``"\\ud83d"``): it is not Unicode text, the store cannot keep
  it, and escaping it would only move the failure into the store. Repair it at the source;
- a type JSON has no form for, a non-text key, or nesting deeper than 64 levels (a cycle).

Other values: ``str`` (UTF-8, not ASCII-escaped), ``bool``, ``None``, ``int``, finite
``float`` (its shortest repr, as :mod:`json` writes it), ``datetime`` and ``date`` (ISO 8601,
as ``isoformat()`` writes them), an ``Enum`` (its value), dicts and other mappings with
``str`` keys (``int`` keys become text, as :mod:`json` does), lists and tuples.
"""

from __future__ import annotations

import enum
import math
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from decimal import Decimal
from json.encoder import encode_basestring
from typing import Any, Final, Literal

from bigcommerce_connect.errors import WireValueError
from bigcommerce_connect.models.converter import format_iso8601, format_rfc2822

__all__ = ["encode_json", "format_iso8601", "format_query_value", "format_rfc2822"]

#: Nesting deeper than this is refused (it is a cycle, or not a body any endpoint takes).
MAX_BODY_DEPTH: Final = 64
_INT_LIMIT: Final = 10**20  # 20 integer digits: the widest money column (decimal(20,4))
_FLOAT_LIMIT: Final = 1e20
_MAX_PLACES: Final = 50
_V2_PLACES: Final = 4
_DIGITS: Final = frozenset("0123456789")

_escape = encode_basestring  # the C escaper json.dumps(ensure_ascii=False) uses


def format_query_value(value: object, version: Literal["v2", "v3"]) -> str | None:
    """One query parameter's text (encoded later, exactly once); None drops the parameter."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, enum.Enum):
        return str(value.value)
    if isinstance(value, datetime):
        return format_rfc2822(value) if version == "v2" else format_iso8601(value)
    if isinstance(value, (int, str, Decimal)):
        return str(value)
    if isinstance(value, Iterable):
        return ",".join(str(format_query_value(item, version)) for item in value)
    raise TypeError(f"cannot send a {type(value).__name__} as a query parameter")


# -- JSON bodies ---------------------------------------------------------------------------


class _Unsendable(Exception):
    """A value the API cannot hold; the reason only (the caller finds the path)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def encode_json(body: object, version: Literal["v2", "v3"]) -> bytes:
    """The UTF-8 JSON text of a request body, money exact (see the module docs).

    Raises :class:`~bigcommerce_connect.errors.WireValueError` for a value the API cannot
    hold, naming its JSON path. Nothing else escapes: no ``TypeError``, ``ValueError``,
    ``UnicodeEncodeError`` or ``RecursionError``.
    """
    v2 = version == "v2"
    try:
        text = _text(body, v2, 0)
        return text.encode("utf-8")
    except (_Unsendable, UnicodeEncodeError):
        # The fast path keeps no path; walk the body again to name where the bad value is.
        path, reason = _locate(body, v2)
        raise WireValueError(path, reason) from None


def _text(value: Any, v2: bool, depth: int) -> str:
    """JSON text of ``value``: hot types first, containers without a call per text value.

    Separators are json.dumps' defaults, so bodies read the same as before.
    """
    kind = type(value)
    if kind is str:
        return _escape(value)
    if kind is dict or kind is list:
        if depth >= MAX_BODY_DEPTH:
            raise _Unsendable(f"nested deeper than {MAX_BODY_DEPTH} levels (a cycle?)")
        inner = depth + 1
        if kind is dict:
            return (
                "{"
                + ", ".join(
                    [
                        (_escape(k) if type(k) is str else _key(k))
                        + ": "
                        + (_escape(v) if type(v) is str else _text(v, v2, inner))
                        for k, v in value.items()
                    ]
                )
                + "}"
            )
        return (
            "["
            + ", ".join([_escape(v) if type(v) is str else _text(v, v2, inner) for v in value])
            + "]"
        )
    if kind is int:
        return _int(value)
    if kind is Decimal:
        return _decimal(value, v2)
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if kind is float:
        return _float(value)
    if kind is datetime:
        return _escape(value.isoformat())
    return _other(value, v2, depth)


def _other(value: object, v2: bool, depth: int) -> str:
    """Subclasses and the rarer types: tuples, mappings, enums, dates."""
    if isinstance(value, enum.Enum) and not isinstance(value, (int, str)):
        return _text(value.value, v2, depth)
    if isinstance(value, str):
        return _escape(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return _int(value)
    if isinstance(value, float):
        return _float(value)
    if isinstance(value, Decimal):
        return _decimal(value, v2)
    if isinstance(value, date):  # datetime too
        return _escape(value.isoformat())
    if isinstance(value, Mapping):
        return _text(dict(value), v2, depth)
    if isinstance(value, (list, tuple)):
        return _text(list(value), v2, depth)
    raise _Unsendable(f"a value of type {type(value).__name__} has no JSON form")


def _key(key: object) -> str:
    # json.dumps writes int keys as text; anything else would be a guess.
    if isinstance(key, str):
        return _escape(key)
    if isinstance(key, int) and not isinstance(key, bool):
        return '"' + _int(key) + '"'
    raise _Unsendable(f"a key of type {type(key).__name__} is not text")


def _int(value: int) -> str:
    if -_INT_LIMIT < value < _INT_LIMIT:
        return int.__repr__(value)  # an IntEnum's number, not its name
    raise _Unsendable("a number with more than 20 integer digits")


def _float(value: float) -> str:
    if math.isnan(value) or math.isinf(value):
        raise _Unsendable(f"{float.__repr__(value)} is not a number the API can hold")
    if abs(value) >= _FLOAT_LIMIT:
        raise _Unsendable("a number with more than 20 integer digits")
    return float.__repr__(value)


def _decimal(value: Decimal, v2: bool) -> str:
    # Fast path: str() is plain digits (no exponent, not NaN/Infinity) for everyday amounts,
    # and at most 20 characters is well inside every limit.
    text = str(value)
    if len(text) <= 20 and "E" not in text and text[-1] in _DIGITS:
        if not v2:
            return text
        dot = text.find(".")
        places = len(text) - dot - 1 if dot >= 0 else 0
        if places <= _V2_PLACES:
            return '"' + text + ("" if dot >= 0 else ".") + "0" * (_V2_PLACES - places) + '"'
    return _decimal_checked(value, v2)


def _decimal_checked(value: Decimal, v2: bool) -> str:
    """Every other Decimal: refuse what the API cannot hold, else its exact plain text."""
    if not value.is_finite():
        name = "NaN" if value.is_nan() else "Infinity"
        raise _Unsendable(f"{name} is not a number the API can hold")
    if not value:
        return '"0.0000"' if v2 else "0"  # 0E-60 or 0E+30: no runaway zeros
    if value.adjusted() >= 20:
        raise _Unsendable("a number with more than 20 integer digits")
    if v2:
        text = f"{value:.{_V2_PLACES}f}"  # exact when the check below passes
        if Decimal(text) != value:
            raise _Unsendable(
                "a v2 amount with more than 4 decimal places; round it first "
                '(quantize(Decimal("0.0001")))'
            )
        return '"' + text + '"'
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -_MAX_PLACES:
        raise _Unsendable(f"a number with more than {_MAX_PLACES} decimal places")
    return format(value, "f")  # plain digits, never an exponent, never through float


def _locate(body: object, v2: bool) -> tuple[str, str]:
    """The JSON path and reason of the first value :func:`_text` refuses (slow, for errors)."""
    stack: list[tuple[object, str, int]] = [(body, "$", 0)]
    while stack:
        value, path, depth = stack.pop()
        if isinstance(value, (Mapping, list, tuple)):
            if depth >= MAX_BODY_DEPTH:
                return path, f"nested deeper than {MAX_BODY_DEPTH} levels (a cycle?)"
            children = _children(value, path, depth)
            if isinstance(children, tuple):
                return children
            stack.extend(reversed(children))
            continue
        try:
            _text(value, v2, depth).encode("utf-8")
        except _Unsendable as bad:
            return path, bad.reason
        except UnicodeEncodeError:
            return path, "text with a lone surrogate (not valid Unicode)"
    return "$", "a value the API cannot hold"


def _children(
    value: Mapping[Any, Any] | list[Any] | tuple[Any, ...], path: str, depth: int
) -> list[tuple[object, str, int]] | tuple[str, str]:
    """A container's items with their paths, or the path and reason of a refused key."""
    if isinstance(value, Mapping):
        found: list[tuple[object, str, int]] = []
        for key, item in value.items():
            child = _child_path(path, key)
            try:
                _key(key).encode("utf-8")
            except _Unsendable as bad:
                return child, bad.reason
            except UnicodeEncodeError:
                return child, "a key with a lone surrogate (not valid Unicode)"
            found.append((item, child, depth + 1))
        return found
    return [(item, f"{path}[{i}]", depth + 1) for i, item in enumerate(value)]


def _child_path(path: str, key: object) -> str:
    """``$.price`` for a plain name; anything else quoted ASCII-safe and short: ``$['a b']``."""
    if isinstance(key, str) and key.isidentifier() and key.isascii():
        return f"{path}.{key}"
    if isinstance(key, (str, int)) and not isinstance(key, bool):
        return f"{path}[{ascii(str(key))[:40]}]"
    return f"{path}[<{type(key).__name__}>]"
