"""How catalog rows look in v3, and the lookups the catalog routes share.

A product's and a variant's ``inventory_level`` is computed from the stock table at the
default location (1), never stored on the row.
"""

from __future__ import annotations

from bigcommerce_connect.sandbox.envelopes import not_found
from bigcommerce_connect.sandbox.routing import Request
from bigcommerce_connect.sandbox.rows import Row
from bigcommerce_connect.sandbox.store import SandboxStore


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
        out["variants"] = [render_variant(store, v) for v in variants_of(store, product["id"])]
    if "custom_fields" in parts:
        fields = fields_of(store, product["id"])
        out["custom_fields"] = [render_field(f) for f in fields]
    return out


def trim_fields(req: Request, row: Row) -> Row:
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


def render_field(field: Row) -> Row:
    """A custom field as the API shows it (without its ``product_id``)."""
    return {"id": field["id"], "name": field["name"], "value": field["value"]}


def variants_of(store: SandboxStore, pid: int) -> list[Row]:
    """A product's variants (its base variant included)."""
    return store.variants_of(pid)  # indexed by product id


def fields_of(store: SandboxStore, pid: int) -> list[Row]:
    """A product's custom fields."""
    return [f for f in store.custom_fields.values() if f["product_id"] == pid]


def product_or_404(req: Request) -> Row:
    """The product of the path's ``pid``, or the v3 404."""
    product = req.store.products.get(req.int_param("pid"))
    if product is None:
        raise not_found(req, "product")
    return product
