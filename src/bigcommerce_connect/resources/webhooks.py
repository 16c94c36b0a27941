"""v3 webhooks: create, list, update (reactivate). Destinations get secret headers echoed back."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from bigcommerce_connect.models import Webhook, structure
from bigcommerce_connect.resources._base import Resource, v3_data

__all__ = ["WebhooksResource"]


class WebhooksResource(Resource):
    """``/v3/hooks``: only the calling API account's hooks are listed."""

    def iter(self) -> Iterator[Webhook]:
        """Every webhook of this API account."""
        for item in self._requester.iter_v3("hooks"):
            yield structure(item, Webhook)

    def get(self, hook_id: int) -> Webhook:
        """One webhook."""
        data = self._requester.request("GET", "v3", f"hooks/{int(hook_id)}").data
        return structure(v3_data(data, "v3/hooks"), Webhook)

    def create(
        self,
        scope: str,
        destination: str,
        *,
        headers: Mapping[str, str] | None = None,
        is_active: bool = True,
    ) -> Webhook:
        """Subscribe ``destination`` to ``scope``; ``headers`` (a secret) return with each event."""
        body: dict[str, Any] = {"scope": scope, "destination": destination, "is_active": is_active}
        if headers:
            body["headers"] = dict(headers)
        data = self._requester.request("POST", "v3", "hooks", body=body).data
        return structure(v3_data(data, "v3/hooks"), Webhook)

    def update(self, hook_id: int, **fields: Any) -> Webhook:
        """Change a webhook, e.g. ``is_active=True`` to reactivate one the store switched off."""
        data = self._requester.request("PUT", "v3", f"hooks/{int(hook_id)}", body=fields).data
        return structure(v3_data(data, "v3/hooks"), Webhook)
