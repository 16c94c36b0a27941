"""v3 catalog routes: products, variants, custom fields, categories and category trees."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from bigcommerce_connect.sandbox.routing import ApiError, Request, Response, Router
from bigcommerce_connect.sandbox.seed import new_category, new_product, new_variant
from bigcommerce_connect.sandbox.store import SandboxStore
from bigcommerce_connect.sandbox.v3common import (
    NUMBER,
    Row,
    apply_filters,
    body_list,
    check_fields,
    decimal_fields,
    envelope,
    not_found,
    paginate,
    sort_rows,
    unprocessable,
)
from bigcommerce_connect.sandbox.wire import error_v3, to_v3

PRODUCT_TYPES: dict[str, Any] = {
    "name": str, "type": "physical|digital", "sku": str, "description": str, "weight": NUMBER,
    "width": NUMBER, "depth": NUMBER, "height": NUMBER, "price": NUMBER, "cost_price": NUMBER,
    "retail_price": NUMBER, "sale_price": NUMBER, "map_price": NUMBER, "tax_class_id": int,
    "categories": list, "brand_id": int, "inventory_level": int, "inventory_warning_level": int,
    "inventory_tracking": "none|product|variant", "is_visible": bool, "is_featured": bool,
    "availability": "available|disabled|preorder", "upc": str, "mpn": str, "gtin": str,
    "bin_picking_number": str, "search_keywords": str, "page_title": str, "sort_order": int,
    "condition": "New|Used|Refurbished", "custom_fields": list, "variants": list,
    "is_free_shipping": bool, "meta_description": str, "warranty": str,
}  # fmt: skip
PRODUCT_READ_ONLY = frozenset(
    {"date_created", "date_modified", "calculated_price", "base_variant_id", "total_sold"}
)
PRODUCT_MONEY = ("weight", "width", "depth", "height", "price", "cost_price", "retail_price",
                 "sale_price", "map_price")  # fmt: skip
PRODUCT_FILTERS = {
    "id": "int", "name": "str", "sku": "str", "upc": "str", "price": "num", "is_visible": "bool",
    "type": "str", "categories": "intlist", "brand_id": "int", "inventory_level": "int",
    "date_modified": "date", "date_created": "date", "availability": "str",
}  # fmt: skip
VARIANT_TYPES: dict[str, Any] = {
    "sku": str, "price": NUMBER, "sale_price": NUMBER, "retail_price": NUMBER,
    "cost_price": NUMBER, "map_price": NUMBER, "weight": NUMBER, "inventory_level": int,
    "inventory_warning_level": int, "purchasing_disabled": bool, "upc": str, "mpn": str,
    "gtin": str, "bin_picking_number": str, "option_values": list, "product_id": int,
    "width": NUMBER, "height": NUMBER, "depth": NUMBER, "image_url": str,
}  # fmt: skip
VARIANT_READ_ONLY = frozenset({"calculated_price", "sku_id", "calculated_weight"})
CATEGORY_TYPES: dict[str, Any] = {
    "name": str, "parent_id": int, "description": str, "sort_order": int, "is_visible": bool,
    "page_title": str, "meta_keywords": list, "meta_description": str, "search_keywords": str,
    "image_url": str, "custom_url": dict, "layout_file": str, "default_product_sort": str,
    "views": int, "tree_id": int,
}  # fmt: skip
MAX_PRODUCT_BATCH = 10
MAX_VARIANT_BATCH = 50
MAX_CUSTOM_FIELDS = 200


def register(router: Router) -> None:
    """Add the catalog routes."""
    add = router.add
    add("v3", "GET", "/catalog/products", list_products)
    add("v3", "POST", "/catalog/products", create_product)
    add("v3", "PUT", "/catalog/products", update_products)
    add("v3", "DELETE", "/catalog/products", delete_products)
    add("v3", "GET", "/catalog/products/{pid:int}", get_product)
    add("v3", "PUT", "/catalog/products/{pid:int}", update_product)
    add("v3", "DELETE", "/catalog/products/{pid:int}", delete_product)
    add("v3", "GET", "/catalog/products/{pid:int}/variants", list_product_variants)
    add("v3", "POST", "/catalog/products/{pid:int}/variants", create_variant)
    add("v3", "GET", "/catalog/products/{pid:int}/variants/{vid:int}", get_variant)
    add("v3", "PUT", "/catalog/products/{pid:int}/variants/{vid:int}", update_variant)
    add("v3", "GET", "/catalog/variants", list_variants)
    add("v3", "PUT", "/catalog/variants", update_variants)
    add("v3", "GET", "/catalog/products/{pid:int}/custom-fields", list_custom_fields)
    add("v3", "POST", "/catalog/products/{pid:int}/custom-fields", create_custom_field)
    add("v3", "GET", "/catalog/products/{pid:int}/custom-fields/{fid:int}", get_custom_field)
    add("v3", "PUT", "/catalog/products/{pid:int}/custom-fields/{fid:int}", update_custom_field)
    add("v3", "DELETE", "/catalog/products/{pid:int}/custom-fields/{fid:int}", delete_custom_field)
    add("v3", "GET", "/catalog/categories", list_categories)
    add("v3", "POST", "/catalog/categories", create_category)
    add("v3", "GET", "/catalog/categories/{cid:int}", get_category)
    add("v3", "PUT", "/catalog/categories/{cid:int}", update_category)
    add("v3", "DELETE", "/catalog/categories/{cid:int}", delete_category)
    add("v3", "GET", "/catalog/trees", list_trees)
    add("v3", "GET", "/catalog/trees/categories", list_tree_categories)
    add("v3", "POST", "/catalog/trees/categories", create_tree_categories)
    add("v3", "GET", "/catalog/trees/{tree_id:int}/categories", get_tree)


# -- rendering ----------------------------------------------------------------------------


def render_variant(store: SandboxStore, variant: Row) -> Row:
    """A variant with its stock at the default location and its effective price."""
    product = store.products[variant["product_id"]]
    out = dict(variant)
    out["inventory_level"] = store.inventory.get((variant["id"], 1), 0)
    price = variant["price"] if variant["price"] is not None else product["price"]
    out["calculated_price"] = price
    return out


def render_product(store: SandboxStore, product: Row, include: str) -> Row:
    """A product with its stock (sum over variants at the default location) and includes."""
    out = dict(product)
    out["inventory_level"] = store.product_inventory(product["id"])
    parts = include.split(",") if include else []
    if "variants" in parts:
        out["variants"] = [render_variant(store, v) for v in _variants_of(store, product["id"])]
    if "custom_fields" in parts:
        out["custom_fields"] = [
            _render_field(f) for f in store.custom_fields.values()
            if f["product_id"] == product["id"]
        ]  # fmt: skip
    return out


def _trim(req: Request, row: Row) -> Row:
    """Apply ``include_fields`` / ``exclude_fields`` (``id`` is always kept)."""
    keep = req.query.get("include_fields")
    if keep:
        wanted = set(keep.split(",")) | {"id", "variants", "custom_fields"}
        row = {k: v for k, v in row.items() if k in wanted}
    drop = req.query.get("exclude_fields")
    if drop:
        unwanted = set(drop.split(",")) - {"id"}
        row = {k: v for k, v in row.items() if k not in unwanted}
    return row


def _render_field(field: Row) -> Row:
    return {"id": field["id"], "name": field["name"], "value": field["value"]}


def _variants_of(store: SandboxStore, pid: int) -> list[Row]:
    return [v for v in store.variants.values() if v["product_id"] == pid]


def _product_or_404(req: Request) -> Row:
    product = req.store.products.get(req.int_param("pid"))
    if product is None:
        raise not_found(req, "product")
    return product


# -- products -----------------------------------------------------------------------------


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
        return envelope([_trim(req, render_product(store, p, include)) for p in page], meta)


def get_product(req: Request) -> Response:
    """``GET /catalog/products/{id}``."""
    with req.store.lock:
        product = _product_or_404(req)
        return envelope(
            _trim(req, render_product(req.store, product, req.query.get("include", "")))
        )


def _duplicate_name(store: SandboxStore, name: str, own_id: int | None) -> bool:
    return any(p["name"] == name and p["id"] != own_id for p in store.products.values())


def _conflict(title: str, errors: dict[str, str]) -> ApiError:
    return ApiError(409, {**error_v3(409, title, errors), "code": 409})


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
            raise _conflict(
                f"The product name is a duplicate: {body['name']}", {"name": "duplicate"}
            )
        sku = body.get("sku", "")
        if sku and store.variant_by_sku(sku) is not None:
            raise _conflict(f"The SKU is a duplicate: {sku}", {"sku": "duplicate"})
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
        variant = new_variant(
            vid, pid, item.get("sku", f"{product['sku']}-{vid}"), sku_id=1000 + vid,
            option_label=str(labels[0].get("label", "Default")),
        )  # fmt: skip
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
                "id": fid, "product_id": product["id"], "name": field["name"],
                "value": field["value"],
            }  # fmt: skip
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
        product = _product_or_404(req)
        if "name" in body and _duplicate_name(store, body["name"], product["id"]):
            raise _conflict(
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
        product = _product_or_404(req)
        _remove_product(req.store, product["id"])
    return Response(204)


def _remove_product(store: SandboxStore, pid: int) -> None:
    del store.products[pid]
    for vid in [v["id"] for v in _variants_of(store, pid)]:
        del store.variants[vid]
        store.inventory.pop((vid, 1), None)
    for fid in [f["id"] for f in store.custom_fields.values() if f["product_id"] == pid]:
        del store.custom_fields[fid]
    store.emit("store/product/deleted", {"type": "product", "id": pid})


# -- variants -----------------------------------------------------------------------------


def list_product_variants(req: Request) -> Response:
    """``GET /catalog/products/{id}/variants``."""
    store = req.store
    with store.lock:
        product = _product_or_404(req)
        page, meta = paginate(req, _variants_of(store, product["id"]))
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
    product = _product_or_404(req)
    variant = req.store.variants.get(req.int_param("vid"))
    if variant is None or variant["product_id"] != product["id"]:
        raise not_found(req, "variant")
    return variant


def get_variant(req: Request) -> Response:
    """``GET /catalog/products/{id}/variants/{id}``."""
    with req.store.lock:
        return envelope(render_variant(req.store, _variant_or_404(req)))


def _apply_variant(store: SandboxStore, variant: Row, body: dict[str, Any]) -> None:
    decimal_fields(body, ("price", "sale_price", "retail_price", "cost_price", "map_price",
                          "weight", "width", "height", "depth"))  # fmt: skip
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
        product = _product_or_404(req)
        if store.variant_by_sku(body["sku"]) is not None:
            raise _conflict(f"The SKU is a duplicate: {body['sku']}", {"sku": "duplicate"})
        vid = store.next_id("variant")
        label = str((body["option_values"] or [{}])[0].get("label", "Default"))
        variant = new_variant(vid, product["id"], body["sku"], sku_id=1000 + vid,
                              option_label=label)  # fmt: skip
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


# -- custom fields ------------------------------------------------------------------------


def _fields_of(store: SandboxStore, pid: int) -> list[Row]:
    return [f for f in store.custom_fields.values() if f["product_id"] == pid]


def list_custom_fields(req: Request) -> Response:
    """``GET /catalog/products/{id}/custom-fields``."""
    with req.store.lock:
        product = _product_or_404(req)
        page, meta = paginate(req, _fields_of(req.store, product["id"]))
        return envelope([_render_field(f) for f in page], meta)


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
        product = _product_or_404(req)
        existing = _fields_of(store, product["id"])
        _check_unique(existing, body["name"], body["value"], None)
        if len(existing) >= MAX_CUSTOM_FIELDS:
            raise unprocessable("Too many custom fields.", {"custom_fields": "at most 200"})
        fid = store.next_id("custom_field")
        field = {"id": fid, "product_id": product["id"], "name": body["name"],
                 "value": body["value"]}  # fmt: skip
        store.custom_fields[fid] = field
        return envelope(_render_field(field))


def _check_unique(existing: list[Row], name: str, value: str, own_id: int | None) -> None:
    for field in existing:
        if field["name"] == name and field["value"] == value and field["id"] != own_id:
            raise unprocessable(
                "The custom field name and value combination must be unique for a product.",
                {"name": "duplicate name and value"},
            )


def _field_or_404(req: Request) -> Row:
    product = _product_or_404(req)
    field = req.store.custom_fields.get(req.int_param("fid"))
    if field is None or field["product_id"] != product["id"]:
        raise not_found(req, "custom field")
    return field


def get_custom_field(req: Request) -> Response:
    """``GET .../custom-fields/{id}``."""
    with req.store.lock:
        return envelope(_render_field(_field_or_404(req)))


def update_custom_field(req: Request) -> Response:
    """``PUT .../custom-fields/{id}``."""
    body = _check_field_body(req, req.json(), creating=False)
    store = req.store
    with store.lock:
        field = _field_or_404(req)
        name = str(body.get("name", field["name"]))
        value = str(body.get("value", field["value"]))
        _check_unique(_fields_of(store, field["product_id"]), name, value, field["id"])
        field.update(name=name, value=value)
        return envelope(_render_field(field))


def delete_custom_field(req: Request) -> Response:
    """``DELETE .../custom-fields/{id}``."""
    with req.store.lock:
        field = _field_or_404(req)
        del req.store.custom_fields[field["id"]]
    return Response(204)


# -- categories ---------------------------------------------------------------------------


def list_categories(req: Request) -> Response:
    """``GET /catalog/categories``."""
    with req.store.lock:
        rows = apply_filters(
            req,
            req.store.categories.values(),
            {"id": "int", "name": "str", "parent_id": "int", "is_visible": "bool",
             "page_title": "str"},
        )  # fmt: skip
        page, meta = paginate(req, sorted(rows, key=lambda c: c["id"]))
        return envelope([_render_category(c) for c in page], meta)


def _render_category(category: Row) -> Row:
    return {k: v for k, v in category.items() if k != "tree_id"}


def _category_or_404(req: Request) -> Row:
    category = req.store.categories.get(req.int_param("cid"))
    if category is None:
        raise not_found(req, "category")
    return category


def get_category(req: Request) -> Response:
    """``GET /catalog/categories/{id}``."""
    with req.store.lock:
        return envelope(_render_category(_category_or_404(req)))


def _sibling_clash(store: SandboxStore, parent_id: int, name: str, own_id: int | None) -> bool:
    return any(
        c["parent_id"] == parent_id and c["name"] == name and c["id"] != own_id
        for c in store.categories.values()
    )


def _insert_category(req: Request, body: Any, where: str = "") -> tuple[Row | None, dict[str, str]]:
    errors = check_fields(
        body, CATEGORY_TYPES, read_only=frozenset({"id"}), required=("name",), where=where
    )
    store = req.store
    if errors:
        return None, errors
    parent_id = body.get("parent_id", 0)
    if parent_id and parent_id not in store.categories:
        return None, {f"{where}parent_id": "parent category not found"}
    if _sibling_clash(store, parent_id, body["name"], None):
        return None, {f"{where}name": "a sibling category already has this name"}
    cid = store.next_id("category")
    category = new_category(cid, parent_id, body["name"])
    category.update({k: v for k, v in body.items() if k in CATEGORY_TYPES})
    store.categories[cid] = category
    return category, {}


def create_category(req: Request) -> Response:
    """``POST /catalog/categories``: ``name`` required; unique among siblings (409)."""
    body = req.json()
    with req.store.lock:
        if isinstance(body, dict) and "parent_id" not in body:
            raise unprocessable("The category is invalid.", {"parent_id": "error.path.missing"})
        category, errors = _insert_category(req, body)
        if category is None:
            if "name" in errors and "sibling" in errors["name"]:
                raise _conflict("The category name is a duplicate.", errors)
            raise unprocessable("The category is invalid.", errors)
        return envelope(_render_category(category))


def update_category(req: Request) -> Response:
    """``PUT /catalog/categories/{id}``."""
    body = req.json()
    errors = check_fields(body, CATEGORY_TYPES, read_only=frozenset({"id"}))
    if errors:
        raise unprocessable("The category is invalid.", errors)
    store = req.store
    with store.lock:
        category = _category_or_404(req)
        name = body.get("name", category["name"])
        if _sibling_clash(store, body.get("parent_id", category["parent_id"]), name,
                          category["id"]):  # fmt: skip
            raise _conflict("The category name is a duplicate.", {"name": "duplicate"})
        category.update(body)
        return envelope(_render_category(category))


def delete_category(req: Request) -> Response:
    """``DELETE /catalog/categories/{id}``: 422 while products are still in it."""
    store = req.store
    with store.lock:
        category = _category_or_404(req)
        if any(category["id"] in p["categories"] for p in store.products.values()):
            raise unprocessable(
                "The category still has products; move them first.", {"id": "has products"}
            )
        del store.categories[category["id"]]
    return Response(204)


def list_trees(req: Request) -> Response:
    """``GET /catalog/trees``."""
    with req.store.lock:
        page, meta = paginate(req, sorted(req.store.category_trees.values(), key=lambda t: t["id"]))
        return envelope(page, meta)


def _render_tree_category(category: Row) -> Row:
    return {
        "category_id": category["id"],
        "parent_id": category["parent_id"],
        "tree_id": category["tree_id"],
        "name": category["name"],
        "description": category["description"],
        "views": category["views"],
        "sort_order": category["sort_order"],
        "page_title": category["page_title"],
        "search_keywords": category["search_keywords"],
        "meta_keywords": category["meta_keywords"],
        "meta_description": category["meta_description"],
        "layout_file": category["layout_file"],
        "is_visible": category["is_visible"],
        "default_product_sort": category["default_product_sort"],
        "url": dict(category["custom_url"]),
        "image_url": category["image_url"],
    }


def list_tree_categories(req: Request) -> Response:
    """``GET /catalog/trees/categories``: flat, with ``category_id`` instead of ``id``."""
    with req.store.lock:
        rows = apply_filters(
            req,
            req.store.categories.values(),
            {"category_id": "int", "tree_id": "int", "parent_id": "int", "name": "str",
             "is_visible": "bool"},
            {"category_id": lambda c: c["id"]},
        )  # fmt: skip
        page, meta = paginate(req, sorted(rows, key=lambda c: c["id"]))
        return envelope([_render_tree_category(c) for c in page], meta)


def create_tree_categories(req: Request) -> Response:
    """``POST /catalog/trees/categories``: a batch; 201, or 207 when some fail."""
    items = body_list(req, 50)
    created: list[Row] = []
    failures: list[dict[str, Any]] = []
    with req.store.lock:
        for index, item in enumerate(items):
            if isinstance(item, dict):
                item = dict(item)
                item.pop("tree_id", None)  # the sandbox has a single tree (id 1)
            category, errors = _insert_category(req, item, where=f"[{index}].")
            if category is None:
                failures.append(
                    {"status": 422, "title": "Category was not created", "errors": errors}
                )
            else:
                created.append(_render_tree_category(category))
    meta: dict[str, Any] = {"total": len(items), "success": len(created),
                            "failed": len(failures)}  # fmt: skip
    if failures and not created:
        raise ApiError(422, {**error_v3(422, "No category was created", {}), "errors": {
            k: v for f in failures for k, v in f["errors"].items()}})  # fmt: skip
    if failures:
        return Response(207, {"data": created, "errors": failures, "meta": meta})
    return Response(201, {"data": created, "meta": meta})


def get_tree(req: Request) -> Response:
    """``GET /catalog/trees/{id}/categories``: the nested tree."""
    store = req.store
    with store.lock:
        if req.int_param("tree_id") not in store.category_trees:
            raise not_found(req, "tree")
        children: dict[int, list[Row]] = {}
        for category in sorted(store.categories.values(), key=lambda c: c["sort_order"]):
            children.setdefault(category["parent_id"], []).append(category)

        def node(category: Row, depth: int) -> Row:
            return {
                "id": category["id"],
                "parent_id": category["parent_id"],
                "depth": depth,
                "path": [],
                "name": category["name"],
                "is_visible": category["is_visible"],
                "url": category["custom_url"]["url"],
                "children": [node(c, depth + 1) for c in children.get(category["id"], [])],
            }

        return envelope([node(c, 1) for c in children.get(0, [])])


def money(value: Any) -> Decimal:
    """A ``Decimal`` from a JSON number."""
    return Decimal(str(value))
