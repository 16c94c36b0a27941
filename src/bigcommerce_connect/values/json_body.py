"""JSON request bodies: UTF-8 text, money exact, and every value the API cannot hold refused.

:func:`encode_json` follows the same rules as the rest of the codec. A body value the API
cannot hold raises :class:`~bigcommerce_connect.errors.WireValueError` before anything is
sent, naming where in the body it sits (``$[3].variants[0].price``) and never any other
value:

- NaN, ±Infinity, sNaN (``Decimal`` or ``float``);
- a number with more than 20 integer digits (no store column holds it), or a ``Decimal`` with
  more than 50 decimal places (a runaway computation, not an amount);
- in a v2 body, a ``Decimal`` with non-zero digits beyond the 4th decimal place: the store
  would round it, and money is never rounded silently. Round it first
  (``amount.quantize(Decimal("0.0001"))``) with the rounding your books use. Trailing zeros
  are fine (``Decimal("1.230000")`` is ``"1.2300"``);
- a naive ``datetime`` (its zone would be a guess);
- text with a lone surrogate (``"\\ud83d"``): it is not Unicode text, the store cannot keep
  it, and escaping it would only move the failure into the store. Repair it at the source;
- a type JSON has no form for, a non-text key, or nesting deeper than 64 levels (a cycle).

Other body values: ``str`` (UTF-8, not ASCII-escaped), ``bool``, ``None``, ``int``, finite
``float`` (its shortest repr, as :mod:`json` writes it), ``datetime`` (the version's form,
see :mod:`~bigcommerce_connect.values.dates`), ``date`` (``2026-01-02``), an ``Enum`` (its
value), dicts and other mappings with ``str`` keys (``int`` keys become text, as :mod:`json`
does), lists and tuples.
"""

from __future__ import annotations

import enum
import math
from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from json.encoder import encode_basestring
from typing import Any, Final

from bigcommerce_connect.errors import WireValueError
from bigcommerce_connect.values.dates import format_datetime
from bigcommerce_connect.values.format_error import ValueFormatError
from bigcommerce_connect.values.money import MAX_INT_DIGITS, V2_PLACES, format_money
from bigcommerce_connect.values.wire_version import WireVersion

__all__ = ["MAX_BODY_DEPTH", "encode_json"]

#: Nesting deeper than this is refused (it is a cycle, or not a body any endpoint takes).
MAX_BODY_DEPTH: Final = 64
_INT_LIMIT: Final = 10**MAX_INT_DIGITS
_FLOAT_LIMIT: Final = 1e20
_DIGITS: Final = frozenset("0123456789")

_escape = encode_basestring  # the C escaper json.dumps(ensure_ascii=False) uses


def encode_json(body: object, version: WireVersion) -> bytes:
    """The UTF-8 JSON text of a request body, money exact (see the module docs).

    Raises :class:`~bigcommerce_connect.errors.WireValueError` for a value the API cannot
    hold, naming its JSON path. Nothing else escapes: no ``TypeError``, ``ValueError``,
    ``UnicodeEncodeError`` or ``RecursionError``.
    """
    v2 = version == "v2"
    try:
        text = _text(body, v2, 0)
        return text.encode("utf-8")
    except (ValueFormatError, UnicodeEncodeError):
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
            raise ValueFormatError(f"nested deeper than {MAX_BODY_DEPTH} levels (a cycle?)")
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
    if isinstance(value, datetime):
        return _escape(format_datetime(value, "v2" if v2 else "v3"))
    if isinstance(value, date):
        return _escape(value.isoformat())
    if isinstance(value, Mapping):
        return _text(dict(value), v2, depth)
    if isinstance(value, (list, tuple)):
        return _text(list(value), v2, depth)
    raise ValueFormatError(f"a value of type {type(value).__name__} has no JSON form")


def _key(key: object) -> str:
    # json.dumps writes int keys as text; anything else would be a guess.
    if isinstance(key, str):
        return _escape(key)
    if isinstance(key, int) and not isinstance(key, bool):
        return '"' + _int(key) + '"'
    raise ValueFormatError(f"a key of type {type(key).__name__} is not text")


def _int(value: int) -> str:
    if -_INT_LIMIT < value < _INT_LIMIT:
        return int.__repr__(value)  # an IntEnum's number, not its name
    raise ValueFormatError(f"a number with more than {MAX_INT_DIGITS} integer digits")


def _float(value: float) -> str:
    if math.isnan(value) or math.isinf(value):
        raise ValueFormatError(f"{float.__repr__(value)} is not a number the API can hold")
    if abs(value) >= _FLOAT_LIMIT:
        raise ValueFormatError(f"a number with more than {MAX_INT_DIGITS} integer digits")
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
        if places <= V2_PLACES:
            return '"' + text + ("" if dot >= 0 else ".") + "0" * (V2_PLACES - places) + '"'
    checked = format_money(value, "v2" if v2 else "v3")
    if not value:
        return '"0.0000"' if v2 else "0"  # 0E-60 or 0E+30: no runaway zeros
    return f'"{checked}"' if v2 else format(checked, "f")  # plain digits, never an exponent


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
        except ValueFormatError as bad:
            return path, str(bad)
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
            except ValueFormatError as bad:
                return child, str(bad)
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
