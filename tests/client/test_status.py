"""Order statuses resolve by id, default name or the store's renamed label."""

from __future__ import annotations

import pytest

from bigcommerce_connect import OrderStatus
from bigcommerce_connect.status import StatusLabels, UnknownStatusError


def test_ids_and_default_names() -> None:
    assert len(OrderStatus) == 15
    assert OrderStatus(11) is OrderStatus.AWAITING_FULFILLMENT
    assert OrderStatus.AWAITING_SHIPMENT.default_label == "Awaiting Shipment"
    assert OrderStatus.from_id(99) is None


def test_renamed_label_resolves_to_its_id() -> None:
    labels = StatusLabels.from_store([(11, "Ready to Pick"), (9, "")])
    assert labels.resolve("Ready to Pick") == 11
    assert labels.resolve("ready  to pick") == 11
    assert labels.resolve("Awaiting Fulfillment") == 11  # the default name still works
    assert labels.resolve("awaiting_shipment") == 9
    assert labels.resolve(9) == 9
    assert labels.resolve("9") == 9
    assert labels.label(11) == "Ready to Pick"
    assert labels.label(9) == "Awaiting Shipment"


def test_custom_label_wins_over_a_default_name_it_shadows() -> None:
    # A merchant renamed status 1 to "Shipped": their word means their status.
    labels = StatusLabels.from_store([(1, "Shipped")])
    assert labels.resolve("Shipped") == 1


def test_unknown_names_and_ids_raise() -> None:
    labels = StatusLabels()
    with pytest.raises(UnknownStatusError, match="Teleported"):
        labels.resolve("Teleported")
    with pytest.raises(UnknownStatusError):
        labels.resolve(42)
