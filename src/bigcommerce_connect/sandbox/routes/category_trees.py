"""v3 ``/catalog/trees``: the category trees, their flat categories and the nested tree.

The sandbox has a single tree (id 1) holding every category.
"""

from __future__ import annotations

from typing import Any

from bigcommerce_connect.sandbox.body_checks import body_list
from bigcommerce_connect.sandbox.envelopes import envelope, not_found
from bigcommerce_connect.sandbox.error_bodies import error_v3
from bigcommerce_connect.sandbox.filters import apply_filters
from bigcommerce_connect.sandbox.paging import paginate
from bigcommerce_connect.sandbox.routes.categories import insert_category
from bigcommerce_connect.sandbox.routing import ApiError, Request, Response, Router
from bigcommerce_connect.sandbox.rows import Row

MAX_TREE_CATEGORY_BATCH = 50
_TREE_CATEGORY_FILTERS = {
    "category_id": "int",
    "tree_id": "int",
    "parent_id": "int",
    "name": "str",
    "is_visible": "bool",
}


def register(router: Router) -> None:
    """Add the category-tree routes."""
    add = router.add
    add("v3", "GET", "/catalog/trees", list_trees)
    add("v3", "GET", "/catalog/trees/categories", list_tree_categories)
    add("v3", "POST", "/catalog/trees/categories", create_tree_categories)
    add("v3", "GET", "/catalog/trees/{tree_id:int}/categories", get_tree)


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
            _TREE_CATEGORY_FILTERS,
            {"category_id": lambda c: c["id"]},
        )
        page, meta = paginate(req, sorted(rows, key=lambda c: c["id"]))
        return envelope([_render_tree_category(c) for c in page], meta)


def create_tree_categories(req: Request) -> Response:
    """``POST /catalog/trees/categories``: a batch; 201, or 207 when some fail."""
    items = body_list(req, MAX_TREE_CATEGORY_BATCH)
    created: list[Row] = []
    failures: list[dict[str, Any]] = []
    with req.store.lock:
        for index, item in enumerate(items):
            if isinstance(item, dict):
                item = dict(item)
                item.pop("tree_id", None)  # the sandbox has a single tree (id 1)
            category, errors = insert_category(req, item, where=f"[{index}].")
            if category is None:
                failures.append(
                    {"status": 422, "title": "Category was not created", "errors": errors}
                )
            else:
                created.append(_render_tree_category(category))
    meta: dict[str, Any] = {
        "total": len(items),
        "success": len(created),
        "failed": len(failures),
    }
    if failures and not created:
        errors = {k: v for f in failures for k, v in f["errors"].items()}
        raise ApiError(422, {**error_v3(422, "No category was created", {}), "errors": errors})
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
