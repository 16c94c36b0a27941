"""The hostile-store fault kinds, seen on the wire with a raw HTTP client (not the SDK)."""

from __future__ import annotations

import http.client
import json
import socket
import threading
import zlib
from collections.abc import Iterator
from datetime import datetime, timezone
from typing import Any

import pytest

from bigcommerce_connect.sandbox import (
    ALL_FAULT_KINDS,
    FAULT_KINDS,
    Quota,
    Sandbox,
    SandboxConfig,
    run_sandbox,
)
from bigcommerce_connect.sandbox.faults import gzip_bomb_member
from bigcommerce_connect.sandbox.knobs import DEFAULT_RANDOM_KINDS, parse_fault_kinds

NEW_KINDS = (
    "empty_200",
    "cut_after_headers",
    "truncated_body",
    "short_page",
    "ignore_paging",
    "repeat_page",
    "shuffled_repeat",
    "status_509",
    "retry_after_only",
    "reset_zero",
    "slow_body",
    "huge_body",
    "gzip_bomb",
    "bad_text",
    "deep_json",
    "control_chars",
    "concurrent_change",
)
MIB = 1024 * 1024


@pytest.fixture
def sb() -> Iterator[Sandbox]:
    """A small store per test (faults and knobs change state)."""
    with run_sandbox(SandboxConfig(seed=5, orders=60, customers=30, products=5)) as sandbox:
        yield sandbox


class Raw:
    """A raw http.client connection to one sandbox: the bytes exactly as sent."""

    def __init__(self, sb: Sandbox) -> None:
        self.sb = sb
        self.prefix = f"/stores/{sb.store_hash}/"

    def open(self, method: str, path: str, body: Any = None) -> http.client.HTTPResponse:
        """Send one request on a new connection; return the response after its headers."""
        conn = http.client.HTTPConnection("127.0.0.1", self.sb.port, timeout=10)
        headers = {"X-Auth-Token": self.sb.access_token, "Accept": "application/json"}
        data = json.dumps(body).encode() if body is not None else None
        if data is not None:
            headers["Content-Type"] = "application/json"
        conn.request(method, self.prefix + path, body=data, headers=headers)
        return conn.getresponse()

    def call(self, method: str, path: str, body: Any = None) -> tuple[int, Any, bytes]:
        """``(status, headers, body)`` of a complete answer."""
        resp = self.open(method, path, body)
        with resp:
            return resp.status, resp.headers, resp.read()

    def json(self, path: str) -> Any:
        """GET and decode (the answer must be a clean 200)."""
        status, _, data = self.call("GET", path)
        assert status == 200, (status, data[:200])
        return json.loads(data)


def _ids(rows: Any) -> list[int]:
    items = rows["data"] if isinstance(rows, dict) else rows
    return [int(r["id"]) for r in items]


def _wait_until(predicate: Any, timeout: float = 10.0) -> bool:
    """Wait (bounded) for a condition a server thread brings about."""
    pause = threading.Event()
    for _ in range(int(timeout / 0.01)):
        if predicate():
            return True
        pause.wait(0.01)
    return bool(predicate())


# -- names --------------------------------------------------------------------------------


def test_every_new_kind_is_known_and_all_means_all() -> None:
    assert set(NEW_KINDS) <= set(FAULT_KINDS)
    assert ALL_FAULT_KINDS == FAULT_KINDS
    assert parse_fault_kinds("all") == FAULT_KINDS
    assert parse_fault_kinds("empty_200, gzip_bomb") == ("empty_200", "gzip_bomb")
    assert not set(NEW_KINDS) & set(DEFAULT_RANDOM_KINDS)
    with pytest.raises(ValueError, match="bogus"):
        parse_fault_kinds("500,bogus")


@pytest.mark.parametrize("kind", NEW_KINDS)
def test_every_new_kind_can_be_scheduled(sb: Sandbox, kind: str) -> None:
    sb.knobs.fail_next(kind, path_prefix="/v2/nowhere")  # never matched: nothing happens
    assert Raw(sb).call("GET", "v2/orders/1")[0] == 200


# -- body-replacing kinds, after the store acted --------------------------------------------


def test_empty_200_after_the_store_acted(sb: Sandbox) -> None:
    sb.knobs.fail_next("empty_200", path_prefix="/v2/orders")
    status, headers, data = Raw(sb).call("PUT", "v2/orders/3", {"staff_notes": "acted"})
    assert (status, headers["Content-Length"], data) == (200, "0", b"")
    assert sb.store.orders[3]["staff_notes"] == "acted"
    assert sb.requests.records()[-1].status == 200


def test_cut_after_headers(sb: Sandbox) -> None:
    raw = Raw(sb)
    full = raw.call("GET", "v2/orders/1")[2]
    sb.knobs.fail_next("cut_after_headers")
    resp = raw.open("GET", "v2/orders/1")
    assert resp.status == 200
    assert resp.headers["Content-Length"] == str(len(full))
    with pytest.raises(http.client.IncompleteRead) as info:
        resp.read()
    assert info.value.partial == b""


def test_truncated_body_after_the_store_acted(sb: Sandbox) -> None:
    raw = Raw(sb)
    sb.knobs.fail_next("truncated_body")
    resp = raw.open("PUT", "v2/orders/4", {"status_id": 2})
    length = int(resp.headers["Content-Length"])
    with pytest.raises(http.client.IncompleteRead) as info:
        resp.read()
    assert len(info.value.partial) == length // 2 > 0
    assert sb.store.orders[4]["status_id"] == 2
    full = raw.call("GET", "v2/orders/4")[2]
    assert full.startswith(info.value.partial[:20])


def test_control_chars(sb: Sandbox) -> None:
    sb.knobs.fail_next("control_chars")
    status, headers, data = Raw(sb).call("GET", "v3/customers")
    assert status == 500
    assert headers["Content-Type"].startswith("text/plain")
    for needle in (b"\x1b[2J", b"\x1b[31m", b"\x07", b"\r"):
        assert needle in data


# -- text and depth -------------------------------------------------------------------------


def test_bad_text_puts_lone_surrogates_in_names(sb: Sandbox) -> None:
    sb.knobs.fail_next("bad_text", path_prefix="/v3/customers")
    status, _, data = Raw(sb).call("GET", "v3/customers?limit=3")
    assert status == 200
    assert data.count(b'"first_name":"\\ud83d') == 3
    assert b'"last_name":"\\ud83d' in data
    customer = json.loads(data)["data"][0]  # valid JSON ...
    assert customer["first_name"].startswith("\ud83d")
    with pytest.raises(UnicodeEncodeError):  # ... that is not valid text
        customer["first_name"].encode("utf-8")
    sb.knobs.fail_next("bad_text")
    order = json.loads(Raw(sb).call("GET", "v2/orders/2")[2])
    assert order["billing_address"]["first_name"].startswith("\ud83d")


def test_deep_json_nests_the_first_record(sb: Sandbox) -> None:
    raw = Raw(sb)
    sb.knobs.fail_next("deep_json")
    data = raw.call("GET", "v2/orders?limit=2")[2]
    assert data.startswith(b'[{"deep":' + b"[" * 10_000 + b"]" * 10_000 + b',"id":')
    with pytest.raises(RecursionError):
        json.loads(data)
    sb.knobs.deep_json_depth = 3
    sb.knobs.fail_next("deep_json")
    customers = json.loads(raw.call("GET", "v3/customers?limit=2")[2])["data"]
    assert customers[0]["deep"] == [[[]]]
    assert "deep" not in customers[1]
    sb.knobs.fail_next("deep_json")
    assert json.loads(raw.call("GET", "v2/orders/1")[2])["deep"] == [[[]]]


# -- rate-limit kinds -----------------------------------------------------------------------


def test_status_509_with_x_retry_after_and_no_quota_headers(sb: Sandbox) -> None:
    sb.knobs.quota = Quota(1000, 30)
    sb.knobs.fail_next("status_509")
    status, headers, data = Raw(sb).call("GET", "v2/orders/1")
    assert status == 509
    assert headers["X-Retry-After"] == "1"
    assert not [h for h in headers if h.lower().startswith("x-rate-limit")]
    assert json.loads(data)[0]["status"] == 509
    sb.knobs.retry_after = "1e308"
    sb.knobs.fail_next("status_509")
    assert Raw(sb).call("GET", "v3/customers")[1]["X-Retry-After"] == "1e308"


def test_retry_after_only(sb: Sandbox) -> None:
    sb.knobs.quota = Quota(1000, 30)
    sb.knobs.retry_after = "inf\r\nX-Injected: 1"  # header injection is neutralised
    sb.knobs.fail_next("retry_after_only")
    status, headers, _ = Raw(sb).call("GET", "v3/customers")
    assert status == 429
    assert headers["Retry-After"] == "infX-Injected: 1"
    assert "X-Injected" not in headers
    assert "X-Retry-After" not in headers
    assert not [h for h in headers if h.lower().startswith("x-rate-limit")]


@pytest.mark.parametrize("quota", [None, Quota(150, 30)])
def test_reset_zero(sb: Sandbox, quota: Quota | None) -> None:
    sb.knobs.quota = quota
    sb.knobs.fail_next("reset_zero")
    status, headers, _ = Raw(sb).call("GET", "v2/orders/1")
    assert status == 429
    assert headers["X-Rate-Limit-Requests-Left"] == "0"
    assert headers["X-Rate-Limit-Time-Reset-Ms"] == "0"
    assert headers["X-Rate-Limit-Requests-Quota"] == "150"
    assert headers["X-Rate-Limit-Time-Window-Ms"] == "30000"


# -- paging kinds ---------------------------------------------------------------------------


def test_short_page_v2_keeps_half_of_a_full_page(sb: Sandbox) -> None:
    raw = Raw(sb)
    full = _ids(raw.json("v2/orders?limit=10&page=2"))
    sb.knobs.fail_next("short_page", path_prefix="/v2/orders")
    assert _ids(raw.json("v2/orders?limit=10&page=2")) == full[:5]
    last = _ids(raw.json("v2/orders?limit=50&page=2"))  # 60 orders: the last page holds 10
    sb.knobs.fail_next("short_page", path_prefix="/v2/orders")
    assert _ids(raw.json("v2/orders?limit=50&page=2")) == last  # nothing follows: unchanged
    sb.knobs.fail_next("short_page", path_prefix="/v2/orders")
    assert "id" in raw.json("v2/orders/1")  # not a list: unchanged


def test_short_page_v3_lies_in_meta(sb: Sandbox) -> None:
    raw = Raw(sb)
    sb.knobs.fail_next("short_page", path_prefix="/v3/customers")
    page = raw.json("v3/customers?limit=10&page=1")
    assert _ids(page) == _ids(raw.json("v3/customers?limit=10&page=1"))[:5]
    assert page["meta"]["pagination"]["count"] == 10  # the store lies


def test_max_page_size_caps_limit_with_consistent_pages(sb: Sandbox) -> None:
    raw = Raw(sb)
    every = _ids(raw.json("v2/orders?limit=250"))
    customers = _ids(raw.json("v3/customers?limit=250"))
    sb.knobs.max_page_size = 7
    assert _ids(raw.json("v2/orders?limit=50&page=2")) == every[7:14]
    page = raw.json("v3/customers?limit=50&page=2")
    assert _ids(page) == customers[7:14]
    pagination = page["meta"]["pagination"]
    assert (pagination["per_page"], pagination["total_pages"]) == (7, -(-len(customers) // 7))


def test_ignore_paging(sb: Sandbox) -> None:
    raw = Raw(sb)
    first = _ids(raw.json("v2/orders?limit=10&page=1"))
    sb.knobs.fail_next("ignore_paging", n=2, path_prefix="/v2/orders")
    assert _ids(raw.json("v2/orders?limit=10&page=3")) == first
    assert _ids(raw.json("v2/orders?limit=10&min_id=30&sort=id:asc")) == first
    v3_first = raw.json("v3/customers?limit=5&page=1")
    sb.knobs.fail_next("ignore_paging", path_prefix="/v3/customers")
    assert raw.json("v3/customers?limit=5&page=4") == v3_first


@pytest.mark.parametrize("path", ["v2/orders?limit=10&page={}", "v3/customers?limit=10&page={}"])
def test_repeat_page(sb: Sandbox, path: str) -> None:
    raw = Raw(sb)
    page1 = raw.call("GET", path.format(1))[2]
    sb.knobs.fail_next("repeat_page")
    assert raw.call("GET", path.format(2))[2] == page1
    assert _ids(raw.json(path.format(2))) != _ids(json.loads(page1))


@pytest.mark.parametrize("path", ["v2/orders?limit=10&page={}", "v3/customers?limit=10&page={}"])
def test_shuffled_repeat(sb: Sandbox, path: str) -> None:
    raw = Raw(sb)
    page1 = _ids(raw.json(path.format(1)))
    sb.knobs.fail_next("shuffled_repeat")
    again = _ids(raw.json(path.format(2)))
    assert sorted(again) == sorted(page1)
    assert again != page1


def test_repeat_page_keys_on_filters(sb: Sandbox) -> None:
    raw = Raw(sb)
    raw.json("v2/orders?limit=5&page=1&sort=id:desc")
    other = raw.call("GET", "v2/orders?limit=5&page=1")[2]
    sb.knobs.fail_next("repeat_page")
    assert raw.call("GET", "v2/orders?limit=5&page=2")[2] == other


# -- concurrent change --------------------------------------------------------------------


def test_concurrent_change_ships_every_second_listed_order(sb: Sandbox) -> None:
    raw = Raw(sb)
    frozen = datetime(2030, 1, 2, 3, 4, 5, tzinfo=timezone.utc)
    sb.store.clock = lambda: frozen
    sb.knobs.fail_next("concurrent_change", path_prefix="/v2/orders")
    raw.json("v2/orders/1")  # another path: consumed, no effect
    assert not [o for o in sb.store.orders.values() if o["date_modified"] == frozen]
    sb.knobs.fail_next("concurrent_change", path_prefix="/v2/orders")
    listed = raw.json("v2/orders?status_id=11&limit=5")
    assert {o["status_id"] for o in listed} == {11}  # the answer was rendered before
    ids = [o["id"] for o in listed]
    moved = [i for i in ids if sb.store.orders[i]["status_id"] == 2]
    assert moved == ids[::2]
    assert all(sb.store.orders[i]["date_modified"] == frozen for i in moved)
    assert all(sb.store.orders[i]["status_id"] == 11 for i in ids[1::2])


# -- streamed kinds -----------------------------------------------------------------------


def _raw_socket_request(sb: Sandbox, path: str) -> tuple[socket.socket, bytes, bytes]:
    """Send a GET on a plain socket; return it, the head and the body bytes read with it."""
    sock = socket.create_connection(("127.0.0.1", sb.port), timeout=10)
    request = (
        f"GET /stores/{sb.store_hash}/{path} HTTP/1.1\r\nHost: x\r\n"
        f"X-Auth-Token: {sb.access_token}\r\n\r\n"
    )
    sock.sendall(request.encode())
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        assert chunk, "connection closed before the headers"
        data += chunk
    head, _, rest = data.partition(b"\r\n\r\n")
    return sock, head, rest


def test_slow_body_trickles_one_byte_at_a_time(sb: Sandbox) -> None:
    full = Raw(sb).call("GET", "v2/orders?limit=250")[2]
    sb.knobs.trickle_seconds = 0.05
    sb.knobs.fail_next("slow_body")
    sock, head, rest = _raw_socket_request(sb, "v2/orders?limit=250")
    with sock:
        assert head.startswith(b"HTTP/1.1 200")
        assert f"Content-Length: {len(full)}".encode() in head
        assert rest == b""
        got = [sock.recv(65536) for _ in range(4)]
    assert [len(b) for b in got] == [1, 1, 1, 1]
    assert b"".join(got) == full[:4]
    # The client went away: the handler stops instead of trickling 250 orders for hours.
    assert _wait_until(lambda: sb.open_connections() == 0)


@pytest.mark.parametrize("kind", ["slow_body", "huge_body"])
def test_streaming_kinds_stop_at_shutdown(kind: str) -> None:
    sandbox = Sandbox(SandboxConfig(orders=10, customers=2, products=2))
    sandbox.start()
    stopper = threading.Thread(target=sandbox.stop)
    try:
        sandbox.knobs.trickle_seconds = 60.0
        sandbox.knobs.huge_body_bytes = None
        sandbox.knobs.fail_next(kind)
        sock, head, _ = _raw_socket_request(sandbox, "v2/orders/1")
        with sock:
            assert head.startswith(b"HTTP/1.1 200")
            stopper.start()  # the client neither reads nor leaves
            stopper.join(timeout=20)
            assert not stopper.is_alive()
    finally:
        if stopper.ident is None:  # failed before stopping: still stop the sandbox
            sandbox.stop()


@pytest.mark.parametrize("size", [200 * MIB, None])
def test_huge_body_is_streamed(sb: Sandbox, size: int | None) -> None:
    sb.knobs.huge_body_bytes = size
    sb.knobs.fail_next("huge_body")
    resp = Raw(sb).open("GET", "v2/orders/1")
    assert resp.status == 200
    if size is None:
        assert resp.headers["Content-Length"] is None
        assert resp.headers["Connection"] == "close"
    else:
        assert resp.headers["Content-Length"] == str(size)
    first = resp.read(MIB)
    assert len(first) == MIB
    assert first.startswith(b'[{"id":1,')
    resp.close()
    assert _wait_until(lambda: sb.open_connections() == 0)
    assert Raw(sb).call("GET", "v2/orders/1")[0] == 200


def test_huge_body_exact_small_size(sb: Sandbox) -> None:
    sb.knobs.huge_body_bytes = 100_000
    sb.knobs.fail_next("huge_body")
    status, _, data = Raw(sb).call("GET", "v3/customers")
    assert (status, len(data)) == (200, 100_000)


def test_gzip_bomb(sb: Sandbox) -> None:
    sb.knobs.fail_next("gzip_bomb")
    resp = Raw(sb).open("GET", "v2/orders")
    assert resp.status == 200
    assert resp.headers["Content-Encoding"] == "gzip"
    wire = int(resp.headers["Content-Length"])
    assert 9 * MIB < wire <= 11 * MIB
    member = gzip_bomb_member()
    inflated_per_member = int.from_bytes(member[-4:], "little")  # the gzip ISIZE trailer
    assert inflated_per_member == 16 * MIB
    assert wire // len(member) * inflated_per_member >= 9 * 1024 * MIB  # about 10 GiB
    head = resp.read(MIB)
    resp.close()
    inflater = zlib.decompressobj(wbits=31)
    out = inflater.decompress(head, 4 * MIB)  # the first 4 MiB only: never inflate it all
    assert len(out) == 4 * MIB
    assert out.count(0) == len(out)


# -- mixes, log and admin -------------------------------------------------------------------


def test_random_mix_of_every_kind_logs_every_request(sb: Sandbox) -> None:
    knobs = sb.knobs
    knobs.fault_kinds = ALL_FAULT_KINDS
    knobs.fault_rate = 1.0
    knobs.timeout_seconds = 0.0
    knobs.trickle_seconds = 0.0
    knobs.huge_body_bytes = 2048
    knobs.deep_json_depth = 5
    sb.requests.clear()
    seen: set[int] = set()
    for i in range(120):
        try:
            resp = Raw(sb).open("GET", f"v2/orders?limit=5&page={i % 4 + 1}")
            seen.add(resp.status)
            resp.read(64 * 1024)
            resp.close()
        except (http.client.HTTPException, OSError):
            seen.add(0)
    assert _wait_until(lambda: len(sb.requests) == 120)
    assert {200, 429, 500, 509} <= seen
    knobs.fault_rate = 0.0
    assert Raw(sb).call("GET", "v2/orders/1")[0] == 200


def test_admin_sets_new_knobs_and_kinds(sb: Sandbox) -> None:
    raw = Raw(sb)

    def admin(method: str, body: Any = None) -> tuple[int, Any]:
        conn = http.client.HTTPConnection("127.0.0.1", sb.port, timeout=10)
        data = json.dumps(body).encode() if body is not None else None
        conn.request(
            method, "/_sandbox/knobs", body=data, headers={"X-Auth-Token": sb.access_token}
        )
        resp = conn.getresponse()
        return resp.status, json.loads(resp.read())

    status, shown = admin(
        "PUT",
        {
            "max_page_size": 4,
            "retry_after": "nan",
            "trickle_seconds": 0.25,
            "huge_body_bytes": None,
            "deep_json_depth": 12,
            "fault_kinds": "all",
            "fail_next": {"kind": "status_509", "path_prefix": "/v2/orders"},
        },
    )
    assert status == 200
    assert shown["max_page_size"] == 4
    assert shown["retry_after"] == "nan"
    assert shown["trickle_seconds"] == 0.25
    assert shown["huge_body_bytes"] is None
    assert shown["deep_json_depth"] == 12
    assert shown["fault_kinds"] == list(FAULT_KINDS)
    assert sb.knobs.max_page_size == 4
    status, headers, _ = raw.call("GET", "v2/orders")
    assert (status, headers["X-Retry-After"]) == (509, "nan")
    assert len(raw.json("v2/orders")) == 4
    assert admin("PUT", {"fault_kinds": ["empty_200", "gzip_bomb"]})[1]["fault_kinds"] == [
        "empty_200",
        "gzip_bomb",
    ]
    for bad in (
        {"fault_kinds": ["empty_200", "nope"]},
        {"max_page_size": 0},
        {"huge_body_bytes": "big"},
        {"deep_json_depth": -1},
        {"fail_next": {"kind": "nope"}},
    ):
        assert admin("PUT", bad)[0] == 400, bad
    assert admin("PUT", {"max_page_size": None})[1]["max_page_size"] is None
    assert "nope" in str(admin("PUT", {"fault_kinds": "nope"})[1])
