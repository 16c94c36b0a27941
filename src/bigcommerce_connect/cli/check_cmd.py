"""``bigcommerce-connect check``: is the store reachable, the token good, the scopes there?

Every scope the configured work needs is checked, read and modify, without changing store
data: a read lists one record; a write goes to an id that cannot exist (or carries nothing
to change), so the store answers 403 when the scope is missing and 404 or 422 when it is
there. A missing scope the settings do not need (Customers modify without B2B, say) is a
note, not a failure; without Store Inventory (modify) stock goes through the catalog's
inventory level (Products modify), so that is a warning unless Products (modify) is missing
too.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import Final

import attrs

from bigcommerce_connect.adapters.mapping_files import JsonFileMappingStore
from bigcommerce_connect.cli.display import terminal_text
from bigcommerce_connect.cli.preflight import mapping_problems, status_problem
from bigcommerce_connect.cli.store_options import add_store_flags, client_for, load_settings
from bigcommerce_connect.cli.subcommand import Subparsers
from bigcommerce_connect.cli.sync_cmd import mappings_dir
from bigcommerce_connect.client import BigCommerceClient
from bigcommerce_connect.errors import (
    AuthenticationError,
    BadRequestError,
    BigCommerceError,
    ConflictError,
    NetworkError,
    NotFoundError,
    PermissionDeniedError,
    UnsupportedOperationError,
    ValidationError,
)
from bigcommerce_connect.mapping import InMemoryMappingStore, MappingStore
from bigcommerce_connect.retry import RetryPolicy
from bigcommerce_connect.settings import StoreSettings

__all__ = ["ScopeProbe", "add_parser", "explain", "scope_probes"]

Probe = Callable[[BigCommerceClient], object]
# An id no store record has: a write to it changes nothing and reaches the store's checks
# only when the scope lets it through.
_NO_SUCH_ID: Final = 0
# Answers that mean a write got past the scope check (and, aimed at nothing, did nothing).
_WRITE_REACHED_THE_STORE: Final = (NotFoundError, ValidationError, BadRequestError, ConflictError)


@attrs.frozen
class ScopeProbe:
    """One check: what it verifies, how, and when the configured work needs it.

    ``needed`` says why a missing scope fails the check (``""``: the work does not need it);
    ``write`` probes succeed on 404/422 (a write aimed at nothing); ``v3`` probes cannot run
    on a legacy (v2-only) API path.
    """

    label: str
    probe: Probe
    needed: str = ""
    write: bool = False
    v3: bool = True


def add_parser(subparsers: Subparsers) -> None:
    """Register ``check``."""
    parser = subparsers.add_parser(
        "check",
        help="verify API path, credentials, scopes (read and modify) and TLS; explain failures",
    )
    add_store_flags(parser)
    parser.add_argument(
        "--db",
        default="bigcommerce-connect.db",
        help="the SQLite ERP file: the settings' mapping names are looked up beside it",
    )
    parser.set_defaults(handler=run)


def _write(method: str, path: str, body: object) -> Probe:
    return lambda c: c.request(method, "v3", path, body=body)


def scope_probes(settings: StoreSettings) -> list[ScopeProbe]:
    """The probes for these settings' work: every scope, read and modify, and webhooks."""
    b2b = "B2B contacts" if settings.b2b else ""
    products = "Upload (Update Products)" if settings.item_export or settings.b2b else ""
    return [
        ScopeProbe("Orders (read-only)", lambda c: c.orders.count(), "order import", v3=False),
        ScopeProbe(
            "Orders (modify)",
            lambda c: c.request("PUT", "v2", f"orders/{_NO_SUCH_ID}", body={}),
            "status moves",
            write=True,
            v3=False,
        ),
        ScopeProbe("Customers (read-only)", _customers_read, "customer import", v3=False),
        ScopeProbe(
            "Customers (modify)", _write("PUT", "customers", [{"id": _NO_SUCH_ID}]), b2b, True
        ),
        ScopeProbe(
            "Products (read-only)",
            lambda c: next(c.products.iter(limit=1), None),
            "item lookups and inventory",
        ),
        ScopeProbe(
            "Products (modify)",
            _write("PUT", f"catalog/products/{_NO_SUCH_ID}", {}),
            products,
            True,
        ),
        ScopeProbe(
            "Store Inventory (read-only)",
            lambda c: c.request("GET", "v3", "inventory/items", params={"limit": 1}),
        ),
        ScopeProbe(
            "Store Inventory (modify)",
            _write("PUT", "inventory/adjustments/absolute", {"reason": "check", "items": []}),
            "inventory push",
            write=True,
        ),
        ScopeProbe("Webhooks", lambda c: next(c.webhooks.iter(), None)),
    ]


def _customers_read(client: BigCommerceClient) -> object:
    if client.endpoint.supports_v3:
        return next(client.customers.iter(limit=1), None)
    return client.request("GET", "v2", "customers", params={"limit": 1})


def explain(error: BigCommerceError) -> str:
    """What a failure means in plain words, and what to do about it."""
    if isinstance(error, NetworkError) and error.kind == "tls":
        return f"{error} — the connection is refused for safety, not retried."
    if isinstance(error, NetworkError):
        return f"the store could not be reached ({error.kind}): check the network and API path."
    if isinstance(error, AuthenticationError):
        return "the API token was refused: copy it again, or the API account was deleted."
    if isinstance(error, PermissionDeniedError):
        return f"the API account lacks a scope: give it {error.scope} in the control panel."
    if isinstance(error, NotFoundError):
        return "the store was not found: check the store hash in the API path."
    if isinstance(error, UnsupportedOperationError):
        return str(error)
    return str(error)


@attrs.define
class _Outcome:
    """What the probes found: failures, and scopes found missing (by label)."""

    failures: int = 0
    missing: set[str] = attrs.field(factory=set)


def run(args: argparse.Namespace) -> int:
    """Run every probe and print one line each; exit 1 if a needed one failed."""
    settings = load_settings(args)
    out = sys.stdout
    out.write(
        f"Store {terminal_text(settings.endpoint.store_hash or settings.endpoint.host)} "
        f"({settings.endpoint.auth_mode.value} auth) at {terminal_text(settings.endpoint.origin)}\n"
    )
    outcome = _Outcome()
    _check_mappings(settings, _mapping_store(args), outcome)
    with client_for(args, settings, retry=RetryPolicy(max_attempts=2)) as client:
        _check_statuses(client, settings, outcome)
        for probe in scope_probes(settings):
            if not _run_probe(client, probe, outcome):
                break  # every other probe would fail the same way
    _inventory_fallback_note(outcome)
    failures = outcome.failures
    out.write("All checks passed.\n" if not failures else f"{failures} check(s) failed.\n")
    return 1 if failures else 0


def _run_probe(client: BigCommerceClient, probe: ScopeProbe, outcome: _Outcome) -> bool:
    """Run one probe and print its line; False when no later probe can succeed."""
    out = sys.stdout
    if probe.v3 and not client.endpoint.supports_v3:
        out.write(f"  skip  {probe.label}: a legacy API path reaches v2 endpoints only\n")
        return True
    try:
        probe.probe(client)
    except PermissionDeniedError as error:
        outcome.missing.add(probe.label)
        if probe.needed and probe.label != "Store Inventory (modify)":
            outcome.failures += 1
            out.write(f"  FAIL  {probe.label}: {terminal_text(explain(error))} ")
            out.write(f"(needed for {probe.needed})\n")
        else:
            out.write(f"  note  {probe.label}: missing; {_not_needed(probe)}\n")
        return True
    except _WRITE_REACHED_THE_STORE as error:
        if not probe.write:
            return _failed(probe, error, outcome)
    except BigCommerceError as error:
        return _failed(probe, error, outcome)
    out.write(f"  ok    {probe.label}\n")
    return True


def _mapping_store(args: argparse.Namespace) -> MappingStore:
    """The mappings beside ``--db`` (only the built-ins when there is no such folder)."""
    folder = mappings_dir(args.db)
    return JsonFileMappingStore(folder) if folder.is_dir() else InMemoryMappingStore()


def _check_mappings(settings: StoreSettings, store: MappingStore, outcome: _Outcome) -> None:
    """Every mapping the settings name exists and is of the right kind (no store call)."""
    for problem in mapping_problems(settings, store):
        field, _, why = problem.partition(": ")
        _mapping_failed(outcome, field, why)


def _check_statuses(client: BigCommerceClient, settings: StoreSettings, outcome: _Outcome) -> None:
    """The settings' "get" and "set" statuses are the store's (one call; its labels count)."""
    try:
        problem = status_problem(client, settings)
    except BigCommerceError:
        return  # the store cannot be read: the probes below say why, one line each
    if problem is not None:
        _mapping_failed(outcome, "statuses", problem)


def _mapping_failed(outcome: _Outcome, field: str, why: str) -> None:
    outcome.failures += 1
    sys.stdout.write(f"  FAIL  settings {field}: {terminal_text(why)}\n")


def _not_needed(probe: ScopeProbe) -> str:
    if probe.label == "Store Inventory (modify)":
        return "stock goes through the catalog's inventory level (Products modify) instead"
    return "the configured work does not use it"


def _failed(probe: ScopeProbe, error: BigCommerceError, outcome: _Outcome) -> bool:
    outcome.failures += 1
    sys.stdout.write(f"  FAIL  {probe.label}: {terminal_text(explain(error))}\n")
    return not isinstance(error, (NetworkError, AuthenticationError))


def _inventory_fallback_note(outcome: _Outcome) -> None:
    """Without both Store Inventory and Products (modify), stock cannot reach the store."""
    if {"Store Inventory (modify)", "Products (modify)"} <= outcome.missing:
        outcome.failures += 1
        sys.stdout.write(
            "  FAIL  stock push: neither Store Inventory (modify) nor Products (modify) is "
            "granted; give the API account one of them\n"
        )
