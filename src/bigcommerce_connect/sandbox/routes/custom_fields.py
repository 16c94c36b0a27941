"""v3 ``/catalog/products/{id}/custom-fields``: a product's name-value pairs."""

from __future__ import annotations

from typing import Any

from bigcommerce_connect.sandbox.body_checks import check_fields
from bigcommerce_connect.sandbox.catalog_views import fields_of, product_or_404, render_field
from bigcommerce_connect.sandbox.envelopes import envelope, not_found, unprocessable
from bigcommerce_connect.sandbox.paging import paginate
from bigcommerce_connect.sandbox.routing import Request, Response, Router
from bigcommerce_connect.sandbox.rows import Row

MAX_CUSTOM_FIELDS = 200


def register(router: Router) -> None:
    """Add the custom-field routes."""
    add = router.add
    add("v3", "GET", "/catalog/products/{pid:int}/custom-fields", list_custom_fields)
    add("v3", "POST", "/catalog/products/{pid:int}/custom-fields", create_custom_field)
    add("v3", "GET", "/catalog/products/{pid:int}/custom-fields/{fid:int}", get_custom_field)
    add("v3", "PUT", "/catalog/products/{pid:int}/custom-fields/{fid:int}", update_custom_field)
    add("v3", "DELETE", "/catalog/products/{pid:int}/custom-fields/{fid:int}", delete_custom_field)


def list_custom_fields(req: Request) -> Response:
    """``GET /catalog/products/{id}/custom-fields``."""
    with req.store.lock:
        product = product_or_404(req)
        page, meta = paginate(req, fields_of(req.store, product["id"]))
        return envelope([render_field(f) for f in page], meta)


def _check_field_body(req: Request, body: Any, *, creating: bool) -> dict[str, Any]:
    errors = check_fields(
        body,
        {"name": str, "value": str, "id": int},
        required=("name", "value") if creating else (),
    )
    if not errors:
        for key in ("name", "value"):
            if key in body and not 1 <= len(body[key]) <= 250:
                errors[key] = "must be 1 to 250 characters"
    if errors:
        raise unprocessable("The custom field is invalid.", errors)
    return dict(body)


def create_custom_field(req: Request) -> Response:
    """``POST .../custom-fields``: name-value pairs are unique per product, at most 200."""
    body = _check_field_body(req, req.json(), creating=True)
    store = req.store
    with store.lock:
        product = product_or_404(req)
        existing = fields_of(store, product["id"])
        _check_unique(existing, body["name"], body["value"], None)
        if len(existing) >= MAX_CUSTOM_FIELDS:
            raise unprocessable("Too many custom fields.", {"custom_fields": "at most 200"})
        fid = store.next_id("custom_field")
        field = {
            "id": fid,
            "product_id": product["id"],
            "name": body["name"],
            "value": body["value"],
        }
        store.custom_fields[fid] = field
        return envelope(render_field(field))


def _check_unique(existing: list[Row], name: str, value: str, own_id: int | None) -> None:
    for field in existing:
        if field["name"] == name and field["value"] == value and field["id"] != own_id:
            raise unprocessable(
                "The custom field name and value combination must be unique for a product.",
                {"name": "duplicate name and value"},
            )


def _field_or_404(req: Request) -> Row:
    product = product_or_404(req)
    field = req.store.custom_fields.get(req.int_param("fid"))
    if field is None or field["product_id"] != product["id"]:
        raise not_found(req, "custom field")
    return field


def get_custom_field(req: Request) -> Response:
    """``GET .../custom-fields/{id}``."""
    with req.store.lock:
        return envelope(render_field(_field_or_404(req)))


def update_custom_field(req: Request) -> Response:
    """``PUT .../custom-fields/{id}``."""
    body = _check_field_body(req, req.json(), creating=False)
    store = req.store
    with store.lock:
        field = _field_or_404(req)
        name = str(body.get("name", field["name"]))
        value = str(body.get("value", field["value"]))
        _check_unique(fields_of(store, field["product_id"]), name, value, field["id"])
        field.update(name=name, value=value)
        return envelope(render_field(field))


def delete_custom_field(req: Request) -> Response:
    """``DELETE .../custom-fields/{id}``."""
    with req.store.lock:
        field = _field_or_404(req)
        del req.store.custom_fields[field["id"]]
    return Response(204)
