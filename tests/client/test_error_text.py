"""Readable errors: text a store sends reaches exception messages escaped, bounded and decoded
with the charset it declares (over real HTTP on loopback, and the sandbox's control_chars)."""

from __future__ import annotations

import json
import random
import unicodedata
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bigcommerce_connect import BigCommerceClient
from bigcommerce_connect.errors import (
    ApiError,
    BadRequestError,
    ServerError,
    ValidationError,
    describe_error_body,
    safe_text,
)
from bigcommerce_connect.retry import RetryPolicy
from bigcommerce_connect.sandbox import Sandbox, SandboxConfig, run_sandbox
from support.httpserver import serve

TOKEN = "tok-CANARY-errors"
BIDI = [chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A))]


def unsafe_characters(text: str) -> list[str]:
    """Characters that must never reach a message: controls, surrogates, bidi overrides."""
    return [
        c
        for c in text
        if unicodedata.category(c) in ("Cc", "Cs") or c in BIDI or c in "\u2028\u2029"
    ]


def answer(
    status: int, body: bytes, content_type: str, headers: dict[str, str] | None = None
) -> Callable[[BaseHTTPRequestHandler], None]:
    def handle(handler: BaseHTTPRequestHandler) -> None:
        handler.rfile.read(int(handler.headers.get("Content-Length") or 0))  # keep-alive
        handler.send_response(status)
        handler.send_header("Content-Type", content_type)
        handler.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            handler.send_header(name, value)
        handler.end_headers()
        handler.wfile.write(body)

    return handle


def error_from(handler: Callable[[BaseHTTPRequestHandler], None]) -> ApiError:
    """The typed error the client raises for ``handler``'s answer to a PUT (never retried)."""
    with (
        serve({"/stores/h1/v3/catalog/products/1": handler}) as base,
        BigCommerceClient(
            f"{base}/stores/h1/v3/", TOKEN, allow_insecure_host=True, sleep=lambda _s: None
        ) as client,
        pytest.raises(ApiError) as caught,
    ):
        client.request("PUT", "v3", "catalog/products/1", body={"name": "x"})
    message = str(caught.value)
    assert unsafe_characters(message) == []
    assert TOKEN not in message
    message.encode("utf-8")  # printable and loggable as is: no lone surrogate
    return caught.value


# -- the sandbox's control_chars ---------------------------------------------------------------


@pytest.fixture(scope="module")
def sb() -> Iterator[Sandbox]:
    with run_sandbox(SandboxConfig(seed=4, orders=3, customers=2, products=1)) as sandbox:
        yield sandbox


def test_terminal_escapes_from_the_store_are_shown_escaped(sb: Sandbox) -> None:
    sb.knobs.fail_next("control_chars", n=3, path_prefix="/v2/orders")
    with (
        BigCommerceClient(
            sb.api_path,
            sb.access_token,
            allow_insecure_host=True,
            sleep=lambda _s: None,
            rng=random.Random(2),
            retry=RetryPolicy(max_attempts=3),
        ) as client,
        pytest.raises(ServerError) as caught,
    ):
        client.orders.get(1)
    message = str(caught.value)
    assert unsafe_characters(message) == []
    assert "\\x1b[2J\\x1b[H\\x1b[31mFATAL\\x1b[0m upstream error\\x07\\r\\n" in message
    assert "\\x00" in message
    assert caught.value.status == 500
    assert sb.access_token not in message


# -- JSON error bodies -------------------------------------------------------------------------


def test_titles_and_field_errors_are_escaped() -> None:
    body = {
        "status": 422,
        "title": "Invalid \x1b[31mred\x1b[0m \u202eevil\u202c \ud83d",
        "errors": {"na\nme": "bad\r\nvalue\tok", "sku": "taken \x9b2J"},
    }
    raw = json.dumps(body).encode()  # ensure_ascii: the lone surrogate travels as \ud83d
    error = error_from(answer(422, raw, "application/json"))
    assert isinstance(error, ValidationError)
    assert error.title == "Invalid \\x1b[31mred\\x1b[0m \\u202eevil\\u202c \\ud83d"
    assert error.field_errors == {"na\\nme": "bad\\r\\nvalue\\tok", "sku": "taken \\x9b2J"}
    assert "na\\nme: bad\\r\\nvalue\\tok" in str(error)


def test_v2_error_messages_are_escaped() -> None:
    raw = json.dumps([{"status": 400, "message": "no\x07 \u2066bell\u2069"}]).encode()
    error = error_from(answer(400, raw, "application/json"))
    assert isinstance(error, BadRequestError)
    assert "no\\x07 \\u2066bell\\u2069" in str(error)


def test_request_ids_are_escaped_and_bounded() -> None:
    hostile = "req-1\x1b]0;pwned\x07" + "x" * 500
    error = error_from(answer(400, b"{}", "application/json", {"X-Request-Id": hostile}))
    assert error.request_id is not None
    assert error.request_id.startswith("req-1\\x1b]0;pwned\\x07xxx")
    assert len(error.request_id) <= 100


def test_many_and_long_field_errors_stay_bounded() -> None:
    fields = {f"field{i}\x1b": "y" * 1_000 for i in range(2_000)}
    raw = json.dumps({"title": "t" * 100_000, "errors": fields}).encode()
    error = error_from(answer(422, raw, "application/json"))
    assert len(error.field_errors) <= 50
    assert all(len(k) <= 80 and len(v) <= 120 for k, v in error.field_errors.items())
    assert len(str(error)) < 2_000


def test_a_deeply_nested_error_body_still_gives_a_typed_error() -> None:
    raw = b'{"title": ' + b"[" * 50_000 + b"]" * 50_000 + b"}"
    error = error_from(answer(400, raw, "application/json"))
    assert isinstance(error, BadRequestError)
    assert len(str(error)) < 400


# -- text bodies and charsets ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content_type", "encoding", "text"),
    [
        ("text/plain; charset=ISO-8859-1", "latin-1", "Paramètre « prix » invalide"),
        ('text/html; charset="windows-1252"', "cp1252", "Paramètre – “prix” invalide"),
        ("text/plain;charset=utf-16", "utf-16", "Paramètre invalide: 価格"),
        ("text/plain; Charset=Shift_JIS", "shift_jis", "価格が無効です"),
    ],
)
def test_a_text_body_is_decoded_with_its_declared_charset(
    content_type: str, encoding: str, text: str
) -> None:
    error = error_from(answer(400, text.encode(encoding), content_type))
    assert error.title == text


@pytest.mark.parametrize(
    "content_type",
    ["text/plain; charset=no-such-charset", "text/plain; charset=base64", "text/plain"],
)
def test_an_unknown_or_missing_charset_falls_back_to_utf8(content_type: str) -> None:
    body = "naïve ".encode() + b"\xff\xfe" + b" \x1b[1m end"
    error = error_from(answer(400, body, content_type))
    assert error.title == "naïve \ufffd\ufffd \\x1b[1m end"


def test_a_huge_text_body_gives_a_short_message() -> None:
    body = ("Gateway Timeout\r\n" * 200_000).encode()
    error = error_from(answer(504, body, "text/plain; charset=utf-8"))
    assert error.title.startswith("Gateway Timeout\\r\\nGateway Timeout")
    assert error.title.endswith("…")
    assert len(str(error)) < 400


# -- safe_text itself --------------------------------------------------------------------------


def test_safe_text_escapes_controls_and_keeps_text() -> None:
    assert safe_text("a\x1bb\rc\nd\te\x7ff\x85g") == "a\\x1bb\\rc\\nd\\te\\x7ff\\x85g"
    assert safe_text("  café   ☕  ok  ") == "café ☕ ok"
    assert safe_text("x\ud800y\u202ez") == "x\\ud800y\\u202ez"
    assert safe_text("") == ""


def test_safe_text_never_cuts_an_escape_in_half() -> None:
    assert safe_text("\x1b" * 50, 10) == "\\x1b\\x1b…"
    assert safe_text("abcdef", 4) == "abc…"


@given(st.text(), st.integers(min_value=1, max_value=300))
def test_safe_text_is_bounded_safe_and_idempotent(text: str, limit: int) -> None:
    shown = safe_text(text, limit)
    assert len(shown) <= limit
    assert unsafe_characters(shown) == []
    assert safe_text(shown, limit) == shown


def test_describe_error_body_takes_a_content_type() -> None:
    body = "Ungültig".encode("latin-1")
    assert describe_error_body(body, "text/plain; charset=latin-1") == ("Ungültig", {})
    assert describe_error_body(body) == ("Ung\ufffdltig", {})


def test_an_error_built_by_hand_is_made_safe_too() -> None:
    error = ApiError(
        method="GET",
        path="v2/orders",
        status=500,
        title="boom\x1b[2J",
        field_errors={"a\x07": "b\r"},
        request_id="id\n2",
    )
    assert (
        str(error) == "GET v2/orders -> 500; boom\\x1b[2J; fields: a\\x07: b\\r; request id id\\n2"
    )
