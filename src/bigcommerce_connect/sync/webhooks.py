"""Real-time imports from webhooks, with the payload trusted for nothing but an id.

The host calls :meth:`WebhookHandler.handle` from its own web framework with the request's
headers and body, answers with the result's ``http_status`` quickly, and may run the handler
in a background job. The handler

* checks the shared secret header in constant time on bytes (any header value, text or
  bytes, UTF-8 or not, is compared; none raises);
* refuses a malformed delivery with a 4xx and one WARNING on the ``bigcommerce_connect.webhooks``
  logger naming the problem (never the secret, never the body): a missing or wrong secret
  (401), a body over :data:`MAX_BODY_BYTES` (413), a body that is not UTF-8 JSON, nested deeper
  than :data:`MAX_BODY_DEPTH`, not shaped like a callback, sent for another store (``producer``
  is not this store's ``stores/{hash}``) or without a usable ``data.id`` (400);
* skips a delivery it has already processed: the key is the delivery itself (scope, ``hash``
  and ``created_at``; a digest of the body when either is missing). BigCommerce's ``hash`` is
  a digest of ``data`` alone, the same for every ``store/customer/updated`` of one customer,
  so a later update of the same record is processed while a redelivery is not;
* re-fetches the order or customer by id and imports it (an order's status move is guarded
  like in a run);
* for an order already imported (bound), hands the re-read order to the changes tracker
  (:mod:`.changes`) on ``store/order/statusUpdated``, ``store/order/updated`` and
  ``store/order/refund/created``: a cancellation, refund, dispute or edit reaches the host's
  ``OrderChanges`` port exactly once, whether this delivery or a polling run sees it first.

A periodic import run is the reconciliation that catches anything a deactivated hook missed:
the "get" status is its work queue.
"""

from __future__ import annotations

import enum
import hashlib
import hmac
import json
import logging
import re
from collections.abc import Iterable, Mapping
from typing import Any, Final, NoReturn

import attrs

from bigcommerce_connect.client import BigCommerceClient
from bigcommerce_connect.errors import ConnectError, NotFoundError
from bigcommerce_connect.models import ModelError, WebhookEvent
from bigcommerce_connect.sync.changes import ChangeTracker
from bigcommerce_connect.sync.customers import CustomerImporter
from bigcommerce_connect.sync.orders import OrderImporter

__all__ = [
    "DEFAULT_SCOPES",
    "MAX_BODY_BYTES",
    "MAX_BODY_DEPTH",
    "SECRET_HEADER",
    "WebhookHandler",
    "WebhookOutcome",
    "WebhookResult",
    "ensure_webhooks",
]

log = logging.getLogger("bigcommerce_connect.webhooks")

SECRET_HEADER: Final = "X-Connect-Secret"  # noqa: S105 - a header name, not a secret
DEFAULT_SCOPES: Final = (
    "store/order/created",
    "store/order/updated",
    "store/order/statusUpdated",
    "store/order/refund/created",
    "store/customer/created",
    "store/customer/updated",
)

#: The largest delivery body the handler reads (1 MiB); a callback is a few hundred bytes.
MAX_BODY_BYTES: Final = 1024 * 1024
#: The deepest nesting of objects and arrays a delivery may have (the body itself is level 1).
MAX_BODY_DEPTH: Final = 32

_MAX_ID: Final = 2**63 - 1
_MAX_NUMBER_CHARS: Final = 64
_SCOPE: Final = re.compile(r"[A-Za-z0-9_./*-]{1,128}")
_HASH: Final = re.compile(r"[A-Za-z0-9_-]{1,128}")
# A JSON string (an unterminated one runs to the end: never backtracks) or a bracket.
_TOKENS: Final = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"?|[\[\]{}]', re.DOTALL)
_CUSTOMER_SCOPES: Final = ("store/customer/created", "store/customer/updated")
#: Order scopes that may carry a change of an imported order (see :mod:`.changes`).
_CHANGE_SCOPES: Final = (
    "store/order/statusUpdated",
    "store/order/updated",
    "store/order/refund/created",
)
_REFUND_SCOPE: Final = "store/order/refund/created"


class WebhookOutcome(enum.Enum):
    """What happened to one delivery."""

    PROCESSED = "processed"
    DUPLICATE = "duplicate"  # this very delivery was processed before: not processed again
    IGNORED = "ignored"  # a scope this handler does not import, or nothing to import
    REJECTED = "rejected"  # wrong or missing secret, or a malformed delivery (4xx)


@attrs.frozen
class WebhookResult:
    """The handler's answer; ``http_status`` is what the host should reply."""

    outcome: WebhookOutcome
    http_status: int
    detail: str = ""


class _Rejected(ConnectError):
    """A malformed delivery: the handler answers ``status`` and logs ``detail``."""

    def __init__(self, status: int, detail: str) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail


#: Header mappings as web frameworks hand them over: text or bytes names and values.
Headers = Mapping[str, str | bytes] | Mapping[bytes, str | bytes]


class WebhookHandler:
    """Verifies, de-duplicates and imports webhook deliveries for one store."""

    def __init__(
        self, orders: OrderImporter, *, secret: str, secret_header: str = SECRET_HEADER
    ) -> None:
        if not secret:
            raise ValueError("a webhook handler needs a shared secret")
        try:
            self._secret = secret.encode()
        except UnicodeEncodeError:
            raise ValueError("the webhook secret is not encodable as UTF-8") from None
        self.orders = orders
        self.customers: CustomerImporter = orders.customers
        self.changes = ChangeTracker(orders.ctx)
        self._header = secret_header.lower()
        self._store_hash = orders.ctx.settings.endpoint.store_hash

    def __repr__(self) -> str:
        return "WebhookHandler()"

    def handle(self, headers: Headers, body: bytes) -> WebhookResult:
        """Process one delivery.

        A malformed delivery is answered 4xx with a WARNING log line, never an exception;
        only a failure to process an authentic, well-formed delivery (the store or the ERP
        down) raises, so the host answers 5xx and BigCommerce delivers it again.
        """
        try:
            if not self._authentic(headers):
                _reject(401, "missing or wrong secret header")
            event = _parse(body)
            self._check_store(event)
            route = _route(event)
        except _Rejected as rejected:
            log.warning("webhook delivery rejected (%d): %s", rejected.status, rejected.detail)
            return WebhookResult(WebhookOutcome.REJECTED, rejected.status, rejected.detail)
        if route is None:
            return WebhookResult(WebhookOutcome.IGNORED, 200, event.scope)
        kind, resource_id = route
        key = _delivery_key(event, body)
        receipts = self.orders.ctx.ports.webhook_receipts
        if receipts is not None and receipts.has_seen(key):
            log.info("webhook delivery %s already processed", key)
            return WebhookResult(WebhookOutcome.DUPLICATE, 200, key)
        self.orders.ctx.quarantine.refresh()  # this handler's context outlives a run
        if kind == "order":
            result = self._order(resource_id, event.scope)
        else:
            result = self._customer(resource_id)
        if receipts is not None and result.outcome is WebhookOutcome.PROCESSED:
            receipts.record(key)
        return result

    def _authentic(self, headers: Headers) -> bool:
        values = [value for name, value in headers.items() if _header_name(name) == self._header]
        if len(values) != 1:  # missing, or sent twice: ambiguous
            return False
        matched = False
        for candidate in _header_bytes(values[0]):
            matched |= hmac.compare_digest(candidate, self._secret)
        return matched

    def _check_store(self, event: WebhookEvent) -> None:
        ours = self._store_hash
        if ours is None:  # a legacy API path without a store hash: nothing to compare
            return
        theirs = event.store_hash
        if theirs is None or theirs.lower() != ours.lower():
            _reject(400, "the delivery is for another store (producer)")

    def _order(self, order_id: int, scope: str) -> WebhookResult:
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
        changed = 0
        if scope in _CHANGE_SCOPES:  # the order as read now, never the payload's word
            changed = self.changes.observe(order, refund_hint=scope == _REFUND_SCOPE)
        if order.status_id != importer.statuses.get:
            if changed:
                return WebhookResult(
                    WebhookOutcome.PROCESSED, 200, f"order {order_id}: {changed} change(s)"
                )
            return WebhookResult(WebhookOutcome.IGNORED, 200, "not in the import status")
        importer.process_page([order])
        return WebhookResult(WebhookOutcome.PROCESSED, 200, f"order {order_id}")

    def _customer(self, customer_id: int) -> WebhookResult:
        self.customers.import_by_ids([customer_id])
        return WebhookResult(WebhookOutcome.PROCESSED, 200, f"customer {customer_id}")


def _delivery_key(event: WebhookEvent, body: bytes) -> str:
    """The de-duplication key of one delivery: ``"{scope} {hash} {created_at}"``.

    BigCommerce's ``hash`` digests ``data`` only (the same for every update of one record);
    with the creation time (Unix seconds) and scope it names the delivery, which a redelivery
    repeats. Without a usable hash or time the key is ``"sha256:{digest of the body}"``.
    """
    if event.hash is not None and _HASH.fullmatch(event.hash) and event.created_at is not None:
        return f"{event.scope} {event.hash} {int(event.created_at.timestamp())}"
    return "sha256:" + hashlib.sha256(body).hexdigest()


def _reject(status: int, detail: str) -> NoReturn:
    raise _Rejected(status, detail)


def _header_name(name: object) -> str | None:
    if isinstance(name, str):
        return name.lower()
    if isinstance(name, (bytes, bytearray)):
        return bytes(name).decode("latin-1").lower()
    return None


def _header_bytes(value: object) -> list[bytes]:
    """The bytes a header value may stand for: text as UTF-8, and as Latin-1 (WSGI) when it can."""
    if isinstance(value, (bytes, bytearray, memoryview)):
        return [bytes(value)]
    if not isinstance(value, str):
        return []
    candidates = [value.encode("utf-8", "surrogatepass")]
    if not value.isascii() and all(ord(char) < 256 for char in value):
        candidates.append(value.encode("latin-1"))
    return candidates


def _parse(body: bytes) -> WebhookEvent:
    """The callback in ``body``, or a rejection saying what is wrong with it."""
    if len(body) > MAX_BODY_BYTES:
        _reject(413, f"the body is over {MAX_BODY_BYTES} bytes")
    if _too_deep(body):
        _reject(400, f"the body is nested deeper than {MAX_BODY_DEPTH} levels")
    try:
        raw = json.loads(
            body.decode("utf-8"),
            parse_int=_parse_int,
            parse_float=_parse_float,
            parse_constant=_no_constant,
        )
    except (ValueError, RecursionError):  # UnicodeDecodeError and JSONDecodeError included
        _reject(400, "the body is not UTF-8 JSON")
    if not (
        isinstance(raw, dict)
        and isinstance(raw.get("scope"), str)
        and _SCOPE.fullmatch(raw["scope"])
        and isinstance(raw.get("data"), dict)
    ):
        _reject(400, "the body is not a webhook payload (scope, data)")
    try:
        return WebhookEvent.from_wire(raw)
    except (ModelError, TypeError, ValueError, RecursionError):
        _reject(400, "the body is not a webhook payload (a field of the wrong kind)")


def _route(event: WebhookEvent) -> tuple[str, int] | None:
    """``("order" | "customer", id)`` for a scope this handler imports, else None."""
    if event.scope.startswith("store/order/"):
        kind = "order"
    elif event.scope in _CUSTOMER_SCOPES:
        kind = "customer"
    else:
        return None
    value = event.data.get("id")
    if isinstance(value, bool) or not isinstance(value, int) or not 0 < value <= _MAX_ID:
        _reject(400, f"the {kind} webhook has no usable data.id")
    return kind, value


def _too_deep(body: bytes) -> bool:
    """Whether arrays and objects nest deeper than MAX_BODY_DEPTH (brackets in strings skipped)."""
    if body.count(b"[") + body.count(b"{") <= MAX_BODY_DEPTH:
        return False
    depth = 0
    for match in _TOKENS.finditer(body):
        char = body[match.start()]
        if char in b"[{":
            depth += 1
            if depth > MAX_BODY_DEPTH:
                return True
        elif char in b"]}":
            depth -= 1
    return False


def _parse_int(text: str) -> int:
    if len(text) > _MAX_NUMBER_CHARS:  # a huge literal costs quadratic time to convert
        raise ValueError("number literal too long")
    return int(text)


def _parse_float(text: str) -> Any:
    if len(text) > _MAX_NUMBER_CHARS:
        raise ValueError("number literal too long")
    return float(text)


def _no_constant(text: str) -> NoReturn:
    raise ValueError(f"{text} is not JSON")


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
