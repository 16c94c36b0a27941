"""The original product's status names resolve as aliases; an unknown name lists the valid ones."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bigcommerce_connect import BigCommerceClient, OrderStatus
from bigcommerce_connect.sandbox import Sandbox
from bigcommerce_connect.status import StatusLabels, UnknownStatusError
from support.sandboxes import StartSandbox

ORIGINAL = Path(__file__).resolve().parents[3] / "shared" / "reference" / "original-product.txt"

#: The "BigCommerce Order Status" list of the original product's documentation.
ORIGINAL_LABELS = {
    "Pending": OrderStatus.PENDING,
    "Awaiting Payment": OrderStatus.AWAITING_PAYMENT,
    "Awaiting Fulfillment": OrderStatus.AWAITING_FULFILLMENT,
    "Awaiting Shipment": OrderStatus.AWAITING_SHIPMENT,
    "Awaiting Pickup": OrderStatus.AWAITING_PICKUP,
    "Partially Shipped": OrderStatus.PARTIALLY_SHIPPED,
    "Completed": OrderStatus.COMPLETED,
    "Shipped": OrderStatus.SHIPPED,
    "Cancelled": OrderStatus.CANCELLED,
    "Declined": OrderStatus.DECLINED,
    "Refunded": OrderStatus.REFUNDED,
    "Disputed": OrderStatus.DISPUTED,
    "Verification Required": OrderStatus.MANUAL_VERIFICATION_REQUIRED,
    "Partially Refunded": OrderStatus.PARTIALLY_REFUNDED,
}


@pytest.fixture
def sb(start_sandbox: StartSandbox) -> Sandbox:
    return start_sandbox(seed=3, orders=2, customers=1, products=1)


def labels_of(sb: Sandbox) -> StatusLabels:
    with BigCommerceClient(sb.api_path, sb.access_token, allow_insecure_host=True) as client:
        return client.order_statuses.labels()


def test_the_list_above_is_the_original_documentations_list() -> None:
    if not ORIGINAL.is_file():
        pytest.skip("the original product's documentation is not beside the repository")
    text = ORIGINAL.read_text(encoding="utf-8")
    documented = set(re.findall(r"^([A-Z][A-Za-z ]+?) — ", text, flags=re.MULTILINE))
    assert documented == set(ORIGINAL_LABELS)


def test_every_label_of_the_original_resolves_against_the_store(sb: Sandbox) -> None:
    labels = labels_of(sb)
    for name, status in ORIGINAL_LABELS.items():
        assert labels.resolve(name) == status, name
        assert labels.resolve(name.upper()) == status, name
    assert labels.resolve("Verification Required") == 12
    assert labels.resolve("Canceled") == OrderStatus.CANCELLED


def test_a_store_label_still_wins_over_an_alias(sb: Sandbox) -> None:
    with sb.store.locked() as store:
        store.status_labels[7] = "Verification Required"
    assert labels_of(sb).resolve("Verification Required") == 7


def test_an_unknown_label_lists_the_stores_valid_names(sb: Sandbox) -> None:
    with sb.store.locked() as store:
        store.status_labels[11] = "Ready to Pick"
    labels = labels_of(sb)
    with pytest.raises(UnknownStatusError) as caught:
        labels.resolve("Teleported")
    error = caught.value
    assert "'Teleported'" in str(error)
    assert "valid names: Incomplete, Pending, " in str(error)
    assert "Ready to Pick" in str(error)
    assert "Ready to Pick" in error.valid_names
    assert "Awaiting Fulfillment" not in error.valid_names  # the store's own word is listed
    assert len(error.valid_names) == 15
    with pytest.raises(UnknownStatusError, match="valid names: Incomplete"):
        labels.resolve(42)


def test_a_hostile_store_label_is_escaped_in_the_message() -> None:
    labels = StatusLabels.from_store([(11, "Ready\x1b[31m\nto Pick")])
    with pytest.raises(UnknownStatusError) as caught:
        labels.resolve("Teleported")
    assert "\x1b" not in str(caught.value)
    assert "\n" not in str(caught.value)
