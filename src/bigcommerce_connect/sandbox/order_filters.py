"""The v2 order list's query: filters (ids, totals, dates, text) and the sort order."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from bigcommerce_connect.sandbox.formats import InvalidDateError, parse_v2_date
from bigcommerce_connect.sandbox.indexes import IndexedTable
from bigcommerce_connect.sandbox.paging import page_window
from bigcommerce_connect.sandbox.routing import Request
from bigcommerce_connect.sandbox.rows import Row

SORT_FIELDS = (
    "id",
    "customer_id",
    "date_created",
    "date_modified",
    "status_id",
    "channel_id",
    "external_id",
)
#: (query name, order field, comparison): +1 at least, -1 at most, 0 equal.
_ID_FILTERS = (
    ("min_id", "id", 1),
    ("max_id", "id", -1),
    ("customer_id", "customer_id", 0),
    ("status_id", "status_id", 0),
    ("channel_id", "channel_id", 0),
)
_MONEY_FILTERS = (("min_total", "total_inc_tax", 1), ("max_total", "total_inc_tax", -1))
_DATE_FILTERS = (
    ("min_date_created", "date_created", 1),
    ("max_date_created", "date_created", -1),
    ("min_date_modified", "date_modified", 1),
    ("max_date_modified", "date_modified", -1),
)

Predicate = Callable[[Row], bool]


def order_predicates(req: Request) -> list[Predicate]:
    """One predicate per filter in the query; archived orders only with ``is_deleted``."""
    preds: list[Predicate] = []
    for name, key, cmp in _ID_FILTERS:
        value = req.query_int(name)
        if value is not None:
            preds.append(_compare(key, value, cmp))
    for name, key, cmp in _MONEY_FILTERS:
        money = _money_filter(req, name)
        if money is not None:
            preds.append(_compare(key, money, cmp))
    for name, key, cmp in _DATE_FILTERS:
        when = date_filter(req, name)
        if when is not None:
            preds.append(_compare(key, when, cmp))
    for name in ("email", "cart_id", "payment_method"):
        text = req.query.get(name)
        if text is not None:
            preds.append(_text_filter(name, text))
    deleted = req.query.get("is_deleted", "false").lower() == "true"
    preds.append(lambda o: o["is_deleted"] is deleted)
    return preds


def _compare(key: str, value: Any, cmp: int) -> Predicate:
    if cmp > 0:
        return lambda o: bool(o[key] >= value)
    if cmp < 0:
        return lambda o: bool(o[key] <= value)
    return lambda o: bool(o[key] == value)


def _text_filter(name: str, text: str) -> Predicate:
    if name == "email":
        return lambda o: bool(o["billing_address"].get("email") == text)
    return lambda o: bool(o[name] == text)


def sort_key(req: Request) -> tuple[Callable[[Row], Any], bool]:
    """The sort key and whether it is descending; a 400 for an unknown sort."""
    raw = req.query.get("sort", "id")
    field, _, direction = raw.partition(":")
    if field not in SORT_FIELDS or direction not in ("", "asc", "desc"):
        raise req.fail(400, f"The field 'sort' is invalid: {raw!r}.")

    def key(order: Row) -> Any:
        value = order[field]
        return ((value is None, value if value is not None else ""), order["id"])

    return key, direction == "desc"


def date_filter(req: Request, name: str) -> datetime | None:
    """The v2 date in query parameter ``name`` (None when absent); a 400 when unreadable."""
    raw = req.query.get(name)
    if raw is None:
        return None
    try:
        return parse_v2_date(raw)
    except InvalidDateError as exc:
        raise req.fail(
            400,
            f"The field '{name}' is invalid: expected an RFC 2822 or ISO 8601 date "
            "(percent-encode '+' as %2B).",
        ) from exc


def _money_filter(req: Request, name: str) -> Decimal | None:
    raw = req.query.get(name)
    if raw is None:
        return None
    try:
        return Decimal(raw)
    except InvalidOperation as exc:
        raise req.fail(400, f"The field '{name}' is invalid.") from exc


def list_page(req: Request, orders: IndexedTable, preds: list[Predicate]) -> list[Row]:
    """One page of the order list: matching orders, sorted, sliced by ``page``/``limit``.

    With ``status_id`` and the id sort (what a keyset walk sends) the page comes from the
    orders' status index, bisected by ``min_id``/``max_id``: the rows examined are about the
    page, not the store. Other queries scan. Either way ``orders.examined`` counts the rows.
    """
    key, reverse = sort_key(req)
    page, limit = page_window(req)
    start = (page - 1) * limit
    status = req.query_int("status_id")
    field = req.query.get("sort", "id").partition(":")[0]
    if status is None or field != "id" or orders.loose:
        orders.examined += len(orders)
        matched = [o for o in orders.values() if all(p(o) for p in preds)]
        matched.sort(key=key, reverse=reverse)
        return matched[start : start + limit]
    deleted = req.query.get("is_deleted", "false").lower() == "true"
    ids = orders.keyset(
        (status, deleted), req.query_int("min_id"), req.query_int("max_id"), reverse
    )
    rows: list[Row] = []
    for order_id in ids:
        order = dict.__getitem__(orders, order_id)
        orders.examined += 1
        if all(p(order) for p in preds):
            if start:
                start -= 1
                continue
            rows.append(order)
            if len(rows) == limit:
                break
    return rows
