"""The codec's rules taught to a cattrs converter, so every converter reads values alike."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import cattrs

from bigcommerce_connect.values.dates import datetime_text, parse_datetime
from bigcommerce_connect.values.money import decimal_text, parse_money

__all__ = ["register_value_hooks"]


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
