"""The BigCommerce API client: auth, JSON, typed errors, retries, rate limits and paging.

It knows nothing of ERPs, mappings, settings or sync. It builds the resource groups
(``client.orders``, ``client.customers`` ...), which send their requests through it as a
:class:`~bigcommerce_connect.requester.Requester`.
"""

from __future__ import annotations

import base64
import json
import logging
import random
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator, Mapping
from typing import Any, Final, Protocol
from urllib.parse import quote, urlencode

from bigcommerce_connect._paging import Page, numbered_pages, wire_id
from bigcommerce_connect._version import __version__
from bigcommerce_connect.api_path import ApiPath, AuthMode, parse_api_path
from bigcommerce_connect.batch import BatchResult
from bigcommerce_connect.errors import (
    ApiError,
    NetworkError,
    PagingError,
    UnexpectedResponseError,
    UnsupportedOperationError,
    error_for_response,
    request_id_of,
)
from bigcommerce_connect.ratelimit import RateLimitGovernor
from bigcommerce_connect.repairs import WireRepair, decode_json
from bigcommerce_connect.requester import ApiResponse, ApiVersion, Expect
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
from bigcommerce_connect.retry import IDEMPOTENT_METHODS, RATE_LIMIT_STATUSES, RetryPolicy
from bigcommerce_connect.secret import Secret
from bigcommerce_connect.transport import (
    DEFAULT_MAX_BODY_BYTES,
    Headers,
    HttpRequest,
    HttpResponse,
    Transport,
    TransportError,
    Urllib3Transport,
)
from bigcommerce_connect.values import encode_json, format_query_value

__all__ = ["ApiResponse", "ApiVersion", "BigCommerceClient"]

log = logging.getLogger("bigcommerce_connect.client")

USER_AGENT: Final = f"bigcommerce-connect/{__version__} (+python)"
MAX_PAGE_SIZE: Final = 250
#: How many wire repairs a client keeps until :meth:`BigCommerceClient.take_wire_repairs`.
MAX_WIRE_REPAIRS: Final = 1000


class ClientSettings(Protocol):
    """What :meth:`BigCommerceClient.from_settings` takes: settings that can build a client.

    :class:`~bigcommerce_connect.settings.StoreSettings` is one (see its ``connect``); the
    client does not import the settings, so it names only what it calls.
    """

    def connect(self, **kwargs: Any) -> BigCommerceClient:
        """A client for the store these settings describe."""
        ...


class BigCommerceClient:
    """A client for one store.

    Build it from :class:`~bigcommerce_connect.settings.StoreSettings` with
    ``settings.connect()``, or from a pasted API path and a token::

        client = BigCommerceClient("https://api.bigcommerce.com/stores/abc123/v3/", token)
        for order in client.orders.iter(status_id=OrderStatus.AWAITING_FULFILLMENT):
            ...

    ``clock``, ``sleep`` and ``rng`` are injectable so tests never really wait. ``timeout``
    bounds each read, ``deadline`` (seconds, None for none) one whole attempt (connect,
    headers and body), ``max_body_bytes`` the size of an answer (the default transport's
    cap; an answer over it is a :class:`~bigcommerce_connect.errors.NetworkError` of kind
    ``"too_large"``, never retried).
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
        deadline: float | None = 120.0,
        max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
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
        self._transport: Transport = transport or Urllib3Transport(
            ca_file=ca_file, max_body_bytes=max_body_bytes
        )
        self._timeout = timeout
        self._deadline = deadline
        self._retry = retry or RetryPolicy()
        self._sleep = sleep
        self._rng = rng or random.Random()
        self.governor = RateLimitGovernor(clock=clock, sleep=sleep, reserve=rate_limit_reserve)
        self._count_lock = threading.Lock()
        self.api_calls = 0
        self._resources = Resources(self)
        self._repairs: deque[WireRepair] = deque(maxlen=MAX_WIRE_REPAIRS)
        self._repairs_lock = threading.Lock()

    @staticmethod
    def from_settings(settings: ClientSettings, **kwargs: Any) -> BigCommerceClient:
        """A client for the store the settings describe: the same as ``settings.connect()``.

        ``kwargs`` are the constructor's keyword options (``transport``, ``timeout`` ...).
        """
        return settings.connect(**kwargs)

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

    def take_wire_repairs(self) -> list[WireRepair]:
        """What the client repaired while decoding answers since the last call, oldest first.

        Lone surrogates and undecodable bytes become U+FFFD (``kind="text"``), values nested
        deeper than :data:`~bigcommerce_connect.repairs.MAX_JSON_DEPTH` become None
        (``kind="depth"``). Only the last 1,000 are kept; each was also logged as a WARNING.
        Thread-safe: every repair is taken exactly once.
        """
        with self._repairs_lock:
            repairs = list(self._repairs)
            self._repairs.clear()
        return repairs

    def _keep_repairs(self, repairs: list[WireRepair]) -> None:
        for repair in repairs:
            # The field's name may come from the wire: %r escapes control characters. The
            # value itself is never logged.
            log.warning(
                "repaired %s in the answer of %s: record %r, field %r",
                "invalid text" if repair.kind == "text" else "a too deeply nested value",
                repair.path,
                repair.record_id,
                repair.field,
            )
        if repairs:
            with self._repairs_lock:
                self._repairs.extend(repairs)

    # -- resource groups -------------------------------------------------------------------

    @property
    def resources(self) -> Resources:
        """Every typed endpoint group (also reachable as ``client.orders`` and so on)."""
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
        expect: Expect = "any",
    ) -> ApiResponse:
        """Send one API request with retries and pacing; return the decoded success.

        ``ok_statuses`` lists extra statuses to return instead of raising (a batch's 207/422).
        ``expect`` says what a success must hold: ``"object"`` a JSON object, ``"v2_list"`` a
        JSON array (a 204 gives ``[]``), ``"v3_list"`` an object with a ``data`` array,
        ``"any"`` any JSON (an empty body gives None, except a GET's 200, which must hold
        JSON). A success that does not (empty, cut, not JSON, the wrong shape) is garbled: a
        read (an idempotent method) is sent again as after a network error, within the same
        attempts and backoff, then :class:`~bigcommerce_connect.errors.UnexpectedResponseError`
        is raised. A POST is never sent twice: its garbled answer raises that error at once,
        and the store may have acted on it (check before sending it again).
        """
        method = method.upper()
        label = f"{version}/{path.lstrip('/')}"
        request = HttpRequest(
            method=method,
            url=self.url_for(version, path, params),
            headers=self._headers(body is not None, headers),
            body=None if body is None else self._encode(body, version),
            timeout=self._timeout,
            deadline=self._deadline,
        )
        reader = _AnswerReader(method, label, expect)
        response = self._send_with_retries(request, label, reader)
        if 200 <= response.status < 300 or response.status in ok_statuses:
            data, repairs = reader.read(response)
            self._keep_repairs(repairs)
            return ApiResponse(
                status=response.status,
                headers=response.headers,
                data=data,
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
        # Exact money (a Decimal never becomes a float); a value the API cannot hold raises
        # WireValueError here, before anything is sent.
        return encode_json(body, version)

    def _count_call(self) -> None:
        with self._count_lock:
            self.api_calls += 1

    def _send_with_retries(
        self, request: HttpRequest, label: str, reader: _AnswerReader | None = None
    ) -> HttpResponse:
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
            if response.status in RATE_LIMIT_STATUSES:  # 429, or 509 from the older API
                rate_limited += 1
                if rate_limited > self._retry.max_rate_limit_waits:
                    return response
                self._wait_for_quota(response.headers, rate_limited)
                continue
            if self._should_retry_response(request.method, response, failures + 1):
                failures += 1
                self._back_off(request.method, failures, label, str(response.status))
                continue
            garbled = self._garbled_to_retry(request.method, response, reader, failures + 1)
            if garbled:
                failures += 1
                self._back_off(request.method, failures, label, f"a garbled answer ({garbled})")
                continue
            return response

    def _may_retry_network(self, method: str, error: TransportError, failures: int) -> bool:
        if failures >= self._retry.max_attempts:
            return False
        return self._retry.may_retry_network(method, error.kind, error.retryable)

    def _should_retry_response(self, method: str, response: HttpResponse, attempt: int) -> bool:
        if attempt >= self._retry.max_attempts:
            return False
        return self._retry.may_retry_status(method, response.status)

    def _garbled_to_retry(
        self, method: str, response: HttpResponse, reader: _AnswerReader | None, attempt: int
    ) -> str | None:
        # A 2xx that is empty, cut or of the wrong shape was garbled on the way (a proxy, a
        # connection dropped after the status line): read it again if that is safe. A POST
        # is never sent twice, whatever its answer looked like.
        if reader is None or not 200 <= response.status < 300:
            return None
        if method not in IDEMPOTENT_METHODS or attempt >= self._retry.max_attempts:
            return None
        return reader.garbled(response)

    def _back_off(self, method: str, failures: int, label: str, reason: str) -> None:
        delay = self._retry.backoff(failures, self._rng, is_write=method != "GET")
        log.info("retrying %s %s after %s in %.2fs", method, label, reason, delay)
        self._sleep(delay)

    def _wait_for_quota(self, headers: Headers, rate_limited: int) -> None:
        # Bounded, jittered, never below the minimum: hostile header values are clamped.
        delay = self.governor.rate_limit_wait(
            headers, attempt=rate_limited, policy=self._retry, rng=self._rng
        )
        log.info("rate limited; waiting %.2fs", delay)
        self._sleep(delay)

    # -- paging ----------------------------------------------------------------------------

    def pages_v2(
        self, path: str, params: Mapping[str, Any] | None = None, *, limit: int = MAX_PAGE_SIZE
    ) -> Iterator[list[Any]]:
        """Lazily yield the pages of a v2 collection by page number, until a 204 or ``[]``.

        A page shorter than ``limit`` does not end the list (stores and proxies serve short
        pages while more exist), so a collection costs one call more than its pages; a page
        found shorter than the pages after it is read again so none of its items is skipped.
        Items already yielded (records shifting between pages) are dropped, so each comes
        once; a page that brings nothing new (an ignored ``page``, a repeated or shuffled
        page) raises :class:`~bigcommerce_connect.errors.PagingError` instead of looping.
        """
        limit = _check_limit(limit)

        def fetch(number: int) -> Page:
            query = {**(params or {}), "page": number, "limit": limit}
            answer = self.request("GET", "v2", path, params=query, expect="v2_list")
            return Page(answer.data, False, answer.status, answer.request_id)

        yield from numbered_pages(fetch, f"v2/{path.lstrip('/')}")

    def iter_v2(
        self, path: str, params: Mapping[str, Any] | None = None, *, limit: int = MAX_PAGE_SIZE
    ) -> Iterator[Any]:
        """Lazily yield every item of a v2 collection, each once (see :meth:`pages_v2`)."""
        for page in self.pages_v2(path, params, limit=limit):
            yield from page

    def pages_v2_keyset(
        self,
        path: str,
        params: Mapping[str, Any] | None = None,
        *,
        key: str = "min_id",
        limit: int = MAX_PAGE_SIZE,
    ) -> Iterator[list[Any]]:
        """Lazily yield the pages of a v2 collection by id keyset, until a 204 or ``[]``.

        Pages are sorted by id; each asks for ids from the last page's highest + 1 (the
        ``key`` parameter; a ``key`` in ``params`` is where the first page starts). Records
        entering or leaving the list between pages shift nothing, unlike page numbers. Every
        id must be above the last page's highest (and not below the first page's start),
        else :class:`~bigcommerce_connect.errors.PagingError`. A short page does not end the
        list, so a collection costs one call more than its pages.
        """
        limit = _check_limit(limit)
        label = f"v2/{path.lstrip('/')}"
        query: dict[str, Any] = {**(params or {}), "sort": "id:asc", "limit": limit}
        lowest = _as_int(query.get(key))
        while True:
            answer = self.request("GET", "v2", path, params=query, expect="v2_list")
            if not answer.data:
                return
            highest = _keyset_highest(answer, label, key, lowest)
            yield answer.data
            lowest = highest + 1
            query[key] = lowest

    def pages_v3(
        self, path: str, params: Mapping[str, Any] | None = None, *, limit: int = MAX_PAGE_SIZE
    ) -> Iterator[list[Any]]:
        """Lazily yield the pages of a v3 collection up to ``meta.pagination.total_pages``.

        The list ends at ``total_pages`` (never asking past it), on a page with no data, or
        after the first page when the answer carries no pagination (an endpoint that does not
        page); a short page does not end it, and one found shorter than the pages after it is
        read again. Items already yielded are dropped; a page that brings nothing new raises
        :class:`~bigcommerce_connect.errors.PagingError`.
        """
        limit = _check_limit(limit)

        def fetch(number: int) -> Page:
            query = {**(params or {}), "page": number, "limit": limit}
            answer = self.request("GET", "v3", path, params=query, expect="v3_list")
            total_pages = _total_pages(answer.data)
            last = total_pages is None or number >= total_pages
            return Page(answer.data["data"], last, answer.status, answer.request_id)

        yield from numbered_pages(fetch, f"v3/{path.lstrip('/')}")

    def iter_v3(
        self, path: str, params: Mapping[str, Any] | None = None, *, limit: int = MAX_PAGE_SIZE
    ) -> Iterator[Any]:
        """Lazily yield every item of a v3 collection, each once (see :meth:`pages_v3`)."""
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


class _AnswerReader:
    """Decodes one request's successes, each body once, and says when one is garbled."""

    def __init__(self, method: str, label: str, expect: Expect) -> None:
        self.method = method
        self.label = label
        self.expect = expect
        self._response: HttpResponse | None = None
        self._outcome: tuple[Any, list[WireRepair]] | str = ""

    def garbled(self, response: HttpResponse) -> str | None:
        """Why ``response`` cannot be used (empty, cut, the wrong shape), or None."""
        outcome = self._decode(response)
        return outcome if isinstance(outcome, str) else None

    def read(self, response: HttpResponse) -> tuple[Any, list[WireRepair]]:
        """The decoded answer and what was repaired in it, or the typed error."""
        outcome = self._decode(response)
        if isinstance(outcome, str):
            raise _unexpected(self.method, self.label, f"garbled answer: {outcome}", response)
        return outcome

    def _decode(self, response: HttpResponse) -> tuple[Any, list[WireRepair]] | str:
        if response is not self._response:
            self._response = response
            self._outcome = _decode_answer(response, self.method, self.label, self.expect)
        return self._outcome


def _decode_answer(
    response: HttpResponse, method: str, label: str, expect: Expect
) -> tuple[Any, list[WireRepair]] | str:
    """The decoded answer and its repairs, or why it is garbled."""
    if response.status == 204 or not response.body.strip():
        return _empty_answer(response.status, method, expect)
    try:
        data, repairs = decode_json(response.body, label, expect)
    except (ValueError, RecursionError, OverflowError, MemoryError):
        # ValueError covers cut or invalid JSON and text that is not UTF-8 at all.
        return "the body is not valid JSON"
    problem = _shape_problem(data, expect)
    return problem if problem else (data, repairs)


def _empty_answer(status: int, method: str, expect: Expect) -> tuple[Any, list[WireRepair]] | str:
    # An empty v2 list is a 204 (or []); an empty 200 to a read is a body lost on the way.
    if expect == "v2_list" and status == 204:
        return [], []
    if expect == "any" and (status == 204 or method != "GET"):
        return None, []
    return f"no body where {_EXPECTED[expect]} was expected (status {status})"


_EXPECTED: Final[dict[str, str]] = {
    "any": "JSON",
    "object": "a JSON object",
    "v2_list": "a JSON array",
    "v3_list": "an object with a data array",
}


def _shape_problem(data: Any, expect: Expect) -> str | None:
    if expect == "object" and not isinstance(data, dict):
        return "the answer is not a JSON object"
    if expect == "v2_list" and not isinstance(data, list):
        return "a v2 list is not a JSON array"
    if expect == "v3_list":
        if not isinstance(data, dict) or not isinstance(data.get("data"), list):
            return "a v3 list has no data array"
        meta = data.get("meta")
        pagination = meta.get("pagination") if isinstance(meta, dict) else None
        if isinstance(pagination, dict) and "total_pages" in pagination:
            total = pagination["total_pages"]
            if not isinstance(total, int) or isinstance(total, bool) or total < 0:
                return "a v3 list's total_pages is not a count"
    return None


def _keyset_highest(answer: ApiResponse, label: str, key: str, lowest: int | None) -> int:
    """The page's highest id, after checking every id is at or above ``lowest``."""
    ids = [number for number in map(wire_id, answer.data) if number is not None]
    problem = ""
    if not ids:
        problem = "no item of the page had an id"
    elif lowest is not None and min(ids) < lowest:
        problem = f"id {min(ids)} is below the requested {key}={lowest} (the store ignored it)"
    if problem:
        raise PagingError(
            method="GET",
            path=label,
            status=answer.status,
            request_id=answer.request_id,
            title=problem,
        )
    return max(ids)


def _as_int(value: object) -> int | None:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value)
    return None


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
