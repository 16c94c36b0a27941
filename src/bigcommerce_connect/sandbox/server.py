"""The sandbox itself: configuration, the request pipeline and the in-process runner.

A request goes: path split and auth, rate limit, fault draw, route dispatch, answer. The hot
path is kept short on purpose (precompiled routes, a dict lookup for static paths, a
constant-time token check, one ``sendall`` per response) so the sandbox is never the
bottleneck of a benchmark. The HTTP layer is in :mod:`.http_handler`, fault injection in
:mod:`.fault_injection`, the request log in :mod:`.request_log`.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import ssl
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from datetime import datetime
from typing import Any
from urllib.parse import parse_qsl

import attrs

from bigcommerce_connect.sandbox import admin, faults
from bigcommerce_connect.sandbox.error_bodies import error_v2, error_v3
from bigcommerce_connect.sandbox.fault_injection import FaultInjector
from bigcommerce_connect.sandbox.formats import dumps
from bigcommerce_connect.sandbox.http_handler import RequestHandler, SandboxHTTPServer
from bigcommerce_connect.sandbox.knobs import Knobs, Quota, RateDecision, parse_fault_kinds
from bigcommerce_connect.sandbox.request_log import RequestLog, RequestRecord
from bigcommerce_connect.sandbox.routes import build_router
from bigcommerce_connect.sandbox.routing import ApiError, Request, Response
from bigcommerce_connect.sandbox.scopes import SCOPE_TITLE, parse_scopes, scope_allows
from bigcommerce_connect.sandbox.seed import populate
from bigcommerce_connect.sandbox.store import SandboxStore, utc_now
from bigcommerce_connect.sandbox.webhooks import WebhookDispatcher

__all__ = ["RequestLog", "RequestRecord", "Sandbox", "SandboxConfig", "run_sandbox"]

_UNAUTHORIZED = "No valid credentials were found in this request"
_SHIPPED = 2


@attrs.define
class SandboxConfig:
    """How to build and run a sandbox. The defaults give a small store for fast tests."""

    seed: int = 1
    orders: int = 200
    customers: int = 50
    products: int = 40
    tls: bool = False
    quota: Quota | tuple[int, float] | None = None
    latency_ms: float = 0.0
    fault_rate: float = 0.0
    #: Kinds drawn for random faults (``fault_rate``): names, a comma list, or ``"all"``.
    fault_kinds: str | tuple[str, ...] | None = None
    host: str = "127.0.0.1"
    port: int = 0
    clock: Callable[[], datetime] = utc_now
    #: The token the store accepts; random when None. Tests set a recognisable canary.
    access_token: str | None = None
    #: The token's OAuth scopes (names, a comma list, ``"all"`` or None for every scope).
    scopes: str | tuple[str, ...] | None = None


class Sandbox:
    """A running sandbox: API path, credentials, the store, knobs and request log."""

    def __init__(self, config: SandboxConfig) -> None:
        self.config = config
        digest = hashlib.sha1(f"sandbox-{config.seed}".encode(), usedforsecurity=False)
        self.store_hash = "".join(c for c in digest.hexdigest() if c.isalpha() or c.isdigit())[:10]
        self.client_id = "sbx" + secrets.token_hex(12)
        self.access_token = config.access_token or secrets.token_hex(16)
        self.legacy_username = "sandbox-admin"
        self.legacy_api_key = secrets.token_hex(20)
        self.store = SandboxStore(
            store_hash=self.store_hash,
            store_id=str(1_000_000 + config.seed),
            seed=config.seed,
            clock=config.clock,
        )
        populate(
            self.store, orders=config.orders, customers=config.customers, products=config.products
        )
        self.knobs = Knobs(
            seed=config.seed,
            quota=config.quota,
            latency_ms=config.latency_ms,
            fault_rate=config.fault_rate,
        )
        if config.fault_kinds is not None:
            self.knobs.fault_kinds = parse_fault_kinds(config.fault_kinds)
        self.knobs.scopes = parse_scopes(config.scopes)
        self.requests = RequestLog()
        self._faults = FaultInjector(self.knobs)
        self.ca_file: str | None = None
        self._router = build_router()
        self._token = self.access_token.encode()
        basic = f"{self.legacy_username}:{self.legacy_api_key}".encode()
        self._basic = b"Basic " + base64.b64encode(basic)
        self._store_prefix = f"/stores/{self.store_hash}/"
        self._httpd: SandboxHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._scheme = "http"
        self.webhooks = WebhookDispatcher(self.store)
        self.store.subscribe(self.webhooks.enqueue)

    # -- lifecycle ------------------------------------------------------------------------

    @property
    def port(self) -> int:
        """The bound TCP port."""
        assert self._httpd is not None, "sandbox not started"
        return int(self._httpd.server_address[1])

    @property
    def origin(self) -> str:
        """``http(s)://host:port``."""
        return f"{self._scheme}://{self.config.host}:{self.port}"

    @property
    def api_path(self) -> str:
        """The v3 API path, as a store API account shows it."""
        return f"{self.origin}/stores/{self.store_hash}/v3/"

    @property
    def legacy_api_path(self) -> str:
        """The legacy Basic-auth v2 path."""
        return f"{self.origin}/api/v2/"

    def open_connections(self) -> int:
        """How many client connections are being served right now (0 when stopped)."""
        httpd = self._httpd
        if httpd is None:
            return 0
        with httpd.live_lock:
            return len(httpd.live)

    def connections_accepted(self) -> int:
        """How many client connections the running server has accepted since it started."""
        httpd = self._httpd
        if httpd is None:
            return 0
        with httpd.live_lock:
            return httpd.accepted

    def start(self, ssl_context: ssl.SSLContext | None = None) -> None:
        """Bind, then serve on a background thread."""
        httpd = SandboxHTTPServer((self.config.host, self.config.port), self)
        if ssl_context is not None:
            # Handshake lazily in the handler thread so a slow client cannot stall accept().
            httpd.socket = ssl_context.wrap_socket(
                httpd.socket, server_side=True, do_handshake_on_connect=False
            )
            self._scheme = "https"
        self._httpd = httpd
        self.webhooks.start()
        self._thread = threading.Thread(
            target=httpd.serve_forever, kwargs={"poll_interval": 0.1}, name="sandbox-http"
        )
        self._thread.start()

    def stop(self) -> None:
        """Stop serving, close every connection and join every thread."""
        httpd = self._httpd
        if httpd is not None:
            httpd.stopping.set()
            httpd.shutdown()
            httpd.close_live_connections()
            httpd.server_close()
        if self._thread is not None:
            self._thread.join()
        self.webhooks.stop()
        self._httpd = None

    # -- request handling -----------------------------------------------------------------

    def handle(self, h: RequestHandler) -> None:
        """Serve one request on handler ``h`` (called from the handler thread)."""
        method = h.command
        raw_path, _, query_string = h.path.partition("?")
        length = int(h.headers.get("Content-Length") or 0)
        body = h.rfile.read(length) if length else b""
        api, rel, api_path = self._split_path(raw_path)
        # Control requests are not API calls: they stay out of the request log.
        control = not api and rel.startswith(admin.ADMIN_PREFIX)
        h.pending_record = None if control else (method, raw_path, api_path)
        self._serve(h, method, api, rel, query_string, body)
        if h.pending_record is not None:  # no response was sent (reset or timeout fault)
            self.requests.append(RequestRecord(method, raw_path, 0, api_path))
            h.pending_record = None

    def _split_path(self, path: str) -> tuple[str, str, str]:
        """``(api, path below the version, path below the store)``; api "" when unknown."""
        if path.startswith(self._store_prefix):
            below = path[len(self._store_prefix) - 1 :]
        elif path.startswith("/api/v2/"):
            below = path[4:]
        else:
            return "", path, path
        api = below[1:3]
        rel = below[3:] or "/"
        if rel.endswith(".json") and api == "v2":
            rel = rel[:-5]  # v2 resources also answer with a ".json" extension
        return (api if api in ("v2", "v3") else ""), rel, below

    def _authorized(self, h: RequestHandler, api: str) -> bool:
        if h.path.startswith("/api/"):
            auth = (h.headers.get("Authorization") or "").encode()
            return api == "v2" and hmac.compare_digest(auth, self._basic)
        token = (h.headers.get("X-Auth-Token") or "").encode()
        return hmac.compare_digest(token, self._token)

    def _in_scope(self, h: RequestHandler, method: str, rel: str) -> bool:
        # Scopes belong to OAuth tokens; a legacy account may call all of v2.
        return h.path.startswith("/api/") or scope_allows(self.knobs.scopes, method, rel)

    def _serve(
        self, h: RequestHandler, method: str, api: str, rel: str, query: str, body: bytes
    ) -> int:
        if not api and rel.startswith(admin.ADMIN_PREFIX):
            return self._admin(h, method, rel, body)
        if not api:
            return h.send_json(404, error_v2(404, "The requested resource was not found."))
        if not self._authorized(h, api):
            err: Any = error_v2(401, _UNAUTHORIZED) if api == "v2" else error_v3(401, _UNAUTHORIZED)
            return h.send_json(401, err)
        if not self._in_scope(h, method, rel):
            denied: Any = error_v2(403, SCOPE_TITLE) if api == "v2" else error_v3(403, SCOPE_TITLE)
            return h.send_json(403, denied)
        decision = self.knobs.take_rate()
        rate_headers = decision.headers() if decision is not None else {}
        if decision is not None and not decision.allowed:
            return self._too_many(h, api, decision)
        fault = self.knobs.pick_fault("/" + api + rel)
        if fault is not None:
            early = self._faults.before(h, api, fault, rate_headers)
            if early is not None:
                return early
            if fault == "ignore_paging" and method == "GET":
                query = faults.drop_paging(query)
        if self.knobs.latency_ms > 0:
            h.server.stopping.wait(self.knobs.latency_ms / 1000)
        response = self._dispatch(h, method, api, rel, query, body)
        headers = {**rate_headers, **response.headers}
        payload = response.raw if response.raw is not None else _encode(response)
        if payload:
            headers.setdefault("Content-Type", "application/json")
        if method == "GET" and response.status == 200 and faults.is_list_body(payload):
            payload = self._faults.list_answer(api, rel, query, payload, fault)
        if fault is not None:
            return self._faults.after(
                h, fault, method, api + rel, response.status, payload, headers, self._ship_listed
            )
        h.send_raw(response.status, payload, headers)
        return response.status

    def _ship_listed(self, payload: bytes) -> None:
        """Another app ships every second listed order (at least one), through the store."""
        for order_id in faults.listed_ids(payload)[::2]:
            with suppress(KeyError):
                if self.store.orders[order_id]["status_id"] != _SHIPPED:
                    self.store.set_order_status(order_id, _SHIPPED)

    def _admin(self, h: RequestHandler, method: str, rel: str, body: bytes) -> int:
        """The control endpoint (see :mod:`.admin`): token-protected, never limited."""
        token = (h.headers.get("X-Auth-Token") or "").encode()
        if not hmac.compare_digest(token, self._token):
            return h.send_json(401, error_v3(401, _UNAUTHORIZED))
        name = rel[len(admin.ADMIN_PREFIX) :]
        status, answer = admin.answer(self.knobs, self.requests, method, name, body)
        return h.send_json(status, answer)

    def _dispatch(
        self, h: RequestHandler, method: str, api: str, rel: str, query: str, body: bytes
    ) -> Response:
        found = self._router.resolve(api, method, rel)
        req = Request(
            method=method,
            api=api,
            path=rel,
            params=found[1] if found else {},
            query=dict(parse_qsl(query, keep_blank_values=True)) if query else {},
            body=body,
            headers=h.headers,
            store=self.store,
            knobs=self.knobs,
            base_url=f"{self.origin}/stores/{self.store_hash}/{api}",
            client_id=self.client_id,
        )
        if found is None:
            status = 405 if self._router.path_exists(api, rel) else 404
            message = "Method not allowed" if status == 405 else "Not found"
            return _error_response(req.fail(status, message))
        try:
            return found[0](req)
        except ApiError as exc:
            return _error_response(exc)
        except Exception:
            # A sandbox bug must look like a server error to the client, not a dropped
            # connection, and must not print request details (tokens) to stderr.
            return _error_response(req.fail(500, "Internal server error"))

    def _too_many(self, h: RequestHandler, api: str, decision: RateDecision) -> int:
        title = "Too many requests"
        body: Any = error_v2(429, title) if api == "v2" else error_v3(429, title, {})
        headers: dict[str, str] = {}
        if self.knobs.rate_limit_headers:
            headers = decision.headers()
            headers["X-Retry-After"] = str(max(1, -(-decision.reset_ms // 1000)))
        return h.send_json(429, body, headers)


def _encode(response: Response) -> bytes:
    if response.body is None or response.status == 204:
        return b""
    return dumps(response.body)


def _error_response(exc: ApiError) -> Response:
    return Response(exc.status, exc.body, dict(exc.headers))


@contextmanager
def run_sandbox(config: SandboxConfig | None = None) -> Iterator[Sandbox]:
    """Start a sandbox on a free loopback port and yield its handle; stop it on exit."""
    config = config or SandboxConfig()
    sandbox = Sandbox(config)
    tls_files = None
    context = None
    if config.tls:
        from bigcommerce_connect.sandbox.tls import make_tls

        tls_files = make_tls()
        context = tls_files.server_context()
        sandbox.ca_file = tls_files.ca_file
    sandbox.start(context)
    try:
        yield sandbox
    finally:
        sandbox.stop()
        if tls_files is not None:
            tls_files.cleanup()
