"""HTTP layer of the sandbox: a keep-alive ``ThreadingHTTPServer`` and the in-process runner.

The hot path is kept short on purpose (precompiled routes, a dict lookup for static paths, a
constant-time token check, one ``sendall`` per response) so the sandbox is never the
bottleneck of a benchmark.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import socket
import ssl
import struct
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, suppress
from datetime import datetime
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl

import attrs

from bigcommerce_connect.sandbox import admin, faults, routes_v2, routes_v3
from bigcommerce_connect.sandbox.knobs import Knobs, Quota, RateDecision, parse_fault_kinds
from bigcommerce_connect.sandbox.routing import ApiError, Request, Response, Router
from bigcommerce_connect.sandbox.seed import populate
from bigcommerce_connect.sandbox.store import SandboxStore, utc_now
from bigcommerce_connect.sandbox.webhooks import WebhookDispatcher
from bigcommerce_connect.sandbox.wire import dumps, error_v2, error_v3

_REASONS = {
    200: "OK", 201: "Created", 204: "No Content", 207: "Multi-Status", 400: "Bad Request",
    401: "Unauthorized", 403: "Forbidden", 404: "Not Found", 405: "Method Not Allowed",
    409: "Conflict", 413: "Request Entity Too Large", 422: "Unprocessable Entity",
    429: "Too Many Requests", 500: "Internal Server Error", 502: "Bad Gateway",
    503: "Service Unavailable", 504: "Gateway Timeout", 509: "Bandwidth Limit Exceeded",
}  # fmt: skip
_HTML_5XX = {
    502: b"<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway"
    b"</h1></center><hr><center>nginx</center></body></html>\n",
    504: b"<html><head><title>504 Gateway Time-out</title></head><body><center><h1>504 Gateway "
    b"Time-out</h1></center><hr><center>nginx</center></body></html>\n",
}
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


@attrs.frozen
class RequestRecord:
    """One served request: method, full path, status, and the path below ``/stores/{hash}``."""

    method: str
    path: str
    status: int
    api_path: str


class RequestLog:
    """The sandbox's request log (thread-safe appends; read it from tests)."""

    def __init__(self) -> None:
        self._records: list[RequestRecord] = []
        self._lock = threading.Lock()

    def append(self, record: RequestRecord) -> None:
        """Add a record (called by the server)."""
        with self._lock:
            self._records.append(record)

    def records(self) -> list[RequestRecord]:
        """A snapshot of every record so far."""
        with self._lock:
            return list(self._records)

    def count(
        self, method: str | None = None, path_prefix: str | None = None, status: int | None = None
    ) -> int:
        """Count requests; ``path_prefix`` matches the full path or the one below the store."""
        return sum(
            1
            for r in self.records()
            if (method is None or r.method == method)
            and (status is None or r.status == status)
            and (
                path_prefix is None
                or r.path.startswith(path_prefix)
                or r.api_path.startswith(path_prefix)
            )
        )

    def clear(self) -> None:
        """Forget every record."""
        with self._lock:
            self._records.clear()

    def __len__(self) -> int:
        return len(self._records)

    def __iter__(self) -> Iterator[RequestRecord]:
        return iter(self.records())


def _build_router() -> Router:
    router = Router()
    routes_v2.register(router)
    routes_v3.register(router)
    return router


class _SandboxHTTPServer(ThreadingHTTPServer):
    """Threading server that remembers its live connections so shutdown can close them."""

    daemon_threads = False  # joined in server_close()
    block_on_close = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], sandbox: Sandbox) -> None:
        self.sandbox = sandbox
        self.stopping = threading.Event()
        self.live: set[socket.socket] = set()
        self.live_lock = threading.Lock()
        super().__init__(address, _Handler)

    def close_live_connections(self) -> None:
        """Wake handler threads blocked on idle keep-alive connections."""
        with self.live_lock:
            conns = list(self.live)
        for conn in conns:
            with suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    server: _SandboxHTTPServer
    pending_record: tuple[str, str, str] | None = None

    def setup(self) -> None:
        super().setup()
        with self.server.live_lock:
            self.server.live.add(self.connection)

    def finish(self) -> None:
        with self.server.live_lock:
            self.server.live.discard(self.connection)
        with suppress(OSError):
            super().finish()

    def handle_one_request(self) -> None:
        try:
            super().handle_one_request()
        except (ConnectionError, ssl.SSLError, TimeoutError):
            self.close_connection = True

    def log_message(self, format: str, *args: Any) -> None:
        """Silenced: per-request logging costs throughput and could leak query values."""

    def do_GET(self) -> None:
        self.server.sandbox.handle(self)

    do_POST = do_PUT = do_DELETE = do_PATCH = do_GET

    def send_raw(self, status: int, body: bytes, headers: dict[str, str]) -> None:
        """Write a whole response with one ``sendall`` (avoids Nagle/delayed-ACK stalls)."""
        self.wfile.write(self._head(status, headers, len(body)) + body)

    def _head(self, status: int, headers: dict[str, str], length: int | None) -> bytes:
        """The status line and headers; logs the request (``length`` None: close-delimited)."""
        lines = [f"HTTP/1.1 {status} {_REASONS.get(status, 'Unknown')}"]
        lines.append(f"Date: {_http_date()}")
        lines.append("Server: bigcommerce-connect-sandbox")
        for name, value in headers.items():
            lines.append(f"{name}: {value}")
        if length is not None:
            lines.append(f"Content-Length: {length}")
        else:
            self.close_connection = True
        if self.close_connection:
            lines.append("Connection: close")
        if self.pending_record is not None:
            # Log before writing, so a client that got its answer always finds it in the log.
            method, path, api_path = self.pending_record
            self.server.sandbox.requests.append(RequestRecord(method, path, status, api_path))
            self.pending_record = None
        return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")

    def send_stream(
        self,
        status: int,
        headers: dict[str, str],
        length: int | None,
        chunks: Iterable[bytes],
        pause: float = 0.0,
    ) -> None:
        """Send headers, then ``chunks`` one write each (``pause`` seconds apart).

        Stops at server shutdown; a client that goes away ends it quietly. The connection is
        closed afterwards unless every chunk went out.
        """
        stopping = self.server.stopping
        try:
            self.wfile.write(self._head(status, headers, length))
            for chunk in chunks:
                if stopping.is_set() or (pause > 0 and stopping.wait(pause)):
                    self.close_connection = True
                    return
                self.wfile.write(chunk)
        except OSError:  # BrokenPipe / ConnectionReset: the client went away
            self.close_connection = True

    def send_head_only(
        self, status: int, headers: dict[str, str], length: int, body: bytes
    ) -> None:
        """Send headers announcing ``length`` bytes, then ``body`` (shorter), then close."""
        head = self._head(status, headers, length)  # keep-alive announced, like a cut proxy
        self.close_connection = True
        with suppress(OSError):
            self.wfile.write(head + body)
            self.connection.shutdown(socket.SHUT_WR)

    def reset_connection(self) -> None:
        """Drop the connection with a TCP RST and no response."""
        with suppress(OSError):
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.close_connection = True


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
        self.requests = RequestLog()
        self._lists = faults.ListCache()
        self.ca_file: str | None = None
        self._router = _build_router()
        self._token = self.access_token.encode()
        basic = f"{self.legacy_username}:{self.legacy_api_key}".encode()
        self._basic = b"Basic " + base64.b64encode(basic)
        self._store_prefix = f"/stores/{self.store_hash}/"
        self._httpd: _SandboxHTTPServer | None = None
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

    def start(self, ssl_context: ssl.SSLContext | None = None) -> None:
        """Bind, then serve on a background thread."""
        httpd = _SandboxHTTPServer((self.config.host, self.config.port), self)
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

    def handle(self, h: _Handler) -> None:
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

    def _authorized(self, h: _Handler, api: str) -> bool:
        if h.path.startswith("/api/"):
            auth = (h.headers.get("Authorization") or "").encode()
            return api == "v2" and hmac.compare_digest(auth, self._basic)
        token = (h.headers.get("X-Auth-Token") or "").encode()
        return hmac.compare_digest(token, self._token)

    def _serve(self, h: _Handler, method: str, api: str, rel: str, query: str, body: bytes) -> int:
        if not api and rel.startswith(admin.ADMIN_PREFIX):
            return self._admin(h, method, rel, body)
        if not api:
            return self._send_json(h, 404, error_v2(404, "The requested resource was not found."))
        if not self._authorized(h, api):
            err: Any = error_v2(401, _UNAUTHORIZED) if api == "v2" else error_v3(401, _UNAUTHORIZED)
            return self._send_json(h, 401, err)
        decision = self.knobs.take_rate()
        rate_headers = _rate_headers(decision) if decision is not None else {}
        if decision is not None and not decision.allowed:
            return self._too_many(h, api, decision)
        fault = self.knobs.pick_fault("/" + api + rel)
        if fault is not None:
            early = self._early_fault(h, api, fault, rate_headers)
            if early is not None:
                return early
            if fault == "ignore_paging" and method == "GET":
                query = faults.drop_paging(query)
        if self.knobs.latency_ms > 0:
            self._httpd_stopping().wait(self.knobs.latency_ms / 1000)
        response = self._dispatch(h, method, api, rel, query, body)
        headers = {**rate_headers, **response.headers}
        payload = response.raw if response.raw is not None else _encode(response)
        if payload:
            headers.setdefault("Content-Type", "application/json")
        if method == "GET" and response.status == 200 and faults.is_list_body(payload):
            payload = self._list_answer(api, rel, query, payload, fault)
        if fault is not None:
            return self._late_fault(h, fault, method, api + rel, response.status, payload, headers)
        h.send_raw(response.status, payload, headers)
        return response.status

    def _list_answer(
        self, api: str, rel: str, query: str, payload: bytes, fault: str | None
    ) -> bytes:
        """Remember a list answer per path and filters; apply a paging fault to it."""
        key = faults.list_key("/" + api + rel, query)
        if fault in faults.PAGING_KINDS:
            if fault == "short_page":
                limit = faults.v2_page_limit(query, self.knobs.max_page_size)
                payload = faults.short_page(payload, limit if api == "v2" else None)
            else:
                previous = self._lists.get(key)
                if previous is not None:
                    payload = previous
                    if fault == "shuffled_repeat":
                        payload = faults.shuffled(previous, self.knobs.random())
        self._lists.put(key, payload)
        return payload

    def _late_fault(
        self,
        h: _Handler,
        fault: str,
        method: str,
        path: str,
        status: int,
        payload: bytes,
        headers: dict[str, str],
    ) -> int:
        """Faults applied after the store acted: rewrite, cut, trickle or empty the answer."""
        ok = 200 <= status < 300 and bool(payload)
        if fault in ("malformed_json", "truncated_json"):
            payload = _corrupt(payload, fault)
        elif fault == "bad_text" and ok:
            payload = faults.bad_text(payload)
        elif fault == "deep_json" and ok:
            payload = faults.deep_json(payload, self.knobs.deep_json_depth)
        elif fault == "concurrent_change" and method == "GET" and path == "v2/orders" and ok:
            self._ship_listed(payload)
        elif fault == "empty_200":
            headers.pop("Content-Type", None)
            status, payload = 200, b""
        elif fault in ("cut_after_headers", "truncated_body"):
            kept = payload[: len(payload) // 2] if fault == "truncated_body" else b""
            h.send_head_only(status, headers, len(payload), kept)
            return status
        elif fault == "slow_body":
            trickle = (payload[i : i + 1] for i in range(len(payload)))
            h.send_stream(status, headers, len(payload), trickle, self.knobs.trickle_seconds)
            return status
        h.send_raw(status, payload, headers)
        return status

    def _ship_listed(self, payload: bytes) -> None:
        """Another app ships every second listed order (at least one), through the store."""
        for order_id in faults.listed_ids(payload)[::2]:
            with suppress(KeyError):
                if self.store.orders[order_id]["status_id"] != _SHIPPED:
                    self.store.set_order_status(order_id, _SHIPPED)

    def _admin(self, h: _Handler, method: str, rel: str, body: bytes) -> int:
        """The control endpoint (see :mod:`.admin`): token-protected, never limited."""
        token = (h.headers.get("X-Auth-Token") or "").encode()
        if not hmac.compare_digest(token, self._token):
            return self._send_json(h, 401, error_v3(401, _UNAUTHORIZED))
        name = rel[len(admin.ADMIN_PREFIX) :]
        if name == "requests" and method == "GET":
            rows = [[r.method, r.path, r.status] for r in self.requests.records()]
            return self._send_json(h, 200, rows)
        if name != "knobs" or method not in ("GET", "PUT"):
            return self._send_json(h, 404, error_v3(404, "Not found"))
        if method == "PUT":
            try:
                admin.apply(self.knobs, json.loads(body or b"null"))
            except (ValueError, admin.AdminError) as exc:
                return self._send_json(h, 400, error_v3(400, str(exc)))
        return self._send_json(h, 200, admin.describe(self.knobs))

    def _httpd_stopping(self) -> threading.Event:
        assert self._httpd is not None
        return self._httpd.stopping

    def _dispatch(
        self, h: _Handler, method: str, api: str, rel: str, query: str, body: bytes
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

    def _too_many(self, h: _Handler, api: str, decision: RateDecision) -> int:
        title = "Too many requests"
        body: Any = error_v2(429, title) if api == "v2" else error_v3(429, title, {})
        headers: dict[str, str] = {}
        if self.knobs.rate_limit_headers:
            headers = _rate_headers(decision)
            headers["X-Retry-After"] = str(max(1, -(-decision.reset_ms // 1000)))
        return self._send_json(h, 429, body, headers)

    def _early_fault(
        self, h: _Handler, api: str, fault: str, headers: dict[str, str]
    ) -> int | None:
        """Inject faults that replace the response (the status sent, 0 for none); ``None``
        for the kinds applied after the store acted."""
        if fault == "reset":
            h.reset_connection()
            return 0
        if fault == "timeout":
            # Stall without answering; interruptible so shutdown is never held up.
            self._httpd_stopping().wait(self.knobs.timeout_seconds)
            h.close_connection = True
            return 0
        if fault in ("500", "502", "503", "504"):
            status = int(fault)
            html = _HTML_5XX.get(status)
            if html is not None:
                h.send_raw(status, html, {**headers, "Content-Type": "text/html"})
            else:
                self._send_json(h, status, error_v3(status, _REASONS[status]), headers)
            return status
        if fault in ("status_509", "retry_after_only", "reset_zero"):
            return self._rate_fault(h, api, fault, headers)
        if fault == "control_chars":
            h.send_raw(500, faults.CONTROL_BODY, {"Content-Type": "text/plain"})
            return 500
        if fault == "huge_body":
            size = self.knobs.huge_body_bytes
            json_headers = {**headers, "Content-Type": "application/json"}
            h.send_stream(200, json_headers, size, faults.huge_chunks(size))
            return 200
        if fault == "gzip_bomb":
            length, chunks = faults.gzip_bomb_plan()
            bomb_headers = {**headers, "Content-Type": "application/json"}
            h.send_stream(200, {**bomb_headers, "Content-Encoding": "gzip"}, length, chunks)
            return 200
        return None

    def _rate_fault(self, h: _Handler, api: str, fault: str, quota: dict[str, str]) -> int:
        """``status_509``, ``retry_after_only`` and ``reset_zero``: hostile rate limits."""
        retry_after = _header_safe(self.knobs.retry_after)
        status = 509 if fault == "status_509" else 429
        title = _REASONS[status]
        body: Any = error_v2(status, title) if api == "v2" else error_v3(status, title, {})
        if fault == "status_509":
            headers = {"X-Retry-After": retry_after}  # the older API's limit: no quota headers
        elif fault == "retry_after_only":
            headers = {"Retry-After": retry_after}
        else:
            headers = {
                "X-Rate-Limit-Time-Window-Ms": quota.get("X-Rate-Limit-Time-Window-Ms", "30000"),
                "X-Rate-Limit-Requests-Quota": quota.get("X-Rate-Limit-Requests-Quota", "150"),
                "X-Rate-Limit-Requests-Left": "0",
                "X-Rate-Limit-Time-Reset-Ms": "0",
            }
        return self._send_json(h, status, body, headers)

    @staticmethod
    def _send_json(
        h: _Handler, status: int, body: Any, headers: dict[str, str] | None = None
    ) -> int:
        h.send_raw(status, dumps(body), {**(headers or {}), "Content-Type": "application/json"})
        return status


_date_cache: list[Any] = [0, ""]


def _http_date() -> str:
    """The ``Date`` header value, formatted at most once per second."""
    now = int(time.time())
    if _date_cache[0] != now:
        _date_cache[:] = [now, formatdate(now, usegmt=True)]
    return str(_date_cache[1])


def _encode(response: Response) -> bytes:
    if response.body is None or response.status == 204:
        return b""
    return dumps(response.body)


def _error_response(exc: ApiError) -> Response:
    return Response(exc.status, exc.body, dict(exc.headers))


def _rate_headers(decision: RateDecision) -> dict[str, str]:
    return {
        "X-Rate-Limit-Time-Window-Ms": str(decision.window_ms),
        "X-Rate-Limit-Time-Reset-Ms": str(decision.reset_ms),
        "X-Rate-Limit-Requests-Quota": str(decision.quota),
        "X-Rate-Limit-Requests-Left": str(decision.left),
    }


def _header_safe(value: str) -> str:
    """A knob value made safe for a header line (no CR/LF or other controls)."""
    return "".join(c for c in str(value) if c.isprintable())[:200]


def _corrupt(payload: bytes, kind: str) -> bytes:
    if kind == "truncated_json":
        return payload[: max(1, len(payload) // 2)]
    return b'{"data": [' + payload[:20] + b"<<not json>>"


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
