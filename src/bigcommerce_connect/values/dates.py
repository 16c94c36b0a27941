"""Wire dates, in and out: RFC 2822 (v2), ISO 8601 (v3) and Unix seconds (webhooks).

Dates are timezone-aware :class:`~datetime.datetime` values (:func:`parse_datetime`):

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
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime as _email_datetime
from email.utils import parsedate_to_datetime
from typing import Final, Literal

from bigcommerce_connect.values.format_error import ValueFormatError, echo, kind_of
from bigcommerce_connect.values.wire_version import WireVersion

__all__ = [
    "datetime_text",
    "format_datetime",
    "format_iso8601",
    "format_rfc2822",
    "format_unix",
    "parse_datetime",
    "parse_iso8601",
    "parse_rfc2822",
    "parse_unix",
    "require_aware",
]

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
    raise ValueFormatError(f"expected a timestamp string or Unix seconds, got {kind_of(value)}")


def parse_iso8601(text: str) -> datetime:
    """ISO 8601 text (the v3 form, and the form dates are stored in) as an aware datetime."""
    if not isinstance(text, str):
        raise ValueFormatError(f"expected an ISO 8601 timestamp, got {kind_of(text)}")
    stripped = text.strip()
    match = _ISO_RE.fullmatch(stripped)
    if match is None:
        raise ValueFormatError(f"not an ISO 8601 timestamp: {echo(text)}")
    return _from_iso(match, stripped)


def parse_rfc2822(text: str) -> datetime:
    """RFC 2822 text (the v2 form) as an aware datetime; ``-0000`` is UTC."""
    if not isinstance(text, str):
        raise ValueFormatError(f"expected an RFC 2822 timestamp, got {kind_of(text)}")
    return _from_rfc2822(text.strip())


def parse_unix(seconds: int) -> datetime:
    """Unix seconds (webhooks send them) as an aware UTC datetime."""
    if isinstance(seconds, bool) or not isinstance(seconds, int):
        raise ValueFormatError(f"expected Unix seconds, got {kind_of(seconds)}")
    if not 0 <= seconds <= _MAX_UNIX:
        raise ValueFormatError(f"Unix timestamp out of range: {echo(seconds)}")
    return _EPOCH + timedelta(seconds=seconds)


def _from_iso(match: re.Match[str], text: str) -> datetime:
    year, month, day, hour, minute, second, fraction, z, sign, *offset = match.groups()
    if z:
        zone = timezone.utc
    elif sign:
        oh, om_plain, om, os, ou = offset
        zone = _zone(sign, int(oh), int(om_plain or om), int(os or 0), int(ou or 0))
    else:
        raise ValueFormatError(f"ISO 8601 timestamp has no UTC offset: {echo(text)}")
    micros = int((fraction + "000000")[:6]) if fraction else 0  # nanoseconds are not kept
    try:
        return datetime(
            int(year), int(month), int(day), int(hour), int(minute), int(second or 0), micros, zone
        )
    except ValueError:
        raise ValueFormatError(f"not an ISO 8601 timestamp: {echo(text)}") from None


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
            raise ValueFormatError(f"not an RFC 2822 timestamp: {echo(text)}") from None
    return _from_rfc2822_rare(text)


def _from_rfc2822_rare(text: str) -> datetime:
    """The shapes the fast pattern leaves out (named zones, two-digit years ...)."""
    try:
        parsed = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError, OverflowError):
        parsed = None
    if parsed is None:
        raise ValueFormatError(f"not an RFC 2822 or ISO 8601 timestamp: {echo(text)}")
    if parsed.tzinfo is None:
        # email.utils gives a naive value for "-0000", which RFC 2822 §3.3 defines as UTC.
        if re.search(r"-0000\s*$", text):
            return parsed.replace(tzinfo=timezone.utc)
        raise ValueFormatError(f"RFC 2822 timestamp has no UTC offset: {echo(text)}")
    return parsed


def require_aware(value: datetime) -> datetime:
    """``value`` itself if it carries a time zone; a naive datetime is refused."""
    if not isinstance(value, datetime):
        raise ValueFormatError(f"expected a datetime, got {kind_of(value)}")
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
        raise ValueFormatError(f"date out of range in UTC: {echo(value)}") from None


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
        raise ValueFormatError(f"outside the Unix seconds range: {echo(value)}")
    return seconds


def format_datetime(value: datetime, version: WireVersion) -> str:
    """A timestamp for a query or a write: RFC 2822 on v2, ISO 8601 on v3 (UTC, seconds)."""
    return format_rfc2822(value) if version == "v2" else format_iso8601(value)


def datetime_text(value: datetime) -> str:
    """The exact ISO 8601 text of an aware datetime: its own offset and microseconds kept.

    The form for stored and unstructured data; :func:`parse_datetime` reads it back equal.
    """
    return require_aware(value).isoformat()
