"""The urllib3 transport against real HTTP and TLS servers on loopback."""

from __future__ import annotations

import ssl
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler

import pytest
import trustme

from bigcommerce_connect.client import BigCommerceClient
from bigcommerce_connect.errors import NetworkError, UnexpectedResponseError
from bigcommerce_connect.retry import RetryPolicy
from bigcommerce_connect.transport import HttpRequest, TransportError, Urllib3Transport
from support.httpserver import reset_connection, send_json, serve

TOKEN = "tok-CANARY-transport"


def ok(handler: BaseHTTPRequestHandler) -> None:
    seen = handler.headers.get("X-Auth-Token", "")
    send_json(handler, 200, b'{"data": {"token_seen": %d}}' % (seen == TOKEN))


def redirect(handler: BaseHTTPRequestHandler) -> None:
    handler.send_response(302)
    handler.send_header("Location", "http://127.0.0.2:9/steal")
    handler.send_header("Content-Length", "0")
    handler.end_headers()


@pytest.fixture
def release() -> Iterator[threading.Event]:
    event = threading.Event()
    yield event
    event.set()


@pytest.fixture(scope="module")
def ca() -> trustme.CA:
    return trustme.CA()


@pytest.fixture(scope="module")
def server_context(ca: trustme.CA) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1", "localhost").configure_cert(context)
    return context


def client_for(base: str, **kwargs: object) -> BigCommerceClient:
    options: dict[str, object] = {"allow_insecure_host": True, "sleep": lambda _s: None}
    options.update(kwargs)
    return BigCommerceClient(f"{base}/stores/h1/v3/", TOKEN, **options)  # type: ignore[arg-type]


def test_plain_http_round_trip_on_loopback() -> None:
    with serve({"/stores/h1/v3/hooks": ok}) as base, client_for(base) as client:
        assert client.request("GET", "v3", "hooks").data == {"data": {"token_seen": 1}}


def test_trusted_certificate_works(ca: trustme.CA, server_context: ssl.SSLContext) -> None:
    with (
        ca.cert_pem.tempfile() as ca_file,
        serve({"/stores/h1/v3/hooks": ok}, server_context) as base,
        client_for(base, ca_file=ca_file) as client,
    ):
        assert client.request("GET", "v3", "hooks").data == {"data": {"token_seen": 1}}


def test_untrusted_certificate_fails_clearly_and_is_not_retried(
    server_context: ssl.SSLContext,
) -> None:
    calls: list[str] = []

    def counting(handler: BaseHTTPRequestHandler) -> None:
        calls.append(handler.path)
        ok(handler)

    with serve({"/stores/h1/v3/hooks": counting}, server_context) as base:
        client = client_for(base, retry=RetryPolicy(max_attempts=4))
        with pytest.raises(NetworkError) as caught:
            client.request("GET", "v3", "hooks")
    error = caught.value
    assert error.kind == "tls"
    assert not error.retryable
    assert "TLS/certificate problem" in str(error)
    assert "127.0.0.1" in str(error)
    assert "CA bundle" in str(error)
    assert TOKEN not in str(error)
    assert calls == []
    assert client.api_calls == 1


def test_connection_reset_is_retryable() -> None:
    with serve({"/x": reset_connection}) as base:
        transport = Urllib3Transport()
        with pytest.raises(TransportError) as caught:
            transport.send(HttpRequest("GET", f"{base}/x"))
        transport.close()
    assert caught.value.retryable


def test_reset_then_success_is_retried_by_the_client() -> None:
    answers = [reset_connection, ok]

    def flaky(handler: BaseHTTPRequestHandler) -> None:
        answers.pop(0)(handler)

    with serve({"/stores/h1/v3/hooks": flaky}) as base, client_for(base) as client:
        assert client.request("GET", "v3", "hooks").data == {"data": {"token_seen": 1}}
    assert client.api_calls == 2


def test_read_timeout_is_a_retryable_timeout(release: threading.Event) -> None:
    def stall(handler: BaseHTTPRequestHandler) -> None:
        release.wait(10)

    with serve({"/slow": stall}) as base:
        transport = Urllib3Transport(read_timeout=0.2)
        with pytest.raises(TransportError) as caught:
            transport.send(HttpRequest("GET", f"{base}/slow", timeout=0.2))
        release.set()
        transport.close()
    assert caught.value.kind == "timeout"
    assert caught.value.retryable


def test_connection_refused_is_a_connect_error() -> None:
    with serve({}) as base:
        pass  # the port is closed again: nothing listens there now
    with pytest.raises(TransportError) as caught:
        Urllib3Transport(connect_timeout=2).send(HttpRequest("GET", f"{base}/x"))
    assert caught.value.kind == "connect"
    assert caught.value.retryable


def test_redirects_are_not_followed_with_credentials() -> None:
    with (
        serve({"/stores/h1/v3/hooks": redirect}) as base,
        client_for(base) as client,
        pytest.raises(UnexpectedResponseError, match="redirect not followed") as caught,
    ):
        client.request("GET", "v3", "hooks")
    assert caught.value.status == 302
    assert client.api_calls == 1
