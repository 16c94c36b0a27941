"""The client's request path: URLs, headers, JSON, error mapping."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from bigcommerce_connect.client import USER_AGENT, BigCommerceClient
from bigcommerce_connect.errors import (
    ApiError,
    AuthenticationError,
    BadRequestError,
    ConflictError,
    NotFoundError,
    PayloadTooLargeError,
    PermissionDeniedError,
    ServerError,
    UnexpectedResponseError,
    UnsupportedOperationError,
    ValidationError,
)
from support.scripted import ScriptedTransport, respond

from .conftest import TOKEN, MakeClient


def test_v2_and_v3_urls_come_from_the_pasted_v3_path(make_client: MakeClient) -> None:
    transport = ScriptedTransport(respond(200, []), respond(200, {"data": []}))
    client = make_client(transport)
    client.request("GET", "v2", "orders/count")
    client.request("GET", "v3", "/catalog/products")
    assert [r.url for r in transport.requests] == [
        "https://api.bigcommerce.com/stores/abc123/v2/orders/count",
        "https://api.bigcommerce.com/stores/abc123/v3/catalog/products",
    ]


def test_oauth_headers_and_user_agent(make_client: MakeClient) -> None:
    transport = ScriptedTransport(respond(200, {"data": {}}))
    make_client(transport).request("POST", "v3", "hooks", body={"a": 1})
    headers = transport.requests[0].headers
    assert headers["x-auth-token"] == TOKEN
    assert headers["X-Auth-Client"] == "client-1"
    assert headers["Accept"] == "application/json"
    assert headers["Content-Type"] == "application/json"
    assert headers["User-Agent"] == USER_AGENT
    assert "bigcommerce-connect" in USER_AGENT


def test_legacy_path_uses_basic_auth_and_refuses_v3() -> None:
    transport = ScriptedTransport(respond(200, []))
    client = BigCommerceClient(
        "https://store-abc.mybigcommerce.com/api/v2/", TOKEN, username="erp", transport=transport
    )
    client.request("GET", "v2", "orders")
    assert transport.requests[0].url == "https://store-abc.mybigcommerce.com/api/v2/orders"
    assert transport.requests[0].headers["Authorization"].startswith("Basic ")
    assert "X-Auth-Token" not in transport.requests[0].headers
    with pytest.raises(UnsupportedOperationError, match="legacy API path") as caught:
        client.request("GET", "v3", "catalog/products")
    assert TOKEN not in str(caught.value)
    assert len(transport.requests) == 1


def test_legacy_path_without_username_is_refused() -> None:
    with pytest.raises(ValueError, match="user name"):
        BigCommerceClient("https://store-abc.mybigcommerce.com/api/v2/", TOKEN)


def test_query_is_encoded_once_with_plus_as_percent_2b(make_client: MakeClient) -> None:
    transport = ScriptedTransport(respond(204))
    make_client(transport).request("GET", "v3", "customers", params={"email:in": ["a+b@x.io"]})
    assert transport.requests[0].url.endswith("customers?email:in=a%2Bb%40x.io")


def test_v2_money_goes_out_as_strings_and_v3_as_numbers(make_client: MakeClient) -> None:
    transport = ScriptedTransport(respond(200, {}), respond(200, {"data": {}}))
    client = make_client(transport)
    client.request("PUT", "v2", "orders/1", body={"amount": Decimal("12.3")})
    client.request("PUT", "v3", "catalog/products/1", body={"price": Decimal("12.345")})
    assert transport.requests[0].body == b'{"amount": "12.3000"}'
    assert json.loads(transport.requests[1].body or b"") == {"price": 12.345}
    assert b"12.345" in (transport.requests[1].body or b"")


def test_204_and_empty_bodies_decode_to_none(make_client: MakeClient) -> None:
    # An empty 200 to a GET is a body lost on the way (see test_strict_responses.py); to a
    # write, and any 204, it is "nothing to say".
    transport = ScriptedTransport(respond(204), respond(200, b""), respond(204))
    client = make_client(transport)
    assert client.request("GET", "v2", "orders").data is None
    assert client.request("PUT", "v2", "orders/1", body={}).data is None
    assert client.request("GET", "v2", "orders", expect="v2_list").data == []


@pytest.mark.parametrize(
    ("status", "error_type"),
    [
        (400, BadRequestError),
        (401, AuthenticationError),
        (403, PermissionDeniedError),
        (404, NotFoundError),
        (409, ConflictError),
        (413, PayloadTooLargeError),
        (422, ValidationError),
        (418, UnexpectedResponseError),
        (301, UnexpectedResponseError),
    ],
)
def test_statuses_map_to_typed_errors(
    make_client: MakeClient, status: int, error_type: type[ApiError]
) -> None:
    transport = ScriptedTransport(respond(status, {"title": "nope"}, {"X-Request-Id": "req-9"}))
    with pytest.raises(error_type) as caught:
        make_client(transport).request("PUT", "v3", "catalog/products/5", body={"x": 1})
    error = caught.value
    assert type(error) is error_type
    assert (error.method, error.path, error.status, error.request_id) == (
        "PUT",
        "v3/catalog/products/5",
        status,
        "req-9",
    )
    assert TOKEN not in str(error)
    assert TOKEN not in repr(error)
    assert len(transport.requests) == 1  # none of these is retried


def test_5xx_is_a_server_error_after_bounded_retries(make_client: MakeClient) -> None:
    transport = ScriptedTransport(*[respond(503, b"<html>down</html>")] * 3)
    with pytest.raises(ServerError) as caught:
        make_client(transport).request("GET", "v2", "orders")
    assert caught.value.retryable
    assert "<html>down</html>" in str(caught.value)
    assert len(transport.requests) == 3


def test_422_carries_per_field_errors(make_client: MakeClient) -> None:
    body = {"status": 422, "title": "Invalid", "errors": {"email": "is taken", ".name": "empty"}}
    transport = ScriptedTransport(respond(422, body))
    with pytest.raises(ValidationError) as caught:
        make_client(transport).request("POST", "v3", "catalog/products", body={})
    assert caught.value.field_errors == {"email": "is taken", ".name": "empty"}
    assert "email: is taken" in str(caught.value)


def test_v2_error_array_gives_the_message(make_client: MakeClient) -> None:
    message = "The field 'id' cannot be written to. Please remove it from your request."
    transport = ScriptedTransport(respond(400, [{"status": 400, "message": message}]))
    with pytest.raises(BadRequestError, match="cannot be written to"):
        make_client(transport).request("PUT", "v2", "orders/1", body={"id": 1})


@pytest.mark.parametrize(
    "body",
    [b"", b"<html><body>" + b"x" * 5000 + b"</body></html>", b'{"title": "cut', b"\xff\xfe\x00"],
)
def test_non_json_error_bodies_still_give_typed_errors(
    make_client: MakeClient, body: bytes
) -> None:
    transport = ScriptedTransport(respond(404, body))
    with pytest.raises(NotFoundError) as caught:
        make_client(transport).request("GET", "v3", "catalog/products/1")
    assert len(str(caught.value)) < 400


@pytest.mark.parametrize(
    ("method", "path", "scope"),
    [
        ("PUT", "orders/1", "Orders (modify)"),
        ("GET", "customers", "Customers (read-only)"),
        ("PUT", "catalog/products", "Products (modify)"),
        ("POST", "pricelists/assignments", "Products (modify)"),
        ("PUT", "inventory/adjustments/absolute", "Store Inventory (modify)"),
    ],
)
def test_403_names_the_scope_the_store_needs(
    make_client: MakeClient, method: str, path: str, scope: str
) -> None:
    transport = ScriptedTransport(respond(403, {"title": "forbidden"}))
    version = "v2" if path.startswith("orders") else "v3"
    with pytest.raises(PermissionDeniedError) as caught:
        make_client(transport).request(method, version, path, body={} if method != "GET" else None)
    assert caught.value.scope == scope
    assert scope in str(caught.value)


def test_success_with_broken_json_is_retried_for_get_then_typed(make_client: MakeClient) -> None:
    transport = ScriptedTransport(respond(200, b'[{"id": 1'), respond(200, [{"id": 1}]))
    assert make_client(transport).request("GET", "v2", "orders").data == [{"id": 1}]
    transport = ScriptedTransport(respond(200, b'{"data": [trunc'))
    with pytest.raises(UnexpectedResponseError, match="not valid JSON"):
        make_client(transport).request("POST", "v3", "hooks", body={})
    assert len(transport.requests) == 1


def test_client_repr_hides_the_token(make_client: MakeClient) -> None:
    client = make_client(ScriptedTransport())
    assert TOKEN not in repr(client)
    assert TOKEN not in repr(ScriptedTransport(respond(200)).steps)
    assert "abc123" in repr(client)


def test_close_closes_the_transport(make_client: MakeClient) -> None:
    transport = ScriptedTransport()
    with make_client(transport):
        pass
    assert transport.closed
