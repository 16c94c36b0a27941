"""Which store a command talks to: flags, a settings file and the environment, then a client."""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import Any, Final

from bigcommerce_connect.cli.subcommand import CliError
from bigcommerce_connect.client import BigCommerceClient
from bigcommerce_connect.settings import SettingsError, StoreSettings, parse_settings_text
from bigcommerce_connect.settings_files import check_settings_file, read_settings_text

__all__ = ["TOKEN_ENV", "add_store_flags", "client_for", "load_settings"]

TOKEN_ENV: Final = "BIGCOMMERCE_API_TOKEN"  # noqa: S105 - a variable name, not a token


def add_store_flags(parser: argparse.ArgumentParser) -> None:
    """Flags that say which store to talk to. The token never comes from a flag."""
    parser.add_argument(
        "--settings",
        metavar="FILE",
        help="store settings as TOML or JSON (api_path, api_token, statuses, mappings ...)",
    )
    parser.add_argument("--api-path", help="the API path as the control panel shows it")
    parser.add_argument(
        "--ca-file",
        metavar="PEM",
        help="trust this CA bundle too (a TLS-inspecting proxy, or the sandbox's --tls CA)",
    )
    parser.add_argument(
        "--allow-insecure-host",
        action="store_true",
        help="allow plain http on loopback and non-BigCommerce hosts (a local sandbox)",
    )
    parser.epilog = (
        f"The API token comes from the settings file or the {TOKEN_ENV} environment "
        "variable, never from a flag (flags end up in shell history and process lists)."
    )


def _read_settings_file(path: str) -> dict[str, Any]:
    try:
        text, mode = read_settings_text(path)
    except OSError as error:
        raise CliError(f"cannot read the settings file {path}: {error.strerror}") from None
    except UnicodeDecodeError:
        raise CliError(f"the settings file {path} is not UTF-8 text") from None
    data = _parse(text, path)
    try:
        check_settings_file(path, data, mode)
    except SettingsError as error:
        raise CliError(str(error)) from None
    return data


def _parse(text: str, path: str) -> dict[str, Any]:
    """The settings file's data; its parse errors say where, never quote it (the token)."""
    try:
        data = parse_settings_text(text, toml=Path(path).suffix.lower() == ".toml")
    except SettingsError as error:
        raise CliError(f"{path}: {'; '.join(error.problems)}") from None
    if not isinstance(data, dict):
        raise CliError(f"{path} must hold an object of settings")
    return data


def load_settings(args: argparse.Namespace) -> StoreSettings:
    """Settings from ``--settings``, overridden by flags; the token from the file or env."""
    data: dict[str, Any] = _read_settings_file(args.settings) if args.settings else {}
    if args.api_path:
        data["api_path"] = args.api_path
    if args.allow_insecure_host:
        data["allow_insecure_host"] = True
    if getattr(args, "concurrency", None) is not None:  # only commands that run imports have it
        data["concurrency"] = args.concurrency
    # A token from a file or a secret store often ends in a newline: surrounding whitespace
    # is dropped (settings refuse any other control character, without showing it).
    token = os.environ.get(TOKEN_ENV, "").strip()
    if token:
        data["api_token"] = token
    if "api_path" not in data:
        raise CliError("no API path: give --api-path or a settings file with api_path")
    if not data.get("api_token"):
        raise CliError(f"no API token: set {TOKEN_ENV} or put api_token in the settings file")
    try:
        settings = StoreSettings.from_dict(data)
    except SettingsError as error:
        raise CliError(str(error)) from None
    if not settings.api_token:  # only whitespace
        raise CliError(f"no API token: set {TOKEN_ENV} or put api_token in the settings file")
    return settings


def client_for(
    args: argparse.Namespace, settings: StoreSettings, **options: Any
) -> BigCommerceClient:
    """A client for the settings' store, trusting ``--ca-file`` when given."""
    return settings.connect(ca_file=args.ca_file, **options)
