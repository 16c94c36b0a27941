"""Settings copy like any value (copy.copy, copy.deepcopy); pickling a Secret stays refused."""

from __future__ import annotations

import copy
import pickle
from collections.abc import Callable

import attrs
import pytest

from bigcommerce_connect import StoreSettings
from bigcommerce_connect.secret import Secret
from support.sandboxes import StartSandbox

TOKEN = "CANARY-token-0123456789"
COPIERS: list[Callable[[object], object]] = [copy.copy, copy.deepcopy]


@pytest.mark.parametrize("copier", COPIERS, ids=["copy", "deepcopy"])
def test_secret_copies_without_showing_itself(copier: Callable[[object], object]) -> None:
    secret = Secret(TOKEN)
    copied = copier(secret)
    assert isinstance(copied, Secret)
    assert copied == secret
    assert copied.reveal() == TOKEN
    assert TOKEN not in repr(copied)
    assert TOKEN not in str(copied)
    with pytest.raises(TypeError, match="pickled"):
        pickle.dumps(copied)


@pytest.mark.parametrize("copier", COPIERS, ids=["copy", "deepcopy"])
def test_settings_copy_and_the_copy_connects(
    copier: Callable[[object], object], start_sandbox: StartSandbox
) -> None:
    sb = start_sandbox(seed=3, orders=2, customers=2, products=2)
    settings = StoreSettings(
        api_path=sb.api_path,
        api_token=sb.access_token,
        code="WEB",
        allow_insecure_host=True,
    )
    copied = copier(settings)
    assert isinstance(copied, StoreSettings)
    assert copied == settings
    assert attrs.asdict(copied, recurse=False).keys() == attrs.asdict(settings).keys()
    assert sb.access_token not in repr(copied)
    changed = attrs.evolve(copied, code="SHOP")
    assert (settings.code, changed.code) == ("WEB", "SHOP")
    with copied.connect() as client:
        assert client.order_statuses.get_all()  # the copied token still authenticates


def test_pickling_settings_is_still_refused() -> None:
    settings = StoreSettings(
        api_path="https://api.bigcommerce.com/stores/abc123/", api_token=Secret(TOKEN)
    )
    with pytest.raises(TypeError, match="pickled"):
        pickle.dumps(settings)
    with pytest.raises(TypeError, match="pickled"):
        pickle.dumps(copy.deepcopy(settings))
