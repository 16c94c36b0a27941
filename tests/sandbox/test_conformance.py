"""Conformance: the sandbox's answers validate against the OpenAPI specs in ../shared/specs.

For every endpoint the sandbox serves, a request is made over loopback HTTP and the status and
JSON body are checked against the response schema the spec declares for that status (refs
resolved against the spec's ``components``; OpenAPI 3.0 semantics such as ``nullable``).

Where the spec and reality (``../shared/reference/bigcommerce-api.md``) differ, the sandbox
follows reality; each such place is marked ``DIVERGENCE`` below.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml
from openapi_schema_validator import OAS30Validator

from bigcommerce_connect.sandbox import Sandbox, SandboxConfig, run_sandbox
from support.sandbox_api import Api

SPEC_DIR = Path(__file__).resolve().parents[2].parent / "shared" / "specs" / "current"

# (case id, spec file, method, spec path, request path, JSON body, expected status)
Case = tuple[str, str, str, str, str, Any, int]
ORDERS = "orders.v2.oas2.yml"
GROUPS = "customers.v2.yml"
CUSTOMERS = "customers.v3.yml"
PRODUCTS = "products_catalog.v3.yml"
VARIANTS = "product-variants_catalog.v3.yml"
CATEGORIES = "categories_catalog.v3.yml"
TREES = "category-trees_catalog.v3.yml"
INVENTORY = "inventory.v3.yml"
PRICES = "price_lists.v3.yml"
HOOKS = "webhooks.v3.yml"
NEW_PRODUCT = {"name": "Conformance Café", "type": "physical", "weight": 1, "price": 5,
               "categories": [1], "sku": "CONF-1"}  # fmt: skip
CONSIGNMENTS = "include=consignments.line_items&consignment_structure=object"

CASES: list[Case] = [
    # -- v2 orders ------------------------------------------------------------------------
    ("orders-list", ORDERS, "get", "/orders", "v2/orders?limit=20", None, 200),
    ("orders-list-consignments", ORDERS, "get", "/orders",
     f"v2/orders?min_id=3&max_id=5&{CONSIGNMENTS}", None, 200),
    ("order-get", ORDERS, "get", "/orders/{order_id}", "v2/orders/11", None, 200),
    ("order-get-consignments", ORDERS, "get", "/orders/{order_id}",
     f"v2/orders/4?{CONSIGNMENTS}", None, 200),
    ("order-put-status", ORDERS, "put", "/orders/{order_id}", "v2/orders/1",
     {"status_id": 11}, 200),
    ("orders-count", ORDERS, "get", "/orders/count", "v2/orders/count", None, 200),
    ("order-products", ORDERS, "get", "/orders/{order_id}/products", "v2/orders/4/products",
     None, 200),
    ("order-product", ORDERS, "get", "/orders/{order_id}/products/{product_id}",
     "v2/orders/1/products/1", None, 200),
    ("order-shipping-addresses", ORDERS, "get", "/orders/{order_id}/shipping_addresses",
     "v2/orders/1/shipping_addresses", None, 200),
    ("order-shipping-address", ORDERS, "get", "/orders/{order_id}/shipping_addresses/{id}",
     "v2/orders/1/shipping_addresses/1", None, 200),
    ("order-statuses", ORDERS, "get", "/order_statuses", "v2/order_statuses", None, 200),
    ("order-status", ORDERS, "get", "/order_statuses/{status_id}", "v2/order_statuses/11",
     None, 200),
    # -- v2 customer groups ---------------------------------------------------------------
    ("groups-list", GROUPS, "get", "/customer_groups", "v2/customer_groups", None, 200),
    ("group-get", GROUPS, "get", "/customer_groups/{customer_group_id}",
     "v2/customer_groups/2", None, 200),
    ("group-create", GROUPS, "post", "/customer_groups", "v2/customer_groups",
     {"name": "Conformance"}, 200),
    ("group-update", GROUPS, "put", "/customer_groups/{customer_group_id}",
     "v2/customer_groups/1", {"name": "Retail ✓"}, 200),
    ("groups-count", GROUPS, "get", "/customer_groups/count", "v2/customer_groups/count",
     None, 200),
    # -- v3 customers ---------------------------------------------------------------------
    ("customers-list", CUSTOMERS, "get", "/customers",
     "v3/customers?limit=5&include=addresses", None, 200),
    ("customers-create", CUSTOMERS, "post", "/customers", "v3/customers",
     [{"email": "conf@example.org", "first_name": "Zoë", "last_name": "D'Arcy"}], 200),
    ("customers-create-422", CUSTOMERS, "post", "/customers", "v3/customers",
     [{"email": "conf2@example.org"}], 422),
    ("customers-create-413", CUSTOMERS, "post", "/customers", "v3/customers",
     [{"email": f"c{i}@example.org", "first_name": "A", "last_name": "B"} for i in range(11)],
     413),
    ("customers-update", CUSTOMERS, "put", "/customers", "v3/customers",
     [{"id": 2, "notes": "VIP"}], 200),
    # -- v3 products, variants, custom fields ---------------------------------------------
    ("products-list", PRODUCTS, "get", "/catalog/products",
     "v3/catalog/products?limit=5&include=variants,custom_fields", None, 200),
    ("product-get", PRODUCTS, "get", "/catalog/products/{product_id}",
     "v3/catalog/products/3", None, 200),
    ("product-create", PRODUCTS, "post", "/catalog/products", "v3/catalog/products",
     NEW_PRODUCT, 200),
    ("product-create-409", PRODUCTS, "post", "/catalog/products", "v3/catalog/products",
     NEW_PRODUCT, 409),
    ("product-create-422", PRODUCTS, "post", "/catalog/products", "v3/catalog/products",
     {"name": "No price"}, 422),
    ("product-update", PRODUCTS, "put", "/catalog/products/{product_id}",
     "v3/catalog/products/1", {"price": 10.5}, 200),
    ("products-batch", PRODUCTS, "put", "/catalog/products", "v3/catalog/products",
     [{"id": 1, "is_visible": True}], 200),
    ("products-batch-207", PRODUCTS, "put", "/catalog/products", "v3/catalog/products",
     [{"id": 2, "is_visible": True}, {"id": 98765, "is_visible": True}], 207),
    ("products-batch-413", PRODUCTS, "put", "/catalog/products", "v3/catalog/products",
     [{"id": 1}] * 11, 413),
    ("custom-fields-list", PRODUCTS, "get", "/catalog/products/{product_id}/custom-fields",
     "v3/catalog/products/1/custom-fields", None, 200),
    ("custom-field-create", PRODUCTS, "post", "/catalog/products/{product_id}/custom-fields",
     "v3/catalog/products/1/custom-fields", {"name": "Farbe", "value": "Grün"}, 200),
    ("custom-field-get", PRODUCTS, "get",
     "/catalog/products/{product_id}/custom-fields/{custom_field_id}",
     "v3/catalog/products/1/custom-fields/1", None, 200),
    ("custom-field-update", PRODUCTS, "put",
     "/catalog/products/{product_id}/custom-fields/{custom_field_id}",
     "v3/catalog/products/1/custom-fields/1", {"value": "Leinen"}, 200),
    ("variants-of-product", VARIANTS, "get", "/catalog/products/{product_id}/variants",
     "v3/catalog/products/3/variants", None, 200),
    ("variant-get", VARIANTS, "get", "/catalog/products/{product_id}/variants/{variant_id}",
     "v3/catalog/products/3/variants/3", None, 200),
    ("variants-list", VARIANTS, "get", "/catalog/variants", "v3/catalog/variants?limit=5",
     None, 200),
    ("variants-batch", VARIANTS, "put", "/catalog/variants", "v3/catalog/variants",
     [{"id": 3, "inventory_level": 4}], 200),
    ("variants-batch-413", VARIANTS, "put", "/catalog/variants", "v3/catalog/variants",
     [{"id": 3}] * 51, 413),
    # -- categories and trees -------------------------------------------------------------
    ("categories-list", CATEGORIES, "get", "/catalog/categories", "v3/catalog/categories",
     None, 200),
    ("category-get", CATEGORIES, "get", "/catalog/categories/{category_id}",
     "v3/catalog/categories/2", None, 200),
    ("category-create", CATEGORIES, "post", "/catalog/categories", "v3/catalog/categories",
     {"name": "Neu & Frisch", "parent_id": 1}, 200),
    ("trees-list", TREES, "get", "/catalog/trees", "v3/catalog/trees", None, 200),
    ("tree-categories-list", TREES, "get", "/catalog/trees/categories",
     "v3/catalog/trees/categories", None, 200),
    ("tree-categories-create", TREES, "post", "/catalog/trees/categories",
     "v3/catalog/trees/categories", [{"name": "Baum", "parent_id": 1, "tree_id": 1}], 201),
    ("tree-nested", TREES, "get", "/catalog/trees/{tree_id}/categories",
     "v3/catalog/trees/1/categories", None, 200),
    # -- inventory ------------------------------------------------------------------------
    ("inventory-absolute", INVENTORY, "put", "/inventory/adjustments/absolute",
     "v3/inventory/adjustments/absolute",
     {"reason": "count", "items": [{"location_id": 1, "sku": "SKU-00001", "quantity": 9}]}, 200),
    ("inventory-absolute-422", INVENTORY, "put", "/inventory/adjustments/absolute",
     "v3/inventory/adjustments/absolute",
     {"items": [{"location_id": 1, "sku": "NOPE", "quantity": 9}]}, 422),
    ("inventory-items", INVENTORY, "get", "/inventory/items", "v3/inventory/items?limit=5",
     None, 200),
    # -- price lists ----------------------------------------------------------------------
    ("price-lists", PRICES, "get", "/pricelists", "v3/pricelists", None, 200),
    ("price-list-create", PRICES, "post", "/pricelists", "v3/pricelists",
     {"name": "Conformance", "active": True}, 200),
    ("price-list-get", PRICES, "get", "/pricelists/{price_list_id}", "v3/pricelists/1",
     None, 200),
    ("price-records", PRICES, "get", "/pricelists/{price_list_id}/records",
     "v3/pricelists/1/records", None, 200),
    ("price-records-upsert", PRICES, "put", "/pricelists/{price_list_id}/records",
     "v3/pricelists/1/records", [{"variant_id": 2, "currency": "usd", "price": 1.25}], 200),
    ("price-records-422", PRICES, "put", "/pricelists/{price_list_id}/records",
     "v3/pricelists/1/records", [{"variant_id": 99999, "currency": "usd", "price": 1}], 422),
    ("price-assignments", PRICES, "get", "/pricelists/assignments", "v3/pricelists/assignments",
     None, 200),
    ("price-assignments-create", PRICES, "post", "/pricelists/assignments",
     "v3/pricelists/assignments", [{"price_list_id": 1, "customer_group_id": 3}], 200),
    # -- webhooks -------------------------------------------------------------------------
    ("hook-create", HOOKS, "post", "/hooks", "v3/hooks",
     {"scope": "store/order/*", "destination": "https://example.com/h", "is_active": True},
     200),
    ("hook-create-422", HOOKS, "post", "/hooks", "v3/hooks", {"scope": "store/order/*"}, 422),
    ("hooks-list", HOOKS, "get", "/hooks", "v3/hooks", None, 200),
    ("hook-get", HOOKS, "get", "/hooks/{webhook_id}", "v3/hooks/1", None, 200),
    ("hook-update", HOOKS, "put", "/hooks/{webhook_id}", "v3/hooks/1", {"is_active": False},
     200),
    ("hook-delete", HOOKS, "delete", "/hooks/{webhook_id}", "v3/hooks/1", None, 200),
]  # fmt: skip


@cache
def load_spec(name: str) -> dict[str, Any]:
    """Parse one spec file (cached)."""
    path = SPEC_DIR / name
    if not path.exists():
        pytest.skip(f"spec {name} not found: put the OpenAPI specs in {SPEC_DIR}")
    with path.open(encoding="utf-8") as fh:
        spec: dict[str, Any] = yaml.safe_load(fh)
    return spec


def _deref(spec: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        target: Any = spec
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        node = target
    return node


def response_schema(spec: dict[str, Any], method: str, path: str, status: int) -> Any:
    """The JSON schema of a documented response, or ``None`` when it has no JSON body."""
    responses = spec["paths"][path][method]["responses"]
    assert str(status) in responses, f"{method.upper()} {path} documents no {status}"
    response = _deref(spec, responses[str(status)])
    content = response.get("content") or {}
    for media, body in content.items():
        if "json" in media and "schema" in body:
            return body["schema"]
    return None


def _patch_known_divergences(spec_name: str, spec: dict[str, Any]) -> dict[str, Any]:
    """Adjust spec schemas where the sandbox follows reality (each noted here)."""
    spec = copy.deepcopy(spec)
    schemas = spec["components"]["schemas"]
    if spec_name == ORDERS:
        # DIVERGENCE: billingAddress_Base types `zip` and `phone` as numbers, but the real API
        # and the spec's own examples send strings (reference, section 5).
        for name in ("billingAddress_Base", "billingAddress_Resp"):
            for field in ("zip", "phone"):
                props = schemas.get(name, {}).get("properties", {})
                if field in props:
                    props[field] = {"type": "string"}
        # DIVERGENCE (spec bug): `consignments` is oneOf [orderConsignment_Get,
        # orderConsignments_Resource], but the link schema has no required fields, so a real
        # embedded consignment matches both and oneOf fails. Validate it as anyOf.
        _one_of_to_any_of(spec, "#/components/schemas/orderConsignments_Resource")
    if spec_name == GROUPS:
        # DIVERGENCE (spec bug): `discount_rules` is oneOf two array schemas that both accept
        # [] and price-list rules, so every real group fails oneOf. Validate it as anyOf.
        _one_of_to_any_of(spec, None)
    if spec_name in (PRODUCTS, VARIANTS):
        # DIVERGENCE: the spec types these as non-nullable numbers, but the real API sends
        # null: `base_variant_id` for products with options, and a variant's own prices when
        # it inherits the product's (reference, section 7).
        # `sku_id` is null for a base variant (reference, section 7, variant fields).
        _make_nullable(spec, ("base_variant_id", "price", "sale_price", "retail_price",
                              "map_price", "calculated_price", "sku_id"))  # fmt: skip
    return spec


def _make_nullable(node: Any, fields: tuple[str, ...]) -> None:
    if isinstance(node, dict):
        props = node.get("properties")
        if isinstance(props, dict):
            for name in fields:
                if isinstance(props.get(name), dict):
                    props[name]["nullable"] = True
        for value in node.values():
            _make_nullable(value, fields)
    elif isinstance(node, list):
        for value in node:
            _make_nullable(value, fields)


def _one_of_to_any_of(node: Any, marker: str | None) -> None:
    """Turn ``oneOf`` into ``anyOf`` (all of them, or those listing the ``marker`` ref)."""
    if isinstance(node, dict):
        alternatives = node.get("oneOf")
        if isinstance(alternatives, list) and (marker is None or {"$ref": marker} in alternatives):
            node["anyOf"] = node.pop("oneOf")
        for value in node.values():
            _one_of_to_any_of(value, marker)
    elif isinstance(node, list):
        for value in node:
            _one_of_to_any_of(value, marker)


@pytest.fixture(scope="module")
def conf_sandbox() -> Iterator[Sandbox]:
    """One sandbox for the whole conformance run (cases run in order)."""
    with run_sandbox(SandboxConfig(seed=4, orders=40, customers=10, products=10)) as sb:
        yield sb


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_response_matches_spec(conf_sandbox: Sandbox, case: Case) -> None:
    _, spec_name, method, spec_path, req_path, body, status = case
    spec = _patch_known_divergences(spec_name, load_spec(spec_name))
    resp = Api(conf_sandbox).request(method.upper(), req_path, body)
    assert resp.status == status, resp.data[:400]
    schema = response_schema(spec, method, spec_path, status)
    if schema is None:
        return
    document = json.loads(resp.data)
    root = {"allOf": [schema], "components": spec["components"]}
    errors = sorted(OAS30Validator(root).iter_errors(document), key=lambda e: list(e.path))
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message[:300]}" for e in errors[:10])


def test_empty_v2_list_is_204_not_in_spec(conf_sandbox: Sandbox) -> None:
    # DIVERGENCE: the spec documents only 200 for GET /orders; the real API answers an empty
    # page with 204 and no body (reference, section 3), and so does the sandbox.
    spec = load_spec(ORDERS)
    assert "204" not in spec["paths"]["/orders"]["get"]["responses"]
    resp = Api(conf_sandbox).get("v2/orders?min_id=100000")
    assert resp.status == 204
    assert resp.data == b""
