"""Per-token OAuth scopes: a request outside them is a 403 before anything else happens."""

from __future__ import annotations

import json

import pytest
import urllib3

from bigcommerce_connect.sandbox import Sandbox
from bigcommerce_connect.sandbox.scopes import SCOPE_TITLE, parse_scopes
from support.sandboxes import StartSandbox

READ_ONLY = "store_v2_orders_read_only,store_v2_customers_read_only,store_v2_products_read_only"


def call(sb: Sandbox, method: str, path: str, body: object = None) -> tuple[int, object]:
    headers = {"X-Auth-Token": sb.access_token, "Content-Type": "application/json"}
    data = None if body is None else json.dumps(body).encode()
    answer = urllib3.request(method, sb.api_path[:-3] + path, headers=headers, body=data)
    return answer.status, json.loads(answer.data) if answer.data else None


def test_every_scope_by_default(start_sandbox: StartSandbox) -> None:
    sb = start_sandbox(seed=3, orders=2, customers=1, products=1)
    assert sb.knobs.scopes is None
    assert call(sb, "PUT", "v3/catalog/products/0", {})[0] == 404


def test_read_only_scopes_read_but_never_write(start_sandbox: StartSandbox) -> None:
    sb = start_sandbox(seed=3, orders=2, customers=1, products=1, scopes=READ_ONLY)
    before = sb.store.orders[1]["status_id"]
    assert call(sb, "GET", "v2/orders/1")[0] == 200
    assert call(sb, "GET", "v3/catalog/products")[0] == 200
    status, body = call(sb, "PUT", "v2/orders/1", {"status_id": 5})
    assert (status, body) == (403, [{"status": 403, "message": SCOPE_TITLE}])
    assert sb.store.orders[1]["status_id"] == before  # refused before the route ran
    status, v3_body = call(sb, "PUT", "v3/catalog/products/1", {"name": "x"})
    assert status == 403
    assert isinstance(v3_body, dict)
    assert v3_body["title"] == SCOPE_TITLE
    # Not granted at all: reads are refused too; webhooks need no scope.
    assert call(sb, "GET", "v3/inventory/items")[0] == 403
    assert call(sb, "GET", "v3/hooks")[0] == 200
    assert [r.status for r in sb.requests.records()][-1] == 200


def test_a_modify_scope_implies_read_and_the_knob_changes_at_run_time(
    start_sandbox: StartSandbox,
) -> None:
    sb = start_sandbox(seed=3, orders=2, customers=1, products=1, scopes="store_inventory")
    assert call(sb, "GET", "v3/inventory/items")[0] == 200
    assert call(sb, "GET", "v2/orders")[0] == 403
    sb.knobs.scopes = parse_scopes("all")
    assert call(sb, "GET", "v2/orders")[0] == 200


def test_the_control_endpoint_sets_scopes(start_sandbox: StartSandbox) -> None:
    sb = start_sandbox(seed=3, orders=2, customers=1, products=1)
    headers = {"X-Auth-Token": sb.access_token}
    url = f"{sb.origin}/_sandbox/knobs"
    body = json.dumps({"scopes": ["store_v2_orders_read_only"]}).encode()
    answer = urllib3.request("PUT", url, headers=headers, body=body)
    assert json.loads(answer.data)["scopes"] == ["store_v2_orders_read_only"]
    assert call(sb, "GET", "v3/catalog/products")[0] == 403
    bad = urllib3.request("PUT", url, headers=headers, body=b'{"scopes": ["store_all"]}')
    assert bad.status == 400


def test_legacy_accounts_have_no_scopes(start_sandbox: StartSandbox) -> None:
    sb = start_sandbox(seed=3, orders=2, customers=1, products=1, scopes=READ_ONLY)
    headers = urllib3.make_headers(basic_auth=f"{sb.legacy_username}:{sb.legacy_api_key}")
    answer = urllib3.request("PUT", sb.legacy_api_path + "orders/0", headers=headers, body=b"{}")
    assert answer.status == 404


def test_unknown_scopes_are_refused() -> None:
    with pytest.raises(ValueError, match="store_everything"):
        parse_scopes("store_v2_orders,store_everything")
