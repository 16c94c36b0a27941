"""A 2xx that is empty, cut or of the wrong shape is garbled: reads retry it, then fail typed.

Faults come from the sandbox over real HTTP; the transport seam is scripted only for bodies
the sandbox does not produce (bytes that are not UTF-8, absurd numbers, wrong shapes).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import pytest

from bigcommerce_connect import (
    BigCommerceClient,
    BigCommerceError,
    NetworkError,
    UnexpectedResponseError,
)
from bigcommerce_connect.sandbox import Sandbox, SandboxConfig, run_sandbox
from bigcommerce_connect.transport import TransportError
from support.scripted import ScriptedTransport, respond

from .conftest import MakeClient

ATTEMPTS = 3


@pytest.fixture(scope="module")
def sb() -> Iterator[Sandbox]:
    with run_sandbox(SandboxConfig(seed=31, orders=40, customers=12, products=3)) as sandbox:
        yield sandbox


def store_order_ids(sb: Sandbox) -> list[int]:
    with sb.store.locked() as store:
        return sorted(store.orders)


def read_orders_with_fault(
    client: BigCommerceClient, sb: Sandbox, kind: str, *, on_page: int = 2, n: int = 1
) -> list[int]:
    """Every order id of the list, read 5 a page, with ``kind`` on page ``on_page``."""
    ids: list[int] = []
    pages = client.orders.wire_pages(embed_lines=False, limit=5)
    for number, page in enumerate(pages, start=1):
        ids.extend(item["id"] for item in page)
        if number == on_page - 1:
            sb.knobs.fail_next(kind, n, path_prefix="/v2/orders")
    return ids


# -- garbled answers mid-paging are read again: nothing lost ------------------------------


@pytest.mark.parametrize("kind", ["empty_200", "cut_after_headers", "truncated_body"])
def test_a_garbled_page_is_read_again_and_nothing_is_lost(
    sb: Sandbox, client: BigCommerceClient, kind: str
) -> None:
    sb.requests.clear()
    ids = read_orders_with_fault(client, sb, kind, on_page=2)
    assert ids == store_order_ids(sb)  # every order, each once, in order
    pages = -(-len(ids) // 5)
    assert sb.requests.count("GET", "/v2/orders") == pages + 2  # + the retry, + the []


def test_the_customer_stream_does_not_end_on_an_empty_200(
    sb: Sandbox, client: BigCommerceClient
) -> None:
    pages = client.pages_v3("customers", limit=4)
    ids = [item["id"] for item in next(pages)]
    sb.knobs.fail_next("empty_200", 1, path_prefix="/v3/customers")
    ids += [item["id"] for page in pages for item in page]
    with sb.store.locked() as store:
        assert ids == sorted(store.customers)


@pytest.mark.parametrize("kind", ["empty_200", "truncated_body"])
def test_a_read_garbled_every_time_is_a_typed_error_after_the_attempts(
    sb: Sandbox, client: BigCommerceClient, kind: str
) -> None:
    order_id = store_order_ids(sb)[0]
    sb.requests.clear()
    sb.knobs.fail_next(kind, 10, path_prefix=f"/v2/orders/{order_id}")
    with pytest.raises((UnexpectedResponseError, NetworkError)) as caught:
        client.orders.get(order_id)
    assert f"v2/orders/{order_id}" in str(caught.value)
    assert sb.requests.count("GET", f"/v2/orders/{order_id}") == ATTEMPTS


def test_an_empty_200_to_a_get_is_garbled_not_the_end(
    sb: Sandbox, client: BigCommerceClient
) -> None:
    sb.knobs.fail_next("empty_200", 10, path_prefix="/v2/orders")
    with pytest.raises(UnexpectedResponseError, match="garbled answer: no body") as caught:
        list(client.orders.wire_pages(embed_lines=False))
    assert caught.value.status == 200
    assert caught.value.code == "unexpected_response"


def test_an_idempotent_write_with_a_garbled_answer_is_sent_again(
    sb: Sandbox, client: BigCommerceClient
) -> None:
    order_id = sb.store.add_order(status_id=11)
    sb.requests.clear()
    sb.knobs.fail_next("empty_200", 1, path_prefix=f"/v2/orders/{order_id}")
    order = client.orders.set_status(order_id, 9)
    assert order.status_id == 9
    assert sb.requests.count("PUT", f"/v2/orders/{order_id}") == 2


def test_a_post_with_a_garbled_answer_is_never_sent_twice(
    sb: Sandbox, client: BigCommerceClient
) -> None:
    with sb.store.locked() as store:
        groups_before = len(store.customer_groups)
    sb.requests.clear()
    sb.knobs.fail_next("empty_200", 1, path_prefix="/v2/customer_groups")
    with pytest.raises(UnexpectedResponseError, match="garbled answer"):
        client.request("POST", "v2", "customer_groups", body={"name": "Trade"}, expect="object")
    assert sb.requests.count("POST", "/v2/customer_groups") == 1
    with sb.store.locked() as store:
        assert len(store.customer_groups) == groups_before + 1  # the store acted once


# -- shapes, at the transport seam --------------------------------------------------------


@pytest.mark.parametrize(
    ("expect", "body"),
    [
        ("object", [{"id": 1}]),
        ("object", "text"),
        ("v2_list", {"id": 1}),
        ("v2_list", None),
        ("v3_list", {"data": {"id": 1}}),
        ("v3_list", {"data": [], "meta": {"pagination": {"total_pages": "2"}}}),
        ("v3_list", [{"id": 1}]),
    ],
)
def test_a_wrong_shape_is_garbled_retried_then_typed(
    make_client: MakeClient, expect: str, body: object
) -> None:
    raw = b"null" if body is None else body
    transport = ScriptedTransport(*[respond(200, raw)] * ATTEMPTS)
    with pytest.raises(UnexpectedResponseError, match="garbled answer"):
        make_client(transport).request("GET", "v2", "things", expect=expect)  # type: ignore[arg-type]
    assert len(transport.requests) == ATTEMPTS


def test_a_v2_list_is_empty_only_as_204_or_an_empty_array(make_client: MakeClient) -> None:
    transport = ScriptedTransport(
        respond(204), respond(200, []), respond(200, b""), respond(200, [])
    )
    client = make_client(transport)
    assert client.request("GET", "v2", "orders", expect="v2_list").data == []
    assert client.request("GET", "v2", "orders", expect="v2_list").data == []
    # An empty 200 is garbled: read again, and the second answer counts.
    assert client.request("GET", "v2", "orders", expect="v2_list").data == []
    assert len(transport.requests) == 4


def test_a_204_where_an_object_is_expected_is_garbled(make_client: MakeClient) -> None:
    transport = ScriptedTransport(respond(204), respond(200, {"id": 5}))
    assert make_client(transport).request("GET", "v2", "orders/5", expect="object").data == {
        "id": 5
    }


def test_garbled_answers_share_the_attempts_with_network_errors(make_client: MakeClient) -> None:
    reset = TransportError("reset", retryable=True, kind="connection")
    transport = ScriptedTransport(reset, respond(200, b""), respond(200, b"[1"))
    with pytest.raises(UnexpectedResponseError, match="not valid JSON"):
        make_client(transport).request("GET", "v2", "orders", expect="v2_list")
    assert len(transport.requests) == ATTEMPTS


HOSTILE_BODIES = [
    b"\xff\xfe\x00garbage",  # not UTF-8, not JSON
    b'[{"id": 1, "name": "a"}, \xff]',  # undecodable bytes outside a string
    b"[" * 100_000,  # unbalanced and deep
    b"[" * 50_000 + b"]" * 50_000,  # balanced, far deeper than json.loads goes
    b'{"n": ' + b"9" * 5000 + b"}",  # an integer longer than Python will parse
    b'{"n": 1e999999}',
    b'"\\ud800"',
    b"\xef\xbb\xbf",  # a byte order mark and nothing else
    b'{"data": [], "meta": {"pagination": {"total_pages": 1e400}}}',
]


@pytest.mark.parametrize("body", HOSTILE_BODIES)
@pytest.mark.parametrize("expect", ["any", "object", "v2_list", "v3_list"])
def test_nothing_but_typed_errors_leaves_the_client(
    make_client: MakeClient, body: bytes, expect: str
) -> None:
    transport = ScriptedTransport(*[respond(200, body)] * ATTEMPTS)
    client = make_client(transport)
    # A typed error is the contract; any other exception fails the test.
    with contextlib.suppress(BigCommerceError):
        client.request("GET", "v2", "orders", expect=expect)  # type: ignore[arg-type]


def test_a_body_over_the_size_cap_is_a_network_error_not_retried(make_client: MakeClient) -> None:
    too_large = TransportError("the body is over 64 MiB", retryable=False, kind="too_large")
    transport = ScriptedTransport(too_large)
    with pytest.raises(NetworkError) as caught:
        make_client(transport).request("GET", "v2", "orders", expect="v2_list")
    assert caught.value.kind == "too_large"
    assert len(transport.requests) == 1
