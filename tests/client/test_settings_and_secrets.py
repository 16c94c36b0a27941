"""Store settings load and dump; the token never shows."""

from __future__ import annotations

import json
import logging
from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bigcommerce_connect.client import BigCommerceClient
from bigcommerce_connect.secret import Secret
from bigcommerce_connect.settings import SettingsError, StoreSettings
from bigcommerce_connect.transport import HttpRequest

CANARY = "CANARY-token-0b4d"
BASE = {"api_path": "https://api.bigcommerce.com/stores/abc123/v3/", "api_token": CANARY}


def test_settings_derive_the_endpoint_from_the_pasted_path() -> None:
    settings = StoreSettings.from_dict({**BASE, "code": "BC-", "username": "client-1"})
    assert settings.endpoint.store_hash == "abc123"
    assert settings.endpoint.v2_base.endswith("/stores/abc123/v2/")
    assert settings.get_order_status == "Awaiting Fulfillment"
    assert settings.set_order_status == "Awaiting Shipment"


def test_token_is_in_no_repr_str_or_default_dump() -> None:
    settings = StoreSettings.from_dict(BASE)
    for text in (repr(settings), str(settings), settings.to_json(), f"{settings.api_token}"):
        assert CANARY not in text
    assert "api_token" not in settings.to_dict()
    assert settings.to_dict(reveal_secrets=True)["api_token"] == CANARY


def test_dump_and_load_round_trip() -> None:
    settings = StoreSettings.from_dict(
        {
            **BASE,
            "description": "Main store ☕",
            "code": "BC",
            "b2b": True,
            "get_order_status": 11,
            "set_order_status": "Ready to Pick",
            "last_update": "2026-03-01T12:00:00+02:00",
            "order_import": "MyBCOrders",
            "auto_import": True,
        }
    )
    loaded = StoreSettings.from_json(settings.to_json(reveal_secrets=True))
    assert loaded == settings
    assert loaded.last_update == datetime(2026, 3, 1, 10, 0, tzinfo=timezone.utc)


@pytest.mark.parametrize(
    ("patch", "field"),
    [
        ({"b2b": "yes"}, "b2b"),
        ({"code": 7}, "code"),
        ({"last_update": "yesterday"}, "last_update"),
        ({"last_update": "2026-01-01T00:00:00"}, "last_update"),
        ({"get_order_status": 1.5}, "get_order_status"),
        ({"colour": "red"}, "colour"),
        ({"api_path": "https://evil.example/stores/x/v3/"}, "api_path"),
        ({"api_path": "http://api.bigcommerce.com/stores/x/v3/"}, "api_path"),
    ],
)
def test_bad_fields_are_named(patch: dict[str, object], field: str) -> None:
    with pytest.raises(SettingsError) as caught:
        StoreSettings.from_dict({**BASE, **patch})
    assert caught.value.problems[0].startswith(f"{field}:")
    assert CANARY not in str(caught.value)


def test_missing_required_fields_are_named() -> None:
    with pytest.raises(SettingsError, match="api_token: required"):
        StoreSettings.from_dict({"api_path": BASE["api_path"]})


def test_non_json_and_non_object_are_refused() -> None:
    with pytest.raises(SettingsError, match="not valid JSON"):
        StoreSettings.from_json("{nope")
    with pytest.raises(SettingsError, match="must be an object"):
        StoreSettings.from_json("[1, 2]")


def test_naive_last_update_is_refused_and_aware_is_kept_in_utc() -> None:
    with pytest.raises(SettingsError, match="time zone"):
        StoreSettings(**BASE, last_update=datetime(2026, 1, 1))  # type: ignore[arg-type]
    local = datetime(2026, 1, 1, 9, 0, tzinfo=timezone(timedelta(hours=-5)))
    settings = StoreSettings(**BASE, last_update=local)  # type: ignore[arg-type]
    assert settings.last_update == datetime(2026, 1, 1, 14, 0, tzinfo=timezone.utc)
    assert settings.last_update.tzinfo is timezone.utc


def test_secret_masks_itself_and_refuses_pickling() -> None:
    secret = Secret(CANARY)
    assert CANARY not in repr(secret)
    assert CANARY not in str(secret)
    assert CANARY not in f"{secret!s} {secret!r} {secret:>20}"
    assert secret.reveal() == CANARY
    import pickle

    with pytest.raises(TypeError, match="pickled"):
        pickle.dumps(secret)


def test_request_repr_hides_headers_and_body() -> None:
    request = HttpRequest("GET", "https://x/y", headers={"X-Auth-Token": CANARY}, body=b"secret")
    assert CANARY not in repr(request)
    assert CANARY not in repr(request.headers)


@pytest.mark.parametrize(
    ("api_path", "expected"),
    [  # OAuth: the user name is the client id; a legacy path: Basic auth with it
        (BASE["api_path"], {"X-Auth-Token": CANARY, "X-Auth-Client": "erp"}),
        ("https://store-abc.mybigcommerce.com/api/v2/", {"Authorization": "Basic "}),
    ],
)
def test_settings_connect_a_client_with_their_credentials(
    api_path: str, expected: dict[str, str]
) -> None:
    from support.scripted import ScriptedTransport, respond

    transport = ScriptedTransport(respond(200, []), respond(200, []))
    settings = StoreSettings.from_dict({**BASE, "api_path": api_path, "username": "erp"})
    for client in (
        settings.connect(transport=transport),
        BigCommerceClient.from_settings(settings, transport=transport),
    ):
        client.request("GET", "v2", "orders")
    assert len(transport.requests) == 2
    for request in transport.requests:
        for header, start in expected.items():
            assert request.headers.get(header, "").startswith(start)


def test_client_debug_logging_never_shows_the_token(caplog: pytest.LogCaptureFixture) -> None:
    from support.scripted import ScriptedTransport, respond

    transport = ScriptedTransport(respond(500), respond(200, []))
    client = BigCommerceClient.from_settings(
        StoreSettings.from_dict(BASE), transport=transport, sleep=lambda _s: None
    )
    with caplog.at_level(logging.DEBUG, logger="bigcommerce_connect"):
        client.request("GET", "v2", "orders")
    assert caplog.records
    assert all(CANARY not in record.getMessage() for record in caplog.records)
    assert CANARY not in repr(client)


@given(
    description=st.text(max_size=30),
    code=st.text(max_size=8),
    b2b=st.booleans(),
    status=st.one_of(st.integers(0, 14), st.sampled_from(["Shipped", "Ready to Pick"])),
)
def test_settings_round_trip_through_json(
    description: str, code: str, b2b: bool, status: object
) -> None:
    settings = StoreSettings.from_dict(
        {**BASE, "description": description, "code": code, "b2b": b2b, "get_order_status": status}
    )
    assert StoreSettings.from_dict(json.loads(settings.to_json(reveal_secrets=True))) == settings
