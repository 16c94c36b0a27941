"""A missing API scope (403) stops only the work that needs it: the other stages still run.

The sandbox has no scopes, so a transport in front of it answers 403 for one kind of data,
as BigCommerce does for an API account without that scope.
"""

from __future__ import annotations

import json

from bigcommerce_connect import BigCommerceClient
from bigcommerce_connect.adapters.memory import MemoryErp
from bigcommerce_connect.models import InventoryAdjustment
from bigcommerce_connect.notifications import NotificationKind
from bigcommerce_connect.sandbox import SandboxConfig, run_sandbox
from bigcommerce_connect.sync import SyncContext
from bigcommerce_connect.transport import Headers, HttpRequest, HttpResponse, Urllib3Transport
from support.reliability import (
    AS,
    all_awaiting_fulfillment,
    catalogue,
    erp_refs,
    expected_refs,
    runner_for,
    settings_for,
    store_statuses,
)


class WithoutScope(Urllib3Transport):
    """Answers 403 for every request under ``path``, passes everything else to the sandbox."""

    def __init__(self, path: str) -> None:
        super().__init__()
        self.path = path

    def send(self, request: HttpRequest) -> HttpResponse:
        if self.path in request.url:
            body = {"status": 403, "title": "You don't have a required scope", "errors": {}}
            headers = Headers({"Content-Type": "application/json"})
            return HttpResponse(status=403, headers=headers, body=json.dumps(body).encode())
        return super().send(request)


def push_one_sku(ctx: SyncContext) -> int:
    """An inventory stage: one absolute adjustment."""
    item = InventoryAdjustment(location_id=1, quantity=5, sku="SKU-00001")
    ctx.client.inventory.adjust_absolute([item])
    return 1


def test_without_the_inventory_scope_orders_still_import() -> None:
    with run_sandbox(SandboxConfig(seed=41, orders=30, customers=10, products=10)) as sb:
        ids = all_awaiting_fulfillment(sb)
        settings = settings_for(sb)
        erp = MemoryErp(catalogue(sb))
        transport = WithoutScope("/v3/inventory")
        with BigCommerceClient.from_settings(settings, transport=transport) as client:
            runner = runner_for(client, settings, erp)
            runner.inventory = push_one_sku
            report = runner.run_now()
        assert erp_refs(erp) == expected_refs(ids)
        assert set(store_statuses(sb, ids).values()) == {AS}
    assert report.failed
    assert report.inventory_pushed == 0
    assert [e.split(":")[0] for e in report.errors] == ["inventory"]
    errors = [n for n in erp.notifier.notifications if n.kind is NotificationKind.ERROR]
    assert [n.code for n in errors] == ["run.permission_denied"]
    assert "Store Inventory (modify)" in errors[0].message


def test_without_the_customers_scope_orders_and_inventory_still_run() -> None:
    with run_sandbox(SandboxConfig(seed=41, orders=30, customers=10, products=10)) as sb:
        ids = all_awaiting_fulfillment(sb)
        settings = settings_for(sb)
        erp = MemoryErp(catalogue(sb))
        transport = WithoutScope("/v3/customers")
        with BigCommerceClient.from_settings(settings, transport=transport) as client:
            runner = runner_for(client, settings, erp)
            runner.inventory = push_one_sku
            report = runner.run_now()
        with sb.store.locked() as store:
            registered = {o["customer_id"] for i, o in store.orders.items() if i in ids} - {0}
    # Only the customer stage waits for the scope; orders find or make their customers from
    # the billing address, bound to the store customer for a later full customer import.
    assert report.failed
    assert [e.split(":")[0] for e in report.errors] == ["customers"]
    assert erp_refs(erp) == expected_refs(ids)
    assert set(store_statuses(sb, ids).values()) == {AS}
    assert report.inventory_pushed == 1
    codes = [n.code for n in erp.notifier.notifications]
    assert codes.count("customer.scope.missing") == 1
    assert all(erp.bindings.get("customer", str(cid)) is not None for cid in registered)
