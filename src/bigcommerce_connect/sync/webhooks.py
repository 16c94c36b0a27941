"""Real-time imports from webhooks, with the payload trusted for nothing but an id.

The host calls :meth:`WebhookHandler.handle` from its own web framework with the request's
headers and body, answers 2xx quickly, and may run the handler in a background job. The
handler checks the shared secret header in constant time, skips a payload hash it has already
processed, re-fetches the order or customer by id and imports it (an order's status move is
guarded like in a run). A periodic import run is the reconciliation that catches anything a
deactivated hook missed: the "get" status is its work queue.
"""

from __future__ import annotations

import enum
import hmac
import json
from collections.abc import Iterable, Mapping
from typing import Final

import attrs

from bigcommerce_connect.client import BigCommerceClient
from bigcommerce_connect.errors import NotFoundError
from bigcommerce_connect.models import ModelError, WebhookEvent
from bigcommerce_connect.sync.customers import CustomerImporter
from bigcommerce_connect.sync.orders import OrderImporter

__all__ = [
    "DEFAULT_SCOPES",
    "SECRET_HEADER",
    "WebhookHandler",
    "WebhookOutcome",
    "WebhookResult",
    "ensure_webhooks",
]

SECRET_HEADER: Final = "X-Connect-Secret"  # noqa: S105 - a header name, not a secret
DEFAULT_SCOPES: Final = (
    "store/order/created",
    "store/order/updated",
    "store/order/statusUpdated",
    "store/customer/created",
    "store/customer/updated",
)


class WebhookOutcome(enum.Enum):
    """What happened to one delivery."""

    PROCESSED = "processed"
    DUPLICATE = "duplicate"  # same payload hash seen before: not processed again
    IGNORED = "ignored"  # a scope this handler does not import
    REJECTED = "rejected"  # wrong or missing secret, or not a webhook payload


@attrs.frozen
class WebhookResult:
    """The handler's answer; ``http_status`` is what the host should reply."""

    outcome: WebhookOutcome
    http_status: int
    detail: str = ""


class WebhookHandler:
    """Verifies, de-duplicates and imports webhook deliveries for one store."""

    def __init__(
        self, orders: OrderImporter, *, secret: str, secret_header: str = SECRET_HEADER
    ) -> None:
        if not secret:
            raise ValueError("a webhook handler needs a shared secret")
        self.orders = orders
        self.customers: CustomerImporter = orders.customers
        self._secret = secret.encode()
        self._header = secret_header.lower()

    def __repr__(self) -> str:
        return "WebhookHandler()"

    def handle(self, headers: Mapping[str, str], body: bytes) -> WebhookResult:
        """Process one delivery; never raises for a bad payload (it is rejected instead)."""
        if not self._authentic(headers):
            return WebhookResult(WebhookOutcome.REJECTED, 401, "missing or wrong secret header")
        event = _parse(body)
        if event is None:
            return WebhookResult(WebhookOutcome.REJECTED, 400, "not a webhook payload")
        receipts = self.orders.ctx.ports.webhook_receipts
        if event.hash and receipts is not None and receipts.has_seen(event.hash):
            return WebhookResult(WebhookOutcome.DUPLICATE, 200, event.hash)
        self.orders.ctx.quarantine.refresh()  # this handler's context outlives a run
        result = self._dispatch(event)
        if event.hash and receipts is not None and result.outcome is WebhookOutcome.PROCESSED:
            receipts.record(event.hash)
        return result

    def _authentic(self, headers: Mapping[str, str]) -> bool:
        given = next((v for k, v in headers.items() if k.lower() == self._header), "")
        return hmac.compare_digest(given.encode(), self._secret)

    def _dispatch(self, event: WebhookEvent) -> WebhookResult:
        resource_id = event.resource_id
        if resource_id is None:
            return WebhookResult(WebhookOutcome.IGNORED, 200, "no resource id")
        if event.scope.startswith("store/order/"):
            return self._order(resource_id)
        if event.scope in ("store/customer/created", "store/customer/updated"):
            return self._customer(resource_id)
        return WebhookResult(WebhookOutcome.IGNORED, 200, event.scope)

    def _order(self, order_id: int) -> WebhookResult:
        importer = self.orders
        try:
            order = importer.fetch_order(order_id)
        except NotFoundError:
            return WebhookResult(WebhookOutcome.IGNORED, 200, f"order {order_id} is gone")
        except ModelError as error:
            # The store's order is unreadable: quarantined with an alert like in a run (a 2xx,
            # since redelivering the same event cannot help).
            importer.quarantine_payload({"id": order_id}, error, order_id=order_id)
            return WebhookResult(WebhookOutcome.PROCESSED, 200, f"order {order_id} quarantined")
        if order is None:  # lost a too-deep value on the wire: quarantined
            return WebhookResult(WebhookOutcome.PROCESSED, 200, f"order {order_id} quarantined")
        if order.status_id != importer.statuses.get:
            return WebhookResult(WebhookOutcome.IGNORED, 200, "not in the import status")
        importer.process_page([order])
        return WebhookResult(WebhookOutcome.PROCESSED, 200, f"order {order_id}")

    def _customer(self, customer_id: int) -> WebhookResult:
        self.customers.import_by_ids([customer_id])
        return WebhookResult(WebhookOutcome.PROCESSED, 200, f"customer {customer_id}")


def _parse(body: bytes) -> WebhookEvent | None:
    try:
        raw = json.loads(body)
    except ValueError:
        return None
    shaped = (
        isinstance(raw, dict)
        and isinstance(raw.get("scope"), str)
        and isinstance(raw.get("data"), dict)
    )
    if not shaped:
        return None
    try:
        return WebhookEvent.from_wire(raw)
    except (ModelError, TypeError, ValueError):
        return None


def ensure_webhooks(
    client: BigCommerceClient,
    destination: str,
    *,
    secret: str,
    scopes: Iterable[str] = DEFAULT_SCOPES,
    secret_header: str = SECRET_HEADER,
) -> list[int]:
    """Make sure every scope has an active hook to ``destination``; return the hook ids.

    Missing hooks are created with the secret header; hooks the store deactivated (after
    failed deliveries or inactivity) are switched back on.
    """
    existing = {
        hook.scope: hook for hook in client.webhooks.iter() if hook.destination == destination
    }
    ids: list[int] = []
    for scope in scopes:
        hook = existing.get(scope)
        if hook is None:
            hook = client.webhooks.create(scope, destination, headers={secret_header: secret})
        elif not hook.is_active:
            hook = client.webhooks.update(hook.id, is_active=True)
        ids.append(hook.id)
    return ids
