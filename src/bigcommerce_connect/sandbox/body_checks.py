"""Checks of v3 request bodies: field types, read-only and required fields, batch sizes."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from bigcommerce_connect.sandbox.envelopes import too_large, unprocessable
from bigcommerce_connect.sandbox.routing import Request

#: The type of a JSON number field in a ``types`` map.
NUMBER = (int, float)


def check_fields(
    body: Any,
    types: dict[str, Any],
    *,
    read_only: frozenset[str] = frozenset(),
    required: tuple[str, ...] = (),
    where: str = "",
) -> dict[str, str]:
    """Type-check a JSON object; return the v3 ``errors`` map (empty when valid).

    ``types`` maps each writable field to a Python type or tuple (``NUMBER`` for numbers);
    a string value in ``types`` is an enum of allowed values separated by ``|``.
    """
    if not isinstance(body, dict):
        return {where or "body": "must be a JSON object"}
    errors: dict[str, str] = {}
    for name in required:
        if body.get(name) in (None, ""):
            errors[f"{where}{name}"] = "error.path.missing"
    for name, value in body.items():
        label = f"{where}{name}"
        if name in read_only:
            errors[label] = f"The field '{name}' is read-only."
            continue
        expected = types.get(name)
        if expected is None:
            errors[label] = f"The field '{name}' is not a valid field."
        elif not _type_ok(value, expected):
            errors[label] = f"The field '{name}' has an invalid type or value."
    return errors


def _type_ok(value: Any, expected: Any) -> bool:
    if isinstance(expected, str):
        return value in expected.split("|")
    if value is None:
        return False
    if isinstance(value, bool) and expected is not bool and bool not in _as_tuple(expected):
        return False
    return isinstance(value, expected)


def _as_tuple(expected: Any) -> tuple[Any, ...]:
    return expected if isinstance(expected, tuple) else (expected,)


def body_list(req: Request, maximum: int) -> list[Any]:
    """A JSON array body of at most ``maximum`` items (413 above, 422 when not an array)."""
    body = req.json()
    if not isinstance(body, list):
        raise unprocessable("The request body must be a JSON array.", {"body": "array expected"})
    if len(body) > maximum:
        raise too_large(maximum)
    return body


def decimal_fields(body: dict[str, Any], names: Iterable[str]) -> None:
    """Turn JSON numbers of money/size fields into ``Decimal`` (in place)."""
    for name in names:
        value = body.get(name)
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            body[name] = Decimal(str(value))
