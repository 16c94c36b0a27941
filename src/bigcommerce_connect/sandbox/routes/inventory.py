"""v3 ``/inventory``: absolute adjustments (at most 2,000 items) and stock per location."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from bigcommerce_connect.sandbox.envelopes import envelope, unprocessable
from bigcommerce_connect.sandbox.filters import apply_filters
from bigcommerce_connect.sandbox.paging import paginate
from bigcommerce_connect.sandbox.routing import Request, Response, Router
from bigcommerce_connect.sandbox.rows import Row
from bigcommerce_connect.sandbox.store import SandboxStore

MAX_INVENTORY_ITEMS = 2000
_IDENTITY_KEYS = ("sku", "variant_id", "product_id")


def register(router: Router) -> None:
    """Add the inventory routes."""
    router.add("v3", "PUT", "/inventory/adjustments/absolute", absolute_adjustment)
    router.add("v3", "GET", "/inventory/items", inventory_items)


def _resolve_item(store: SandboxStore, item: dict[str, Any]) -> tuple[Row | None, str | None]:
    """The variant an adjustment item targets, or an error message."""
    if "variant_id" in item:
        variant = store.variants.get(item["variant_id"])
        if variant is None:
            return None, f"variant_id {item['variant_id']} not found"
        if store.products[variant["product_id"]]["inventory_tracking"] == "product" and (
            store.products[variant["product_id"]]["base_variant_id"] != variant["id"]
        ):
            return None, "item is tracked by product"
        return variant, None
    if "sku" in item:
        variant = store.variant_by_sku(str(item["sku"]))
        return (variant, None) if variant else (None, f"sku {item['sku']!r} not found")
    if "product_id" in item:
        product = store.products.get(item["product_id"])
        if product is None:
            return None, f"product_id {item['product_id']} not found"
        if product["inventory_tracking"] == "variant":
            return None, (
                f"Item with product_id {product['id']} is tracked by variant, please update "
                "stock by variant id"
            )
        return store.variants[product["base_variant_id"]], None
    return None, "one of variant_id, sku or product_id is required"


def absolute_adjustment(req: Request) -> Response:
    """``PUT /inventory/adjustments/absolute``: at most 2,000 items; stock shows at once."""
    body = req.json()
    items = body.get("items") if isinstance(body, dict) else None
    if not isinstance(items, list):
        raise unprocessable("The request payload is invalid.", {"items": "error.path.missing"})
    if len(items) > MAX_INVENTORY_ITEMS:
        # Not documented for this endpoint; the sandbox answers like the other batch limits.
        raise unprocessable(
            f"At most {MAX_INVENTORY_ITEMS} items per request.", {"items": "too many items"}
        )
    store = req.store
    errors: dict[str, str] = {}
    targets: list[tuple[int, int, int]] = []
    with store.lock:
        for index, item in enumerate(items):
            quantity = item.get("quantity") if isinstance(item, dict) else None
            location = item.get("location_id") if isinstance(item, dict) else None
            if not isinstance(quantity, int) or isinstance(quantity, bool) or quantity < 0:
                errors[f"items[{index}].quantity"] = "must be a non-negative integer"
                continue
            if location not in store.locations:
                errors[f"items[{index}].location_id"] = "unknown location"
                continue
            variant, problem = _resolve_item(store, item)
            if variant is None:
                errors[f"items[{index}]"] = problem or "invalid item"
                continue
            targets.append((variant["id"], quantity, location))
        if errors:
            raise unprocessable("Inventory adjustment rejected", errors)
    for vid, quantity, location in targets:
        store.set_inventory(vid, quantity, location)
    return Response(200, {"transaction_id": str(uuid.uuid4())})


def inventory_items(req: Request) -> Response:
    """``GET /inventory/items``: stock per variant and location."""
    store = req.store
    with store.lock:
        variants = sorted(store.variants.values(), key=lambda v: v["id"])
        rows = [_stock_row(store, variant) for variant in variants]
        rows = apply_filters(
            req,
            rows,
            {"sku": "str", "variant_id": "int", "product_id": "int"},
            {key: _identity_getter(key) for key in _IDENTITY_KEYS},
        )
        page, meta = paginate(req, rows)
        for row in page:
            row.pop("id")
        return envelope(page, meta)


def _stock_row(store: SandboxStore, variant: Row) -> Row:
    """A variant's identity and its stock at every location (``id`` is for sorting only)."""
    locations = []
    for location_id in store.locations:
        stock = store.inventory.get((variant["id"], location_id), 0)
        locations.append(
            {
                "location_id": location_id,
                "available_to_sell": stock,
                "total_inventory_onhand": stock,
            }
        )
    identity = {
        "sku": variant["sku"],
        "variant_id": variant["id"],
        "product_id": variant["product_id"],
    }
    if variant["sku_id"] is not None:  # base variants have no legacy SKU id
        identity["sku_id"] = variant["sku_id"]
    return {"identity": identity, "locations": locations, "id": variant["id"]}


def _identity_getter(key: str) -> Callable[[Row], Any]:
    return lambda row: row["identity"][key]
