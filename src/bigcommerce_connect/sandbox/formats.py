"""Value formats of the two API generations, JSON encoding, and date-filter parsing.

The store keeps aware UTC datetimes and ``Decimal`` money; this module turns them into what
the real API sends: v2 uses RFC 2822 dates and 4-decimal money strings, v3 uses ISO 8601 dates
and JSON numbers. It also parses the dates clients send in query filters.
"""

from __future__ import annotations

import json
import re
from datetime import datetime, timezone
from decimal import Decimal
from email.utils import format_datetime, parsedate_to_datetime
from typing import Any

_ISO_RE = re.compile(
    r"^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$"
)


class InvalidDateError(ValueError):
    """A date filter value the real API would reject with a 400."""


def money_v2(value: Decimal) -> str:
    """Format money as v2 does: a string with exactly four decimals (``"12.3450"``)."""
    return f"{value:.4f}"


def date_v2(value: datetime) -> str:
    """Format a datetime as v2 does: RFC 2822 in UTC (``"Tue, 05 Mar 2019 21:40:11 +0000"``)."""
    # format_datetime(usegmt=False) gives "+0000" for UTC, which is what BigCommerce sends.
    return format_datetime(value.astimezone(timezone.utc).replace(microsecond=0))


def date_v3(value: datetime) -> str:
    """Format a datetime as v3 does: ISO 8601 with an explicit ``+00:00`` offset."""
    return value.astimezone(timezone.utc).replace(microsecond=0).isoformat()


def to_v2(value: Any) -> Any:
    """Convert an internal value tree into v2 wire form (strings for money and dates)."""
    if isinstance(value, dict):
        return {k: to_v2(v) for k, v in value.items() if not k.startswith("_")}
    if isinstance(value, list):
        return [to_v2(v) for v in value]
    if isinstance(value, Decimal):
        return money_v2(value)
    if isinstance(value, datetime):
        return date_v2(value)
    return value


def to_v3(value: Any) -> Any:
    """Convert an internal value tree into v3 wire form (numbers for money, ISO dates)."""
    if isinstance(value, dict):
        return {k: to_v3(v) for k, v in value.items() if not k.startswith("_")}
    if isinstance(value, list):
        return [to_v3(v) for v in value]
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, datetime):
        return date_v3(value)
    return value


def dumps(value: Any) -> bytes:
    """Serialise to compact UTF-8 JSON (non-ASCII kept as is, like the real API)."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def parse_v2_date(raw: str) -> datetime:
    """Parse a v2 date filter: RFC 2822 or ISO 8601, or a Unix timestamp.

    A ``+`` that was not percent-encoded arrives as a space (``"2026-01-01T00:00:00 00:00"``).
    Such a value is neither RFC 2822 nor ISO 8601, so it is rejected (400) instead of being
    silently ignored: silently dropping the filter is the failure that re-imports everything.
    """
    text = raw.strip()
    if not text:
        raise InvalidDateError("empty date")
    if text.isdigit():
        return datetime.fromtimestamp(int(text), tz=timezone.utc)
    if _ISO_RE.match(text):
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=timezone.utc)
        return parsed.astimezone(timezone.utc)
    try:
        rfc = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError) as exc:
        raise InvalidDateError(f"invalid date {raw!r}") from exc
    if rfc.tzinfo is None:
        # parsedate_to_datetime returns a naive value for "-0000" or a missing zone.
        raise InvalidDateError(f"invalid date {raw!r}")
    return rfc.astimezone(timezone.utc)


def parse_v3_date(raw: str) -> datetime:
    """Parse a v3 date filter (``2019-09-04`` or ``2019-09-04T13:45:03``, ISO 8601)."""
    text = raw.strip()
    if text.isdigit():
        return datetime.fromtimestamp(int(text), tz=timezone.utc)
    if not _ISO_RE.match(text):
        raise InvalidDateError(f"invalid date {raw!r}")
    parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=timezone.utc)
    return parsed.astimezone(timezone.utc)
