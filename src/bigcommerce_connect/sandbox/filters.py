"""v3 list filters (``field``, ``:in``, ``:not_in``, ``:min``, ``:max``, ``:like``) and sorting."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from decimal import Decimal
from typing import Any

from bigcommerce_connect.sandbox.envelopes import unprocessable
from bigcommerce_connect.sandbox.formats import InvalidDateError, parse_v3_date
from bigcommerce_connect.sandbox.routing import Request
from bigcommerce_connect.sandbox.rows import Row

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
    except InvalidDateError as exc:
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
