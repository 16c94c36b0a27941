"""Webhook delivery to a loopback receiver: real payload shape, headers, scopes."""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from bigcommerce_connect.sandbox import Sandbox
from support.sandbox_api import Api


class _Receiver(BaseHTTPRequestHandler):
    received: list[tuple[dict[str, str], dict[str, Any]]]

    def do_POST(self) -> None:
        length = int(self.headers["Content-Length"])
        payload = json.loads(self.rfile.read(length))
        self.server.received.append((dict(self.headers), payload))  # type: ignore[attr-defined]
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet."""


@pytest.fixture
def receiver() -> Iterator[tuple[str, list[tuple[dict[str, str], dict[str, Any]]]]]:
    """A loopback HTTP server that records webhook callbacks."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Receiver)
    server.received = []  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/hook", server.received  # type: ignore[attr-defined]
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def _register(api: Api, scope: str, destination: str) -> dict[str, Any]:
    body = {
        "scope": scope,
        "destination": destination,
        "is_active": True,
        "headers": {"X-Webhook-Secret": "shh"},
    }
    return api.json("POST", "v3/hooks", body)["data"]  # type: ignore[no-any-return]


def test_order_status_update_delivers_real_payload(fresh: Sandbox, receiver: Any) -> None:
    url, received = receiver
    api = Api(fresh)
    hook = _register(api, "store/order/statusUpdated", url)
    previous = fresh.store.orders[1]["status_id"]
    new = 10 if previous != 10 else 11
    api.json("PUT", "v2/orders/1", {"status_id": new})
    deliveries = fresh.store.wait_for_deliveries(1)
    assert deliveries[0].status == 200
    assert deliveries[0].hook_id == hook["id"]
    headers, payload = received[0]
    assert headers["X-Webhook-Secret"] == "shh"
    assert payload["scope"] == "store/order/statusUpdated"
    assert payload["producer"] == f"stores/{fresh.store_hash}"
    assert payload["store_id"] == fresh.store.store_id
    assert payload["store_id"].isdigit()
    assert payload["data"] == {
        "type": "order",
        "id": 1,
        "status": {"previous_status_id": previous, "new_status_id": new},
    }
    data_json = json.dumps(payload["data"], separators=(",", ":"), sort_keys=True)
    assert payload["hash"] == hashlib.sha1(data_json.encode(), usedforsecurity=False).hexdigest()
    assert isinstance(payload["created_at"], int)


def test_wildcard_scope_and_inactive_hooks(fresh: Sandbox, receiver: Any) -> None:
    url, received = receiver
    api = Api(fresh)
    _register(api, "store/customer/*", url)
    inactive = _register(api, "store/order/*", url + "?inactive")
    api.json("PUT", f"v3/hooks/{inactive['id']}", {"is_active": False})
    api.json(
        "POST", "v3/customers", [{"email": "w@example.org", "first_name": "W", "last_name": "X"}]
    )
    api.json("PUT", "v3/customers", [{"id": 1, "notes": "vip"}])
    fresh.store.add_order()  # would match store/order/* but that hook is inactive
    deliveries = fresh.store.wait_for_deliveries(2)
    assert [d.scope for d in deliveries] == ["store/customer/created", "store/customer/updated"]
    assert all(p["data"]["type"] == "customer" for _, p in received)


def test_inventory_and_order_created_webhooks(fresh: Sandbox, receiver: Any) -> None:
    url, _ = receiver
    api = Api(fresh)
    _register(api, "store/product/inventory/updated", url)
    _register(api, "store/order/created", url)
    simple = next(p for p in fresh.store.products.values() if p["inventory_tracking"] == "product")
    items = [{"location_id": 1, "product_id": simple["id"], "quantity": 3}]
    api.json("PUT", "v3/inventory/adjustments/absolute", {"items": items})
    order_id = fresh.store.add_order(customer_id=0)
    deliveries = fresh.store.wait_for_deliveries(2)
    by_scope = {d.scope: d.payload["data"] for d in deliveries}
    assert by_scope["store/product/inventory/updated"]["inventory"] == {
        "product_id": simple["id"],
        "method": "absolute",
        "value": 3,
    }
    assert by_scope["store/order/created"] == {"type": "order", "id": order_id}
    assert fresh.store.orders[order_id]["customer_id"] == 0
