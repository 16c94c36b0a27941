"""One exception root: everything the SDK raises on purpose is a ``ConnectError``.

A host catches ``ConnectError`` to catch every SDK failure, so a new exception class that
derives from ``Exception`` directly (a new root) fails here. The sandbox is a separate
program that imports nothing of the SDK and keeps its own errors.
"""

from __future__ import annotations

import ast
import importlib
import pkgutil
from pathlib import Path

import pytest

import bigcommerce_connect
from bigcommerce_connect import (
    ApiPathError,
    BigCommerceError,
    ConnectError,
    MappingError,
    SettingsError,
    TransportError,
    UnknownStatusError,
)
from bigcommerce_connect.adapters.sqlite.schema import SchemaVersionError
from bigcommerce_connect.cli.subcommand import CliError
from bigcommerce_connect.mapping.transforms import TransformFailure
from bigcommerce_connect.models import ModelError
from bigcommerce_connect.ports import BindingConflictError
from bigcommerce_connect.values import ValueFormatError

PACKAGE = bigcommerce_connect.__name__
SANDBOX = f"{PACKAGE}.sandbox"


def _is_sandbox(module: str) -> bool:
    return module == SANDBOX or module.startswith(f"{SANDBOX}.")


#: Third-party modules of the optional extras: a module needing one is left out without it.
OPTIONAL_DEPENDENCIES = frozenset({"psycopg", "celery"})


def _import_every_module() -> None:
    for info in pkgutil.walk_packages(bigcommerce_connect.__path__, f"{PACKAGE}."):
        if _is_sandbox(info.name):
            continue
        try:
            importlib.import_module(info.name)
        except ModuleNotFoundError as missing:  # e.g. adapters.postgres without psycopg
            if (missing.name or "").partition(".")[0] not in OPTIONAL_DEPENDENCIES:
                raise


def _subclasses(root: type[BaseException]) -> set[type[BaseException]]:
    found: set[type[BaseException]] = set()
    pending = [root]
    while pending:
        for cls in pending.pop().__subclasses__():
            if cls not in found:
                found.add(cls)
                pending.append(cls)
    return found


def sdk_exceptions() -> set[type[BaseException]]:
    """Every exception class defined in the SDK (outside the sandbox), private ones included."""
    _import_every_module()
    return {
        cls
        for cls in _subclasses(BaseException)
        if cls.__module__.startswith(f"{PACKAGE}.") and not _is_sandbox(cls.__module__)
    }


def test_the_walk_finds_the_exceptions_of_every_layer() -> None:
    found = sdk_exceptions()

    expected = {BigCommerceError, ModelError, MappingError, CliError, SchemaVersionError}
    assert expected <= found


def test_every_sdk_exception_derives_from_connect_error() -> None:
    roots = sorted(
        f"{cls.__module__}.{cls.__qualname__}"
        for cls in sdk_exceptions()
        if not issubclass(cls, ConnectError)
    )

    assert roots == [], "derive these from bigcommerce_connect.errors.ConnectError"


def test_store_failures_stay_under_big_commerce_error() -> None:
    # Hosts catch BigCommerceError for "the store said no"; it sits below the root.
    assert BigCommerceError.__bases__ == (ConnectError,)
    assert ConnectError.__bases__ == (Exception,)


@pytest.mark.parametrize(
    ("error", "builtin"),
    [
        (ModelError, ValueError),
        (SettingsError, ValueError),
        (ApiPathError, ValueError),
        (TransformFailure, ValueError),
        (ValueFormatError, ValueError),
        (UnknownStatusError, LookupError),
        (SchemaVersionError, RuntimeError),
    ],
)
def test_builtin_families_callers_catch_are_kept(
    error: type[ConnectError], builtin: type[Exception]
) -> None:
    assert issubclass(error, ConnectError)
    assert issubclass(error, builtin)


@pytest.mark.parametrize("error", [MappingError, BindingConflictError, TransportError, CliError])
def test_the_former_roots_are_connect_errors(error: type[Exception]) -> None:
    assert issubclass(error, ConnectError)


def test_the_root_has_no_code() -> None:
    # A quarantine entry's code falls back to the class name ("customer.import.ModelError")
    # when an error names no code; a code on the root would replace those names.
    assert not hasattr(ConnectError, "code")
    assert not hasattr(ModelError, "code")


def test_the_errors_module_imports_nothing_else_of_the_sdk() -> None:
    # Every layer raises from errors.py, so it must sit below all of them.
    source = Path(importlib.import_module(f"{PACKAGE}.errors").__file__ or "").read_text("utf-8")
    imported: list[str] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            imported.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            imported.append("." * node.level + (node.module or ""))

    sdk = [name for name in imported if name.startswith((PACKAGE, "."))]
    assert sdk == []
