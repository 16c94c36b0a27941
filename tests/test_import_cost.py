"""Importing the package stays cheap: heavy parts load on first use, never at import.

Counted by the modules a fresh interpreter has loaded after ``import bigcommerce_connect``,
never by timing.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

import bigcommerce_connect

# Modules that a bare ``import bigcommerce_connect`` must not load.
_LAZY_MODULES = (
    "bigcommerce_connect.sandbox",
    "bigcommerce_connect.cli",
    "bigcommerce_connect.adapters",
    "bigcommerce_connect.adapters.sqlite",
    "bigcommerce_connect.client",
    "bigcommerce_connect.sync",
    "bigcommerce_connect.mapping",
    "bigcommerce_connect.mapping.defaults",
    "bigcommerce_connect.models",
    "bigcommerce_connect.resources",
    "bigcommerce_connect.export",
    "bigcommerce_connect.transport",
    "bigcommerce_connect.settings",
    "urllib3",
    "cattrs",
    "attrs",
    "ssl",
    "email",
    "http.client",
    "sqlite3",
)


def _modules_after(code: str) -> set[str]:
    """The names in ``sys.modules`` of a fresh interpreter after running ``code``."""
    script = f"{code}\nimport json, sys\nprint(json.dumps(sorted(sys.modules)))"
    out = subprocess.run(  # noqa: S603 - our own interpreter and script
        [sys.executable, "-c", script], check=True, capture_output=True, text=True
    ).stdout
    return set(json.loads(out.splitlines()[-1]))


def test_import_loads_no_heavy_part() -> None:
    loaded = _modules_after("import bigcommerce_connect")
    assert sorted(loaded.intersection(_LAZY_MODULES)) == []


def test_exceptions_stay_eager() -> None:
    loaded = _modules_after("import bigcommerce_connect")
    assert "bigcommerce_connect.errors" in loaded


def test_first_use_loads_only_what_it_needs() -> None:
    loaded = _modules_after("from bigcommerce_connect import OrderStatus")
    assert "bigcommerce_connect.status" in loaded
    assert (
        sorted(loaded.intersection({"bigcommerce_connect.sandbox", "bigcommerce_connect.cli"}))
        == []
    )


def test_every_public_name_resolves_in_a_fresh_process() -> None:
    script = (
        "import bigcommerce_connect as b\n"
        "missing = [n for n in b.__all__ if getattr(b, n, None) is None]\n"
        "assert missing == [], missing\n"
        "assert set(b.__all__) <= set(dir(b))\n"
        "import sys\n"
        "assert 'bigcommerce_connect.sandbox' not in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", script], check=True)  # noqa: S603


def test_dir_lists_every_public_name_before_it_is_loaded() -> None:
    assert set(bigcommerce_connect.__all__) <= set(dir(bigcommerce_connect))
    assert len(bigcommerce_connect.__all__) == len(set(bigcommerce_connect.__all__))


def test_lazy_name_is_the_defining_module_object() -> None:
    from bigcommerce_connect.client import BigCommerceClient
    from bigcommerce_connect.sync import dashboard

    assert bigcommerce_connect.BigCommerceClient is BigCommerceClient
    assert bigcommerce_connect.dashboard is dashboard


def test_unknown_name_raises_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no_such_name"):
        bigcommerce_connect.no_such_name  # noqa: B018
