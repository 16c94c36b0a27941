"""Webhooks (subscriptions and callbacks) and inventory adjustment items."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from bigcommerce_connect.models import (
    AdjustmentResult,
    InventoryAdjustment,
    ModelError,
    Webhook,
    WebhookEvent,
    adjustment_body,
    structure,
    unstructure,
)

UTC = timezone.utc


def test_webhook_example_timestamps_are_aware() -> None:
    # From the webhooks spec's createWebhooks response example.
    hook = structure(
        {
            "id": 18048287,
            "client_id": "m9r6keqmo7h7f23btnpwernbez1kglkl",
            "store_hash": "sftg45fsd",
            "created_at": 1561488106,
            "updated_at": 1561488106,
            "scope": "store/order/created",
            "destination": "https://665b65a6.ngrok.io/webhooks",
            "is_active": True,
            "headers": {"custom-key": "developer-defined value"},
        },
        Webhook,
    )
    assert hook.created_at == datetime(2019, 6, 25, 18, 41, 46, tzinfo=UTC)
    assert hook.headers == {"custom-key": "developer-defined value"}
    assert "developer-defined" not in repr(hook)  # header values may be secrets


def test_webhook_event_from_wire() -> None:
    event = WebhookEvent.from_wire(
        {
            "scope": "store/order/statusUpdated",
            "store_id": 1025646,
            "producer": "stores/abc123",
            "data": {
                "type": "order",
                "id": 250,
                "status": {"previous_status_id": 0, "new_status_id": 11},
            },
            "hash": "dd70c0976e06b67aaf671e73f49dcb79230ebf9d",
            "created_at": 1561479335,
        }
    )
    assert event.store_id == "1025646"
    assert event.store_hash == "abc123"
    assert event.resource_id == 250
    assert event.data["status"]["new_status_id"] == 11
    assert event.created_at == datetime(2019, 6, 25, 16, 15, 35, tzinfo=UTC)
    assert unstructure(event)["hash"] == "dd70c0976e06b67aaf671e73f49dcb79230ebf9d"


def test_webhook_event_requires_a_scope() -> None:
    with pytest.raises(ModelError, match=r"^WebhookEvent\.scope: required field is missing$"):
        WebhookEvent.from_wire({"data": {"id": 1}})


def test_inventory_adjustment_needs_exactly_one_identifier() -> None:
    item = InventoryAdjustment(location_id=1, sku="RE-130", quantity=10)
    assert item.to_wire() == {"location_id": 1, "sku": "RE-130", "quantity": 10}
    with pytest.raises(ModelError, match="exactly one"):
        InventoryAdjustment(location_id=1, quantity=1)
    with pytest.raises(ModelError, match="exactly one"):
        InventoryAdjustment(location_id=1, sku="A", variant_id=2, quantity=1)
    with pytest.raises(ModelError, match="quantity: must be an integer"):
        InventoryAdjustment(location_id=1, variant_id=2, quantity=1.5)  # type: ignore[arg-type]


def test_adjustment_body_checks_absolute_quantities_and_batch_size() -> None:
    items = [
        InventoryAdjustment(location_id=1, variant_id=78, quantity=10),
        InventoryAdjustment(location_id=1, product_id=120, quantity=-2),
    ]
    relative = adjustment_body(items, absolute=False, reason="Monthly arrival delivered.")
    assert relative["items"][1] == {"location_id": 1, "product_id": 120, "quantity": -2}
    assert relative["reason"] == "Monthly arrival delivered."
    with pytest.raises(ModelError, match=r"^items\[1\]\.quantity: absolute quantity must be >= 0$"):
        adjustment_body(items, absolute=True)
    with pytest.raises(ModelError, match="at most 2000"):
        adjustment_body([items[0]] * 2001, absolute=True)
    with pytest.raises(ModelError, match="at least one"):
        adjustment_body([], absolute=True)


def test_adjustment_items_structure_strictly_and_results_parse() -> None:
    item = structure({"location_id": "1", "sku": "RE-130", "quantity": 4}, InventoryAdjustment)
    assert item.location_id == 1
    with pytest.raises(ModelError, match="unknown field 'qty'"):
        structure({"location_id": 1, "sku": "RE-130", "quantity": 4, "qty": 4}, InventoryAdjustment)
    with pytest.raises(ModelError, match=r"^InventoryAdjustment: exactly one"):
        structure({"location_id": 1, "quantity": 4}, InventoryAdjustment)
    result = structure({"transaction_id": "3f1c2a"}, AdjustmentResult)
    assert result.transaction_id == "3f1c2a"
