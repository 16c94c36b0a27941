"""The ``bigcommerce-connect`` command line: a thin layer over the library.

Exit codes: 0 ok, 1 the job failed, 2 usage error (argparse's own).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from bigcommerce_connect._version import __version__


def _add_sandbox_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
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
    parser.add_argument("--port", type=int, default=0, help="port to bind; 0 picks a free one")
    parser.add_argument("--seed", type=int, default=1, help="seed for the generated store data")
    parser.add_argument("--orders", type=int, default=200, help="number of orders to generate")
    parser.add_argument("--customers", type=int, default=50, help="number of customers")
    parser.add_argument("--products", type=int, default=40, help="number of products")
    parser.add_argument(
        "--quota",
        default=None,
        metavar="REQUESTS/SECONDS",
        help="rate-limit quota, e.g. 150/30 (default: unlimited)",
    )
    parser.add_argument("--latency-ms", type=float, default=0.0, help="added latency per request")
    parser.add_argument(
        "--fault-rate", type=float, default=0.0, help="share of requests that fail (0..1)"
    )
    parser.add_argument("--tls", action="store_true", help="serve HTTPS with a throwaway CA")
    parser.set_defaults(handler=_run_sandbox)


def _run_sandbox(args: argparse.Namespace) -> int:
    from bigcommerce_connect.sandbox.cli import run_sandbox_command

    return run_sandbox_command(args)


def build_parser() -> argparse.ArgumentParser:
    """Build the top-level argument parser with every subcommand."""
    parser = argparse.ArgumentParser(
        prog="bigcommerce-connect",
        description="Connect an ERP to a BigCommerce store.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    _add_sandbox_parser(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``bigcommerce-connect`` command."""
    parser = build_parser()
    args = parser.parse_args(argv)
    handler = getattr(args, "handler", None)
    if handler is None:
        parser.print_help(sys.stderr)
        return 2
    result: int = handler(args)
    return result


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
