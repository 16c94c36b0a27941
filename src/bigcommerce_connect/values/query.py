"""Query values: one parameter's text, under the same rules as bodies (dates, exact money)."""

from __future__ import annotations

import enum
from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal

from bigcommerce_connect.values.dates import format_datetime
from bigcommerce_connect.values.money import require_finite
from bigcommerce_connect.values.wire_version import WireVersion

__all__ = ["format_query_value"]


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
        require_finite(value)
        return format(value, "f")  # plain digits, never an exponent
    if isinstance(value, (int, str)):
        return str(value)
    if isinstance(value, Iterable):
        return ",".join(str(format_query_value(item, version)) for item in value)
    raise TypeError(f"cannot send a {type(value).__name__} as a query parameter")
