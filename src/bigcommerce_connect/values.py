"""The one codec for values on the wire: dates, money, query values and JSON request bodies.

Every layer that reads or writes a date or an amount (the models, the mapping transforms,
the settings, the SQLite adapter and the client) goes through these functions, so one rule
holds everywhere. Anything that does not follow it raises :class:`ValueFormatError`, never
another exception type.

**Dates** (:func:`parse_datetime`) are timezone-aware :class:`~datetime.datetime` values:

- v2 sends RFC 2822 (``"Tue, 05 Mar 2019 21:40:11 +0000"``); ``-0000`` (RFC 2822 §3.3: the
  time is UTC, the sender's zone unknown) is UTC. A named zone (``GMT``, ``EST``) is read as
  :mod:`email.utils` reads it; no zone at all is an error.
- v3 sends ISO 8601 (``"2018-09-05T20:42:07+00:00"``, ``"2019-02-19T18:34:16Z"``): a date,
  ``T`` (or a space), hours and minutes, optional seconds with up to 9 fraction digits (cut
  to microseconds), and an offset (``Z``, ``+01:00``, ``+0100``; ``+01:00:30`` as
  :meth:`~datetime.datetime.isoformat` writes odd offsets). ASCII digits only. Without an
  offset it is an error: guessing the zone would silently shift sync cursors.
- Webhooks send Unix seconds as an int (0 up to the end of year 9999).

Dates go out as RFC 2822 on v2 and ISO 8601 on v3, in UTC at second resolution
(:func:`format_datetime`); :func:`datetime_text` is the exact form (offset and microseconds
kept) for stored and unstructured data. A naive datetime is refused everywhere.

**Money** (:func:`parse_money`) is an exact :class:`~decimal.Decimal`, never a float: text
of ASCII digits with an optional sign, fraction and exponent (surrounding whitespace is
fine; ``"1_000"``, ``"1,50"``, ``"NaN"`` and other digit scripts are not amounts: a store
never sends them), an int, a float through its shortest ``repr`` (``0.1`` is
``Decimal("0.1")``), or a Decimal. It goes out exactly (:func:`format_money`): v2 takes the
4-decimal string the older API uses (``"12.3400"``) and refuses digits beyond the 4th place
rather than round; v3 takes a JSON number written digit for digit.

**Query values** (:func:`format_query_value`) and **JSON bodies** (:func:`encode_json`)
use the same rules. A body value the API cannot hold raises
:class:`~bigcommerce_connect.errors.WireValueError` before anything is sent, naming where in
the body it sits (``$[3].variants[0].price``) and never any other value:

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
as above), ``date`` (``2026-01-02``), an ``Enum`` (its value), dicts and other mappings with
``str`` keys (``int`` keys become text, as :mod:`json` does), lists and tuples.
"""

from __future__ import annotations

import enum
import math
import re
from collections.abc import Iterable, Mapping
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal, InvalidOperation
from email.utils import format_datetime as _email_datetime
from email.utils import parsedate_to_datetime
from json.encoder import encode_basestring
from typing import Any, Final, Literal

import cattrs

from bigcommerce_connect.errors import ConnectError, WireValueError

__all__ = [
    "MAX_BODY_DEPTH",
    "ValueFormatError",
    "datetime_text",
    "decimal_text",
    "encode_json",
    "format_datetime",
    "format_iso8601",
    "format_money",
    "format_query_value",
    "format_rfc2822",
    "format_unix",
    "parse_datetime",
    "parse_iso8601",
    "parse_money",
    "parse_rfc2822",
    "parse_unix",
    "register_value_hooks",
    "require_aware",
]

# Which API a value goes to or comes from: v2 (RFC 2822, 4-place money) or v3 (ISO 8601).
WireVersion = Literal["v2", "v3"]


class ValueFormatError(ConnectError, ValueError):
    """A date, an amount or a query value does not follow the wire rules (see the module).

    The message says what was wrong and echoes at most about 40 characters of the value.
    """


_ECHO_LIMIT: Final = 40


def _echo(value: object) -> str:
    """A short, safe rendering of a bad value for an error message."""
    text = repr(value)
    return text if len(text) <= _ECHO_LIMIT else text[: _ECHO_LIMIT - 3] + "..."


def _kind(value: object) -> str:
    return "null" if value is None else type(value).__name__


# -- dates in ------------------------------------------------------------------------------

_EPOCH: Final = datetime(1970, 1, 1, tzinfo=timezone.utc)
_ONE_SECOND: Final = timedelta(seconds=1)
# Unix timestamps beyond year 9999 cannot be datetimes.
_MAX_UNIX: Final = 253_402_300_799

_MONTHS: Final = {
    name: number
    for number, name in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1
    )
}
# The shape BigCommerce v2 always sends, parsed without email.utils (it is the hot path of
# an order import): "Tue, 05 Mar 2019 21:40:11 +0000".
_RFC2822_RE: Final = re.compile(
    r"(?:[A-Za-z]{3},\s*)?([0-9]{1,2})\s+([A-Za-z]{3})\s+([0-9]{4})\s+"
    r"([0-9]{2}):([0-9]{2})(?::([0-9]{2}))?\s+([+-])([0-9]{2})([0-9]{2})"
)
_ISO_RE: Final = re.compile(
    r"([0-9]{4})-([0-9]{2})-([0-9]{2})[Tt ]([0-9]{2}):([0-9]{2})"
    r"(?::([0-9]{2})(?:\.([0-9]{1,9}))?)?"
    # Z, +HHMM, or +HH:MM with optional :SS[.ffffff] (isoformat writes those odd offsets).
    r"(?:([Zz])|([+-])([0-9]{2})(?:([0-9]{2})|:([0-9]{2})(?::([0-9]{2})(?:\.([0-9]{6}))?)?))?"
)
_ZONES: dict[tuple[str, int, int, int], timezone] = {}


def _zone(sign: str, hours: int, minutes: int, seconds: int = 0, micros: int = 0) -> timezone:
    """The fixed offset ``sign hours:minutes:seconds``; ``-0000`` and ``+0000`` are UTC."""
    key = (sign, hours, minutes, seconds * 1_000_000 + micros)
    zone = _ZONES.get(key)
    if zone is None:
        delta = timedelta(hours=hours, minutes=minutes, seconds=seconds, microseconds=micros)
        zone = timezone.utc if not delta else timezone(-delta if sign == "-" else delta)
        if len(_ZONES) < 512:  # bounded: offsets are few in practice
            _ZONES[key] = zone
    return zone


def parse_datetime(value: object) -> datetime:
    """Any wire timestamp as an aware datetime: RFC 2822 or ISO 8601 text, or Unix seconds.

    An aware datetime passes through unchanged. A naive one, text without a zone, a float,
    a bool and anything else raise :class:`ValueFormatError` (see the module for the rules).
    """
    if isinstance(value, str):
        text = value.strip()
        if not text:
            raise ValueFormatError("empty timestamp")
        match = _ISO_RE.fullmatch(text) if text[0].isdigit() else None
        return _from_iso(match, text) if match else _from_rfc2822(text)
    if isinstance(value, datetime):
        return require_aware(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return parse_unix(value)
    raise ValueFormatError(f"expected a timestamp string or Unix seconds, got {_kind(value)}")


def parse_iso8601(text: str) -> datetime:
    """ISO 8601 text (the v3 form, and the form dates are stored in) as an aware datetime."""
    if not isinstance(text, str):
        raise ValueFormatError(f"expected an ISO 8601 timestamp, got {_kind(text)}")
    stripped = text.strip()
    match = _ISO_RE.fullmatch(stripped)
    if match is None:
        raise ValueFormatError(f"not an ISO 8601 timestamp: {_echo(text)}")
    return _from_iso(match, stripped)


def parse_rfc2822(text: str) -> datetime:
    """RFC 2822 text (the v2 form) as an aware datetime; ``-0000`` is UTC."""
    if not isinstance(text, str):
        raise ValueFormatError(f"expected an RFC 2822 timestamp, got {_kind(text)}")
    return _from_rfc2822(text.strip())


def parse_unix(seconds: int) -> datetime:
    """Unix seconds (webhooks send them) as an aware UTC datetime."""
    if isinstance(seconds, bool) or not isinstance(seconds, int):
        raise ValueFormatError(f"expected Unix seconds, got {_kind(seconds)}")
    if not 0 <= seconds <= _MAX_UNIX:
        raise ValueFormatError(f"Unix timestamp out of range: {_echo(seconds)}")
    return _EPOCH + timedelta(seconds=seconds)


def _from_iso(match: re.Match[str], text: str) -> datetime:
    year, month, day, hour, minute, second, fraction, z, sign, *offset = match.groups()
    if z:
        zone = timezone.utc
    elif sign:
        oh, om_plain, om, os, ou = offset
        zone = _zone(sign, int(oh), int(om_plain or om), int(os or 0), int(ou or 0))
    else:
        raise ValueFormatError(f"ISO 8601 timestamp has no UTC offset: {_echo(text)}")
    micros = int((fraction + "000000")[:6]) if fraction else 0  # nanoseconds are not kept
    try:
        return datetime(
            int(year), int(month), int(day), int(hour), int(minute), int(second or 0), micros, zone
        )
    except ValueError:
        raise ValueFormatError(f"not an ISO 8601 timestamp: {_echo(text)}") from None


def _from_rfc2822(text: str) -> datetime:
    match = _RFC2822_RE.fullmatch(text)
    if match is not None and match.group(2).lower() in _MONTHS:
        day, month, year, hour, minute, second, sign, oh, om = match.groups()
        try:
            zone = _zone(sign, int(oh), int(om))
            return datetime(
                int(year),
                _MONTHS[month.lower()],
                int(day),
                int(hour),
                int(minute),
                int(second or 0),
                tzinfo=zone,
            )
        except ValueError:
            raise ValueFormatError(f"not an RFC 2822 timestamp: {_echo(text)}") from None
    return _from_rfc2822_rare(text)


def _from_rfc2822_rare(text: str) -> datetime:
    """The shapes the fast pattern leaves out (named zones, two-digit years ...)."""
    try:
        parsed = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError, OverflowError):
        parsed = None
    if parsed is None:
        raise ValueFormatError(f"not an RFC 2822 or ISO 8601 timestamp: {_echo(text)}")
    if parsed.tzinfo is None:
        # email.utils gives a naive value for "-0000", which RFC 2822 §3.3 defines as UTC.
        if re.search(r"-0000\s*$", text):
            return parsed.replace(tzinfo=timezone.utc)
        raise ValueFormatError(f"RFC 2822 timestamp has no UTC offset: {_echo(text)}")
    return parsed


def require_aware(value: datetime) -> datetime:
    """``value`` itself if it carries a time zone; a naive datetime is refused."""
    if not isinstance(value, datetime):
        raise ValueFormatError(f"expected a datetime, got {_kind(value)}")
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueFormatError(
            "naive datetime: it must be timezone-aware (naive times are ambiguous)"
        )
    return value


# -- dates out -----------------------------------------------------------------------------


def _utc(value: datetime) -> datetime:
    try:
        return require_aware(value).astimezone(timezone.utc)
    except OverflowError:  # year 1 or 9999 shifted past the calendar's end
        raise ValueFormatError(f"date out of range in UTC: {_echo(value)}") from None


def format_rfc2822(value: datetime) -> str:
    """An aware datetime as RFC 2822 in UTC, whole seconds: the v2 form (``... +0000``).

    UTC keeps cursors comparable. Percent-encoding is the transport's job.
    """
    return _email_datetime(_utc(value).replace(microsecond=0))


def format_iso8601(
    value: datetime, *, timespec: Literal["seconds", "microseconds"] = "seconds"
) -> str:
    """An aware datetime as ISO 8601 in UTC: the v3 form (``2019-02-19T18:34:16+00:00``).

    Sub-second parts are dropped by default (BigCommerce filters work at second
    resolution); ``timespec="microseconds"`` gives fixed-width text whose order is time order.
    """
    return _utc(value).isoformat(timespec=timespec)


def format_unix(value: datetime) -> int:
    """An aware datetime as whole Unix seconds (the webhook form), rounded down."""
    seconds = (_utc(value) - _EPOCH) // _ONE_SECOND
    if not 0 <= seconds <= _MAX_UNIX:
        raise ValueFormatError(f"outside the Unix seconds range: {_echo(value)}")
    return seconds


def format_datetime(value: datetime, version: WireVersion) -> str:
    """A timestamp for a query or a write: RFC 2822 on v2, ISO 8601 on v3 (UTC, seconds)."""
    return format_rfc2822(value) if version == "v2" else format_iso8601(value)


def datetime_text(value: datetime) -> str:
    """The exact ISO 8601 text of an aware datetime: its own offset and microseconds kept.

    The form for stored and unstructured data; :func:`parse_datetime` reads it back equal.
    """
    return require_aware(value).isoformat()


# -- money ---------------------------------------------------------------------------------

_AMOUNT_RE: Final = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_MAX_INT_DIGITS: Final = 20  # the widest money column: decimal(20,4)
_MAX_PLACES: Final = 50
_V2_PLACES: Final = 4


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
            raise ValueFormatError(f"amount is not finite: {_echo(value)}")
        result = Decimal(repr(value))  # 0.1 stays 0.1, not its binary expansion
    else:
        raise ValueFormatError(f"expected an amount, got {_kind(value)}")
    if not result.is_finite():
        raise ValueFormatError(f"amount is not finite: {_echo(value)}")
    return result


def _decimal_from_text(text: str) -> Decimal:
    stripped = text.strip()
    # Decimal() alone would also take "1_000", " nan " and other scripts' digits.
    if not _AMOUNT_RE.fullmatch(stripped):
        raise ValueFormatError(f"not an amount: {_echo(text)}")
    try:
        return Decimal(stripped)
    except (InvalidOperation, ValueError):  # an exponent beyond what Decimal holds
        raise ValueFormatError(f"not an amount: {_echo(text)}") from None


def decimal_text(value: Decimal) -> str:
    """The exact text of a finite Decimal (``str``), for stored and unstructured data.

    :func:`parse_money` reads it back equal, trailing zeros and all.
    """
    _require_finite(value)
    return str(value)


def _require_finite(value: Decimal) -> None:
    if not isinstance(value, Decimal):
        raise ValueFormatError(f"expected a Decimal, got {_kind(value)}")
    if not value.is_finite():
        name = "NaN" if value.is_nan() else "Infinity"
        raise ValueFormatError(f"{name} is not a number the API can hold")


def format_money(value: Decimal, version: WireVersion) -> str | Decimal:
    """An amount as a write sends it: v2 a 4-place string (``"12.3450"``), v3 the Decimal.

    The v3 Decimal is written digit for digit by :func:`encode_json` (the client's
    encoder); it never passes through float. Refused (:class:`ValueFormatError`): NaN,
    infinity, more than 20 integer digits, more than 50 decimal places, and on v2 non-zero
    digits beyond the 4th place (round first, with the rounding your books use).
    """
    _require_finite(value)
    if value and value.adjusted() >= _MAX_INT_DIGITS:
        raise ValueFormatError(f"a number with more than {_MAX_INT_DIGITS} integer digits")
    if version == "v2":
        text = f"{value:.{_V2_PLACES}f}"  # exact when the check below passes
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


# -- query values --------------------------------------------------------------------------


def format_query_value(value: object, version: WireVersion) -> str | None:
    """One query parameter's text (encoded later, exactly once); None drops the parameter.

    Dates take the version's form (:func:`format_datetime`), Decimals their exact plain
    digits, lists are comma-joined. A type with no query form raises ``TypeError``.
    """
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, enum.Enum):
        return str(value.value)
    if isinstance(value, datetime):
        return format_datetime(value, version)
    if isinstance(value, Decimal):
        _require_finite(value)
        return format(value, "f")  # plain digits, never an exponent
    if isinstance(value, (int, str)):
        return str(value)
    if isinstance(value, Iterable):
        return ",".join(str(format_query_value(item, version)) for item in value)
    raise TypeError(f"cannot send a {type(value).__name__} as a query parameter")


# -- JSON bodies ---------------------------------------------------------------------------

#: Nesting deeper than this is refused (it is a cycle, or not a body any endpoint takes).
MAX_BODY_DEPTH: Final = 64
_INT_LIMIT: Final = 10**_MAX_INT_DIGITS
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
    raise ValueFormatError(f"a number with more than {_MAX_INT_DIGITS} integer digits")


def _float(value: float) -> str:
    if math.isnan(value) or math.isinf(value):
        raise ValueFormatError(f"{float.__repr__(value)} is not a number the API can hold")
    if abs(value) >= _FLOAT_LIMIT:
        raise ValueFormatError(f"a number with more than {_MAX_INT_DIGITS} integer digits")
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


# -- cattrs --------------------------------------------------------------------------------


def register_value_hooks(converter: cattrs.Converter) -> None:
    """Teach a cattrs converter the wire rules for ``Decimal`` and ``datetime``.

    Structuring reads any wire form (:func:`parse_money`, :func:`parse_datetime`);
    unstructuring writes the exact forms (:func:`decimal_text`, :func:`datetime_text`),
    which read back equal. Failures are :class:`ValueFormatError`.
    """
    converter.register_structure_hook(Decimal, lambda value, _type: parse_money(value))
    converter.register_structure_hook(datetime, lambda value, _type: parse_datetime(value))
    converter.register_unstructure_hook(Decimal, decimal_text)
    converter.register_unstructure_hook(datetime, datetime_text)
