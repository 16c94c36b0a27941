"""What every subcommand module shares: the parser it registers on, the error it reports."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, TypeAlias

from bigcommerce_connect.errors import ConnectError

__all__ = ["CliError", "Subparsers", "UsageError"]

if TYPE_CHECKING:
    # argparse has no public name for what add_subparsers returns.
    Subparsers: TypeAlias = argparse._SubParsersAction[argparse.ArgumentParser]
else:
    Subparsers = argparse._SubParsersAction


class CliError(ConnectError):
    """A problem the user can fix; printed without a traceback, exit code 1."""


class UsageError(CliError):
    """Settings or flags that cannot work (an unknown status or mapping name): exit code 2.

    Found at the start of a command, before any store record is touched.
    """
