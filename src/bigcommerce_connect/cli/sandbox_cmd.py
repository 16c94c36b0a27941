"""``bigcommerce-connect sandbox``: the local store, with the fixed flags tools script."""

from __future__ import annotations

import argparse

from bigcommerce_connect.cli import ranges
from bigcommerce_connect.cli.subcommand import Subparsers
from bigcommerce_connect.sandbox.knobs import FAULT_KINDS, parse_fault_kinds
from bigcommerce_connect.sandbox.scopes import ALL_SCOPES, parse_scopes


def add_parser(subparsers: Subparsers) -> None:
    """Register ``sandbox``."""
    # The flags below are a fixed contract: tools script them.
    parser = subparsers.add_parser(
        "sandbox",
        help="run a local BigCommerce stand-in over HTTP(S) on loopback",
        description=(
            "Serve a seeded, faithful local BigCommerce API. Prints one JSON line with the API "
            "path and credentials when ready, then serves until SIGINT/SIGTERM."
        ),
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    parser.add_argument(
        "--port", type=ranges.port, default=0, help="port to bind; 0 picks a free one"
    )
    parser.add_argument("--seed", type=int, default=1, help="seed for the generated store data")
    parser.add_argument(
        "--orders", type=ranges.count, default=200, help="number of orders to generate"
    )
    parser.add_argument("--customers", type=ranges.count, default=50, help="number of customers")
    parser.add_argument("--products", type=ranges.count, default=40, help="number of products")
    parser.add_argument(
        "--quota",
        default=None,
        metavar="REQUESTS/SECONDS",
        help="rate-limit quota, e.g. 150/30 (default: unlimited)",
    )
    parser.add_argument(
        "--latency-ms", type=ranges.non_negative, default=0.0, help="added latency per request"
    )
    parser.add_argument(
        "--fault-rate", type=ranges.fraction, default=0.0, help="share of requests that fail (0..1)"
    )
    parser.add_argument(
        "--fault-kinds",
        type=_fault_kinds,
        default=None,
        metavar="KIND[,KIND...]",
        help=(
            "kinds drawn for --fault-rate faults, comma-separated, or 'all' (default: the 5xx, "
            f"reset and malformed kinds). Kinds: {', '.join(FAULT_KINDS)}"
        ),
    )
    parser.add_argument("--tls", action="store_true", help="serve HTTPS with a throwaway CA")
    parser.add_argument(
        "--scopes",
        type=_scopes,
        default=None,
        metavar="SCOPE[,SCOPE...]",
        help=(
            "the token's OAuth scopes; requests outside them get 403 (default: all). "
            f"Scopes: {', '.join(ALL_SCOPES)}"
        ),
    )
    parser.set_defaults(handler=_run_sandbox)


def _fault_kinds(text: str) -> tuple[str, ...]:
    """Parse ``--fault-kinds``; an unknown kind is a usage error naming it."""
    try:
        return parse_fault_kinds(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from exc


def _scopes(text: str) -> tuple[str, ...] | None:
    """Parse ``--scopes``; an unknown scope is a usage error naming it."""
    try:
        scopes = parse_scopes(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from exc
    return None if scopes is None else tuple(sorted(scopes))


def _run_sandbox(args: argparse.Namespace) -> int:
    from bigcommerce_connect.sandbox.cli import run_sandbox_command

    return run_sandbox_command(args)
