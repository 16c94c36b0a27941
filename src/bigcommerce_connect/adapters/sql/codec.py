"""How values become SQLite text and back: records as JSON, times as ISO 8601.

Money stays exact (a ``Decimal`` is stored as its string, never a float) and datetimes keep
their offset, so a record read back equals the record written. The text forms are the one
codec's (:mod:`bigcommerce_connect.values`): what cannot be read back (NaN, a naive
datetime) is refused when written, never found unreadable later.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal
from typing import Any, TypeVar

import cattrs

from bigcommerce_connect.values import (
    datetime_text,
    decimal_text,
    format_iso8601,
    parse_iso8601,
    parse_money,
    register_value_hooks,
)

__all__ = [
    "dump_json",
    "dump_record",
    "load_json",
    "load_mapping",
    "load_money",
    "load_record",
    "money_text",
    "parse_time",
    "text_key",
    "time_text",
    "utc_text",
]

T = TypeVar("T")

_records = cattrs.Converter()
register_value_hooks(_records)


def _json_default(value: object) -> Any:
    # Free-form parts (line options, payloads, notification details) may hold these; keep
    # them exact as text rather than fail or round through float.
    if isinstance(value, Decimal):
        return decimal_text(value)
    if isinstance(value, datetime):
        return datetime_text(value)
    if isinstance(value, (set, frozenset, tuple)):
        return list(value)
    raise TypeError(f"cannot store a {type(value).__name__} as JSON")


def dump_json(value: Any, *, ascii_only: bool = False) -> str:
    """Compact JSON text for a column; Decimals and datetimes become exact strings.

    ``ascii_only`` escapes every non-ASCII character (``\\uXXXX``), so text no UTF-8 encoder
    takes (a lone surrogate from the wire) is stored all the same and reads back as it was.
    """
    return json.dumps(value, default=_json_default, separators=(",", ":"), ensure_ascii=ascii_only)


def load_json(text: str | None) -> Any:
    """The value of a JSON column (``None`` for SQL NULL)."""
    return None if text is None else json.loads(text)


def load_mapping(text: str | None) -> Mapping[str, Any]:
    """A JSON object column as a dict (empty for NULL)."""
    value = load_json(text)
    return value if isinstance(value, dict) else {}


def text_key(text: str) -> str:
    """What an e-mail or a customer code is searched by: trimmed, case folded.

    ``casefold``, not SQL ``lower()``: SQLite folds ASCII only, and "Zoë" must find "zoë".
    """
    return text.strip().casefold()


def dump_record(record: Any) -> str:
    """An attrs record (``ErpCustomer``, ``ErpSalesOrder``...) as JSON text."""
    return dump_json(_records.unstructure(record))


def load_record(text: str, record_type: type[T]) -> T:
    """The attrs record stored by :func:`dump_record`."""
    return _records.structure(json.loads(text), record_type)


def utc_text(value: datetime) -> str:
    """A sortable UTC timestamp: fixed width, so text order is time order.

    A naive datetime raises :class:`~bigcommerce_connect.values.ValueFormatError` (a
    ``ValueError``).
    """
    return format_iso8601(value, timespec="microseconds")


def time_text(value: datetime | None) -> str | None:
    """A datetime as ISO 8601 keeping its offset (``None`` stays NULL)."""
    return None if value is None else datetime_text(value)


def parse_time(text: str | None) -> datetime | None:
    """A stored ISO 8601 timestamp back as an aware datetime (``None`` for NULL)."""
    return None if text is None else parse_iso8601(text)


def money_text(value: Decimal | None) -> str | None:
    """An amount as its exact text (``None`` stays NULL)."""
    return None if value is None else decimal_text(value)


def load_money(text: str | None) -> Decimal | None:
    """A stored amount back as the exact ``Decimal`` (``None`` for NULL)."""
    return None if text is None else parse_money(text)
