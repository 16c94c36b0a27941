"""v3 ``/pricelists``: list, get, create, update and delete price lists."""

from __future__ import annotations

from bigcommerce_connect.sandbox.body_checks import check_fields
from bigcommerce_connect.sandbox.envelopes import envelope, not_found, unprocessable
from bigcommerce_connect.sandbox.error_bodies import error_v3
from bigcommerce_connect.sandbox.filters import apply_filters
from bigcommerce_connect.sandbox.paging import paginate
from bigcommerce_connect.sandbox.routing import ApiError, Request, Response, Router
from bigcommerce_connect.sandbox.rows import Row

_PRICE_LIST_FILTERS = {
    "id": "int",
    "name": "str",
    "date_created": "date",
    "date_modified": "date",
}


def register(router: Router) -> None:
    """Add the price-list routes."""
    add = router.add
    add("v3", "GET", "/pricelists", list_price_lists)
    add("v3", "POST", "/pricelists", create_price_list)
    add("v3", "GET", "/pricelists/{plid:int}", get_price_list)
    add("v3", "PUT", "/pricelists/{plid:int}", update_price_list)
    add("v3", "DELETE", "/pricelists/{plid:int}", delete_price_list)


def price_list_or_404(req: Request) -> Row:
    """The price list of the path's ``plid``, or the v3 404."""
    price_list = req.store.price_lists.get(req.int_param("plid"))
    if price_list is None:
        raise not_found(req, "price list")
    return price_list


def list_price_lists(req: Request) -> Response:
    """``GET /pricelists``."""
    with req.store.lock:
        rows = apply_filters(req, req.store.price_lists.values(), _PRICE_LIST_FILTERS)
        page, meta = paginate(req, sorted(rows, key=lambda r: r["id"]))
        return envelope(page, meta)


def create_price_list(req: Request) -> Response:
    """``POST /pricelists``: ``name`` required and unique."""
    body = req.json()
    errors = check_fields(body, {"name": str, "active": bool}, required=("name",))
    if errors:
        raise unprocessable("The price list is invalid.", errors)
    store = req.store
    with store.lock:
        if any(p["name"] == body["name"] for p in store.price_lists.values()):
            title = "A price list with this name exists."
            raise ApiError(409, error_v3(409, title, {"name": "duplicate"}))
        plid = store.next_id("price_list")
        now = store.now()
        row = {
            "id": plid,
            "name": body["name"],
            "active": body.get("active", True),
            "date_created": now,
            "date_modified": now,
        }
        store.price_lists[plid] = row
        return envelope(row)


def get_price_list(req: Request) -> Response:
    """``GET /pricelists/{id}``."""
    with req.store.lock:
        return envelope(price_list_or_404(req))


def update_price_list(req: Request) -> Response:
    """``PUT /pricelists/{id}``."""
    body = req.json()
    errors = check_fields(body, {"name": str, "active": bool, "id": int})
    if errors:
        raise unprocessable("The price list is invalid.", errors)
    with req.store.lock:
        row = price_list_or_404(req)
        row.update({k: v for k, v in body.items() if k != "id"})
        row["date_modified"] = req.store.now()
        return envelope(row)


def delete_price_list(req: Request) -> Response:
    """``DELETE /pricelists/{id}``: also drops its records and assignments."""
    store = req.store
    with store.lock:
        row = price_list_or_404(req)
        del store.price_lists[row["id"]]
        for key in [k for k in store.price_list_records if k[0] == row["id"]]:
            del store.price_list_records[key]
        assignments = store.price_list_assignments
        for aid in [a["id"] for a in assignments.values() if a["price_list_id"] == row["id"]]:
            del assignments[aid]
    return Response(204)
