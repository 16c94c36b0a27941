"""The BigCommerce API client: auth, JSON, typed errors, retries, rate limits and paging.

It knows nothing of ERPs, mappings, settings or sync. It builds the resource groups
(``client.orders``, ``client.customers`` ...), which send their requests through it as a
:class:`~bigcommerce_connect.requester.Requester`. Its parts live next to it: building a
request (:mod:`~bigcommerce_connect.client_requests`), the retry and rate-limit send loop
(:mod:`~bigcommerce_connect.client_sending`), reading answers strictly
(:mod:`~bigcommerce_connect.client_answers`) and walking lists
(:mod:`~bigcommerce_connect.client_paging`).
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterator, Mapping
from typing import Any, Protocol

from bigcommerce_connect.api_path import ApiPath, AuthMode, parse_api_path
from bigcommerce_connect.batch import BatchResult
from bigcommerce_connect.client_answers import AnswerReader, RepairLog, check_batch_answer
from bigcommerce_connect.client_paging import (
    MAX_PAGE_SIZE,
    keyset_pages_v2,
    numbered_pages_v2,
    numbered_pages_v3,
)
from bigcommerce_connect.client_requests import USER_AGENT as USER_AGENT
from bigcommerce_connect.client_requests import Credentials, RequestBuilder
from bigcommerce_connect.client_requests import encode_query as encode_query
from bigcommerce_connect.client_sending import RetryingSender
from bigcommerce_connect.ratelimit import RateLimitGovernor
from bigcommerce_connect.repairs import WireRepair
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
    RefundsResource,
    Resources,
    ShipmentsResource,
    VariantsResource,
    WebhooksResource,
)
from bigcommerce_connect.retry import RetryPolicy
from bigcommerce_connect.secret import CredentialError, Secret
from bigcommerce_connect.transport import DEFAULT_MAX_BODY_BYTES, Transport, Urllib3Transport

__all__ = ["ApiResponse", "ApiVersion", "BigCommerceClient"]


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
    ``"too_large"``, never retried). ``max_connections`` is how many connections the default
    transport keeps open: at least as many as requests in flight, or the extra ones are opened
    and thrown away (``settings.connect()`` sizes it from the settings' ``concurrency``).
    """

    def __init__(
        self,
        api_path: str | ApiPath,
        access_token: str | Secret,
        *,
        client_id: str | Secret = "",
        username: str | Secret = "",
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
        max_connections: int = 8,
    ) -> None:
        self.endpoint = (
            api_path
            if isinstance(api_path, ApiPath)
            else parse_api_path(api_path, allow_insecure_host=allow_insecure_host)
        )
        # Stripped and checked once; kept as Secrets, the headers are built per request.
        credentials = Credentials(access_token, client_id=client_id, username=username)
        if not credentials.token:
            raise CredentialError("api_token", "is empty")
        if self.endpoint.auth_mode is AuthMode.LEGACY_BASIC and not credentials.username:
            raise CredentialError(
                "username", "a legacy API path needs the API user name for Basic auth"
            )
        self._requests = RequestBuilder(
            self.endpoint,
            credentials,
            timeout=timeout,
            deadline=deadline,
        )
        self._transport: Transport = transport or Urllib3Transport(
            ca_file=ca_file, max_body_bytes=max_body_bytes, max_connections=max_connections
        )
        self.governor = RateLimitGovernor(clock=clock, sleep=sleep, reserve=rate_limit_reserve)
        self._sender = RetryingSender(
            self._transport,
            retry=retry or RetryPolicy(),
            governor=self.governor,
            sleep=sleep,
            rng=rng or random.Random(),
        )
        self._resources = Resources(self)
        self._repairs = RepairLog()

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

    def take_wire_repairs(self, *, this_thread: bool = False) -> list[WireRepair]:
        """What the client repaired while decoding answers since the last call, oldest first.

        Lone surrogates and undecodable bytes become U+FFFD (``kind="text"``), values nested
        deeper than :data:`~bigcommerce_connect.repairs.MAX_JSON_DEPTH` become None
        (``kind="depth"``). Only the last 1,000 are kept; each was also logged as a WARNING.
        Thread-safe: every repair is taken exactly once. ``this_thread`` takes only the
        repairs of answers the calling thread received (the others stay for their threads).
        """
        return self._repairs.take(this_thread=this_thread)

    @property
    def api_calls(self) -> int:
        """How many requests this client has sent (every attempt: retries and resends too)."""
        return self._sender.api_calls

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

    @property
    def refunds(self) -> RefundsResource:
        """V3 order refunds (payment actions): an order's refunds, refunds across orders."""
        return self.resources.refunds

    @property
    def shipments(self) -> ShipmentsResource:
        """V2 order shipments: list, create (never resent), update, delete."""
        return self.resources.shipments

    # -- requests --------------------------------------------------------------------------

    def url_for(self, version: ApiVersion, path: str, params: Mapping[str, Any] | None) -> str:
        """The full URL for ``path`` under the store's v2 or v3 base."""
        return self._requests.url_for(version, path, params)

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
        request = self._requests.build(
            method, version, path, params=params, body=body, headers=headers
        )
        reader = AnswerReader(method, label, expect)
        response = self._sender.send(request, label, reader.garbled)
        answer, repairs = reader.answer(response, ok_statuses)
        self._repairs.keep(repairs)
        return answer

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
        return numbered_pages_v2(self, path, params, limit)

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
        return keyset_pages_v2(self, path, params, key, limit)

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
        return numbered_pages_v3(self, path, params, limit)

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
        check_batch_answer(method, path, response)
        return BatchResult.from_body(response.status, response.data, response.request_id)
