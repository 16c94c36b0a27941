"""Build attrs records (with nested children) from a mapping's output dict."""

from __future__ import annotations

import typing
from typing import Any

import attrs

from bigcommerce_connect.mapping.errors import MappingValueError

__all__ = ["build_record"]

# Per record class: field name → the attrs class a dict (or list of dicts) there is built into.
_NESTED: dict[type[Any], dict[str, type[Any] | None]] = {}


def _nested_types(record_type: type[Any]) -> dict[str, type[Any] | None]:
    nested = _NESTED.get(record_type)
    if nested is None:
        hints = typing.get_type_hints(record_type)
        nested = {f.name: _record_in(hints.get(f.name)) for f in attrs.fields(record_type)}
        _NESTED[record_type] = nested
    return nested


def _record_in(hint: Any) -> type[Any] | None:
    """The attrs class inside ``X``, ``X | None`` or ``list[X]``, if any."""
    if isinstance(hint, type) and attrs.has(hint):
        return hint
    for arg in typing.get_args(hint):
        found = _record_in(arg)
        if found is not None:
            return found
    return None


def build_record(record_type: type[Any], values: dict[str, Any]) -> Any:
    """Construct ``record_type`` from mapped ``values``, building nested records from dicts.

    Fields absent from ``values`` keep the record's defaults; ``None`` stays ``None``.

    Raises:
        MappingValueError: a value names a field the record does not have, or the record
            refuses the values.
    """
    nested = _nested_types(record_type)
    kwargs: dict[str, Any] = {}
    for name, value in values.items():
        if name not in nested:
            raise MappingValueError(f"{record_type.__name__} has no field {name!r}")
        child = nested[name]
        if child is not None and isinstance(value, dict):
            value = build_record(child, value)
        elif child is not None and isinstance(value, list):
            value = [build_record(child, v) if isinstance(v, dict) else v for v in value]
        kwargs[name] = value
    try:
        return record_type(**kwargs)
    except (TypeError, ValueError) as exc:
        raise MappingValueError(f"cannot build {record_type.__name__}: {exc}") from None
