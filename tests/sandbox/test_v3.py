"""v3 customers, catalog, inventory, price lists and webhooks CRUD over real HTTP."""

from __future__ import annotations

import json

from bigcommerce_connect.sandbox import Sandbox
from support.sandbox_api import Api


def _customer(n: int) -> dict[str, object]:
    return {"email": f"new{n}@example.org", "first_name": "Zoë", "last_name": "O'Hara 🎉"}


def test_customers_list_meta_and_filters(api: Api) -> None:
    body = api.json("GET", "v3/customers?limit=10&page=2")
    pagination = body["meta"]["pagination"]
    assert pagination["total"] == 50
    assert pagination["count"] == 10
    assert pagination["current_page"] == 2
    assert pagination["total_pages"] == 5
    assert pagination["links"]["previous"] == "?page=1&limit=10"
    assert body["data"][0]["date_created"].endswith("+00:00")
    subset = api.json("GET", "v3/customers?id:in=3,5,7")["data"]
    assert [c["id"] for c in subset] == [3, 5, 7]
    assert "addresses" not in subset[0]
    with_addr = api.json("GET", "v3/customers?id:in=3&include=addresses")["data"][0]
    assert with_addr["addresses"][0]["customer_id"] == 3
    by_email = api.json("GET", "v3/customers?email:in=customer4@example.com")["data"]
    assert [c["id"] for c in by_email] == [4]
    assert api.get("v3/customers?id:in=abc").status == 422


def test_customers_create_batch_rules(fresh_api: Api, fresh: Sandbox) -> None:
    created = fresh_api.json("POST", "v3/customers", [_customer(1), _customer(2)])["data"]
    assert [c["email"] for c in created] == ["new1@example.org", "new2@example.org"]
    assert fresh.store.customers[created[0]["id"]]["last_name"] == "O'Hara 🎉"
    too_many = fresh_api.request("POST", "v3/customers", [_customer(i) for i in range(10, 21)])
    assert too_many.status == 413
    missing = fresh_api.request("POST", "v3/customers", [{"email": "x@example.org"}])
    assert missing.status == 422
    assert "[0].first_name" in json.loads(missing.data)["errors"]
    dup = fresh_api.request("POST", "v3/customers", [_customer(1)])
    assert dup.status == 422
    wrong_type = fresh_api.request("POST", "v3/customers", [{**_customer(3), "phone": 5}])
    assert wrong_type.status == 422
    read_only = fresh_api.request("POST", "v3/customers", [{**_customer(4), "date_created": "x"}])
    assert read_only.status == 422
    assert fresh_api.request("POST", "v3/customers", raw=b"[{").status == 400


def test_customers_update(fresh_api: Api, fresh: Sandbox) -> None:
    body = fresh_api.json("PUT", "v3/customers", [{"id": 1, "company": "Ärzte GmbH"}])
    assert body["data"][0]["company"] == "Ärzte GmbH"
    assert fresh.store.customers[1]["company"] == "Ärzte GmbH"
    assert fresh_api.request("PUT", "v3/customers", [{"company": "x"}]).status == 422
    assert fresh_api.request("PUT", "v3/customers", [{"id": 999, "company": "x"}]).status == 422


def test_products_filters_sku_matches_product_only(api: Api, sandbox: Sandbox) -> None:
    body = api.json("GET", "v3/catalog/products?sku=SKU-00001")
    assert [p["id"] for p in body["data"]] == [1]
    assert isinstance(body["data"][0]["price"], float)
    variant_sku = api.json("GET", "v3/catalog/products?sku=SKU-00003-M")["data"]
    assert variant_sku == []
    variants = api.json("GET", "v3/catalog/variants?sku=SKU-00003-M")["data"]
    assert variants[0]["product_id"] == 3
    included = api.json("GET", "v3/catalog/products/3?include=variants,custom_fields")["data"]
    assert len(included["variants"]) == 3
    assert included["custom_fields"]
    expected = sandbox.store.product_inventory(3)
    assert included["inventory_level"] == expected


def test_products_include_and_exclude_fields(api: Api) -> None:
    slim = api.json("GET", "v3/catalog/products?limit=2&include_fields=sku,price")["data"]
    assert [set(p) for p in slim] == [{"id", "sku", "price"}] * 2
    one = api.json("GET", "v3/catalog/products/1?exclude_fields=description,id")["data"]
    assert "description" not in one
    assert one["id"] == 1


def test_product_create_conflicts_and_validation(fresh_api: Api, fresh: Sandbox) -> None:
    good = {
        "name": "Crème Fraîche Pot",
        "type": "physical",
        "weight": 1,
        "price": 9.5,
        "categories": [1],
        "sku": "NEW-1",
        "inventory_level": 7,
    }
    data = fresh_api.json("POST", "v3/catalog/products", good)["data"]
    assert data["name"] == good["name"]
    assert data["inventory_level"] == 7
    assert fresh.store.inventory_of("NEW-1") == 7
    dup = fresh_api.request("POST", "v3/catalog/products", {**good, "sku": "NEW-2"})
    assert dup.status == 409
    no_categories = {k: v for k, v in good.items() if k != "categories"}
    resp = fresh_api.request("POST", "v3/catalog/products", {**no_categories, "name": "Other"})
    assert resp.status == 422
    assert "categories" in json.loads(resp.data)["errors"]
    bad_type = fresh_api.request("POST", "v3/catalog/products", {**good, "price": "cheap"})
    assert bad_type.status == 422
    unknown = fresh_api.request("POST", "v3/catalog/products", {**good, "colour": "red"})
    assert unknown.status == 422


def test_product_batch_update_limits_and_partial_success(fresh_api: Api, fresh: Sandbox) -> None:
    too_many = [{"id": i, "is_visible": False} for i in range(1, 12)]
    assert fresh_api.request("PUT", "v3/catalog/products", too_many).status == 413
    resp = fresh_api.request(
        "PUT", "v3/catalog/products", [{"id": 1, "price": 12.25}, {"id": 9999, "price": 1}]
    )
    assert resp.status == 207
    body = json.loads(resp.data)
    assert [p["id"] for p in body["data"]] == [1]
    assert body["errors"]["status"] == 422
    assert "[1].id" in body["errors"]["errors"]
    assert str(fresh.store.products[1]["price"]) == "12.25"
    ok = fresh_api.json("PUT", "v3/catalog/products", [{"id": 2, "name": "Renamed ✓"}])
    assert ok["data"][0]["name"] == "Renamed ✓"


def test_variants_batch_limit_and_update(fresh_api: Api, fresh: Sandbox) -> None:
    vid = next(v["id"] for v in fresh.store.variants.values() if v["sku_id"])
    body = fresh_api.json("PUT", "v3/catalog/variants", [{"id": vid, "inventory_level": 42}])
    assert body["data"][0]["inventory_level"] == 42
    too_many = [{"id": vid}] * 51
    assert fresh_api.request("PUT", "v3/catalog/variants", too_many).status == 413
    bad = fresh_api.request("PUT", "v3/catalog/variants", [{"id": 99999, "price": 1}])
    assert bad.status == 422
    assert "batch_errors" in json.loads(bad.data)


def test_custom_fields_crud_and_uniqueness(fresh_api: Api) -> None:
    path = "v3/catalog/products/1/custom-fields"
    created = fresh_api.json("POST", path, {"name": "Größe", "value": "XL"})["data"]
    assert fresh_api.request("POST", path, {"name": "Größe", "value": "XL"}).status == 422
    assert fresh_api.request("POST", path, {"name": "", "value": "x"}).status == 422
    updated = fresh_api.json("PUT", f"{path}/{created['id']}", {"value": "XXL"})["data"]
    assert updated["value"] == "XXL"
    listed = fresh_api.json("GET", path)["data"]
    assert created["id"] in [f["id"] for f in listed]
    assert fresh_api.request("DELETE", f"{path}/{created['id']}").status == 204
    assert fresh_api.get(f"{path}/{created['id']}").status == 404


def test_categories_and_trees(fresh_api: Api) -> None:
    cats = fresh_api.json("GET", "v3/catalog/categories?parent_id=1")["data"]
    assert {c["name"] for c in cats} >= {"Garden", "Café & Küche"}
    new = fresh_api.json("POST", "v3/catalog/categories", {"name": "Neu", "parent_id": 1})
    dup = fresh_api.request("POST", "v3/catalog/categories", {"name": "Neu", "parent_id": 1})
    assert dup.status == 409
    tree = fresh_api.json("GET", "v3/catalog/trees/1/categories")["data"]
    top = next(n for n in tree if n["id"] == 1)
    assert new["data"]["id"] in [c["id"] for c in top["children"]]
    flat = fresh_api.json("GET", "v3/catalog/trees/categories?category_id:in=2,3")["data"]
    assert [c["category_id"] for c in flat] == [2, 3]
    resp = fresh_api.request(
        "POST",
        "v3/catalog/trees/categories",
        [{"name": "A", "parent_id": 1, "tree_id": 1}, {"name": "Garden", "parent_id": 1}],
    )
    assert resp.status == 207
    assert fresh_api.request("DELETE", "v3/catalog/categories/2").status == 422


def test_inventory_absolute_adjustment_visible_on_catalog(fresh_api: Api, fresh: Sandbox) -> None:
    store = fresh.store
    simple = next(p for p in store.products.values() if p["inventory_tracking"] == "product")
    option_variant = next(v for v in store.variants.values() if v["sku_id"])
    items = [
        {"location_id": 1, "sku": simple["sku"], "quantity": 11},
        {"location_id": 1, "variant_id": option_variant["id"], "quantity": 5},
    ]
    body = fresh_api.json(
        "PUT", "v3/inventory/adjustments/absolute", {"reason": "t", "items": items}
    )
    assert body["transaction_id"]
    product = fresh_api.json("GET", f"v3/catalog/products/{simple['id']}")["data"]
    assert product["inventory_level"] == 11
    variant = fresh_api.json(
        "GET", f"v3/catalog/products/{option_variant['product_id']}/variants/{option_variant['id']}"
    )["data"]
    assert variant["inventory_level"] == 5
    assert store.inventory_of(simple["sku"]) == 11
    too_many = {"items": [{"location_id": 1, "sku": simple["sku"], "quantity": 1}] * 2001}
    assert fresh_api.request("PUT", "v3/inventory/adjustments/absolute", too_many).status == 422
    wrong_mode = {
        "items": [{"location_id": 1, "product_id": option_variant["product_id"], "quantity": 1}]
    }
    assert fresh_api.request("PUT", "v3/inventory/adjustments/absolute", wrong_mode).status == 422


def test_price_lists_records_and_assignments(fresh_api: Api, fresh: Sandbox) -> None:
    plist = fresh_api.json("POST", "v3/pricelists", {"name": "Händler"})["data"]
    path = f"v3/pricelists/{plist['id']}/records"
    vid = next(iter(fresh.store.variants))
    assert fresh_api.json("PUT", path, [{"variant_id": vid, "currency": "usd", "price": 3.5}]) == {}
    records = fresh_api.json("GET", path)["data"]
    assert records[0]["price"] == 3.5
    assert records[0]["currency"] == "USD"
    bad = fresh_api.request("PUT", path, [{"variant_id": 99999, "currency": "USD", "price": 1}])
    assert bad.status == 422
    assert json.loads(bad.data)["batch_errors"]
    too_many = [{"variant_id": vid, "currency": "USD", "price": 1}] * 1001
    assert fresh_api.request("PUT", path, too_many).status == 413
    assignments = [{"price_list_id": plist["id"], "customer_group_id": 1}]
    assert fresh_api.json("POST", "v3/pricelists/assignments", assignments) == {}
    listed = fresh_api.json("GET", f"v3/pricelists/assignments?price_list_id={plist['id']}")
    assert listed["data"][0]["customer_group_id"] == 1
    assert fresh_api.request("POST", "v3/pricelists/assignments", assignments * 26).status == 413


def test_webhooks_crud(fresh_api: Api) -> None:
    hook = {
        "scope": "store/order/*",
        "destination": "https://example.com/hook",
        "is_active": True,
        "headers": {"X-Secret": "s3"},
    }
    created = fresh_api.json("POST", "v3/hooks", hook)["data"]
    assert isinstance(created["created_at"], int)
    assert created["headers"] == {"X-Secret": "s3"}
    assert fresh_api.request("POST", "v3/hooks", hook).status == 422
    assert fresh_api.request("POST", "v3/hooks", {"scope": "store/order/*"}).status == 422
    updated = fresh_api.json("PUT", f"v3/hooks/{created['id']}", {"is_active": False})["data"]
    assert updated["is_active"] is False
    assert len(fresh_api.json("GET", "v3/hooks")["data"]) == 1
    deleted = fresh_api.json("DELETE", f"v3/hooks/{created['id']}")["data"]
    assert deleted["id"] == created["id"]
    assert fresh_api.get(f"v3/hooks/{created['id']}").status == 404


def test_unknown_path_and_method(api: Api) -> None:
    assert api.get("v3/nothing-here").status == 404
    assert api.request("PATCH", "v3/catalog/products").status == 405
