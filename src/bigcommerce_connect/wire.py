"""Query parameter formats: v2 takes RFC 2822 dates, v3 ISO 8601; lists are comma-joined."""

from __future__ import annotations

import enum
from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal
from typing import Literal

from bigcommerce_connect.models.converter import format_iso8601, format_rfc2822

__all__ = ["format_iso8601", "format_query_value", "format_rfc2822"]


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
