"""v3 ``/pricelists/{id}/records``: a price list's prices per variant and currency."""

from __future__ import annotations

from typing import Any

from bigcommerce_connect.sandbox.body_checks import NUMBER, body_list, check_fields, decimal_fields
from bigcommerce_connect.sandbox.envelopes import envelope
from bigcommerce_connect.sandbox.filters import apply_filters
from bigcommerce_connect.sandbox.paging import paginate
from bigcommerce_connect.sandbox.routes.price_lists import price_list_or_404
from bigcommerce_connect.sandbox.routing import Request, Response, Router
from bigcommerce_connect.sandbox.rows import Row, new_price_record
from bigcommerce_connect.sandbox.store import SandboxStore

MAX_RECORDS = 1000
_RECORD_PRICES = ("price", "sale_price", "retail_price", "map_price")
_RECORD_TYPES: dict[str, Any] = {
    "variant_id": int,
    "sku": str,
    "currency": str,
    "price": NUMBER,
    "sale_price": NUMBER,
    "retail_price": NUMBER,
    "map_price": NUMBER,
    "bulk_pricing_tiers": list,
}
_RECORD_FILTERS = {"variant_id": "int", "product_id": "int", "sku": "str", "currency": "str"}


def register(router: Router) -> None:
    """Add the price-list record routes."""
    add = router.add
    add("v3", "GET", "/pricelists/{plid:int}/records", list_records)
    add("v3", "PUT", "/pricelists/{plid:int}/records", upsert_records)
    add("v3", "DELETE", "/pricelists/{plid:int}/records", delete_records)


def list_records(req: Request) -> Response:
    """``GET /pricelists/{id}/records``."""
    store = req.store
    with store.lock:
        row = price_list_or_404(req)
        records = [r for k, r in sorted(store.price_list_records.items()) if k[0] == row["id"]]
        records = apply_filters(req, records, _RECORD_FILTERS)
        page, meta = paginate(req, records)
        # Unset optional prices are left out rather than sent as null.
        return envelope([{k: v for k, v in r.items() if v is not None} for r in page], meta)


def upsert_records(req: Request) -> Response:
    """``PUT /pricelists/{id}/records``: upsert at most 1,000; per-item ``batch_errors``."""
    items = body_list(req, MAX_RECORDS)
    store = req.store
    batch_errors: list[dict[str, Any]] = []
    strict = req.headers.get("X-Strict-Mode") == "1"
    with store.lock:
        row = price_list_or_404(req)
        accepted: list[tuple[dict[str, Any], Row]] = []
        for item in items:
            errors = check_fields(item, _RECORD_TYPES, required=("currency",))
            variant = None
            if not errors:
                variant = _record_variant(store, item)
                if variant is None:
                    errors = {"variant_id": "a known variant_id or sku is required"}
            if errors or variant is None:
                batch_errors.append({"data": item, "errors": errors})
            else:
                accepted.append((item, variant))
        if not (batch_errors and strict):
            for item, variant in accepted:
                _upsert_record(store, row["id"], item, variant)
    if batch_errors:
        return Response(422, {"batch_errors": batch_errors})
    return Response(200, {})


def _record_variant(store: SandboxStore, item: dict[str, Any]) -> Row | None:
    if "variant_id" in item:
        return store.variants.get(item["variant_id"])
    if "sku" in item:
        return store.variant_by_sku(item["sku"])
    return None


def _upsert_record(store: SandboxStore, plid: int, item: dict[str, Any], variant: Row) -> None:
    decimal_fields(item, _RECORD_PRICES)
    currency = item["currency"].upper()
    key = (plid, variant["id"], currency)
    record = store.price_list_records.get(key)
    if record is None:
        record = new_price_record(plid, variant, variant["product_id"], item.get("price", 0))
        record["currency"] = currency
        record["date_created"] = store.now()
        store.price_list_records[key] = record
    for name in (*_RECORD_PRICES, "bulk_pricing_tiers"):
        if name in item:
            record[name] = item[name]
    record["calculated_price"] = record["sale_price"] or record["price"]
    record["date_modified"] = store.now()


def delete_records(req: Request) -> Response:
    """``DELETE /pricelists/{id}/records?variant_id:in=``."""
    store = req.store
    with store.lock:
        row = price_list_or_404(req)
        records = [r for k, r in store.price_list_records.items() if k[0] == row["id"]]
        for record in apply_filters(req, records, {"variant_id": "int", "currency": "str"}):
            key = (row["id"], record["variant_id"], record["currency"])
            store.price_list_records.pop(key, None)
    return Response(204)
