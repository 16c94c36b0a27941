"""v3 variants: ``/catalog/variants`` (list, batch update) and a product's variants."""

from __future__ import annotations

from typing import Any

from bigcommerce_connect.sandbox.body_checks import NUMBER, body_list, check_fields, decimal_fields
from bigcommerce_connect.sandbox.catalog_views import product_or_404, render_variant, variants_of
from bigcommerce_connect.sandbox.envelopes import conflict, envelope, not_found, unprocessable
from bigcommerce_connect.sandbox.error_bodies import error_v3
from bigcommerce_connect.sandbox.filters import apply_filters
from bigcommerce_connect.sandbox.paging import paginate
from bigcommerce_connect.sandbox.routing import ApiError, Request, Response, Router
from bigcommerce_connect.sandbox.rows import Row, new_variant
from bigcommerce_connect.sandbox.store import SandboxStore

#: Money and size fields: JSON numbers in, ``Decimal`` in the store.
VARIANT_MONEY = (
    "price",
    "sale_price",
    "retail_price",
    "cost_price",
    "map_price",
    "weight",
    "width",
    "height",
    "depth",
)
VARIANT_TYPES: dict[str, Any] = {
    **dict.fromkeys(VARIANT_MONEY, NUMBER),
    "sku": str,
    "inventory_level": int,
    "inventory_warning_level": int,
    "purchasing_disabled": bool,
    "upc": str,
    "mpn": str,
    "gtin": str,
    "bin_picking_number": str,
    "option_values": list,
    "product_id": int,
    "image_url": str,
}
VARIANT_READ_ONLY = frozenset({"calculated_price", "sku_id", "calculated_weight"})
MAX_VARIANT_BATCH = 50


def register(router: Router) -> None:
    """Add the variant routes."""
    add = router.add
    add("v3", "GET", "/catalog/products/{pid:int}/variants", list_product_variants)
    add("v3", "POST", "/catalog/products/{pid:int}/variants", create_variant)
    add("v3", "GET", "/catalog/products/{pid:int}/variants/{vid:int}", get_variant)
    add("v3", "PUT", "/catalog/products/{pid:int}/variants/{vid:int}", update_variant)
    add("v3", "GET", "/catalog/variants", list_variants)
    add("v3", "PUT", "/catalog/variants", update_variants)


def list_product_variants(req: Request) -> Response:
    """``GET /catalog/products/{id}/variants``."""
    store = req.store
    with store.lock:
        product = product_or_404(req)
        page, meta = paginate(req, variants_of(store, product["id"]))
        return envelope([render_variant(store, v) for v in page], meta)


def list_variants(req: Request) -> Response:
    """``GET /catalog/variants``: ``sku`` matches variant SKUs (base variants included)."""
    store = req.store
    with store.lock:
        rows = apply_filters(
            req,
            store.variants.values(),
            {"id": "int", "sku": "str", "product_id": "int", "upc": "str"},
        )
        page, meta = paginate(req, sorted(rows, key=lambda v: v["id"]))
        return envelope([render_variant(store, v) for v in page], meta)


def _variant_or_404(req: Request) -> Row:
    product = product_or_404(req)
    variant = req.store.variants.get(req.int_param("vid"))
    if variant is None or variant["product_id"] != product["id"]:
        raise not_found(req, "variant")
    return variant


def get_variant(req: Request) -> Response:
    """``GET /catalog/products/{id}/variants/{id}``."""
    with req.store.lock:
        return envelope(render_variant(req.store, _variant_or_404(req)))


def _apply_variant(store: SandboxStore, variant: Row, body: dict[str, Any]) -> None:
    decimal_fields(body, VARIANT_MONEY)
    for key, value in body.items():
        if key in ("id", "product_id", "option_values"):
            continue
        if key == "inventory_level":
            store.inventory[(variant["id"], 1)] = value
            continue
        variant[key] = value
    store.products[variant["product_id"]]["date_modified"] = store.now()


def update_variant(req: Request) -> Response:
    """``PUT /catalog/products/{id}/variants/{id}``."""
    body = req.json()
    errors = check_fields(body, VARIANT_TYPES | {"id": int}, read_only=VARIANT_READ_ONLY)
    if errors:
        raise unprocessable("The request payload is invalid.", errors)
    with req.store.lock:
        variant = _variant_or_404(req)
        _apply_variant(req.store, variant, body)
        return envelope(render_variant(req.store, variant))


def create_variant(req: Request) -> Response:
    """``POST /catalog/products/{id}/variants``: ``sku`` and ``option_values`` required."""
    body = req.json()
    errors = check_fields(
        body, VARIANT_TYPES, read_only=VARIANT_READ_ONLY, required=("sku", "option_values")
    )
    if errors:
        raise unprocessable("The request payload is invalid.", errors)
    store = req.store
    with store.lock:
        product = product_or_404(req)
        if store.variant_by_sku(body["sku"]) is not None:
            raise conflict(f"The SKU is a duplicate: {body['sku']}", {"sku": "duplicate"})
        vid = store.next_id("variant")
        label = str((body["option_values"] or [{}])[0].get("label", "Default"))
        variant = new_variant(
            vid, product["id"], body["sku"], sku_id=1000 + vid, option_label=label
        )
        store.variants[vid] = variant
        store.inventory[(vid, 1)] = 0
        product["inventory_tracking"] = "variant"
        _apply_variant(store, variant, body)
        return envelope(render_variant(store, variant))


def update_variants(req: Request) -> Response:
    """``PUT /catalog/variants``: batch of at most 50; any bad item rejects the batch (422)."""
    items = body_list(req, MAX_VARIANT_BATCH)
    store = req.store
    with store.lock:
        batch_errors = []
        for item in items:
            errors = check_fields(
                item, VARIANT_TYPES | {"id": int}, read_only=VARIANT_READ_ONLY, required=("id",)
            )
            if not errors and item["id"] not in store.variants:
                errors = {"id": f"Variant {item['id']} was not found."}
            if errors:
                batch_errors.append({**error_v3(422, "Invalid variant", errors)})
        if batch_errors:
            raise ApiError(422, {"batch_errors": batch_errors})
        for item in items:
            _apply_variant(store, store.variants[item["id"]], item)
        return envelope([render_variant(store, store.variants[i["id"]]) for i in items])
