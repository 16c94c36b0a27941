"""Bounded I/O: size caps, decompression caps and the per-attempt deadline, over real HTTP.

Hostile answers come from the sandbox's fault kinds (``huge_body``, ``gzip_bomb``,
``slow_body``, ``cut_after_headers``, ``truncated_body``); what the sandbox cannot send (three
stacked encodings, a broken gzip, keep-alive bookkeeping) comes from a tiny loopback server.
Memory is asserted through the bytes the transport read, never through timing or RSS.
"""

from __future__ import annotations

import gzip
import random
import zlib
from collections.abc import Callable, Iterator
from contextlib import suppress
from http.server import BaseHTTPRequestHandler

import pytest

from bigcommerce_connect import BigCommerceClient, NetworkError
from bigcommerce_connect.retry import RetryPolicy
from bigcommerce_connect.sandbox import Sandbox, SandboxConfig, run_sandbox
from bigcommerce_connect.transport import (
    DEFAULT_MAX_BODY_BYTES,
    HttpRequest,
    HttpResponse,
    TransportError,
    Urllib3Transport,
)
from support.httpserver import send_json, serve

MIB = 1024 * 1024
CHUNK = 64 * 1024  # the most one read (or one decompression step) adds
SECRET_QUERY = "signature=QUERY-CANARY"


@pytest.fixture(scope="module")
def sb() -> Iterator[Sandbox]:
    with run_sandbox(SandboxConfig(seed=3, orders=4, customers=2, products=1)) as sandbox:
        yield sandbox


@pytest.fixture(autouse=True)
def _reset_knobs(sb: Sandbox) -> Iterator[None]:
    yield
    sb.knobs.clear_faults()
    sb.knobs.huge_body_bytes = 200 * MIB
    sb.knobs.trickle_seconds = 1.0


@pytest.fixture
def transports() -> Iterator[Callable[..., Urllib3Transport]]:
    made: list[Urllib3Transport] = []

    def make(**kwargs: object) -> Urllib3Transport:
        made.append(Urllib3Transport(**kwargs))  # type: ignore[arg-type]
        return made[-1]

    yield make
    for transport in made:
        transport.close()


def order_request(sb: Sandbox, **kwargs: object) -> HttpRequest:
    """GET one order straight through a transport, with a query that must never be shown."""
    url = f"{sb.origin}/stores/{sb.store_hash}/v2/orders/1?{SECRET_QUERY}"
    headers = {"X-Auth-Token": sb.access_token, "Accept": "application/json"}
    return HttpRequest("GET", url, headers=headers, **kwargs)  # type: ignore[arg-type]


def client_for(sb: Sandbox, **kwargs: object) -> BigCommerceClient:
    options: dict[str, object] = {
        "allow_insecure_host": True,
        "sleep": lambda _s: None,
        "rng": random.Random(1),
        "retry": RetryPolicy(max_attempts=3),
    }
    options.update(kwargs)
    return BigCommerceClient(sb.api_path, sb.access_token, **options)  # type: ignore[arg-type]


def fails(transport: Urllib3Transport, request: HttpRequest) -> TransportError:
    with pytest.raises(TransportError) as caught:
        transport.send(request)
    return caught.value


def assert_safe(error: BaseException, sb: Sandbox) -> None:
    text = str(error)
    assert sb.access_token not in text
    assert "QUERY-CANARY" not in text


# -- size caps against the sandbox -------------------------------------------------------------


def test_a_body_announced_above_the_cap_fails_before_reading(
    sb: Sandbox, transports: Callable[..., Urllib3Transport]
) -> None:
    sb.knobs.huge_body_bytes = 3 * MIB
    sb.knobs.fail_next("huge_body", path_prefix="/v2/orders")
    error = fails(transports(max_body_bytes=MIB), order_request(sb))
    assert error.kind == "too_large"
    assert not error.retryable
    assert error.body_bytes == 0
    assert "max_body_bytes=1048576 (1 MiB)" in str(error)
    assert f"127.0.0.1:{sb.port}" in str(error)
    assert_safe(error, sb)


def test_an_endless_body_stops_at_the_cap(
    sb: Sandbox, transports: Callable[..., Urllib3Transport]
) -> None:
    sb.knobs.huge_body_bytes = None  # close-delimited, never ends
    sb.knobs.fail_next("huge_body", path_prefix="/v2/orders")
    error = fails(transports(max_body_bytes=MIB), order_request(sb))
    assert error.kind == "too_large"
    assert not error.retryable
    assert MIB < error.body_bytes <= MIB + CHUNK
    assert_safe(error, sb)


def test_a_gzip_bomb_stops_at_the_decompressed_cap(
    sb: Sandbox, transports: Callable[..., Urllib3Transport]
) -> None:
    sb.knobs.fail_next("gzip_bomb", path_prefix="/v2/orders")
    error = fails(transports(max_decoded_bytes=4 * MIB), order_request(sb))
    assert error.kind == "too_large"
    assert not error.retryable
    assert "max_decoded_bytes=4194304 (4 MiB)" in str(error)
    assert 4 * MIB - CHUNK <= error.decoded_bytes <= 4 * MIB  # never more is kept
    assert error.body_bytes < MIB  # of about 10 MiB on the wire: the rest is never read
    assert_safe(error, sb)


def test_the_client_turns_a_gzip_bomb_into_a_typed_error_with_default_caps(sb: Sandbox) -> None:
    sb.knobs.fail_next("gzip_bomb", path_prefix="/v2/orders")
    with client_for(sb) as client, pytest.raises(NetworkError) as caught:
        client.orders.get(1)
    assert caught.value.kind == "too_large"
    assert f"({DEFAULT_MAX_BODY_BYTES // MIB} MiB)" in str(caught.value)
    assert client.api_calls == 1  # a cap is final: never retried


def test_the_client_turns_an_endless_body_into_a_typed_error(sb: Sandbox) -> None:
    sb.knobs.huge_body_bytes = None
    sb.knobs.fail_next("huge_body", path_prefix="/v2/orders")
    transport = Urllib3Transport(max_body_bytes=2 * MIB)
    with client_for(sb, transport=transport) as client, pytest.raises(NetworkError) as caught:
        client.orders.get(1)
    assert caught.value.kind == "too_large"
    assert not caught.value.retryable
    assert sb.access_token not in str(caught.value)


def test_an_answer_under_the_caps_is_read_whole(
    sb: Sandbox, transports: Callable[..., Urllib3Transport]
) -> None:
    sb.knobs.huge_body_bytes = MIB - 1
    sb.knobs.fail_next("huge_body", path_prefix="/v2/orders")
    response = transports(max_body_bytes=MIB).send(order_request(sb))
    assert response.status == 200
    assert len(response.body) == MIB - 1


# -- the deadline against the sandbox ----------------------------------------------------------


def test_a_trickling_body_ends_at_the_deadline(
    sb: Sandbox, transports: Callable[..., Urllib3Transport]
) -> None:
    # One byte every 20 ms: each read is far inside the 30 s read timeout, and the whole
    # order would take well over a minute; only the deadline can stop it.
    sb.knobs.trickle_seconds = 0.02
    sb.knobs.fail_next("slow_body", path_prefix="/v2/orders")
    error = fails(transports(), order_request(sb, deadline=0.3))
    assert error.kind == "deadline"
    assert error.retryable
    assert "0.3 s deadline" in str(error)
    assert 0 < error.body_bytes < 1000
    assert_safe(error, sb)


def test_a_stalled_body_ends_at_the_deadline_not_the_read_timeout(
    sb: Sandbox, transports: Callable[..., Urllib3Transport]
) -> None:
    sb.knobs.trickle_seconds = 600.0
    sb.knobs.fail_next("slow_body", path_prefix="/v2/orders")
    error = fails(transports(read_timeout=300), order_request(sb, timeout=300, deadline=0.3))
    assert error.kind == "deadline"
    assert error.retryable


def test_without_a_deadline_the_read_timeout_still_bounds_each_read(
    sb: Sandbox, transports: Callable[..., Urllib3Transport]
) -> None:
    sb.knobs.trickle_seconds = 600.0
    sb.knobs.fail_next("slow_body", path_prefix="/v2/orders")
    error = fails(transports(read_timeout=0.3), order_request(sb))
    assert error.kind == "timeout"
    assert error.retryable


def test_the_client_gives_up_on_a_body_that_always_trickles(sb: Sandbox) -> None:
    sb.knobs.trickle_seconds = 0.02
    sb.knobs.fail_next("slow_body", n=3, path_prefix="/v2/orders")
    with client_for(sb, deadline=0.3) as client, pytest.raises(NetworkError) as caught:
        client.orders.get(1)
    assert caught.value.kind == "deadline"
    assert client.api_calls == 3


def test_the_client_retries_a_trickling_body_once_and_gets_the_order(sb: Sandbox) -> None:
    sb.knobs.trickle_seconds = 0.02
    sb.knobs.fail_next("slow_body", path_prefix="/v2/orders")
    with client_for(sb, deadline=0.3) as client:
        assert client.orders.get(1).id == 1
    assert client.api_calls >= 2


# -- cut answers against the sandbox -----------------------------------------------------------


@pytest.mark.parametrize("kind", ["cut_after_headers", "truncated_body"])
def test_a_cut_body_is_a_retryable_connection_error(
    sb: Sandbox, transports: Callable[..., Urllib3Transport], kind: str
) -> None:
    sb.knobs.fail_next(kind, path_prefix="/v2/orders")
    transport = transports()
    error = fails(transport, order_request(sb, deadline=10.0))
    assert error.kind == "connection"
    assert error.retryable
    assert transport.send(order_request(sb)).status == 200  # the pool recovers


# -- what the sandbox cannot send: a loopback server -------------------------------------------


def gzipped(data: bytes, times: int = 1) -> bytes:
    for _ in range(times):
        data = gzip.compress(data, mtime=0)
    return data


def send_encoded(handler: BaseHTTPRequestHandler, body: bytes, encoding: str) -> None:
    handler.send_response(200)
    handler.send_header("Content-Type", "application/json")
    handler.send_header("Content-Encoding", encoding)
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    with suppress(OSError):
        handler.wfile.write(body)


def encoded(body: bytes, encoding: str) -> Callable[[BaseHTTPRequestHandler], None]:
    return lambda handler: send_encoded(handler, body, encoding)


def get(transport: Urllib3Transport, url: str) -> HttpResponse:
    return transport.send(HttpRequest("GET", url, deadline=10.0))


PAYLOAD = b'{"id": 1, "name": "caf\xc3\xa9"}' * 50


@pytest.mark.parametrize(
    ("body", "encoding"),
    [
        (gzipped(PAYLOAD), "gzip"),
        (gzipped(PAYLOAD), "x-gzip"),
        (zlib.compress(PAYLOAD), "deflate"),
        (zlib.compress(PAYLOAD)[2:-4], "deflate"),  # raw deflate, as some servers send it
        (gzipped(PAYLOAD[:500]) + gzipped(PAYLOAD[500:]), "gzip"),  # two members
        (gzipped(PAYLOAD, times=2), "gzip, gzip"),
        (zlib.compress(gzipped(PAYLOAD)), "gzip, identity, deflate"),
        (PAYLOAD, "identity"),
    ],
    ids=[
        "gzip",
        "x-gzip",
        "zlib-deflate",
        "raw-deflate",
        "two-members",
        "gzip-gzip",
        "gzip-identity-deflate",
        "identity",
    ],
)
def test_encoded_answers_are_decoded(
    transports: Callable[..., Urllib3Transport], body: bytes, encoding: str
) -> None:
    with serve({"/x": encoded(body, encoding)}) as base:
        assert get(transports(), f"{base}/x").body == PAYLOAD


def test_more_content_encodings_than_allowed_fail_before_decoding(
    transports: Callable[..., Urllib3Transport],
) -> None:
    with serve({"/x": encoded(gzipped(PAYLOAD, times=3), "gzip, gzip, gzip")}) as base:
        with pytest.raises(TransportError) as caught:
            get(transports(), f"{base}/x")
        assert get(transports(max_content_encodings=3), f"{base}/x").body == PAYLOAD
    assert caught.value.kind == "too_large"
    assert not caught.value.retryable
    assert "3 content-encodings" in str(caught.value)
    assert "max_content_encodings=2" in str(caught.value)


def test_a_stacked_bomb_is_capped_at_every_layer(
    transports: Callable[..., Urllib3Transport],
) -> None:
    bomb = gzipped(bytes(16 * MIB), times=2)  # inflates to a gzip that inflates to 16 MiB
    with (
        serve({"/x": encoded(bomb, "gzip, gzip")}) as base,
        pytest.raises(TransportError) as caught,
    ):
        get(transports(max_decoded_bytes=MIB), f"{base}/x")
    assert caught.value.kind == "too_large"
    assert caught.value.decoded_bytes <= MIB


@pytest.mark.parametrize(
    "body",
    [
        b"\x1f\x8b\x08\x00not gzip at all",
        gzipped(PAYLOAD)[:-20],  # cut short, although Content-Length matches
        gzipped(PAYLOAD)[:30] + b"\xff" * 40 + gzipped(PAYLOAD)[70:],
    ],
    ids=["not-gzip", "cut-short", "corrupt"],
)
def test_a_broken_gzip_body_is_a_retryable_decoding_error(
    transports: Callable[..., Urllib3Transport], body: bytes
) -> None:
    with (
        serve({"/x": encoded(body, "gzip")}) as base,
        pytest.raises(TransportError) as caught,
    ):
        get(transports(), f"{base}/x")
    assert caught.value.kind == "decoding"
    assert caught.value.retryable


def test_an_encoding_nobody_here_can_decode_is_final(
    transports: Callable[..., Urllib3Transport],
) -> None:
    with (
        serve({"/x": encoded(b"\x0b\x02\x80{}\x03", "br")}) as base,
        pytest.raises(TransportError) as caught,
    ):
        get(transports(), f"{base}/x")
    assert caught.value.kind == "decoding"
    assert not caught.value.retryable
    assert "'br' is not supported" in str(caught.value)


def test_a_broken_gzip_through_the_client_is_read_again(
    transports: Callable[..., Urllib3Transport],
) -> None:
    answers = [encoded(b"\x1f\x8b\x08\x00broken", "gzip"), encoded(gzipped(b'{"ok": 1}'), "gzip")]

    def flaky(handler: BaseHTTPRequestHandler) -> None:
        answers.pop(0)(handler)

    with (
        serve({"/stores/h1/v3/hooks": flaky}) as base,
        BigCommerceClient(
            f"{base}/stores/h1/v3/", "tok", allow_insecure_host=True, sleep=lambda _s: None
        ) as client,
    ):
        assert client.request("GET", "v3", "hooks").data == {"ok": 1}
    assert client.api_calls == 2


# -- connections: a half-read answer never goes back to the pool --------------------------------


def chunked_forever(handler: BaseHTTPRequestHandler) -> None:
    handler.send_response(200)
    handler.send_header("Content-Type", "application/json")
    handler.send_header("Transfer-Encoding", "chunked")
    handler.end_headers()
    block = b"x" * CHUNK
    with suppress(OSError):
        for _ in range(64):  # 4 MiB, keep-alive: only the cap stops the client
            handler.wfile.write(b"%x\r\n%s\r\n" % (len(block), block))
        handler.wfile.write(b"0\r\n\r\n")


def test_a_connection_over_a_cap_is_closed_and_the_next_request_works(
    transports: Callable[..., Urllib3Transport],
) -> None:
    ports: list[int] = []

    def ok(handler: BaseHTTPRequestHandler) -> None:
        ports.append(handler.client_address[1])
        send_json(handler, 200, b'{"ok": true}')

    def big(handler: BaseHTTPRequestHandler) -> None:
        ports.append(handler.client_address[1])
        chunked_forever(handler)

    def bomb(handler: BaseHTTPRequestHandler) -> None:
        ports.append(handler.client_address[1])
        send_encoded(handler, gzipped(bytes(MIB)) * 300, "gzip")  # ~300 KiB on the wire

    transport = transports(max_body_bytes=MIB)
    with serve({"/ok": ok, "/big": big, "/bomb": bomb}) as base:
        assert get(transport, f"{base}/ok").body == b'{"ok": true}'
        assert get(transport, f"{base}/ok").body == b'{"ok": true}'
        for path in ("/big", "/bomb"):
            with pytest.raises(TransportError) as caught:
                get(transport, f"{base}{path}")
            assert caught.value.kind == "too_large"
            assert get(transport, f"{base}/ok").body == b'{"ok": true}'
    # ok, ok, big, ok, bomb, ok: finished answers keep their connection for the next
    # request; a capped answer's connection is dropped, never handed to the next one.
    assert ports[0] == ports[1] == ports[2]
    assert ports[3] != ports[2]
    assert ports[4] == ports[3]
    assert ports[5] != ports[4]


def test_head_and_no_content_answers_keep_the_connection(
    transports: Callable[..., Urllib3Transport],
) -> None:
    ports: list[int] = []

    def no_content(handler: BaseHTTPRequestHandler) -> None:
        ports.append(handler.client_address[1])
        handler.send_response(204)
        handler.send_header("Content-Encoding", "gzip")
        handler.end_headers()

    transport = transports()
    with serve({"/n": no_content}) as base:
        for _ in range(3):
            assert get(transport, f"{base}/n").body == b""
    assert len(set(ports)) == 1


# -- nothing but TransportError leaves send() --------------------------------------------------


@pytest.mark.parametrize(
    ("request_kwargs", "kind"),
    [
        # not Latin-1: http.client's UnicodeEncodeError (refused before, naming the header)
        ({"headers": {"X-Note": "snow \u2603"}}, "header"),
        ({"timeout": -1.0}, "unexpected"),  # socket's ValueError
    ],
    ids=["non-latin-1-header", "negative-timeout"],
)
def test_unusable_requests_give_a_transport_error(
    transports: Callable[..., Urllib3Transport], request_kwargs: dict[str, object], kind: str
) -> None:
    with (
        serve({"/x": encoded(PAYLOAD, "identity")}) as base,
        pytest.raises(TransportError) as caught,
    ):
        transports().send(HttpRequest("GET", f"{base}/x", **request_kwargs))  # type: ignore[arg-type]
    assert caught.value.kind == kind
    assert not caught.value.retryable


def test_memory_errors_become_too_large(
    transports: Callable[..., Urllib3Transport], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Only a seam mock can run out of memory on demand.
    transport = transports()

    def out_of_memory(*_args: object, **_kwargs: object) -> None:
        raise MemoryError

    monkeypatch.setattr(transport._pool, "request", out_of_memory)
    with pytest.raises(TransportError) as caught:
        transport.send(HttpRequest("GET", "http://127.0.0.1:9/x"))
    assert caught.value.kind == "too_large"
    assert not caught.value.retryable


def test_a_passed_deadline_fails_before_sending(
    transports: Callable[..., Urllib3Transport],
) -> None:
    calls: list[str] = []

    def ok(handler: BaseHTTPRequestHandler) -> None:
        calls.append(handler.path)
        send_json(handler, 200, b"{}")

    with (
        serve({"/x": ok}) as base,
        pytest.raises(TransportError) as caught,
    ):
        transports().send(HttpRequest("GET", f"{base}/x", deadline=0.0))
    assert caught.value.kind == "deadline"
    assert calls == []
