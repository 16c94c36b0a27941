"""Parse the "API path" a user pastes from the BigCommerce control panel.

``https://api.bigcommerce.com/stores/abc123/v3/`` gives the store hash and both the v2 and v3
bases (nobody edits "v3" to "v2" by hand). ``https://store-abc123.mybigcommerce.com/api/v2/`` is
a legacy account: HTTP Basic auth, v2 only.

An IPv6 literal (``http://[::1]:8080/stores/abc/v3/``, a loopback sandbox) keeps its brackets in
the URLs only: :attr:`ApiPath.host` is the bare address (``::1``), as
:attr:`urllib.parse.SplitResult.hostname` gives it, and :attr:`ApiPath.origin` brackets it again.
"""

from __future__ import annotations

import enum
import ipaddress
import re
from typing import Final

import attrs
import urllib3

from bigcommerce_connect.errors import ConnectError

__all__ = ["ApiPath", "ApiPathError", "AuthMode", "parse_api_path"]

OAUTH_HOST: Final = "api.bigcommerce.com"
_LEGACY_HOST_SUFFIX: Final = ".mybigcommerce.com"
_STORE_HASH: Final = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
_OAUTH_PATH: Final = re.compile(r"^/stores/(?P<hash>[^/]+)(?:/(?P<version>v2|v3))?/?$")
_LEGACY_PATH: Final = re.compile(r"^/api(?:/v2)?/?$")
_LEGACY_HOST: Final = re.compile(r"^store-(?P<hash>[a-z0-9]+)\.mybigcommerce\.com$")


class ApiPathError(ConnectError, ValueError):
    """The API path cannot be used; the message says why and what a good one looks like."""


class AuthMode(enum.Enum):
    """How requests authenticate."""

    OAUTH = "oauth"  # X-Auth-Token; v2 and v3
    LEGACY_BASIC = "legacy_basic"  # HTTP Basic with username + API token; v2 only


@attrs.frozen
class ApiPath:
    """A parsed, validated API path."""

    auth_mode: AuthMode
    scheme: str
    host: str  # the bare name or address: an IPv6 literal without its brackets
    port: int | None
    store_hash: str | None
    v2_base: str
    v3_base: str | None

    @property
    def origin(self) -> str:
        """``scheme://host[:port]``: the only origin credentials are sent to."""
        return _origin(self.scheme, self.host, self.port)

    @property
    def supports_v3(self) -> bool:
        """Whether v3 endpoints (catalog, customers, webhooks...) can be called."""
        return self.v3_base is not None


def _origin(scheme: str, host: str, port: int | None) -> str:
    # A URL needs an IPv6 literal in brackets, or its colons would read as a port.
    netloc = f"[{host}]" if ":" in host else host
    return f"{scheme}://{netloc}" + (f":{port}" if port is not None else "")


def _bare_host(host: str) -> str:
    """``host`` without the brackets of an IPv6 literal (urllib3 keeps them)."""
    if host.startswith("[") and host.endswith("]"):
        return host[1:-1]
    return host


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _is_bigcommerce_host(host: str) -> bool:
    return host == OAUTH_HOST or host.endswith(_LEGACY_HOST_SUFFIX)


def _check_origin(scheme: str, host: str, allow_insecure_host: bool) -> None:
    if scheme not in ("https", "http"):
        raise ApiPathError(f"the API path must start with https:// (got {scheme}://)")
    if scheme == "http" and not (allow_insecure_host and _is_loopback(host)):
        raise ApiPathError(
            "plain http would send the API token unencrypted: use the https:// API path "
            "(plain http is accepted only for a loopback sandbox with allow_insecure_host)"
        )
    if not _is_bigcommerce_host(host) and not allow_insecure_host:
        raise ApiPathError(
            f"{host} is not a BigCommerce API host ({OAUTH_HOST} or *{_LEGACY_HOST_SUFFIX}); "
            "pass allow_insecure_host=True only for a sandbox or a legacy custom domain you trust"
        )


def parse_api_path(text: str, *, allow_insecure_host: bool = False) -> ApiPath:
    """Parse a pasted API path; raise :class:`ApiPathError` with a plain reason if unusable."""
    cleaned = text.strip()
    if not cleaned:
        raise ApiPathError("the API path is empty; paste it from Advanced Settings > API Accounts")
    try:
        url = urllib3.util.parse_url(cleaned)
    except urllib3.exceptions.LocationParseError:
        raise ApiPathError("the API path is not a URL") from None
    scheme = (url.scheme or "").lower()
    host = _bare_host((url.host or "").lower())
    if not host:
        raise ApiPathError(
            "the API path has no host, e.g. https://api.bigcommerce.com/stores/abc123/v3/"
        )
    if url.query or url.fragment or url.auth:
        raise ApiPathError("the API path must not carry a query, a fragment or credentials")
    _check_origin(scheme, host, allow_insecure_host)
    path = url.path or "/"
    oauth = _OAUTH_PATH.match(path)
    if oauth:
        return _oauth_path(scheme, host, url.port, oauth.group("hash"))
    if _LEGACY_PATH.match(path):
        return _legacy_path(scheme, host, url.port)
    raise ApiPathError(
        "the API path should look like https://api.bigcommerce.com/stores/<store hash>/v3/ "
        "(or, for a legacy account, https://store-<hash>.mybigcommerce.com/api/v2/)"
    )


def _oauth_path(scheme: str, host: str, port: int | None, store_hash: str) -> ApiPath:
    if not _STORE_HASH.match(store_hash):
        raise ApiPathError("the store hash in the API path has characters a store hash never has")
    root = f"{_origin(scheme, host, port)}/stores/{store_hash}"
    return ApiPath(AuthMode.OAUTH, scheme, host, port, store_hash, f"{root}/v2/", f"{root}/v3/")


def _legacy_path(scheme: str, host: str, port: int | None) -> ApiPath:
    origin = _origin(scheme, host, port)
    match = _LEGACY_HOST.match(host)
    store_hash = match.group("hash") if match else None
    return ApiPath(AuthMode.LEGACY_BASIC, scheme, host, port, store_hash, f"{origin}/api/v2/", None)
