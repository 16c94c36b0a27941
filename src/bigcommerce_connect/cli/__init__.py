"""The ``bigcommerce-connect`` command line: a thin layer over the library.

Exit codes: 0 ok, 1 the job failed, 2 usage error (argparse's own, or settings that name a
status or mapping the store or the ERP does not have), 130 interrupted (Ctrl-C).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence

from bigcommerce_connect._version import __version__
from bigcommerce_connect.cli import (
    check_cmd,
    demo_cmd,
    export_cmd,
    import_cmd,
    info_cmd,
    init_cmd,
    sandbox_cmd,
    sync_cmd,
    upload_cmd,
)
from bigcommerce_connect.cli.common import (
    add_global_flags,
    apply_common_defaults,
    logging_to_stderr,
    share_common_flags,
)
from bigcommerce_connect.cli.display import terminal_text
from bigcommerce_connect.cli.subcommand import UsageError
from bigcommerce_connect.errors import ConnectError

__all__ = ["build_parser", "main"]


def build_parser() -> argparse.ArgumentParser:
    """Build the top-level argument parser with every subcommand."""
    parser = argparse.ArgumentParser(
        prog="bigcommerce-connect",
        description="Connect an ERP to a BigCommerce store.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    add_global_flags(parser)
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    demo_cmd.add_parser(subparsers)
    sandbox_cmd.add_parser(subparsers)
    check_cmd.add_parser(subparsers)
    sync_cmd.add_parser(subparsers)
    upload_cmd.add_parser(subparsers)
    export_cmd.add_parser(subparsers)
    import_cmd.add_parser(subparsers)
    info_cmd.add_parsers(subparsers)
    init_cmd.add_parser(subparsers)
    share_common_flags(parser)  # last: every command is registered by now
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``bigcommerce-connect`` command."""
    parser = build_parser()
    args = parser.parse_args(argv)
    handler = getattr(args, "handler", None)
    if handler is None:
        parser.print_help(sys.stderr)
        return 2
    apply_common_defaults(parser, args)
    with logging_to_stderr(args):
        return _run(handler, args)


def _run(handler: Callable[[argparse.Namespace], int], args: argparse.Namespace) -> int:
    try:
        result: int = handler(args)
    except ConnectError as error:  # every SDK error: one line, never a traceback
        sys.stderr.write(f"bigcommerce-connect {args.command}: {terminal_text(error)}\n")
        return 2 if isinstance(error, UsageError) else 1
    except KeyboardInterrupt:
        # A command with more to say (sync: how far it got) handles Ctrl-C itself.
        sys.stderr.write(f"bigcommerce-connect {args.command}: interrupted\n")
        return 130
    return result


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
