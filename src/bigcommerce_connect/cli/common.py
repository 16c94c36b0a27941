"""Flags every command shares, accepted before or after the command name, and logging.

``--settings``, ``--db`` and ``--json`` are declared by the commands that use them (with
their own defaults and help); ``--log-level`` and ``-v/--verbose`` by every command. The
top-level parser accepts all of them too, so ``--db X mappings list`` and ``mappings list
--db X`` mean the same. argparse copies a subcommand's defaults over what the top level
parsed, so every copy of these flags defaults to "not given" (``SUPPRESS``) and the
command's own default is filled in after parsing (:func:`apply_common_defaults`).
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, Final

__all__ = [
    "COMMON_DESTS",
    "add_global_flags",
    "apply_common_defaults",
    "log_level",
    "logging_to_stderr",
    "share_common_flags",
]

LOG_LEVELS: Final = ("DEBUG", "INFO", "WARNING", "ERROR")
#: The namespace names of the shared flags.
COMMON_DESTS: Final = ("settings", "db", "json", "log_level", "verbose")
_DEFAULTS: Final = "common_defaults"
# What a command that declares none of its own gets: logging flags only.
_LOGGING_DEFAULTS: Final[dict[str, Any]] = {"log_level": None, "verbose": 0}


def log_level(text: str) -> str:
    """A logging level name, any case: DEBUG, INFO, WARNING or ERROR."""
    level = text.strip().upper()
    if level not in LOG_LEVELS:
        raise argparse.ArgumentTypeError(
            f"must be one of {', '.join(LOG_LEVELS)}, got {text.strip()!r}"
        )
    return level


def _add_logging_flags(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--log-level",
        type=log_level,
        metavar="LEVEL",
        default=argparse.SUPPRESS,
        help="log to stderr from this level: DEBUG, INFO, WARNING (default) or ERROR",
    )
    parser.add_argument(
        "-v",
        "--verbose",
        action="count",
        default=argparse.SUPPRESS,
        help="log more: -v for INFO, -vv for DEBUG",
    )


def add_global_flags(parser: argparse.ArgumentParser) -> None:
    """The shared flags on the top-level parser (before the command name)."""
    parser.add_argument(
        "--settings", metavar="FILE", default=argparse.SUPPRESS, help="store settings file"
    )
    parser.add_argument(
        "--db", metavar="FILE", default=argparse.SUPPRESS, help="the SQLite ERP file"
    )
    parser.add_argument("--json", action="store_true", default=argparse.SUPPRESS, help="print JSON")
    _add_logging_flags(parser)


def share_common_flags(
    parser: argparse.ArgumentParser, inherited: dict[str, tuple[argparse.Action, Any]] | None = None
) -> None:
    """Make every subcommand under ``parser`` take the shared flags in either position.

    A command's own ``--settings``/``--db``/``--json`` default to "not given" and their
    defaults are recorded; a nested command (``mappings list``) also takes the flags of the
    command above it (``mappings --db``), so they may come after its name too.
    """
    for sub in _subcommands(parser):
        defaults: dict[str, Any] = {}
        shared: dict[str, tuple[argparse.Action, Any]] = {}
        own = _shared_actions(sub)
        for dest, action in own.items():
            defaults[dest] = action.default
            action.default = argparse.SUPPRESS
        for dest, (action, default) in (inherited or {}).items():
            if dest not in own:
                own[dest] = _copy_flag(sub, action)
                defaults[dest] = default
        if "log_level" not in own:
            _add_logging_flags(sub)
        for dest, action in own.items():
            if dest not in _LOGGING_DEFAULTS:
                shared[dest] = (action, defaults[dest])
        sub.set_defaults(**{_DEFAULTS: {**_LOGGING_DEFAULTS, **defaults}})
        share_common_flags(sub, shared)


def _subcommands(parser: argparse.ArgumentParser) -> list[argparse.ArgumentParser]:
    seen: dict[int, argparse.ArgumentParser] = {}
    for action in parser._actions:  # argparse has no public walk
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                seen.setdefault(id(sub), sub)
    return list(seen.values())


def _shared_actions(parser: argparse.ArgumentParser) -> dict[str, argparse.Action]:
    return {
        action.dest: action
        for action in parser._actions
        if action.option_strings and action.dest in COMMON_DESTS
    }


def _copy_flag(parser: argparse.ArgumentParser, action: argparse.Action) -> argparse.Action:
    """Declare ``action``'s flag on ``parser`` too (same strings, help and kind)."""
    kind: dict[str, Any] = {"action": "store_true"} if action.nargs == 0 else {}
    if not kind:
        kind = {"metavar": action.metavar, "type": action.type}
    return parser.add_argument(
        *action.option_strings,
        dest=action.dest,
        default=argparse.SUPPRESS,
        help=action.help,
        **kind,
    )


def apply_common_defaults(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    """Fill in the command's defaults for shared flags not given; refuse ones it lacks."""
    defaults: dict[str, Any] = getattr(args, _DEFAULTS, None) or dict(_LOGGING_DEFAULTS)
    for dest in COMMON_DESTS:
        if dest not in defaults and hasattr(args, dest):
            flag = "--" + dest.replace("_", "-")
            parser.error(f"{flag} does not apply to {getattr(args, 'command', None) or 'this'}")
    for dest, value in defaults.items():
        if not hasattr(args, dest):
            setattr(args, dest, value)


def _level(args: argparse.Namespace) -> int:
    if args.log_level:
        return int(getattr(logging, args.log_level))
    verbose = int(args.verbose or 0)
    return logging.DEBUG if verbose >= 2 else logging.INFO if verbose == 1 else logging.WARNING


@contextmanager
def logging_to_stderr(args: argparse.Namespace) -> Iterator[None]:
    """The SDK's log records at the chosen level on stderr, for this command only.

    The SDK redacts tokens and secrets before it logs, so DEBUG is safe to paste.
    """
    logger = logging.getLogger("bigcommerce_connect")
    level = _level(args)
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    handler.setLevel(level)
    before = logger.level
    logger.addHandler(handler)
    # Lowered only when asked: a host's (or a test's) own, lower level stays as it was.
    if logger.getEffectiveLevel() > level:
        logger.setLevel(level)
    try:
        yield
    finally:
        logger.removeHandler(handler)
        logger.setLevel(before)
