"""A tiny real HTTP(S) server on loopback for transport tests."""

from __future__ import annotations

import socket
import ssl
import struct
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

Handler = Callable[[BaseHTTPRequestHandler], None]


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False


@contextmanager
def serve(routes: dict[str, Handler], ssl_context: ssl.SSLContext | None = None) -> Iterator[str]:
    """Serve ``routes`` (path -> handler) on a free loopback port; yield the base URL."""

    class RequestHandler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: object) -> None:
            return

        def _dispatch(self) -> None:
            routes.get(self.path.split("?")[0], _not_found)(self)

        do_GET = do_POST = do_PUT = _dispatch

    server = _Server(("127.0.0.1", 0), RequestHandler)
    if ssl_context is not None:
        server.socket = ssl_context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    scheme = "https" if ssl_context else "http"
    try:
        yield f"{scheme}://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def send_json(handler: BaseHTTPRequestHandler, status: int, body: bytes) -> None:
    handler.send_response(status)
    handler.send_header("Content-Type", "application/json")
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    handler.wfile.write(body)


def reset_connection(handler: BaseHTTPRequestHandler) -> None:
    """Drop the connection with a TCP RST instead of an answer."""
    handler.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    handler.close_connection = True
    handler.connection.close()


def _not_found(handler: BaseHTTPRequestHandler) -> None:
    send_json(handler, 404, b'{"status": 404}')
