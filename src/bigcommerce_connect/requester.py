"""What the resource groups need from a client: requests, paging and batch writes.

:class:`~bigcommerce_connect.client.BigCommerceClient` is the one implementation; the
resources (``client.orders``, ``client.customers`` ...) depend only on this protocol, so they
sit below the client and never import it.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, Literal, Protocol

import attrs

from bigcommerce_connect.batch import BatchResult
from bigcommerce_connect.repairs import Layout
from bigcommerce_connect.transport import Headers

__all__ = ["ApiResponse", "ApiVersion", "Expect", "Requester"]

ApiVersion = Literal["v2", "v3"]
#: What a success must hold (see :meth:`Requester.request`).
Expect = Layout


@attrs.frozen
class ApiResponse:
    """A successful answer: status, headers and the decoded JSON (None for an empty body).

    With ``expect="v2_list"`` a 204 gives ``[]``.
    """

    status: int
    headers: Headers
    data: Any
    request_id: str | None


class Requester(Protocol):
    """Sends API requests for one store: retries, pacing, typed errors and paging included.

    The methods are those of :class:`~bigcommerce_connect.client.BigCommerceClient`, which
    documents each one.
    """

    def request(
        self,
        method: str,
        version: ApiVersion,
        path: str,
        *,
        params: Mapping[str, Any] | None = ...,
        body: Any = ...,
        ok_statuses: frozenset[int] = ...,
        headers: Mapping[str, str] | None = ...,
        expect: Expect = ...,
    ) -> ApiResponse:
        """Send one request; return the decoded success or raise the typed error."""
        ...

    def pages_v2(
        self, path: str, params: Mapping[str, Any] | None = ..., *, limit: int = ...
    ) -> Iterator[list[Any]]:
        """Lazily yield the pages of a v2 collection by page number."""
        ...

    def pages_v2_keyset(
        self,
        path: str,
        params: Mapping[str, Any] | None = ...,
        *,
        key: str = ...,
        limit: int = ...,
    ) -> Iterator[list[Any]]:
        """Lazily yield the pages of a v2 collection by id keyset."""
        ...

    def pages_v3(
        self, path: str, params: Mapping[str, Any] | None = ..., *, limit: int = ...
    ) -> Iterator[list[Any]]:
        """Lazily yield the pages of a v3 collection."""
        ...

    def iter_v2(
        self, path: str, params: Mapping[str, Any] | None = ..., *, limit: int = ...
    ) -> Iterator[Any]:
        """Lazily yield every item of a v2 collection, each once."""
        ...

    def iter_v3(
        self, path: str, params: Mapping[str, Any] | None = ..., *, limit: int = ...
    ) -> Iterator[Any]:
        """Lazily yield every item of a v3 collection, each once."""
        ...

    def batch(
        self,
        method: str,
        path: str,
        items: list[Any],
        *,
        max_items: int,
        params: Mapping[str, Any] | None = ...,
        headers: Mapping[str, str] | None = ...,
    ) -> BatchResult:
        """Send one v3 batch write of at most ``max_items``; failures come back per item."""
        ...
