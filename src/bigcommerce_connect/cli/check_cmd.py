"""``bigcommerce-connect check``: is the store reachable, the token good, the scopes there?"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable

from bigcommerce_connect.cli.display import terminal_text
from bigcommerce_connect.cli.store_options import add_store_flags, client_for, load_settings
from bigcommerce_connect.cli.subcommand import Subparsers
from bigcommerce_connect.client import BigCommerceClient
from bigcommerce_connect.errors import (
    AuthenticationError,
    BigCommerceError,
    NetworkError,
    NotFoundError,
    PermissionDeniedError,
    UnsupportedOperationError,
)
from bigcommerce_connect.retry import RetryPolicy

__all__ = ["add_parser", "explain"]

Probe = Callable[[BigCommerceClient], object]


def add_parser(subparsers: Subparsers) -> None:
    """Register ``check``."""
    parser = subparsers.add_parser(
        "check",
        help="verify API path, credentials, scopes and TLS, and explain any failure",
    )
    add_store_flags(parser)
    parser.set_defaults(handler=run)


def _probes() -> list[tuple[str, Probe]]:
    return [
        ("Orders (read)", lambda c: c.order_statuses.get_all()),
        ("Customers (read)", lambda c: next(c.customers.iter(limit=1), None)),
        ("Products (read)", lambda c: next(c.products.iter(limit=1), None)),
        ("Webhooks", lambda c: next(c.webhooks.iter(), None)),
    ]


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


def run(args: argparse.Namespace) -> int:
    """Run every probe and print one line each; exit 1 if any failed."""
    settings = load_settings(args)
    out = sys.stdout
    out.write(
        f"Store {terminal_text(settings.endpoint.store_hash or settings.endpoint.host)} "
        f"({settings.endpoint.auth_mode.value} auth) at {terminal_text(settings.endpoint.origin)}\n"
    )
    failures = 0
    with client_for(args, settings, retry=RetryPolicy(max_attempts=2)) as client:
        for label, probe in _probes():
            try:
                probe(client)
            except BigCommerceError as error:
                failures += 1
                out.write(f"  FAIL  {label}: {terminal_text(explain(error))}\n")
                if isinstance(error, (NetworkError, AuthenticationError)):
                    break  # every other probe would fail the same way
            else:
                out.write(f"  ok    {label}\n")
    out.write("All checks passed.\n" if not failures else f"{failures} check(s) failed.\n")
    return 1 if failures else 0
