"""The one codec for values on the wire: dates, money, query values and JSON request bodies.

Every layer that reads or writes a date or an amount (the models, the mapping transforms,
the settings, the SQLite adapter and the client) goes through these functions, so one rule
holds everywhere. Anything that does not follow it raises :class:`ValueFormatError`, never
another exception type. Each concept has its module, and each module states its rules:

- :mod:`~bigcommerce_connect.values.dates`: RFC 2822 (v2), ISO 8601 (v3) and Unix seconds
  (webhooks), always timezone-aware; out in UTC, or exactly (:func:`datetime_text`).
- :mod:`~bigcommerce_connect.values.money`: amounts as exact ``Decimal`` values, never
  floats; v2 writes 4-place strings and refuses to round, v3 writes digit for digit.
- :mod:`~bigcommerce_connect.values.query`: one query parameter's text.
- :mod:`~bigcommerce_connect.values.json_body`: request bodies, with every value the API
  cannot hold refused (:class:`~bigcommerce_connect.errors.WireValueError`, naming where).
- :mod:`~bigcommerce_connect.values.cattrs_hooks`: the same rules for cattrs converters.
- :mod:`~bigcommerce_connect.values.format_error` (the error) and
  :mod:`~bigcommerce_connect.values.wire_version` (``"v2"`` or ``"v3"``).

Import the names from here (``from bigcommerce_connect.values import parse_money``).
"""

from __future__ import annotations

from bigcommerce_connect.values.cattrs_hooks import register_value_hooks
from bigcommerce_connect.values.dates import (
    datetime_text,
    format_datetime,
    format_iso8601,
    format_rfc2822,
    format_unix,
    parse_datetime,
    parse_iso8601,
    parse_rfc2822,
    parse_unix,
    require_aware,
)
from bigcommerce_connect.values.format_error import ValueFormatError
from bigcommerce_connect.values.json_body import MAX_BODY_DEPTH, encode_json
from bigcommerce_connect.values.money import decimal_text, format_money, parse_money
from bigcommerce_connect.values.query import format_query_value
from bigcommerce_connect.values.wire_version import WireVersion as WireVersion

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
