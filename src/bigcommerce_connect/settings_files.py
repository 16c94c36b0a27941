"""Settings files are trusted only when their permissions say nobody else can read or change them.

A settings file that holds the API token must be private: readable by group or others, it
hands the token to every local account (``chmod 600 FILE``). A file that group or others can
write must not point the token anywhere but BigCommerce: ``allow_insecure_host`` or a
non-BigCommerce API host from such a file is refused (``chmod go-w FILE``), since whoever can
edit it could send the token in clear text to a listener of their own.

The permission bits are read from the open file the text came from (no window between the
check and the read). Platforms without POSIX modes (Windows) are not checked.

A key that is no setting is refused too, naming the file and the nearest valid key
(``store.toml: unknown setting 'api_pth' (did you mean 'api_path'?)``), so a typo is
reported as itself and never later as a missing setting.
"""

from __future__ import annotations

import os
import shlex
import stat
from collections.abc import Mapping
from typing import Any

from bigcommerce_connect.api_path import ApiPathError, _is_bigcommerce_host, parse_api_path
from bigcommerce_connect.settings import (
    SettingsError,
    StoreSettings,
    parse_settings_text,
    unknown_settings,
)

__all__ = [
    "PRIVATE_DIR_MODE",
    "PRIVATE_FILE_MODE",
    "check_settings_file",
    "load_settings_file",
    "read_settings_text",
]

PRIVATE_FILE_MODE = 0o600
"""The mode of files the SDK creates (SQLite ERP, mapping files): owner read/write only."""

PRIVATE_DIR_MODE = 0o700
"""The mode of folders the SDK creates for its files."""

_READABLE_BY_OTHERS = stat.S_IRGRP | stat.S_IROTH
_WRITABLE_BY_OTHERS = stat.S_IWGRP | stat.S_IWOTH


def read_settings_text(path: str | os.PathLike[str]) -> tuple[str, int | None]:
    """A settings file's text and permission bits (``None`` without POSIX modes).

    Both come from the one open file, so the checked file is the file read. Raises
    ``OSError`` when the file cannot be read, ``UnicodeDecodeError`` when it is not UTF-8.
    """
    with open(path, encoding="utf-8") as handle:
        mode = stat.S_IMODE(os.fstat(handle.fileno()).st_mode)
        text = handle.read()
    return text, (mode if os.name == "posix" else None)


def check_settings_file(
    path: str | os.PathLike[str], data: Mapping[str, Any], mode: int | None
) -> None:
    """Refuse settings ``data`` read from ``path`` with unknown keys or unsafe permissions.

    Raises :class:`~bigcommerce_connect.settings.SettingsError` naming the file and each
    unknown key (with the nearest valid one), or the ``chmod`` that fixes the permission
    bits ``mode``; never a value from the file. ``mode=None`` (no POSIX modes) checks the
    keys only.
    """
    name = os.fspath(path)
    problems = [f"{name}: {problem}" for _, problem in unknown_settings(data)]
    if mode is not None:
        problems += _mode_problems(name, data, mode)
    if problems:
        raise SettingsError(problems)


def load_settings_file(
    path: str | os.PathLike[str], overrides: Mapping[str, Any] | None = None
) -> StoreSettings:
    """Load :class:`StoreSettings` from a TOML (``.toml``) or JSON (any other name) file.

    The file is checked as :func:`check_settings_file` says; ``overrides`` are applied on
    top, e.g. ``{"api_token": os.environ["BIGCOMMERCE_API_TOKEN"]}``. Raises
    :class:`~bigcommerce_connect.settings.SettingsError` for unusable contents, ``OSError``
    when the file cannot be read and ``UnicodeDecodeError`` when it is not UTF-8.
    """
    text, mode = read_settings_text(path)
    data = parse_settings_text(text, toml=os.fspath(path).lower().endswith(".toml"))
    if not isinstance(data, dict):
        raise SettingsError([f"{os.fspath(path)} must hold an object of settings"])
    check_settings_file(path, data, mode)
    return StoreSettings.from_dict({**data, **(overrides or {})})


def _mode_problems(name: str, data: Mapping[str, Any], mode: int) -> list[str]:
    quoted = shlex.quote(name)
    problems = []
    if data.get("api_token") and mode & _READABLE_BY_OTHERS:
        problems.append(
            f"{name} holds api_token and other users can read it (mode {mode:04o}); "
            f"run: chmod 600 {quoted} (or keep the token in the environment)"
        )
    if mode & _WRITABLE_BY_OTHERS:
        if data.get("allow_insecure_host") not in (None, False):
            problems.append(
                f"{name} sets allow_insecure_host and other users can change it "
                f"(mode {mode:04o}); run: chmod go-w {quoted}"
            )
        elif _foreign_host(data.get("api_path")):
            problems.append(
                f"{name} names an API host that is not BigCommerce's and other users can "
                f"change it (mode {mode:04o}); run: chmod go-w {quoted}"
            )
    return problems


def _foreign_host(api_path: object) -> bool:
    if not isinstance(api_path, str):
        return False
    try:
        host = parse_api_path(api_path, allow_insecure_host=True).host
    except ApiPathError:
        return False  # loading the settings reports the API path itself
    return not _is_bigcommerce_host(host)
