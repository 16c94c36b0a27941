"""The public API: fixed names exist, everything re-exported is documented."""

from __future__ import annotations

import bigcommerce_connect


def test_fixed_public_names() -> None:
    from bigcommerce_connect import BigCommerceClient, OrderStatus, StoreSettings

    assert BigCommerceClient.__module__ == "bigcommerce_connect.client"
    assert OrderStatus.AWAITING_FULFILLMENT == 11
    assert StoreSettings.__doc__


def test_every_public_name_is_documented() -> None:
    undocumented = [
        name
        for name in bigcommerce_connect.__all__
        if not isinstance(getattr(bigcommerce_connect, name), str)
        and not (getattr(bigcommerce_connect, name).__doc__ or "").strip()
    ]
    assert undocumented == []


def test_package_is_typed() -> None:
    from importlib.resources import files

    assert files("bigcommerce_connect").joinpath("py.typed").is_file()
