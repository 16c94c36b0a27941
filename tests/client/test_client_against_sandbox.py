"""The client over real HTTP on loopback against the sandbox store."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

import pytest

from bigcommerce_connect import (
    AuthenticationError,
    BigCommerceClient,
    ConflictError,
    NetworkError,
    OrderStatus,
    ServerError,
)
from bigcommerce_connect.models import InventoryAdjustment
from bigcommerce_connect.sandbox import Sandbox, SandboxConfig, run_sandbox


@pytest.fixture(scope="module")
def sb() -> Iterator[Sandbox]:
    with run_sandbox(SandboxConfig(seed=11, orders=80, customers=20, products=15)) as sandbox:
        yield sandbox


def test_list_orders_in_a_status_with_lines_in_one_call_per_page(
    sb: Sandbox, client: BigCommerceClient
) -> None:
    sb.requests.clear()
    orders = list(client.orders.iter(status_id=OrderStatus.AWAITING_FULFILLMENT, limit=5))
    with sb.store.locked() as store:
        expected = sorted(o["id"] for o in store.orders.values() if o["status_id"] == 11)
    assert [o.id for o in orders] == expected
    assert all(o.lines_embedded and o.products for o in orders)
    assert sb.requests.count() == len(expected) // 5 + 1


def test_get_and_move_an_order(sb: Sandbox, client: BigCommerceClient) -> None:
    order_id = sb.store.add_order(line_count=3)
    order = client.orders.get(order_id)
    assert len(order.products) == 3
    assert isinstance(order.total_inc_tax, Decimal)
    moved = client.orders.set_status(order_id, OrderStatus.AWAITING_SHIPMENT)
    assert moved.status_id == 9
    assert sb.store.orders[order_id]["status_id"] == 9


def test_lines_and_addresses_without_the_include_are_paged(
    sb: Sandbox, client: BigCommerceClient
) -> None:
    order_id = sb.store.add_order(line_count=60)
    order = client.orders.with_lines(client.orders.get(order_id, embed_lines=False))
    assert len(order.products) == 60
    assert order.shipping_addresses


def test_counts_and_renamed_statuses(sb: Sandbox, client: BigCommerceClient) -> None:
    sb.store.rename_status(12, "Check by hand")
    assert client.order_statuses.labels().resolve("Check by hand") == 12
    counts = client.orders.count()
    with sb.store.locked() as store:
        pending = sum(1 for o in store.orders.values() if o["status_id"] == 1)
    assert counts.for_status(1) == pending


def test_customers_products_variants(sb: Sandbox, client: BigCommerceClient) -> None:
    customer = next(client.customers.iter(limit=1))
    assert client.customers.by_email(customer.email or "")[0].id == customer.id
    product = next(client.products.iter(limit=1, include=("variants",)))
    assert client.products.by_sku(product.sku or "")[0].id == product.id
    variant = product.variants[0]
    assert client.variants.by_sku(variant.sku or "")[0].id == variant.id


def test_product_create_conflict_and_batch_207(sb: Sandbox, client: BigCommerceClient) -> None:
    category = next(client.categories.iter())
    new = {"name": "Tea ☕", "type": "physical", "weight": 1, "price": Decimal("4.50")}
    created = client.products.create({**new, "categories": [category.id], "sku": "TEA-1"})
    assert created.price == Decimal("4.5")
    with pytest.raises(ConflictError):
        client.products.create({**new, "categories": [category.id], "sku": "TEA-2"})
    result = client.products.update_batch(
        [{"id": created.id, "price": 5}, {"id": 999_999, "price": 1}]
    )
    assert not result.ok
    assert result.status == 207


def test_inventory_is_visible_after_an_absolute_adjustment(
    sb: Sandbox, client: BigCommerceClient
) -> None:
    product = next(client.products.iter(limit=1, include=("variants",)))
    sku = product.variants[0].sku or ""
    client.inventory.adjust_absolute([InventoryAdjustment(location_id=1, sku=sku, quantity=17)])
    assert sb.store.inventory_of(sku) == 17


def test_price_list_records_and_assignments(sb: Sandbox, client: BigCommerceClient) -> None:
    price_list = client.price_lists.create("ERP price level A")
    variant = next(client.variants.iter())
    result = client.price_lists.upsert_records(
        price_list.id, [{"variant_id": variant.id, "currency": "usd", "price": Decimal("9.99")}]
    )
    assert result.ok
    records = list(client.price_lists.records(price_list.id))
    assert records[0].price == Decimal("9.99")
    group = client.customer_groups.create("Wholesale buyers")
    assert client.price_lists.assign(
        [{"price_list_id": price_list.id, "customer_group_id": group.id}]
    ).ok


def test_webhooks_create_list_reactivate(client: BigCommerceClient) -> None:
    hook = client.webhooks.create("store/order/*", "http://127.0.0.1:9/h", is_active=False)
    assert any(h.id == hook.id for h in client.webhooks.iter())
    assert client.webhooks.update(hook.id, is_active=True).is_active


def test_wrong_token_is_an_authentication_error(sb: Sandbox) -> None:
    with (
        BigCommerceClient(sb.api_path, "wrong", allow_insecure_host=True) as bad,
        pytest.raises(AuthenticationError) as caught,
    ):
        list(bad.orders.iter(limit=1))
    assert "wrong" not in str(caught.value)


def test_legacy_basic_auth_path(sb: Sandbox) -> None:
    with BigCommerceClient(
        sb.legacy_api_path,
        sb.legacy_api_key,
        username=sb.legacy_username,
        allow_insecure_host=True,
    ) as legacy:
        assert next(legacy.orders.iter(limit=1)).id > 0


@pytest.mark.parametrize(
    "kind", ["500", "502", "503", "504", "reset", "truncated_json", "malformed_json"]
)
def test_transient_faults_are_retried_for_reads(
    sb: Sandbox, client: BigCommerceClient, kind: str
) -> None:
    sb.knobs.fail_next(kind, n=2, path_prefix="/v2/orders")
    assert client.orders.count().count > 0
    assert client.api_calls == 3


def test_persistent_5xx_gives_a_typed_error_with_method_path_status(
    sb: Sandbox, client: BigCommerceClient
) -> None:
    sb.knobs.fail_next("503", n=5, path_prefix="/v2/orders")
    with pytest.raises(ServerError) as caught:
        client.orders.count()
    assert (caught.value.method, caught.value.path, caught.value.status) == (
        "GET",
        "v2/orders/count",
        503,
    )
    sb.knobs.clear_faults()


def test_a_failed_write_is_not_retried(sb: Sandbox, client: BigCommerceClient) -> None:
    before = len(list(client.webhooks.iter()))
    sb.knobs.fail_next("reset", n=1, path_prefix="/v3/hooks")
    calls = client.api_calls
    with pytest.raises(NetworkError):
        client.webhooks.create("store/customer/*", "http://127.0.0.1:9/reset")
    assert client.api_calls == calls + 1
    assert len(list(client.webhooks.iter())) == before


def test_quota_is_paced_without_429s() -> None:
    # A tiny window so the client really waits for resets: pacing must avoid every 429.
    with (
        run_sandbox(SandboxConfig(seed=2, orders=10, quota=(6, 0.3))) as sandbox,
        BigCommerceClient(
            sandbox.api_path, sandbox.access_token, allow_insecure_host=True
        ) as paced,
    ):
        for _ in range(20):
            paced.orders.count()
        assert sandbox.requests.count(status=429) == 0
        assert paced.governor.waited_seconds > 0
        assert paced.governor.snapshot().quota == 6
