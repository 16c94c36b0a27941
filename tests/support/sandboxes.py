"""Type of the shared ``start_sandbox`` fixture (tests/conftest.py)."""

from __future__ import annotations

from collections.abc import Callable

from bigcommerce_connect.sandbox import Sandbox

#: ``start_sandbox(seed=..., orders=...)`` -> a running sandbox, stopped after the test.
StartSandbox = Callable[..., Sandbox]
