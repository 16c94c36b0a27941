"""Query parameter formats: v2 takes RFC 2822 dates, v3 ISO 8601; lists are comma-joined."""

from __future__ import annotations

import enum
from collections.abc import Iterable
from datetime import datetime, timezone
from decimal import Decimal
from email.utils import format_datetime
from typing import Literal

__all__ = ["format_iso8601", "format_query_value", "format_rfc2822"]


def _require_aware(value: datetime) -> datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(
            "naive datetime: give a time zone (e.g. datetime.now(timezone.utc)); a naive time "
            "would be read in the store's zone and silently shift the sync window"
        )
    return value


def format_rfc2822(value: datetime) -> str:
    """``Tue, 05 Mar 2019 21:40:11 +0000``: the v2 date format, in UTC."""
    return format_datetime(_require_aware(value).astimezone(timezone.utc))


def format_iso8601(value: datetime) -> str:
    """``2019-03-05T21:40:11+00:00``: the v3 date format, in UTC, whole seconds."""
    utc = _require_aware(value).astimezone(timezone.utc).replace(microsecond=0)
    return utc.isoformat()


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
