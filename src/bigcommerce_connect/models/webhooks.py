"""Webhooks (v3): subscriptions and the callback payload BigCommerce posts to you."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

import attrs

from bigcommerce_connect.models.converter import structure, wire_model

__all__ = ["Webhook", "WebhookEvent"]


@wire_model
@attrs.frozen(kw_only=True)
class Webhook:
    """A webhook subscription. ``created_at``/``updated_at`` arrive as Unix seconds.

    ``headers`` are echoed on every callback: put a shared secret there to authenticate them.
    """

    id: int
    client_id: str | None = None
    store_hash: str | None = None
    scope: str | None = None
    destination: str | None = None
    is_active: bool | None = None
    headers: dict[str, str] = attrs.field(factory=dict, repr=False)
    created_at: datetime | None = None
    updated_at: datetime | None = None
    extra: dict[str, Any] = attrs.field(factory=dict)


@wire_model
@attrs.frozen(kw_only=True)
class WebhookEvent:
    """A callback payload. Thin by design: ``data`` holds ids; fetch the resource afterwards.

    ``store_id`` is a numeric string; the store hash is in ``producer`` (``stores/{hash}``).
    Deliveries repeat: de-duplicate on ``hash``.
    """

    scope: str
    store_id: str | None = None
    producer: str | None = None
    data: dict[str, Any] = attrs.field(factory=dict)
    hash: str | None = None
    created_at: datetime | None = None
    extra: dict[str, Any] = attrs.field(factory=dict)

    @classmethod
    def from_wire(cls, payload: Mapping[str, Any]) -> WebhookEvent:
        """Structure a callback body (already parsed from JSON)."""
        return structure(payload, cls)

    @property
    def store_hash(self) -> str | None:
        """The store hash from ``producer``, or None if it is not ``stores/{hash}``."""
        if self.producer and self.producer.startswith("stores/"):
            return self.producer.removeprefix("stores/") or None
        return None

    @property
    def resource_id(self) -> int | None:
        """``data.id``: the order, product, customer, address or SKU id the event is about."""
        value = self.data.get("id")
        return value if isinstance(value, int) and not isinstance(value, bool) else None
