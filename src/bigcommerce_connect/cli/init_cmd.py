"""``bigcommerce-connect init``: write a commented settings file to start from.

The file is created private (mode 0600) and never holds the token: it says where the token
goes instead. Every setting is in it, set to its default or commented out with an example;
docs/settings.md describes each. An existing file is left alone unless ``--force``.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Final

from bigcommerce_connect.api_path import parse_api_path
from bigcommerce_connect.cli.display import terminal_text
from bigcommerce_connect.cli.store_options import TOKEN_ENV
from bigcommerce_connect.cli.subcommand import CliError, Subparsers
from bigcommerce_connect.settings_files import PRIVATE_FILE_MODE

__all__ = ["add_parser", "render_settings"]

#: What ``init`` writes for ``api_path`` when ``--api-path`` is not given (commented out).
PLACEHOLDER_API_PATH: Final = "https://api.bigcommerce.com/stores/STORE_HASH/v3/"

_TEMPLATE: Final = """\
# bigcommerce-connect store settings (TOML). Every key is described in docs/settings.md.
# Keep this file private (chmod 600). A line starting with # is a comment: remove the #
# to set that key. A key that is not listed here is refused.

# The API path exactly as the control panel shows it for the store's API account: the
# store hash and the v2 and v3 bases are derived from it.
{api_path}

# The API token is NOT written here. Give it in the environment:
#   export {token_env}="..."
# or, only in a file nobody else can read (mode 0600), remove the # below:
# api_token = "the access token"

# The client id of an OAuth API account, or the user of a legacy API path (a secret too).
# username = "the client id"

# The store's nickname: names the store in run reports and notifications.
description = ""
# Put in front of the imported customer codes and order references.
code = ""

# Which orders are imported ("get"), and the status each is moved to once it is in the
# ERP ("set"): an id (11) or a label (the store's, or BigCommerce's default name).
get_order_status = "Awaiting Fulfillment"
set_order_status = "Awaiting Shipment"

# Scheduled imports: sync --watch and SyncRunner.run_cycle() do nothing while this is
# false (sync without --watch always runs one cycle).
auto_import = false

# Requests in flight at once during a run (status moves): 1 to 32.
concurrency = 4

# Who every notification (errors, alerts, warnings) is addressed to: an employee.
notify_to = ""

# Named mappings (bigcommerce-connect mappings list); unset: the built-in automatic:* one.
# customer_import = "Shop customers"
# order_import = "Shop orders"
# item_export = "Shop products"

# B2B: customer groups as price levels; employees who may run B2B exports (--employee).
# b2b = true
# b2b_employees = ["ANN", "BOB"]

# Where a stream with no cursor yet starts reading (with a time zone); never written back.
# last_update = 2026-01-01T00:00:00Z

# Plain http on loopback and hosts that are not BigCommerce's: a local sandbox only.
{insecure}
"""


def add_parser(subparsers: Subparsers) -> None:
    """Register ``init``."""
    parser = subparsers.add_parser(
        "init",
        help="write a commented settings file (mode 0600, without the token)",
        description=(
            "Write a TOML settings file with every setting, its default and what it does. "
            f"The API token is never written: give it in {TOKEN_ENV}."
        ),
    )
    parser.add_argument(
        "--path", default="store.toml", help="the file to write (default store.toml)"
    )
    parser.add_argument("--api-path", help="the API path as the control panel shows it")
    parser.add_argument(
        "--allow-insecure-host",
        action="store_true",
        help="allow plain http on loopback and non-BigCommerce hosts (a local sandbox)",
    )
    parser.add_argument("--force", action="store_true", help="overwrite an existing file")
    parser.set_defaults(handler=run)


def render_settings(api_path: str | None = None, *, allow_insecure_host: bool = False) -> str:
    """The settings file ``init`` writes: every setting, commented; never a token.

    ``api_path`` is checked first (:class:`~bigcommerce_connect.api_path.ApiPathError` when
    it cannot be used); without one the line is left commented out with a placeholder.
    """
    if api_path is None:
        line = f"# api_path = {_toml_string(PLACEHOLDER_API_PATH)}  # paste yours, remove the #"
    else:
        parse_api_path(api_path, allow_insecure_host=allow_insecure_host)
        line = f"api_path = {_toml_string(api_path)}"
    insecure = f"{'' if allow_insecure_host else '# '}allow_insecure_host = true"
    return _TEMPLATE.format(api_path=line, token_env=TOKEN_ENV, insecure=insecure)


def _toml_string(value: str) -> str:
    # A parsed API path is printable ASCII: JSON's quoting of it is a valid TOML string.
    if not (value.isascii() and value.isprintable()):
        raise CliError("--api-path: an API path is printable ASCII (copy it again)")
    return json.dumps(value)


def run(args: argparse.Namespace) -> int:
    """Write the settings file; refuse to overwrite one without ``--force``."""
    path = Path(args.path)
    if path.suffix.lower() != ".toml":
        raise CliError(
            "init writes TOML, with a comment on every setting: give a --path ending in "
            ".toml (docs/settings.md shows the same settings as JSON)"
        )
    text = render_settings(args.api_path, allow_insecure_host=args.allow_insecure_host)
    _write_private(path, text, force=args.force)
    shown = terminal_text(path)
    out = sys.stdout.write
    out(f"wrote {shown} (mode 0600; every setting is described in it and in docs/settings.md)\n")
    if args.api_path is None:
        out(f"next: paste your API path into {shown} (api_path)\n")
    out(
        f"the API token is not in it: export {TOKEN_ENV}=... (or set api_token in the file), "
        f"then run: bigcommerce-connect check --settings {shown}\n"
    )
    return 0


def _write_private(path: Path, text: str, *, force: bool) -> None:
    """Create ``path`` with mode 0600 (``force``: replace it, made 0600 too)."""
    # O_EXCL: never write over a file unasked. O_NOFOLLOW: never write through a symlink.
    flags = os.O_WRONLY | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0)
    flags |= os.O_TRUNC if force else os.O_EXCL
    try:
        descriptor = os.open(path, flags, PRIVATE_FILE_MODE)
    except FileExistsError:
        raise CliError(f"{path} exists: pass --force to overwrite it") from None
    except OSError as error:
        raise CliError(f"cannot write {path}: {error.strerror}") from None
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        if force and os.name == "posix":
            # An existing file keeps its mode through O_TRUNC: make it private before writing.
            os.fchmod(descriptor, PRIVATE_FILE_MODE)
        handle.write(text)
