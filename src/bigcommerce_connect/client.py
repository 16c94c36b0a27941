"""The BigCommerce API client: auth, JSON, typed errors, retries, rate limits and paging.

It knows nothing of ERPs, mappings or sync. Resource groups (``client.orders``,
``client.customers`` ...) sit on top of :meth:`BigCommerceClient.request` and the paging
iterators.
"""

from __future__ import annotations

import base64
import json
import logging
import random
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Final, Literal
from urllib.parse import quote, urlencode

import attrs

from bigcommerce_connect._version import __version__
from bigcommerce_connect.api_path import ApiPath, AuthMode, parse_api_path
from bigcommerce_connect.batch import BatchResult
from bigcommerce_connect.errors import (
    ApiError,
    NetworkError,
    UnexpectedResponseError,
    UnsupportedOperationError,
    error_for_response,
    request_id_of,
)
from bigcommerce_connect.ratelimit import RateLimitGovernor
from bigcommerce_connect.retry import IDEMPOTENT_METHODS, RetryPolicy
from bigcommerce_connect.secret import Secret
from bigcommerce_connect.transport import (
    Headers,
    HttpRequest,
    HttpResponse,
    Transport,
    TransportError,
    Urllib3Transport,
)
from bigcommerce_connect.wire import format_query_value

if TYPE_CHECKING:
    from bigcommerce_connect.resources import (
        CategoriesResource,
        CustomerGroupsResource,
        CustomersResource,
        InventoryResource,
        OrdersResource,
        OrderStatusesResource,
        PriceListsResource,
        ProductsResource,
        Resources,
        VariantsResource,
        WebhooksResource,
    )
    from bigcommerce_connect.settings import StoreSettings

__all__ = ["ApiResponse", "ApiVersion", "BigCommerceClient"]

log = logging.getLogger("bigcommerce_connect.client")

ApiVersion = Literal["v2", "v3"]
USER_AGENT: Final = f"bigcommerce-connect/{__version__} (+python)"
MAX_PAGE_SIZE: Final = 250


@attrs.frozen
class ApiResponse:
    """A successful answer: status, headers and the decoded JSON (None for an empty body)."""

    status: int
    headers: Headers
    data: Any
    request_id: str | None


def _json_default(value: object) -> object:
    # v3 takes money as JSON numbers. A Decimal of up to 15 significant digits survives the
    # float's shortest repr exactly, which covers every money amount a store holds.
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, datetime):
        return value.isoformat()
    raise TypeError(f"cannot send a {type(value).__name__} as JSON")


class BigCommerceClient:
    """A client for one store.

    Build it from :class:`~bigcommerce_connect.settings.StoreSettings` with
    :meth:`from_settings`, or from a pasted API path and a token::

        client = BigCommerceClient("https://api.bigcommerce.com/stores/abc123/v3/", token)
        for order in client.orders.iter(status_id=OrderStatus.AWAITING_FULFILLMENT):
            ...

    ``clock``, ``sleep`` and ``rng`` are injectable so tests never really wait.
    """

    def __init__(
        self,
        api_path: str | ApiPath,
        access_token: str | Secret,
        *,
        client_id: str = "",
        username: str = "",
        allow_insecure_host: bool = False,
        transport: Transport | None = None,
        ca_file: str | None = None,
        timeout: float = 30.0,
        retry: RetryPolicy | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
        rng: random.Random | None = None,
        rate_limit_reserve: int = 2,
    ) -> None:
        self.endpoint = (
            api_path
            if isinstance(api_path, ApiPath)
            else parse_api_path(api_path, allow_insecure_host=allow_insecure_host)
        )
        token = access_token if isinstance(access_token, Secret) else Secret(access_token)
        if not token:
            raise ValueError("the API token is empty")
        if self.endpoint.auth_mode is AuthMode.LEGACY_BASIC and not username:
            raise ValueError("a legacy API path needs the API user name (username) for Basic auth")
        self._auth_headers = _auth_headers(self.endpoint, token, client_id, username)
        self._transport: Transport = transport or Urllib3Transport(ca_file=ca_file)
        self._timeout = timeout
        self._retry = retry or RetryPolicy()
        self._sleep = sleep
        self._rng = rng or random.Random()
        self.governor = RateLimitGovernor(clock=clock, sleep=sleep, reserve=rate_limit_reserve)
        self._count_lock = threading.Lock()
        self.api_calls = 0
        self._resources: Resources | None = None

    @classmethod
    def from_settings(cls, settings: StoreSettings, **kwargs: Any) -> BigCommerceClient:
        """A client for the store the settings describe (their token, path and user name)."""
        return cls(
            settings.endpoint,
            settings.api_token,
            client_id=settings.username if settings.endpoint.auth_mode is AuthMode.OAUTH else "",
            username=settings.username,
            **kwargs,
        )

    def __repr__(self) -> str:
        return (
            f"BigCommerceClient({self.endpoint.origin!r}, store_hash={self.endpoint.store_hash!r})"
        )

    def __enter__(self) -> BigCommerceClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        """Release the transport's connections."""
        self._transport.close()

    # -- resource groups -------------------------------------------------------------------

    @property
    def resources(self) -> Resources:
        """Every typed endpoint group (also reachable as ``client.orders`` and so on)."""
        if self._resources is None:
            from bigcommerce_connect.resources import Resources

            self._resources = Resources(self)
        return self._resources

    @property
    def orders(self) -> OrdersResource:
        """V2 orders: list, get, status moves, counts, lines."""
        return self.resources.orders

    @property
    def order_statuses(self) -> OrderStatusesResource:
        """The store's order statuses and renamed labels."""
        return self.resources.order_statuses

    @property
    def customers(self) -> CustomersResource:
        """V3 customers."""
        return self.resources.customers

    @property
    def customer_groups(self) -> CustomerGroupsResource:
        """V2 customer groups (B2B price levels)."""
        return self.resources.customer_groups

    @property
    def products(self) -> ProductsResource:
        """V3 catalog products and custom fields."""
        return self.resources.products

    @property
    def variants(self) -> VariantsResource:
        """V3 catalog variants."""
        return self.resources.variants

    @property
    def categories(self) -> CategoriesResource:
        """Categories and category trees."""
        return self.resources.categories

    @property
    def inventory(self) -> InventoryResource:
        """Inventory absolute adjustments."""
        return self.resources.inventory

    @property
    def price_lists(self) -> PriceListsResource:
        """Price lists, records and assignments."""
        return self.resources.price_lists

    @property
    def webhooks(self) -> WebhooksResource:
        """Webhook subscriptions."""
        return self.resources.webhooks

    # -- requests --------------------------------------------------------------------------

    def url_for(self, version: ApiVersion, path: str, params: Mapping[str, Any] | None) -> str:
        """The full URL for ``path`` under the store's v2 or v3 base."""
        base = self._base(version, path)
        url = base + path.lstrip("/")
        if params:
            url += "?" + encode_query(params, version)
        return url

    def _base(self, version: ApiVersion, path: str) -> str:
        if version == "v2":
            return self.endpoint.v2_base
        if self.endpoint.v3_base is None:
            raise UnsupportedOperationError(
                f"v3/{path.lstrip('/')} needs an OAuth API account: the legacy API path "
                f"({self.endpoint.host}) uses Basic auth and can only call v2 endpoints. "
                "Create a store API account and paste its API path."
            )
        return self.endpoint.v3_base

    def request(
        self,
        method: str,
        version: ApiVersion,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        body: Any = None,
        ok_statuses: frozenset[int] = frozenset(),
        headers: Mapping[str, str] | None = None,
    ) -> ApiResponse:
        """Send one API request with retries and pacing; return the decoded success.

        ``ok_statuses`` lists extra statuses to return instead of raising (a batch's 207/422).
        """
        method = method.upper()
        label = f"{version}/{path.lstrip('/')}"
        request = HttpRequest(
            method=method,
            url=self.url_for(version, path, params),
            headers=self._headers(body is not None, headers),
            body=None if body is None else self._encode(body, version),
            timeout=self._timeout,
        )
        response = self._send_with_retries(request, label)
        if 200 <= response.status < 300 or response.status in ok_statuses:
            return ApiResponse(
                status=response.status,
                headers=response.headers,
                data=_decode(response, method, label),
                request_id=request_id_of(response.headers),
            )
        raise error_for_response(
            method=method,
            path=label,
            status=response.status,
            headers=response.headers,
            body=response.body,
        )

    def _headers(self, has_body: bool, extra: Mapping[str, str] | None) -> Headers:
        headers = {"Accept": "application/json", "User-Agent": USER_AGENT, **self._auth_headers}
        if has_body:
            headers["Content-Type"] = "application/json"
        if extra:
            headers.update(extra)
        return Headers(headers)

    @staticmethod
    def _encode(body: Any, version: ApiVersion) -> bytes:
        if version == "v2":
            body = _v2_money_as_strings(body)
        return json.dumps(body, default=_json_default, ensure_ascii=False).encode("utf-8")

    def _count_call(self) -> None:
        with self._count_lock:
            self.api_calls += 1

    def _send_with_retries(self, request: HttpRequest, label: str) -> HttpResponse:
        failures = 0
        rate_limited = 0
        while True:
            self.governor.before_request()
            self._count_call()
            started = time.perf_counter()
            try:
                response = self._transport.send(request)
            except TransportError as error:
                failures += 1
                if self._may_retry_network(request.method, error, failures):
                    self._back_off(request.method, failures, label, error.kind)
                    continue
                raise NetworkError(
                    str(error),
                    method=request.method,
                    path=label,
                    kind=error.kind,
                    retryable=error.retryable,
                ) from None
            _log_response(request.method, label, response.status, started)
            self.governor.observe(response.headers)
            if response.status == 429:
                rate_limited += 1
                if rate_limited > self._retry.max_rate_limit_waits:
                    return response
                self._wait_for_quota(response.headers, rate_limited)
                continue
            if self._should_retry_response(request.method, response, failures + 1):
                failures += 1
                self._back_off(request.method, failures, label, str(response.status))
                continue
            return response

    def _may_retry_network(self, method: str, error: TransportError, failures: int) -> bool:
        if failures >= self._retry.max_attempts:
            return False
        return self._retry.may_retry_network(method, error.kind, error.retryable)

    def _should_retry_response(self, method: str, response: HttpResponse, attempt: int) -> bool:
        if attempt >= self._retry.max_attempts:
            return False
        if self._retry.may_retry_status(method, response.status):
            return True
        # A 2xx whose JSON is cut short was garbled on the way: read it again if that is safe.
        return (
            method in IDEMPOTENT_METHODS
            and 200 <= response.status < 300
            and not _is_valid_json(response.body)
        )

    def _back_off(self, method: str, failures: int, label: str, reason: str) -> None:
        delay = self._retry.backoff(failures, self._rng, is_write=method != "GET")
        log.info("retrying %s %s after %s in %.2fs", method, label, reason, delay)
        self._sleep(delay)

    def _wait_for_quota(self, headers: Headers, rate_limited: int) -> None:
        delay = self.governor.delay_after_429(headers)
        if delay is None:
            # A 429 without quota headers means the platform is under load: back off harder
            # each time, and never less than the base delay so it is never a hot loop.
            ceiling = self._retry.backoff(rate_limited, self._rng) + self._retry.base_delay
            delay = max(self._retry.base_delay, ceiling)
        log.info("rate limited; waiting %.2fs", delay)
        self._sleep(delay)

    # -- paging ----------------------------------------------------------------------------

    def pages_v2(
        self, path: str, params: Mapping[str, Any] | None = None, *, limit: int = MAX_PAGE_SIZE
    ) -> Iterator[list[Any]]:
        """Lazily yield the pages of a v2 collection (page/limit; stops on 204 or a short page)."""
        limit = _check_limit(limit)
        page = 1
        previous_first: object = None
        while True:
            query = {**(params or {}), "page": page, "limit": limit}
            items = self.request("GET", "v2", path, params=query).data
            if items is None or items == []:
                return
            if not isinstance(items, list):
                raise _unexpected("GET", f"v2/{path}", "a v2 list was not a JSON array")
            first = _first_id(items)
            if page > 1 and first is not None and first == previous_first:
                # A server that ignores ``page`` would otherwise be read forever.
                raise _unexpected("GET", f"v2/{path}", "the same page came back twice")
            yield items
            if len(items) < limit:
                return
            page, previous_first = page + 1, first

    def iter_v2(
        self, path: str, params: Mapping[str, Any] | None = None, *, limit: int = MAX_PAGE_SIZE
    ) -> Iterator[Any]:
        """Lazily yield every item of a v2 collection."""
        for page in self.pages_v2(path, params, limit=limit):
            yield from page

    def pages_v3(
        self, path: str, params: Mapping[str, Any] | None = None, *, limit: int = MAX_PAGE_SIZE
    ) -> Iterator[list[Any]]:
        """Lazily yield the pages of a v3 collection, driven by ``meta.pagination``."""
        limit = _check_limit(limit)
        page = 1
        while True:
            query = {**(params or {}), "page": page, "limit": limit}
            body = self.request("GET", "v3", path, params=query).data
            if not isinstance(body, Mapping) or not isinstance(body.get("data"), list):
                raise _unexpected("GET", f"v3/{path}", "a v3 list had no data array")
            items: list[Any] = body["data"]
            if items:
                yield items
            total_pages = _total_pages(body)
            if not items or total_pages is None or page >= total_pages:
                return
            page += 1

    def iter_v3(
        self, path: str, params: Mapping[str, Any] | None = None, *, limit: int = MAX_PAGE_SIZE
    ) -> Iterator[Any]:
        """Lazily yield every item of a v3 collection."""
        for page in self.pages_v3(path, params, limit=limit):
            yield from page

    def batch(
        self,
        method: str,
        path: str,
        items: list[Any],
        *,
        max_items: int,
        params: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> BatchResult:
        """Send one v3 batch write of at most ``max_items``; partial failures come back per item."""
        if len(items) > max_items:
            raise ValueError(f"{path} takes at most {max_items} items a request, got {len(items)}")
        response = self.request(
            method,
            "v3",
            path,
            params=params,
            body=items,
            ok_statuses=frozenset({207, 422}),
            headers=headers,
        )
        if response.status == 422 and not _has_batch_errors(response.data):
            raise error_for_response(
                method=method,
                path=f"v3/{path}",
                status=422,
                headers=response.headers,
                body=json.dumps(response.data).encode(),
            )
        return BatchResult.from_body(response.status, response.data, response.request_id)


def encode_query(params: Mapping[str, Any], version: ApiVersion) -> str:
    """Encode query parameters once: ``+`` becomes ``%2B``, lists become ``a,b,c``."""
    pairs = [(key, format_query_value(value, version)) for key, value in params.items()]
    return urlencode([(k, v) for k, v in pairs if v is not None], quote_via=quote, safe=":,")


def _auth_headers(
    endpoint: ApiPath, token: Secret, client_id: str, username: str
) -> dict[str, str]:
    if endpoint.auth_mode is AuthMode.LEGACY_BASIC:
        raw = f"{username}:{token.reveal()}".encode()
        return {"Authorization": "Basic " + base64.b64encode(raw).decode("ascii")}
    headers = {"X-Auth-Token": token.reveal()}
    if client_id:
        headers["X-Auth-Client"] = client_id
    return headers


def _v2_money_as_strings(body: Any) -> Any:
    if isinstance(body, Decimal):
        return f"{body:.4f}"
    if isinstance(body, Mapping):
        return {k: _v2_money_as_strings(v) for k, v in body.items()}
    if isinstance(body, list):
        return [_v2_money_as_strings(v) for v in body]
    return body


def _is_valid_json(body: bytes) -> bool:
    if not body.strip():
        return True
    try:
        json.loads(body)
    except ValueError:
        return False
    return True


def _decode(response: HttpResponse, method: str, label: str) -> Any:
    if response.status == 204 or not response.body.strip():
        return None
    try:
        return json.loads(response.body)
    except ValueError:
        raise _unexpected(method, label, "the response was not valid JSON", response) from None


def _unexpected(
    method: str, label: str, reason: str, response: HttpResponse | None = None
) -> ApiError:
    return UnexpectedResponseError(
        method=method,
        path=label,
        status=response.status if response else 200,
        request_id=request_id_of(response.headers) if response else None,
        title=reason,
    )


def _has_batch_errors(data: Any) -> bool:
    return isinstance(data, Mapping) and isinstance(data.get("batch_errors"), list)


def _check_limit(limit: int) -> int:
    if not 1 <= limit <= MAX_PAGE_SIZE:
        raise ValueError(f"page size must be between 1 and {MAX_PAGE_SIZE}, got {limit}")
    return limit


def _first_id(items: list[Any]) -> object:
    first = items[0]
    return first.get("id") if isinstance(first, Mapping) else None


def _total_pages(body: Mapping[str, Any]) -> int | None:
    meta = body.get("meta")
    pagination = meta.get("pagination") if isinstance(meta, Mapping) else None
    if not isinstance(pagination, Mapping):
        return None
    total = pagination.get("total_pages")
    return total if isinstance(total, int) else None


def _log_response(method: str, label: str, status: int, started: float) -> None:
    if log.isEnabledFor(logging.DEBUG):
        elapsed_ms = (time.perf_counter() - started) * 1000
        log.debug("%s %s -> %s (%.0f ms)", method, label, status, elapsed_ms)
