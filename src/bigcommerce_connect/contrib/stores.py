"""Stores by id: the settings (and webhook secret) of a store, looked up where the work runs.

A job queue carries a store's id, never its settings: settings hold the API token, and a
task's arguments are stored in the broker. The worker that runs the task looks the store up
in a :class:`StoreDirectory`. :class:`FolderStores` is a ready one over a folder of settings
files::

    stores/
        shop-eu.toml                one settings file per store, named by its store id
        shop-us.json                (docs/settings.md); chmod 600: it holds the token
        shop-eu.webhook-secret      optional: the store's webhook secret, chmod 600

Store ids arrive from the broker, so they are validated before anything is opened with
them: 1-64 letters, digits, ``-`` or ``_``, starting with a letter or digit (:data:`STORE_ID`).
"""

from __future__ import annotations

import logging
import os
import re
import stat
from collections.abc import Iterable
from pathlib import Path
from typing import Final, Protocol

from bigcommerce_connect.errors import ConnectError
from bigcommerce_connect.settings import StoreSettings
from bigcommerce_connect.settings_files import load_settings_file, read_settings_text

__all__ = [
    "SETTINGS_SUFFIXES",
    "STORE_ID",
    "WEBHOOK_SECRET_SUFFIX",
    "FolderStores",
    "StoreDirectory",
    "StoreDirectoryError",
    "check_store_id",
    "scheduled_store_ids",
]

#: A store id: also a file name stem, so it may never name a path.
STORE_ID: Final = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}")
#: The settings files :class:`FolderStores` reads, in the order it looks for them.
SETTINGS_SUFFIXES: Final = (".toml", ".json")
#: The file of a store's webhook secret in a :class:`FolderStores` folder.
WEBHOOK_SECRET_SUFFIX: Final = ".webhook-secret"  # noqa: S105 - a file suffix, not a secret
# A secret file other users can read or write is refused, like a settings file with a token.
_NOT_PRIVATE: Final = stat.S_IRWXG | stat.S_IRWXO

log = logging.getLogger("bigcommerce_connect.contrib.stores")


class StoreDirectoryError(ConnectError, ValueError):
    """A store id is not valid or not known, or its files are not usable (never retried)."""

    code = "store_directory"


class StoreDirectory(Protocol):
    """Where a worker finds a store by id: every store, its settings, its webhook secret."""

    def store_ids(self) -> Iterable[str]:
        """Every store the directory knows (the scheduler reads each one's settings)."""
        ...

    def settings(self, store_id: str) -> StoreSettings:
        """The store's settings; :class:`StoreDirectoryError` or ``SettingsError`` if unusable."""
        ...

    def webhook_secret(self, store_id: str) -> str | None:
        """The shared secret of the store's webhooks; ``None`` when it has none."""
        ...


def scheduled_store_ids(stores: StoreDirectory) -> list[str]:
    """The stores whose settings turn ``auto_import`` on, sorted: the ones a scheduler runs.

    The others are left out with a log line saying so. A store whose settings cannot be read
    raises its error: a scheduler should not start on a broken directory.
    """
    scheduled = []
    for store_id in sorted(stores.store_ids()):
        if stores.settings(check_store_id(store_id)).auto_import:
            scheduled.append(store_id)
        else:
            log.info("store %s: auto_import is off in its settings, not scheduled", store_id)
    return scheduled


def check_store_id(store_id: object) -> str:
    """``store_id`` if it is a valid store id; :class:`StoreDirectoryError` otherwise.

    The message never repeats the value: it came from the broker and may be anything.
    """
    if not isinstance(store_id, str) or not STORE_ID.fullmatch(store_id):
        raise StoreDirectoryError(
            "a store id is 1-64 letters, digits, '-' or '_', starting with a letter or digit"
        )
    return store_id


class FolderStores:
    """A :class:`StoreDirectory` over a folder of settings files, one per store.

    Settings files are read with :func:`~bigcommerce_connect.settings_files.load_settings_file`
    (unknown keys and a token readable by others are refused). A store's webhook secret is
    the text of ``{store_id}.webhook-secret`` (surrounding whitespace dropped), which must be
    readable by its owner only.
    """

    def __init__(self, folder: str | os.PathLike[str]) -> None:
        self.folder = Path(folder)

    def __repr__(self) -> str:
        return f"FolderStores({str(self.folder)!r})"

    def store_ids(self) -> list[str]:
        """Every store with a settings file in the folder, sorted."""
        if not self.folder.is_dir():
            raise StoreDirectoryError(f"{self.folder} is not a folder")
        return sorted(
            {
                path.stem
                for path in self.folder.iterdir()
                if path.suffix in SETTINGS_SUFFIXES and STORE_ID.fullmatch(path.stem)
            }
        )

    def settings(self, store_id: str) -> StoreSettings:
        """The store's settings, from its file (checked private: it holds the token)."""
        return load_settings_file(self._settings_file(check_store_id(store_id)))

    def webhook_secret(self, store_id: str) -> str | None:
        """The text of ``{store_id}.webhook-secret``; ``None`` when there is no such file."""
        path = self.folder / f"{check_store_id(store_id)}{WEBHOOK_SECRET_SUFFIX}"
        try:
            text, mode = read_settings_text(path)
        except FileNotFoundError:
            return None
        if mode is not None and mode & _NOT_PRIVATE:
            raise StoreDirectoryError(
                f"{path} holds a webhook secret and other users can use it; run: chmod 600 {path}"
            )
        return text.strip() or None

    def _settings_file(self, store_id: str) -> Path:
        for suffix in SETTINGS_SUFFIXES:
            path = self.folder / f"{store_id}{suffix}"
            if path.is_file():
                return path
        raise StoreDirectoryError(f"no settings file for store {store_id} in {self.folder}")
