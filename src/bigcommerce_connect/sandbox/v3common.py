"""Shared v3 machinery: ``{data, meta}`` envelopes, pagination, filters and body checks."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from decimal import Decimal
from typing import Any

from bigcommerce_connect.sandbox.routing import ApiError, Request, Response
from bigcommerce_connect.sandbox.wire import WireError, error_v3, parse_v3_date, to_v3

MAX_LIMIT = 250
DEFAULT_LIMIT = 50
NUMBER = (int, float)

Row = dict[str, Any]


def envelope(data: Any, meta: dict[str, Any] | None = None, status: int = 200) -> Response:
    """A v3 answer ``{data, meta}`` (``meta`` empty for single objects)."""
    return Response(status, {"data": to_v3(data), "meta": meta or {}})


def unprocessable(title: str, errors: dict[str, str], status: int = 422) -> ApiError:
    """A v3 422 (or other) error with an ``errors`` map."""
    return ApiError(status, error_v3(status, title, errors))


def not_found(req: Request, what: str = "resource") -> ApiError:
    """A v3 404 ``{status, title, type, instance}``."""
    return ApiError(404, error_v3(404, f"The requested {what} was not found.", instance=req.path))


def too_large(limit: int) -> ApiError:
    """The 413 answer for a batch above its maximum."""
    return ApiError(
        413,
        error_v3(
            413,
            f"The request payload is too large. The maximum items allowed in the array is {limit}",
            {},
        ),
    )


def paginate(req: Request, rows: list[Row]) -> tuple[list[Row], dict[str, Any]]:
    """One page plus ``meta.pagination`` with relative ``links``."""
    page = _positive(req, "page", 1)
    limit = min(_positive(req, "limit", DEFAULT_LIMIT), MAX_LIMIT)
    cap = req.knobs.max_page_size
    if cap is not None:
        limit = min(limit, cap)  # a store serving fewer items than asked; meta agrees
    total = len(rows)
    total_pages = max(1, -(-total // limit))
    chunk = rows[(page - 1) * limit : page * limit]
    links: dict[str, str] = {"current": f"?page={page}&limit={limit}"}
    if page > 1:
        links["previous"] = f"?page={page - 1}&limit={limit}"
    if page < total_pages:
        links["next"] = f"?page={page + 1}&limit={limit}"
    meta = {
        "pagination": {
            "total": total,
            "count": len(chunk),
            "per_page": limit,
            "current_page": page,
            "total_pages": total_pages,
            "links": links,
        }
    }
    return chunk, meta


def _positive(req: Request, name: str, default: int) -> int:
    value = req.query_int(name, default)
    if value is None or value < 1:
        raise unprocessable("Invalid pagination parameter", {name: "must be a positive integer"})
    return value


# -- filters ------------------------------------------------------------------------------

Coerce = Callable[[str], Any]


def _to_bool(raw: str) -> bool:
    if raw in ("true", "1"):
        return True
    if raw in ("false", "0"):
        return False
    raise ValueError(raw)


def _to_date(raw: str) -> datetime:
    try:
        return parse_v3_date(raw)
    except WireError as exc:
        raise ValueError(raw) from exc


COERCE: dict[str, Coerce] = {
    "int": int,
    "str": str,
    "num": Decimal,
    "bool": _to_bool,
    "date": _to_date,
    "intlist": int,  # a list field (categories) matched by membership
}


def apply_filters(
    req: Request,
    rows: Iterable[Row],
    fields: dict[str, str],
    getters: dict[str, Callable[[Row], Any]] | None = None,
) -> list[Row]:
    """Filter rows by ``field``, ``field:in``, ``:not_in``, ``:min``, ``:max``, ``:like``...

    ``fields`` maps a query field to its kind (see :data:`COERCE`); a value that does not
    convert gives the v3 422. Unknown query keys are ignored, as the real API does.
    """
    preds: list[Callable[[Row], bool]] = []
    for key, raw in req.query.items():
        field, _, op = key.partition(":")
        kind = fields.get(field)
        if kind is None:
            continue
        getter = (getters or {}).get(field) or _item_getter(field)
        preds.append(_predicate(field, op, raw, kind, getter))
    return [row for row in rows if all(p(row) for p in preds)]


def _item_getter(field: str) -> Callable[[Row], Any]:
    return lambda row: row.get(field)


def _predicate(
    field: str, op: str, raw: str, kind: str, get: Callable[[Row], Any]
) -> Callable[[Row], bool]:
    coerce = COERCE[kind]
    try:
        if op in ("in", "not_in"):
            values = {coerce(part) for part in raw.split(",") if part != ""}
        else:
            value = coerce(raw) if op != "like" else raw.lower()
    except (ValueError, ArithmeticError) as exc:
        raise unprocessable(
            "Invalid filter", {field: f"'{raw}' is not a valid value for {field}"}
        ) from exc
    if kind == "intlist":
        if op == "in":
            return lambda row: bool(values.intersection(get(row) or []))
        return lambda row: value in (get(row) or [])
    return _scalar_predicate(op, values if op in ("in", "not_in") else value, get, field)


def _scalar_predicate(
    op: str, value: Any, get: Callable[[Row], Any], field: str
) -> Callable[[Row], bool]:
    if op == "in":
        return lambda row: get(row) in value
    if op == "not_in":
        return lambda row: get(row) not in value
    if op == "like":
        return lambda row: value in str(get(row) or "").lower()
    if op == "min":
        return lambda row: get(row) is not None and get(row) >= value
    if op == "max":
        return lambda row: get(row) is not None and get(row) <= value
    if op == "greater":
        return lambda row: get(row) is not None and get(row) > value
    if op == "less":
        return lambda row: get(row) is not None and get(row) < value
    if op == "":
        return lambda row: get(row) == value
    raise unprocessable("Invalid filter", {f"{field}:{op}": "unknown filter operator"})


# -- body checks --------------------------------------------------------------------------


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


def sort_rows(req: Request, rows: list[Row], allowed: tuple[str, ...]) -> list[Row]:
    """Sort by ``sort`` (``field`` or ``field:asc|desc``) and ``direction``; id otherwise."""
    raw = req.query.get("sort")
    if raw is None:
        return sorted(rows, key=lambda r: r["id"])
    field, _, direction = raw.partition(":")
    direction = direction or req.query.get("direction", "asc")
    if field not in allowed or direction not in ("asc", "desc"):
        raise unprocessable("Invalid sort", {"sort": f"'{raw}' is not a valid sort"})
    return sorted(
        rows,
        key=lambda r: (r.get(field) is None, r.get(field) or 0, r["id"]),
        reverse=direction == "desc",
    )
