"""Fixtures for the mapping tests."""

from __future__ import annotations

from typing import Any

import pytest

from support.mapping_payloads import v2_order, v3_customer


@pytest.fixture
def order() -> dict[str, Any]:
    """A fresh v2 order payload."""
    return v2_order()


@pytest.fixture
def customer() -> dict[str, Any]:
    """A fresh v3 customer payload."""
    return v3_customer()
