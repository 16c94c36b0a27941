"""Building one API request: its URL under the store's v2 or v3 base, the query encoded
once, the headers (auth, JSON, user agent) and the body encoded exactly.

Credentials go only into the headers built here, for the API path's own origin; the query
and body follow the one value codec (:mod:`bigcommerce_connect.values`).
"""

from __future__ import annotations

import base64
from collections.abc import Mapping
from typing import Any, Final
from urllib.parse import quote, urlencode

from bigcommerce_connect._version import __version__
from bigcommerce_connect.api_path import ApiPath, AuthMode
from bigcommerce_connect.errors import UnsupportedOperationError
from bigcommerce_connect.requester import ApiVersion
from bigcommerce_connect.secret import Secret, header_secret
from bigcommerce_connect.transport import Headers, HttpRequest
from bigcommerce_connect.values import encode_json, format_query_value

__all__ = ["USER_AGENT", "Credentials", "RequestBuilder", "auth_headers", "encode_query"]

USER_AGENT: Final = f"bigcommerce-connect/{__version__} (+python)"


class RequestBuilder:
    """Builds the :class:`~bigcommerce_connect.transport.HttpRequest` of one API call.

    ``timeout`` bounds each read, ``deadline`` one whole attempt (see the client).
    """

    def __init__(
        self,
        endpoint: ApiPath,
        credentials: Credentials,
        *,
        timeout: float,
        deadline: float | None,
    ) -> None:
        self.endpoint = endpoint
        # The credentials stay Secrets: the auth header is built per request and kept by
        # nothing but that request.
        self._credentials = credentials
        self._timeout = timeout
        self._deadline = deadline

    def build(
        self,
        method: str,
        version: ApiVersion,
        path: str,
        *,
        params: Mapping[str, Any] | None,
        body: Any,
        headers: Mapping[str, str] | None,
    ) -> HttpRequest:
        """The request to send; a body value the API cannot hold raises here, before sending."""
        return HttpRequest(
            method=method,
            url=self.url_for(version, path, params),
            headers=self._headers(body is not None, headers),
            # Exact money (a Decimal never becomes a float); a value the API cannot hold
            # raises WireValueError here, before anything is sent.
            body=None if body is None else encode_json(body, version),
            timeout=self._timeout,
            deadline=self._deadline,
        )

    def url_for(self, version: ApiVersion, path: str, params: Mapping[str, Any] | None) -> str:
        """The full URL for ``path`` under the store's v2 or v3 base."""
        url = self._base(version, path) + path.lstrip("/")
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

    def _headers(self, has_body: bool, extra: Mapping[str, str] | None) -> Headers:
        headers = {
            "Accept": "application/json",
            "User-Agent": USER_AGENT,
            **self._credentials.headers(self.endpoint),
        }
        if has_body:
            headers["Content-Type"] = "application/json"
        if extra:
            headers.update(extra)
        return Headers(headers)


def encode_query(params: Mapping[str, Any], version: ApiVersion) -> str:
    """Encode query parameters once: ``+`` becomes ``%2B``, lists become ``a,b,c``."""
    pairs = [(key, format_query_value(value, version)) for key, value in params.items()]
    return urlencode([(k, v) for k, v in pairs if v is not None], quote_via=quote, safe=":,")


class Credentials:
    """A store's credentials, kept as :class:`Secret` values only; never shown.

    Each value is checked once, here (see :func:`~bigcommerce_connect.secret.header_secret`):
    surrounding whitespace is dropped, a character no header can carry raises
    :class:`~bigcommerce_connect.secret.CredentialError` without showing the value.
    """

    __slots__ = ("client_id", "token", "username")

    def __init__(
        self, token: Secret | str, *, client_id: Secret | str = "", username: Secret | str = ""
    ) -> None:
        self.token = header_secret(token, "api_token")
        self.client_id = header_secret(client_id, "client_id")
        self.username = header_secret(username, "username")

    def headers(self, endpoint: ApiPath) -> dict[str, str]:
        """The auth headers for one request (see :func:`auth_headers`)."""
        return auth_headers(endpoint, self.token, self.client_id, self.username)

    def __repr__(self) -> str:
        return "Credentials(********)"


def auth_headers(
    endpoint: ApiPath, token: Secret, client_id: Secret | str, username: Secret | str
) -> dict[str, str]:
    """The credentials' headers: Basic auth for a legacy API path, else the OAuth token.

    Built per request from the secrets and handed to that request only.
    """
    if endpoint.auth_mode is AuthMode.LEGACY_BASIC:
        raw = f"{_reveal(username)}:{token.reveal()}".encode()
        return {"Authorization": "Basic " + base64.b64encode(raw).decode("ascii")}
    headers = {"X-Auth-Token": token.reveal()}
    client = _reveal(client_id)
    if client:
        headers["X-Auth-Client"] = client
    return headers


def _reveal(value: Secret | str) -> str:
    return value.reveal() if isinstance(value, Secret) else value
