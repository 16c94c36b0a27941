"""v2 orders, order sub-resources, statuses and customer groups over real HTTP."""

from __future__ import annotations

import base64
import json
from email.utils import parsedate_to_datetime
from urllib.parse import quote

import urllib3

from bigcommerce_connect.sandbox import Sandbox
from bigcommerce_connect.sandbox.order_factory import (
    BIG_ORDER_ID,
    BUNDLE_ORDER_ID,
    CUSTOM_LINE_ORDER_ID,
    SAME_SECOND_IDS,
)
from support.sandbox_api import Api


def test_list_orders_v2_formats(api: Api) -> None:
    orders = api.json("GET", "v2/orders?limit=5")
    assert [o["id"] for o in orders] == [1, 2, 3, 4, 5]
    first = orders[0]
    assert parsedate_to_datetime(first["date_created"]).utcoffset() is not None
    assert first["date_created"].endswith("+0000")
    assert first["total_inc_tax"].count(".") == 1
    assert len(first["total_inc_tax"].split(".")[1]) == 4
    assert first["products"]["resource"] == "/orders/1/products"
    assert "consignments" not in first


def test_empty_v2_list_is_204_without_body(api: Api) -> None:
    resp = api.get("v2/orders?min_id=999999")
    assert resp.status == 204
    assert resp.data == b""


def test_limit_is_capped_at_250_and_pages_cover_everything(api: Api) -> None:
    page1 = api.json("GET", "v2/orders?limit=500&page=1")
    assert len(page1) == 200  # seeded store holds 200 orders, all fit in one capped page
    by_pages = api.json("GET", "v2/orders?limit=150&page=2")
    assert [o["id"] for o in by_pages] == list(range(151, 201))


def test_status_filter_and_all_statuses_present(api: Api, sandbox: Sandbox) -> None:
    incomplete = api.json("GET", "v2/orders?status_id=0&limit=250")
    assert incomplete
    assert all(o["status_id"] == 0 for o in incomplete)
    assert {o["status_id"] for o in sandbox.store.orders.values()} == set(range(15))


def test_invalid_filter_values_are_400(api: Api) -> None:
    for query in ("status_id=abc", "min_id=x", "sort=nope", "min_date_modified=yesterday"):
        resp = api.get(f"v2/orders?{query}")
        assert resp.status == 400, query
        body = json.loads(resp.data)
        assert body[0]["status"] == 400
        assert body[0]["message"]


def test_date_filters_rfc2822_and_iso(api: Api, sandbox: Sandbox) -> None:
    store = sandbox.store
    cutoff = store.orders[100]["date_modified"]
    expected = sorted(i for i, o in store.orders.items() if o["date_modified"] >= cutoff)
    rfc = quote("Thu, 01 Jan 2026 00:00:00 +0000")
    assert len(api.json("GET", f"v2/orders?min_date_modified={rfc}&limit=250")) == 200
    iso = cutoff.isoformat().replace("+", "%2B")
    got = api.json("GET", f"v2/orders?min_date_modified={iso}&limit=250")
    assert sorted(o["id"] for o in got) == expected


def test_unencoded_plus_in_date_is_rejected_not_ignored(api: Api) -> None:
    # "+00:00" sent raw decodes to " 00:00"; the real API must not silently drop the filter.
    resp = api.get("v2/orders?min_date_modified=2026-01-02T00:00:00+00:00")
    assert resp.status == 400


def test_sort_by_date_modified_is_stable_on_ties(api: Api) -> None:
    rows = api.json("GET", "v2/orders?sort=date_modified:asc&limit=250")
    keys = [(parsedate_to_datetime(o["date_modified"]), o["id"]) for o in rows]
    assert keys == sorted(keys)
    desc = api.json("GET", "v2/orders?sort=id:desc&limit=3")
    assert [o["id"] for o in desc] == [200, 199, 198]


def test_hard_cases_are_seeded(api: Api, sandbox: Sandbox) -> None:
    store = sandbox.store
    assert any(o["customer_id"] == 0 for o in store.orders.values())
    ebay = [o for o in store.orders.values() if o["external_source"] == "ebay"]
    assert ebay
    assert all(o["customer_id"] == 0 and o["ebay_order_id"] != "0" for o in ebay)
    same = {store.orders[i]["date_modified"] for i in SAME_SECOND_IDS}
    assert len(same) == 1
    lines = store.order_products
    assert len(lines[BIG_ORDER_ID]) > 50
    assert any(line["is_bundled_product"] for line in lines[BUNDLE_ORDER_ID])
    assert any(line["product_id"] == 0 for line in lines[CUSTOM_LINE_ORDER_ID])
    names = " ".join(c["first_name"] + c["last_name"] for c in store.customers.values())
    assert "'" in names
    assert "é" in names
    assert any(ord(ch) > 0xFFFF for ch in names)
    assert any("\u0590" <= ch <= "\u06ff" for ch in names)  # right-to-left script


def test_order_products_paged_default_50(api: Api) -> None:
    first = api.json("GET", f"v2/orders/{BIG_ORDER_ID}/products")
    assert len(first) == 50
    second = api.json("GET", f"v2/orders/{BIG_ORDER_ID}/products?page=2")
    assert len(second) == 10
    assert api.get(f"v2/orders/{BIG_ORDER_ID}/products?page=3").status == 204
    line = api.json("GET", f"v2/orders/{BIG_ORDER_ID}/products/{first[0]['id']}")
    assert line["order_id"] == BIG_ORDER_ID


def test_include_consignments_embeds_all_lines(api: Api) -> None:
    rows = api.json(
        "GET",
        "v2/orders?min_id=3&max_id=3&include=consignments.line_items&consignment_structure=object",
    )
    shipping = rows[0]["consignments"]["shipping"]
    assert len(shipping[0]["line_items"]) == 60
    assert rows[0]["consignments"]["email"] == {"gift_certificates": []}


def test_shipping_addresses(api: Api) -> None:
    addresses = api.json("GET", "v2/orders/1/shipping_addresses")
    assert addresses[0]["order_id"] == 1
    one = api.json("GET", f"v2/orders/1/shipping_addresses/{addresses[0]['id']}")
    assert one["id"] == addresses[0]["id"]
    assert api.get("v2/orders/1/shipping_addresses/999999").status == 404


def test_get_missing_order_is_404(api: Api) -> None:
    resp = api.get("v2/orders/999999")
    assert resp.status == 404
    assert json.loads(resp.data)[0]["status"] == 404


def test_put_status_bumps_date_and_changes_count(fresh_api: Api, fresh: Sandbox) -> None:
    before = fresh.store.orders[1]["date_modified"]
    counts = fresh_api.json("GET", "v2/orders/count")
    shipped_before = next(s["count"] for s in counts["statuses"] if s["id"] == 2)
    was = fresh.store.orders[1]["status_id"]
    body = fresh_api.json("PUT", "v2/orders/1", {"status_id": 2})
    assert body["status_id"] == 2
    assert fresh.store.orders[1]["date_modified"] > before
    counts = fresh_api.json("GET", "v2/orders/count")
    shipped = next(s["count"] for s in counts["statuses"] if s["id"] == 2)
    assert shipped == shipped_before + (0 if was == 2 else 1)
    assert counts["count"] == len(fresh.store.orders)


def test_put_read_only_fields_are_400(fresh_api: Api) -> None:
    for field, value in (("id", 5), ("date_modified", "x"), ("external_id", "E1"), ("nope", 1)):
        resp = fresh_api.request("PUT", "v2/orders/1", {field: value})
        assert resp.status == 400
        assert json.loads(resp.data) == [
            {
                "status": 400,
                "message": f"The field '{field}' cannot be written to. Please remove it from "
                "your request before trying again.",
            }
        ]


def test_put_wrong_type_and_malformed_json_are_400(fresh_api: Api) -> None:
    assert fresh_api.request("PUT", "v2/orders/1", {"status_id": "2"}).status == 400
    assert fresh_api.request("PUT", "v2/orders/1", {"status_id": 99}).status == 400
    assert fresh_api.request("PUT", "v2/orders/1", raw=b"{not json").status == 400


def test_renamed_status_labels(api: Api, fresh_api: Api, fresh: Sandbox) -> None:
    statuses = fresh_api.json("GET", "v2/order_statuses")
    by_id = {s["id"]: s for s in statuses}
    assert by_id[11]["custom_label"] == "Ready to Pick"
    assert by_id[11]["system_label"] == "Awaiting Fulfillment"
    fresh.store.rename_status(7, "Zahlung ausstehend")
    assert fresh_api.json("GET", "v2/order_statuses/7")["custom_label"] == "Zahlung ausstehend"
    order_id = next(i for i, o in fresh.store.orders.items() if o["status_id"] == 7)
    order = fresh_api.json("GET", f"v2/orders/{order_id}")
    assert order["custom_status"] == "Zahlung ausstehend"
    assert order["status"] == "Awaiting Payment"


def test_customer_groups_crud(fresh_api: Api, fresh: Sandbox) -> None:
    groups = fresh_api.json("GET", "v2/customer_groups")
    assert {g["name"] for g in groups} >= {"Retail"}
    created = fresh_api.json("POST", "v2/customer_groups", {"name": "VIP ✨"})
    assert fresh_api.request("POST", "v2/customer_groups", {"name": "VIP ✨"}).status == 409
    assert fresh_api.request("POST", "v2/customer_groups", {"is_default": False}).status == 400
    rules = [{"type": "price_list", "price_list_id": 1}]
    updated = fresh_api.json(
        "PUT", f"v2/customer_groups/{created['id']}", {"discount_rules": rules}
    )
    assert updated["discount_rules"] == rules
    assert fresh_api.json("GET", "v2/customer_groups/count")["count"] == len(groups) + 1
    assert fresh_api.json("GET", "v2/customer_groups?name:like=vip")[0]["id"] == created["id"]
    assert fresh_api.request("DELETE", f"v2/customer_groups/{created['id']}").status == 204
    assert created["id"] not in fresh.store.customer_groups


def test_auth_errors_are_401(api: Api, sandbox: Sandbox) -> None:
    for path in ("v2/orders", "v3/catalog/products"):
        resp = api.http.request("GET", api.base + path, headers={"X-Auth-Token": "wrong"})
        assert resp.status == 401
    resp = api.http.request("GET", api.base + "v3/catalog/products")
    assert json.loads(resp.data)["status"] == 401


def test_legacy_basic_auth_v2(sandbox: Sandbox) -> None:
    http = urllib3.PoolManager()
    token = base64.b64encode(f"{sandbox.legacy_username}:{sandbox.legacy_api_key}".encode())
    good = {"Authorization": "Basic " + token.decode(), "Accept": "application/json"}
    resp = http.request("GET", sandbox.legacy_api_path + "orders/1.json", headers=good)
    assert resp.status == 200
    assert json.loads(resp.data)["id"] == 1
    bad = {"Authorization": "Basic " + base64.b64encode(b"x:y").decode()}
    assert http.request("GET", sandbox.legacy_api_path + "orders", headers=bad).status == 401
    v3 = sandbox.legacy_api_path.replace("/api/v2/", "/api/v3/") + "catalog/products"
    assert http.request("GET", v3, headers=good).status != 200


def test_archive_hides_order_from_default_list(fresh_api: Api, fresh: Sandbox) -> None:
    assert fresh_api.request("DELETE", "v2/orders/2").status == 204
    assert fresh.store.orders[2]["is_deleted"] is True
    ids = [o["id"] for o in fresh_api.json("GET", "v2/orders?max_id=3")]
    assert ids == [1, 3]
