"""v2 ``/customers`` (read side): what a legacy API account sees of the store's customers.

The same customers as v3 ``/customers``, in the v2 shape of ``customers.v2.yml``: RFC 2822
dates, ``store_credit`` as a money string, and addresses as a sub-resource
(``/customers/{id}/addresses``, with ``street_1``/``state``/``zip``/``country_iso2``) that the
customer links to instead of embedding. Lists page by ``page``/``limit``, answer 204 when
empty, and filter as the spec lists (``min_id``, ``max_id``, the date ranges, and equality on
names, e-mail, phone, company, group and tax-exempt category).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from decimal import Decimal
from typing import Any, Final

from bigcommerce_connect.sandbox.envelopes import list_response
from bigcommerce_connect.sandbox.formats import to_v2
from bigcommerce_connect.sandbox.order_filters import date_filter
from bigcommerce_connect.sandbox.paging import page_of
from bigcommerce_connect.sandbox.routing import Request, Response, Router
from bigcommerce_connect.sandbox.rows import Row

_TEXT_FILTERS: Final = ("first_name", "last_name", "company", "email", "phone")
_DATE_FILTERS: Final = (
    ("min_date_created", "date_created", 1),
    ("max_date_created", "date_created", -1),
    ("min_date_modified", "date_modified", 1),
    ("max_date_modified", "date_modified", -1),
)
_NOT_FOUND: Final = "The requested resource was not found."

Predicate = Callable[[Row], bool]


def register(router: Router) -> None:
    """Add the v2 customer routes (reads)."""
    add = router.add
    add("v2", "GET", "/customers", list_customers)
    add("v2", "GET", "/customers/count", count_customers)
    add("v2", "GET", "/customers/{customer_id:int}", get_customer)
    add("v2", "GET", "/customers/{customer_id:int}/addresses", list_addresses)
    add("v2", "GET", "/customers/{customer_id:int}/addresses/count", count_addresses)


def render_customer(customer: Row, base_url: str) -> dict[str, Any]:
    """A stored (v3-shaped) customer as v2's ``customer_Full``."""
    cid = customer["id"]
    resource = f"/customers/{cid}/addresses"
    rendered: dict[str, Any] = to_v2(
        {
            "id": cid,
            "company": customer.get("company", ""),
            "first_name": customer.get("first_name", ""),
            "last_name": customer.get("last_name", ""),
            "email": customer.get("email", ""),
            "phone": customer.get("phone", ""),
            "date_created": customer["date_created"],
            "date_modified": customer["date_modified"],
            "store_credit": Decimal(0),
            "registration_ip_address": customer.get("registration_ip_address", ""),
            "customer_group_id": customer.get("customer_group_id", 0),
            "notes": customer.get("notes", ""),
            "tax_exempt_category": customer.get("tax_exempt_category", ""),
            "accepts_marketing": bool(
                customer.get("accepts_product_review_abandoned_cart_emails", False)
            ),
            "addresses": {"url": base_url + resource, "resource": resource},
            "form_fields": None,
            "reset_pass_on_login": False,
        }
    )
    return rendered


def render_address(address: Row, customer_id: int) -> dict[str, Any]:
    """A stored (v3-shaped) address as v2's ``customerAddress_Full``."""
    return {
        "id": address.get("id"),
        "customer_id": customer_id,
        "first_name": address.get("first_name", ""),
        "last_name": address.get("last_name", ""),
        "company": address.get("company", ""),
        "street_1": address.get("address1", ""),
        "street_2": address.get("address2", ""),
        "city": address.get("city", ""),
        "state": address.get("state_or_province", ""),
        "zip": address.get("postal_code", ""),
        "country": address.get("country", ""),
        "country_iso2": address.get("country_code", ""),
        "phone": address.get("phone", ""),
        "address_type": address.get("address_type", "residential"),
    }


def _predicates(req: Request) -> list[Predicate]:
    preds: list[Predicate] = []
    low, high = req.query_int("min_id"), req.query_int("max_id")
    if low is not None:
        preds.append(lambda c: bool(c["id"] >= low))
    if high is not None:
        preds.append(lambda c: bool(c["id"] <= high))
    group = req.query_int("customer_group_id")
    if group is not None:
        preds.append(lambda c: bool(c.get("customer_group_id") == group))
    for name in (*_TEXT_FILTERS, "tax_exempt_category"):
        text = req.query.get(name)
        if text is not None:
            preds.append(_equals(name, text))
    for name, key, direction in _DATE_FILTERS:
        when = date_filter(req, name)
        if when is not None:
            preds.append(_date_bound(key, when, direction))
    return preds


def _equals(name: str, text: str) -> Predicate:
    if name == "email":
        return lambda c: str(c.get("email", "")).lower() == text.lower()
    return lambda c: c.get(name) == text


def _date_bound(key: str, when: datetime, direction: int) -> Predicate:
    if direction > 0:
        return lambda c: bool(c[key] >= when)
    return lambda c: bool(c[key] <= when)


def _matching(req: Request) -> list[Row]:
    raw = req.query.get("sort", "id:asc")
    if raw not in ("id", "id:asc"):
        raise req.fail(400, f"The field 'sort' is invalid: {raw!r}.")
    preds = _predicates(req)
    rows = (c for c in req.store.customers.values() if all(p(c) for p in preds))
    return sorted(rows, key=lambda c: int(c["id"]))


def list_customers(req: Request) -> Response:
    """``GET /customers``: filters, ``page``/``limit`` (at most 250), 204 when empty."""
    with req.store.lock:
        rows, _, _ = page_of(req, _matching(req))
        return list_response([render_customer(c, req.base_url) for c in rows])


def count_customers(req: Request) -> Response:
    """``GET /customers/count``: how many match the filters."""
    with req.store.lock:
        return Response(200, {"count": len(_matching(req))})


def _customer_or_404(req: Request) -> Row:
    customer = req.store.customers.get(req.int_param("customer_id"))
    if customer is None:
        raise req.fail(404, _NOT_FOUND)
    return customer


def get_customer(req: Request) -> Response:
    """``GET /customers/{id}``."""
    with req.store.lock:
        return Response(200, render_customer(_customer_or_404(req), req.base_url))


def list_addresses(req: Request) -> Response:
    """``GET /customers/{id}/addresses``: paged, 204 when the customer has none."""
    with req.store.lock:
        customer = _customer_or_404(req)
        rows, _, _ = page_of(req, list(customer.get("addresses") or []))
        return list_response([render_address(a, customer["id"]) for a in rows])


def count_addresses(req: Request) -> Response:
    """``GET /customers/{id}/addresses/count``."""
    with req.store.lock:
        return Response(200, {"count": len(_customer_or_404(req).get("addresses") or [])})
