"""The HTTP layer: a threading keep-alive server and the handler that writes the answers.

The handler writes a whole answer with one ``sendall`` (avoids Nagle/delayed-ACK stalls) and
can also send the broken answers fault injection needs: streamed, cut short, or a reset.
"""

from __future__ import annotations

import socket
import ssl
import struct
import threading
import time
from collections.abc import Iterable
from contextlib import suppress
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Protocol

from bigcommerce_connect.sandbox.formats import dumps
from bigcommerce_connect.sandbox.request_log import RequestLog, RequestRecord

#: Reason phrases of the statuses the sandbox sends.
REASONS = {
    200: "OK",
    201: "Created",
    204: "No Content",
    207: "Multi-Status",
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    409: "Conflict",
    413: "Request Entity Too Large",
    422: "Unprocessable Entity",
    429: "Too Many Requests",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
    504: "Gateway Timeout",
    509: "Bandwidth Limit Exceeded",
}


#: How long a refused TLS connection is drained before it is closed.
_REFUSAL_DRAIN_SECONDS = 2.0


def _close_after_refusal(conn: socket.socket) -> None:
    """Close a connection whose TLS handshake this server refused, as a careful server does.

    The refusal's alert is already sent. Closing with the client's request unread would
    send a TCP reset that can overtake the alert (the client then sees a bare EOF instead of
    the reason); so stop sending, read what the client sent until it closes, then close.
    """
    with suppress(OSError, ValueError):
        conn.shutdown(socket.SHUT_WR)
        conn.settimeout(_REFUSAL_DRAIN_SECONDS)
        while conn.recv(65536):
            pass


class RequestServer(Protocol):
    """What the HTTP layer needs of the sandbox: a request log and a request handler."""

    requests: RequestLog

    def handle(self, h: RequestHandler) -> None:
        """Serve one request on handler ``h``."""
        ...


class SandboxHTTPServer(ThreadingHTTPServer):
    """Threading server that remembers its live connections so shutdown can close them."""

    daemon_threads = False  # joined in server_close()
    block_on_close = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], sandbox: RequestServer) -> None:
        self.sandbox = sandbox
        self.stopping = threading.Event()
        self.live: set[socket.socket] = set()
        self.live_lock = threading.Lock()
        self.accepted = 0  # every connection served since start, under live_lock
        super().__init__(address, RequestHandler)

    def close_live_connections(self) -> None:
        """Wake handler threads blocked on idle keep-alive connections."""
        with self.live_lock:
            conns = list(self.live)
        for conn in conns:
            with suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)


class RequestHandler(BaseHTTPRequestHandler):
    """One connection: hands each request to the sandbox, writes whole or broken answers."""

    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    server: SandboxHTTPServer
    pending_record: tuple[str, str, str] | None = None

    def setup(self) -> None:
        """Register the connection, so shutdown can close it while it idles."""
        super().setup()
        with self.server.live_lock:
            self.server.live.add(self.connection)
            self.server.accepted += 1

    def finish(self) -> None:
        """Unregister the connection; a client already gone is not an error."""
        with self.server.live_lock:
            self.server.live.discard(self.connection)
        with suppress(OSError):
            super().finish()

    def handle_one_request(self) -> None:
        """Serve one request; a connection the client dropped just ends."""
        try:
            super().handle_one_request()
        except ssl.SSLError:
            self.close_connection = True
            _close_after_refusal(self.connection)
        except (ConnectionError, TimeoutError):
            self.close_connection = True

    def log_message(self, format: str, *args: Any) -> None:
        """Silenced: per-request logging costs throughput and could leak query values."""

    def do_GET(self) -> None:
        """Every method goes to the sandbox's request pipeline."""
        self.server.sandbox.handle(self)

    do_POST = do_PUT = do_DELETE = do_PATCH = do_GET

    def send_raw(self, status: int, body: bytes, headers: dict[str, str]) -> None:
        """Write a whole response with one ``sendall`` (avoids Nagle/delayed-ACK stalls)."""
        self.wfile.write(self._head(status, headers, len(body)) + body)

    def _head(self, status: int, headers: dict[str, str], length: int | None) -> bytes:
        """The status line and headers; logs the request (``length`` None: close-delimited)."""
        lines = [f"HTTP/1.1 {status} {REASONS.get(status, 'Unknown')}"]
        lines.append(f"Date: {http_date()}")
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

    def send_json(self, status: int, body: Any, headers: dict[str, str] | None = None) -> int:
        """Send ``body`` as a JSON answer; return the status sent."""
        json_headers = {**(headers or {}), "Content-Type": "application/json"}
        self.send_raw(status, dumps(body), json_headers)
        return status


_date_cache: list[Any] = [0, ""]


def http_date() -> str:
    """The ``Date`` header value, formatted at most once per second."""
    now = int(time.time())
    if _date_cache[0] != now:
        _date_cache[:] = [now, formatdate(now, usegmt=True)]
    return str(_date_cache[1])
