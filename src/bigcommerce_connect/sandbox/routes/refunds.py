"""v3 order refunds (``orders.v3.yml`` payment actions): an order's refunds, all refunds, create.

``GET /orders/{id}/payment_actions/refunds`` lists one order's refunds by id (no paging, like
the spec's ``metaEmpty_Full``); ``GET /orders/payment_actions/refunds`` lists every refund
with ``order_id:in``, ``id:in``, ``created:min``/``created:max`` and paging;
``GET /orders/payment_actions/refunds/{id}`` reads one; ``POST
/orders/{id}/payment_actions/refunds`` creates one (201) with the store's side effects
(:mod:`..order_edits`). Money goes out as JSON numbers.
"""

from __future__ import annotations

from typing import Any

from bigcommerce_connect.sandbox.envelopes import envelope, not_found, unprocessable
from bigcommerce_connect.sandbox.formats import InvalidDateError, parse_v3_date
from bigcommerce_connect.sandbox.order_edits import RefundError, create_refund
from bigcommerce_connect.sandbox.paging import paginate
from bigcommerce_connect.sandbox.routing import Request, Response, Router
from bigcommerce_connect.sandbox.rows import Row

_BASE = "/orders/payment_actions/refunds"


def register(router: Router) -> None:
    """Add the refund routes."""
    add = router.add
    add("v3", "GET", _BASE, list_refunds)
    add("v3", "GET", _BASE + "/{refund_id:int}", get_refund)
    add("v3", "GET", "/orders/{order_id:int}/payment_actions/refunds", list_order_refunds)
    add("v3", "POST", "/orders/{order_id:int}/payment_actions/refunds", post_refund)


def list_order_refunds(req: Request) -> Response:
    """``GET /orders/{id}/payment_actions/refunds``: the order's refunds by id ascending."""
    order_id = req.int_param("order_id")
    store = req.store
    with store.lock:
        if order_id not in store.orders:
            raise not_found(req, "order")
        rows = [r for r in store.refunds.values() if r["order_id"] == order_id]
        rows = _transaction_filter(req, rows)
        return envelope(sorted(rows, key=lambda r: r["id"]))


def list_refunds(req: Request) -> Response:
    """``GET /orders/payment_actions/refunds``: every refund, filtered and paged."""
    with req.store.lock:
        rows = sorted(req.store.refunds.values(), key=lambda r: r["id"])
        for name, field in (("order_id:in", "order_id"), ("id:in", "id")):
            wanted = _ids(req, name)
            if wanted is not None:
                rows = [r for r in rows if r[field] in wanted]
        since, until = _date(req, "created:min"), _date(req, "created:max")
        if since is not None:
            rows = [r for r in rows if r["created"] >= since]
        if until is not None:
            rows = [r for r in rows if r["created"] <= until]
        rows = _transaction_filter(req, rows)
        page, meta = paginate(req, rows)
        return envelope(page, meta)


def get_refund(req: Request) -> Response:
    """``GET /orders/payment_actions/refunds/{id}``."""
    with req.store.lock:
        refund = req.store.refunds.get(req.int_param("refund_id"))
        if refund is None:
            raise not_found(req, "refund")
        return envelope(refund)


def post_refund(req: Request) -> Response:
    """``POST /orders/{id}/payment_actions/refunds``: items and payments; 201 with the refund."""
    body = req.json()
    errors = _check_body(body)
    if errors:
        raise unprocessable("The refund request is invalid", errors)
    order_id = req.int_param("order_id")
    with req.store.lock:
        if order_id not in req.store.orders:
            raise not_found(req, "order")
    try:
        refund = create_refund(
            req.store,
            order_id,
            body["items"],
            payments=body["payments"],
            reason=str(body.get("reason") or ""),
        )
    except RefundError as error:
        raise unprocessable("The refund cannot be made", {"items": str(error)}) from error
    return envelope(refund, status=201)


def _check_body(body: Any) -> dict[str, str]:
    if not isinstance(body, dict):
        return {"body": "must be a JSON object"}
    errors: dict[str, str] = {}
    for name in ("items", "payments"):
        value = body.get(name)
        if not isinstance(value, list) or not value:
            errors[name] = "is required: a non-empty array"
        elif not all(isinstance(entry, dict) for entry in value):
            errors[name] = "must hold objects"
    if errors:
        return errors
    for index, payment in enumerate(body["payments"]):
        amount = payment.get("amount")
        if isinstance(amount, bool) or not isinstance(amount, (int, float, str)):
            errors[f"payments[{index}].amount"] = "must be a number"
    for index, item in enumerate(body["items"]):
        if item.get("item_type") not in ("PRODUCT", "GIFT_WRAPPING"):
            amount = item.get("amount")
            if isinstance(amount, bool) or not isinstance(amount, (int, float)):
                errors[f"items[{index}].amount"] = "must be a number"
    return errors


def _ids(req: Request, name: str) -> set[int] | None:
    raw = req.query.get(name)
    if raw is None:
        return None
    try:
        return {int(part) for part in raw.split(",") if part.strip()}
    except ValueError as error:
        raise unprocessable("Invalid filter", {name: "must be integers"}) from error


def _date(req: Request, name: str) -> Any:
    raw = req.query.get(name)
    if raw is None:
        return None
    try:
        return parse_v3_date(raw)
    except InvalidDateError as error:
        raise unprocessable("Invalid filter", {name: "must be an RFC 3339 date"}) from error


def _transaction_filter(req: Request, rows: list[Row]) -> list[Row]:
    wanted = req.query.get("transaction_id")
    if wanted is None:
        return rows
    return [r for r in rows if any(p["transaction_id"] == wanted for p in r["payments"])]
