"""v3 ``/catalog/categories``: list, get, create, update and delete categories."""

from __future__ import annotations

from typing import Any

from bigcommerce_connect.sandbox.body_checks import check_fields
from bigcommerce_connect.sandbox.envelopes import conflict, envelope, not_found, unprocessable
from bigcommerce_connect.sandbox.filters import apply_filters
from bigcommerce_connect.sandbox.paging import paginate
from bigcommerce_connect.sandbox.routing import Request, Response, Router
from bigcommerce_connect.sandbox.rows import Row, new_category
from bigcommerce_connect.sandbox.store import SandboxStore

CATEGORY_TYPES: dict[str, Any] = {
    "name": str,
    "parent_id": int,
    "description": str,
    "sort_order": int,
    "is_visible": bool,
    "page_title": str,
    "meta_keywords": list,
    "meta_description": str,
    "search_keywords": str,
    "image_url": str,
    "custom_url": dict,
    "layout_file": str,
    "default_product_sort": str,
    "views": int,
    "tree_id": int,
}
_CATEGORY_FILTERS = {
    "id": "int",
    "name": "str",
    "parent_id": "int",
    "is_visible": "bool",
    "page_title": "str",
}


def register(router: Router) -> None:
    """Add the category routes."""
    add = router.add
    add("v3", "GET", "/catalog/categories", list_categories)
    add("v3", "POST", "/catalog/categories", create_category)
    add("v3", "GET", "/catalog/categories/{cid:int}", get_category)
    add("v3", "PUT", "/catalog/categories/{cid:int}", update_category)
    add("v3", "DELETE", "/catalog/categories/{cid:int}", delete_category)


def list_categories(req: Request) -> Response:
    """``GET /catalog/categories``."""
    with req.store.lock:
        rows = apply_filters(req, req.store.categories.values(), _CATEGORY_FILTERS)
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


def insert_category(req: Request, body: Any, where: str = "") -> tuple[Row | None, dict[str, str]]:
    """Check and add one category; ``(None, errors)`` when it is refused (``where`` prefixes
    the error keys of a batch item)."""
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
        category, errors = insert_category(req, body)
        if category is None:
            if "name" in errors and "sibling" in errors["name"]:
                raise conflict("The category name is a duplicate.", errors)
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
        parent_id = body.get("parent_id", category["parent_id"])
        if _sibling_clash(store, parent_id, name, category["id"]):
            raise conflict("The category name is a duplicate.", {"name": "duplicate"})
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
