"""``StoreSettings.concurrency``: validated, and the pool of a client from settings follows it."""

from __future__ import annotations

from typing import Any

import pytest

from bigcommerce_connect.client import BigCommerceClient
from bigcommerce_connect.settings import SettingsError, StoreSettings
from bigcommerce_connect.transport import Urllib3Transport

BASE = {"api_path": "https://api.bigcommerce.com/stores/abc123/v3/", "api_token": "t0ken"}


def pool_maxsize(client: BigCommerceClient) -> int:
    transport = client._transport
    assert isinstance(transport, Urllib3Transport)
    size: int = transport._pool.connection_pool_kw["maxsize"]
    return size


def test_concurrency_defaults_to_four_and_round_trips() -> None:
    settings = StoreSettings.from_dict(BASE)
    assert settings.concurrency == 4
    assert settings.to_dict()["concurrency"] == 4
    loaded = StoreSettings.from_dict({**BASE, "concurrency": 16})
    assert StoreSettings.from_json(loaded.to_json(reveal_secrets=True)).concurrency == 16


@pytest.mark.parametrize("value", [0, 33, -1])
def test_concurrency_out_of_range_is_refused_naming_the_field(value: int) -> None:
    with pytest.raises(SettingsError) as caught:
        StoreSettings.from_dict({**BASE, "concurrency": value})
    assert caught.value.problems == [f"concurrency: must be 1 to 32, got {value}"]
    with pytest.raises(SettingsError, match="concurrency"):
        StoreSettings(api_path=BASE["api_path"], api_token="t0ken", concurrency=value)


@pytest.mark.parametrize("value", ["16", True, 4.0, None])
def test_concurrency_must_be_a_whole_number(value: Any) -> None:
    with pytest.raises(SettingsError, match=r"^invalid store settings: concurrency: "):
        StoreSettings.from_dict({**BASE, "concurrency": value})


@pytest.mark.parametrize(("concurrency", "least"), [(1, 1), (4, 5), (16, 17), (32, 33)])
def test_a_client_from_settings_keeps_a_connection_per_request_in_flight(
    concurrency: int, least: int
) -> None:
    settings = StoreSettings.from_dict({**BASE, "concurrency": concurrency})
    with settings.connect() as client:
        assert pool_maxsize(client) >= least
    with settings.connect(max_connections=3) as client:  # an explicit size wins
        assert pool_maxsize(client) == 3


def test_the_client_passes_max_connections_to_its_transport() -> None:
    with BigCommerceClient(BASE["api_path"], "t0ken") as client:
        assert pool_maxsize(client) == 8  # unchanged default
    with BigCommerceClient(BASE["api_path"], "t0ken", max_connections=20) as client:
        assert pool_maxsize(client) == 20
    with pytest.raises(ValueError, match="max_connections"):
        Urllib3Transport(max_connections=0)
