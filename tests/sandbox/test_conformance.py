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
NEW_PRODUCT = {
    "name": "Conformance Café",
    "type": "physical",
    "weight": 1,
    "price": 5,
    "categories": [1],
    "sku": "CONF-1",
}
CONSIGNMENTS = "include=consignments.line_items&consignment_structure=object"
#: Catalog fields the real API sends as null where the spec says non-nullable number.
_NULLABLE_CATALOG_FIELDS = (
    "base_variant_id",
    "price",
    "sale_price",
    "retail_price",
    "map_price",
    "calculated_price",
    "sku_id",
)


def _cases(spec: str, *rows: tuple[Any, ...]) -> list[Case]:
    """One spec's cases from ``(id, spec path, "METHOD request path"[, body[, status]])``."""
    cases: list[Case] = []
    for case_id, spec_path, request, *rest in rows:
        method, _, path = request.partition(" ")
        body = rest[0] if rest else None
        status = rest[1] if len(rest) > 1 else 200
        cases.append((case_id, spec, method.lower(), spec_path, path, body, status))
    return cases


CASES: list[Case] = [
    *_cases(
        ORDERS,
        ("orders-list", "/orders", "GET v2/orders?limit=20"),
        ("orders-list-consignments", "/orders", f"GET v2/orders?min_id=3&max_id=5&{CONSIGNMENTS}"),
        ("order-get", "/orders/{order_id}", "GET v2/orders/11"),
        ("order-get-consignments", "/orders/{order_id}", f"GET v2/orders/4?{CONSIGNMENTS}"),
        ("order-put-status", "/orders/{order_id}", "PUT v2/orders/1", {"status_id": 11}),
        ("orders-count", "/orders/count", "GET v2/orders/count"),
        ("order-products", "/orders/{order_id}/products", "GET v2/orders/4/products"),
        ("order-product", "/orders/{order_id}/products/{product_id}", "GET v2/orders/1/products/1"),
        (
            "order-shipping-addresses",
            "/orders/{order_id}/shipping_addresses",
            "GET v2/orders/1/shipping_addresses",
        ),
        (
            "order-shipping-address",
            "/orders/{order_id}/shipping_addresses/{id}",
            "GET v2/orders/1/shipping_addresses/1",
        ),
        ("order-statuses", "/order_statuses", "GET v2/order_statuses"),
        ("order-status", "/order_statuses/{status_id}", "GET v2/order_statuses/11"),
    ),
    *_cases(
        GROUPS,
        ("groups-list", "/customer_groups", "GET v2/customer_groups"),
        ("group-get", "/customer_groups/{customer_group_id}", "GET v2/customer_groups/2"),
        ("group-create", "/customer_groups", "POST v2/customer_groups", {"name": "Conformance"}),
        (
            "group-update",
            "/customer_groups/{customer_group_id}",
            "PUT v2/customer_groups/1",
            {"name": "Retail ✓"},
        ),
        ("groups-count", "/customer_groups/count", "GET v2/customer_groups/count"),
    ),
    *_cases(
        CUSTOMERS,
        ("customers-list", "/customers", "GET v3/customers?limit=5&include=addresses"),
        (
            "customers-create",
            "/customers",
            "POST v3/customers",
            [{"email": "conf@example.org", "first_name": "Zoë", "last_name": "D'Arcy"}],
        ),
        (
            "customers-create-422",
            "/customers",
            "POST v3/customers",
            [{"email": "conf2@example.org"}],
            422,
        ),
        (
            "customers-create-413",
            "/customers",
            "POST v3/customers",
            [
                {"email": f"c{i}@example.org", "first_name": "A", "last_name": "B"}
                for i in range(11)
            ],
            413,
        ),
        ("customers-update", "/customers", "PUT v3/customers", [{"id": 2, "notes": "VIP"}]),
    ),
    *_cases(
        PRODUCTS,
        (
            "products-list",
            "/catalog/products",
            "GET v3/catalog/products?limit=5&include=variants,custom_fields",
        ),
        ("product-get", "/catalog/products/{product_id}", "GET v3/catalog/products/3"),
        ("product-create", "/catalog/products", "POST v3/catalog/products", NEW_PRODUCT),
        ("product-create-409", "/catalog/products", "POST v3/catalog/products", NEW_PRODUCT, 409),
        (
            "product-create-422",
            "/catalog/products",
            "POST v3/catalog/products",
            {"name": "No price"},
            422,
        ),
        (
            "product-update",
            "/catalog/products/{product_id}",
            "PUT v3/catalog/products/1",
            {"price": 10.5},
        ),
        (
            "products-batch",
            "/catalog/products",
            "PUT v3/catalog/products",
            [{"id": 1, "is_visible": True}],
        ),
        (
            "products-batch-207",
            "/catalog/products",
            "PUT v3/catalog/products",
            [{"id": 2, "is_visible": True}, {"id": 98765, "is_visible": True}],
            207,
        ),
        (
            "products-batch-413",
            "/catalog/products",
            "PUT v3/catalog/products",
            [{"id": 1}] * 11,
            413,
        ),
        (
            "custom-fields-list",
            "/catalog/products/{product_id}/custom-fields",
            "GET v3/catalog/products/1/custom-fields",
        ),
        (
            "custom-field-create",
            "/catalog/products/{product_id}/custom-fields",
            "POST v3/catalog/products/1/custom-fields",
            {"name": "Farbe", "value": "Grün"},
        ),
        (
            "custom-field-get",
            "/catalog/products/{product_id}/custom-fields/{custom_field_id}",
            "GET v3/catalog/products/1/custom-fields/1",
        ),
        (
            "custom-field-update",
            "/catalog/products/{product_id}/custom-fields/{custom_field_id}",
            "PUT v3/catalog/products/1/custom-fields/1",
            {"value": "Leinen"},
        ),
    ),
    *_cases(
        VARIANTS,
        (
            "variants-of-product",
            "/catalog/products/{product_id}/variants",
            "GET v3/catalog/products/3/variants",
        ),
        (
            "variant-get",
            "/catalog/products/{product_id}/variants/{variant_id}",
            "GET v3/catalog/products/3/variants/3",
        ),
        ("variants-list", "/catalog/variants", "GET v3/catalog/variants?limit=5"),
        (
            "variants-batch",
            "/catalog/variants",
            "PUT v3/catalog/variants",
            [{"id": 3, "inventory_level": 4}],
        ),
        (
            "variants-batch-413",
            "/catalog/variants",
            "PUT v3/catalog/variants",
            [{"id": 3}] * 51,
            413,
        ),
    ),
    *_cases(
        CATEGORIES,
        ("categories-list", "/catalog/categories", "GET v3/catalog/categories"),
        ("category-get", "/catalog/categories/{category_id}", "GET v3/catalog/categories/2"),
        (
            "category-create",
            "/catalog/categories",
            "POST v3/catalog/categories",
            {"name": "Neu & Frisch", "parent_id": 1},
        ),
    ),
    *_cases(
        TREES,
        ("trees-list", "/catalog/trees", "GET v3/catalog/trees"),
        ("tree-categories-list", "/catalog/trees/categories", "GET v3/catalog/trees/categories"),
        (
            "tree-categories-create",
            "/catalog/trees/categories",
            "POST v3/catalog/trees/categories",
            [{"name": "Baum", "parent_id": 1, "tree_id": 1}],
            201,
        ),
        ("tree-nested", "/catalog/trees/{tree_id}/categories", "GET v3/catalog/trees/1/categories"),
    ),
    *_cases(
        INVENTORY,
        (
            "inventory-absolute",
            "/inventory/adjustments/absolute",
            "PUT v3/inventory/adjustments/absolute",
            {"reason": "count", "items": [{"location_id": 1, "sku": "SKU-00001", "quantity": 9}]},
        ),
        (
            "inventory-absolute-422",
            "/inventory/adjustments/absolute",
            "PUT v3/inventory/adjustments/absolute",
            {"items": [{"location_id": 1, "sku": "NOPE", "quantity": 9}]},
            422,
        ),
        ("inventory-items", "/inventory/items", "GET v3/inventory/items?limit=5"),
    ),
    *_cases(
        PRICES,
        ("price-lists", "/pricelists", "GET v3/pricelists"),
        (
            "price-list-create",
            "/pricelists",
            "POST v3/pricelists",
            {"name": "Conformance", "active": True},
        ),
        ("price-list-get", "/pricelists/{price_list_id}", "GET v3/pricelists/1"),
        ("price-records", "/pricelists/{price_list_id}/records", "GET v3/pricelists/1/records"),
        (
            "price-records-upsert",
            "/pricelists/{price_list_id}/records",
            "PUT v3/pricelists/1/records",
            [{"variant_id": 2, "currency": "usd", "price": 1.25}],
        ),
        (
            "price-records-422",
            "/pricelists/{price_list_id}/records",
            "PUT v3/pricelists/1/records",
            [{"variant_id": 99999, "currency": "usd", "price": 1}],
            422,
        ),
        ("price-assignments", "/pricelists/assignments", "GET v3/pricelists/assignments"),
        (
            "price-assignments-create",
            "/pricelists/assignments",
            "POST v3/pricelists/assignments",
            [{"price_list_id": 1, "customer_group_id": 3}],
        ),
    ),
    *_cases(
        HOOKS,
        (
            "hook-create",
            "/hooks",
            "POST v3/hooks",
            {"scope": "store/order/*", "destination": "https://example.com/h", "is_active": True},
        ),
        ("hook-create-422", "/hooks", "POST v3/hooks", {"scope": "store/order/*"}, 422),
        ("hooks-list", "/hooks", "GET v3/hooks"),
        ("hook-get", "/hooks/{webhook_id}", "GET v3/hooks/1"),
        ("hook-update", "/hooks/{webhook_id}", "PUT v3/hooks/1", {"is_active": False}),
        ("hook-delete", "/hooks/{webhook_id}", "DELETE v3/hooks/1"),
    ),
]


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
        _make_nullable(spec, _NULLABLE_CATALOG_FIELDS)
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
