"""v3 ``/catalog/products``: list, get, create, update (one or a batch of 10) and delete."""

from __future__ import annotations

from typing import Any

from bigcommerce_connect.sandbox.body_checks import NUMBER, body_list, check_fields, decimal_fields
from bigcommerce_connect.sandbox.catalog_views import (
    fields_of,
    product_or_404,
    render_product,
    trim_fields,
    variants_of,
)
from bigcommerce_connect.sandbox.envelopes import conflict, envelope, unprocessable
from bigcommerce_connect.sandbox.error_bodies import error_v3
from bigcommerce_connect.sandbox.filters import apply_filters, sort_rows
from bigcommerce_connect.sandbox.formats import to_v3
from bigcommerce_connect.sandbox.paging import paginate
from bigcommerce_connect.sandbox.routing import Request, Response, Router
from bigcommerce_connect.sandbox.rows import Row, new_product, new_variant
from bigcommerce_connect.sandbox.store import SandboxStore

#: Money and size fields: JSON numbers in, ``Decimal`` in the store.
PRODUCT_MONEY = (
    "weight",
    "width",
    "depth",
    "height",
    "price",
    "cost_price",
    "retail_price",
    "sale_price",
    "map_price",
)
PRODUCT_TYPES: dict[str, Any] = {
    **dict.fromkeys(PRODUCT_MONEY, NUMBER),
    "name": str,
    "type": "physical|digital",
    "sku": str,
    "description": str,
    "tax_class_id": int,
    "categories": list,
    "brand_id": int,
    "inventory_level": int,
    "inventory_warning_level": int,
    "inventory_tracking": "none|product|variant",
    "is_visible": bool,
    "is_featured": bool,
    "availability": "available|disabled|preorder",
    "upc": str,
    "mpn": str,
    "gtin": str,
    "bin_picking_number": str,
    "search_keywords": str,
    "page_title": str,
    "sort_order": int,
    "condition": "New|Used|Refurbished",
    "custom_fields": list,
    "variants": list,
    "is_free_shipping": bool,
    "meta_description": str,
    "warranty": str,
}
PRODUCT_READ_ONLY = frozenset(
    {"date_created", "date_modified", "calculated_price", "base_variant_id", "total_sold"}
)
PRODUCT_FILTERS = {
    "id": "int",
    "name": "str",
    "sku": "str",
    "upc": "str",
    "price": "num",
    "is_visible": "bool",
    "type": "str",
    "categories": "intlist",
    "brand_id": "int",
    "inventory_level": "int",
    "date_modified": "date",
    "date_created": "date",
    "availability": "str",
}
MAX_PRODUCT_BATCH = 10


def register(router: Router) -> None:
    """Add the product routes."""
    add = router.add
    add("v3", "GET", "/catalog/products", list_products)
    add("v3", "POST", "/catalog/products", create_product)
    add("v3", "PUT", "/catalog/products", update_products)
    add("v3", "DELETE", "/catalog/products", delete_products)
    add("v3", "GET", "/catalog/products/{pid:int}", get_product)
    add("v3", "PUT", "/catalog/products/{pid:int}", update_product)
    add("v3", "DELETE", "/catalog/products/{pid:int}", delete_product)


def list_products(req: Request) -> Response:
    """``GET /catalog/products``: filters (``sku`` matches the product SKU only), sort, pages."""
    store = req.store
    with store.lock:
        rows = apply_filters(
            req,
            store.products.values(),
            PRODUCT_FILTERS,
            {"inventory_level": lambda p: store.product_inventory(p["id"])},
        )
        keyword = req.query.get("keyword")
        if keyword:
            rows = [p for p in rows if keyword.lower() in (p["name"] + p["sku"]).lower()]
        rows = sort_rows(req, rows, ("id", "name", "sku", "price", "date_modified", "total_sold"))
        page, meta = paginate(req, rows)
        include = req.query.get("include", "")
        return envelope([trim_fields(req, render_product(store, p, include)) for p in page], meta)


def get_product(req: Request) -> Response:
    """``GET /catalog/products/{id}``."""
    with req.store.lock:
        product = product_or_404(req)
        return envelope(
            trim_fields(req, render_product(req.store, product, req.query.get("include", "")))
        )


def _duplicate_name(store: SandboxStore, name: str, own_id: int | None) -> bool:
    return store.product_named(name, own_id)  # the products table indexes names


def create_product(req: Request) -> Response:
    """``POST /catalog/products``: one product; 409 on a duplicate name or SKU."""
    body = req.json()
    errors = check_fields(
        body,
        PRODUCT_TYPES,
        read_only=PRODUCT_READ_ONLY | {"id"},
        required=("name", "type", "weight", "price"),
    )
    if isinstance(body, dict) and "categories" not in body:
        # The spec marks categories x-required on create.
        errors["categories"] = "error.path.missing"
    if errors:
        raise unprocessable("The request payload is invalid.", errors)
    store = req.store
    with store.lock:
        if _duplicate_name(store, body["name"], None):
            raise conflict(
                f"The product name is a duplicate: {body['name']}", {"name": "duplicate"}
            )
        sku = body.get("sku", "")
        if sku and store.variant_by_sku(sku) is not None:
            raise conflict(f"The SKU is a duplicate: {sku}", {"sku": "duplicate"})
        pid = store.next_id("product")
        decimal_fields(body, PRODUCT_MONEY)
        now = store.now()
        product = new_product(
            pid,
            name=body["name"],
            sku=sku,
            price=body["price"],
            categories=body["categories"],
            when=now,
            product_type=body["type"],
            weight=body["weight"],
        )
        _apply_product(store, product, body)
        store.products[pid] = product
        _create_product_variants(store, product, body.get("variants") or [])
        result = render_product(store, product, "variants,custom_fields")
    store.emit("store/product/created", {"type": "product", "id": pid})
    return envelope(result)


def _create_product_variants(store: SandboxStore, product: Row, variants: list[Any]) -> None:
    pid = product["id"]
    if not variants:
        vid = store.next_id("variant")
        store.variants[vid] = new_variant(vid, pid, product["sku"], sku_id=None)
        product["base_variant_id"] = vid
        store.inventory[(vid, 1)] = product.pop("_inventory", 0)
        return
    product["inventory_tracking"] = "variant"
    for item in variants:
        vid = store.next_id("variant")
        labels = item.get("option_values") or [{"label": "Default"}]
        sku = item.get("sku", f"{product['sku']}-{vid}")
        label = str(labels[0].get("label", "Default"))
        variant = new_variant(vid, pid, sku, sku_id=1000 + vid, option_label=label)
        decimal_fields(item, ("price",))
        if "price" in item:
            variant["price"] = item["price"]
        store.variants[vid] = variant
        store.inventory[(vid, 1)] = int(item.get("inventory_level", 0))


def _apply_product(store: SandboxStore, product: Row, body: dict[str, Any]) -> None:
    decimal_fields(body, PRODUCT_MONEY)
    for key, value in body.items():
        if key in ("custom_fields", "variants", "id"):
            continue
        if key == "inventory_level":
            _set_product_stock(store, product, value)
            continue
        product[key] = value
    if "price" in body:
        product["calculated_price"] = body["price"]
    for field in body.get("custom_fields") or []:
        if isinstance(field, dict) and "name" in field and "value" in field:
            fid = field.get("id") or store.next_id("custom_field")
            store.custom_fields[fid] = {
                "id": fid,
                "product_id": product["id"],
                "name": field["name"],
                "value": field["value"],
            }
    product["date_modified"] = store.now()


def _set_product_stock(store: SandboxStore, product: Row, value: int) -> None:
    base = product.get("base_variant_id")
    if base is None:
        product["_inventory"] = value  # applied when the base variant is created
        return
    store.inventory[(base, 1)] = value


def update_product(req: Request) -> Response:
    """``PUT /catalog/products/{id}``: partial update."""
    body = req.json()
    errors = check_fields(body, PRODUCT_TYPES | {"id": int}, read_only=PRODUCT_READ_ONLY)
    if errors:
        raise unprocessable("The request payload is invalid.", errors)
    store = req.store
    with store.lock:
        product = product_or_404(req)
        if "name" in body and _duplicate_name(store, body["name"], product["id"]):
            raise conflict(
                f"The product name is a duplicate: {body['name']}", {"name": "duplicate"}
            )
        _apply_product(store, product, body)
        result = render_product(store, product, "")
    store.emit("store/product/updated", {"type": "product", "id": product["id"]})
    return envelope(result)


def update_products(req: Request) -> Response:
    """``PUT /catalog/products``: batch of at most 10; 207 when some items fail."""
    items = body_list(req, MAX_PRODUCT_BATCH)
    store = req.store
    done: list[Row] = []
    failures: list[dict[str, Any]] = []
    with store.lock:
        for index, item in enumerate(items):
            errors = check_fields(
                item, PRODUCT_TYPES | {"id": int}, read_only=PRODUCT_READ_ONLY, required=("id",)
            )
            product = store.products.get(item.get("id", 0)) if isinstance(item, dict) else None
            if not errors and product is None:
                errors = {"id": f"Product {item.get('id')} was not found."}
            if (
                not errors
                and product is not None
                and "name" in item
                and _duplicate_name(store, item["name"], product["id"])
            ):
                errors = {"name": "duplicate product name"}
            if errors or product is None:
                failures.append({"status": 422, "index": index, "errors": errors})
                continue
            _apply_product(store, product, item)
            done.append(render_product(store, product, ""))
    for row in done:
        store.emit("store/product/updated", {"type": "product", "id": row["id"]})
    if failures and not done:
        raise unprocessable("None of the products could be updated.", _flatten(failures))
    if failures:
        # The spec's errorMultiStatus is one object whose `errors` map names each failed item.
        errors_body = error_v3(422, "Some products could not be updated.", _flatten(failures))
        return Response(207, {"data": to_v3(done), "errors": errors_body, "meta": {}})
    return envelope(done, {})


def _flatten(failures: list[dict[str, Any]]) -> dict[str, str]:
    return {f"[{f['index']}].{k}": v for f in failures for k, v in f["errors"].items()}


def delete_products(req: Request) -> Response:
    """``DELETE /catalog/products?id:in=...``: a filter is required."""
    if not any(key.startswith("id") for key in req.query):
        raise unprocessable("A filter is required.", {"id:in": "a filter is required"})
    store = req.store
    with store.lock:
        for product in apply_filters(req, list(store.products.values()), {"id": "int"}):
            _remove_product(store, product["id"])
    return Response(204)


def delete_product(req: Request) -> Response:
    """``DELETE /catalog/products/{id}``."""
    with req.store.lock:
        product = product_or_404(req)
        _remove_product(req.store, product["id"])
    return Response(204)


def _remove_product(store: SandboxStore, pid: int) -> None:
    del store.products[pid]
    for vid in [v["id"] for v in variants_of(store, pid)]:
        del store.variants[vid]
        store.inventory.pop((vid, 1), None)
    for fid in [f["id"] for f in fields_of(store, pid)]:
        del store.custom_fields[fid]
    store.emit("store/product/deleted", {"type": "product", "id": pid})
