"""One SQLite connection shared by every repository of a :class:`SqliteErp`.

Threads: the SDK calls every port on the thread that called it (its status movers and product
creators only talk to the store), but a host may share one ERP among threads (two runners,
a web server's webhook handler). All of them use this one connection, serialised by a
re-entrant lock. A transaction holds that lock from ``BEGIN IMMEDIATE`` to ``COMMIT``, so another
thread's read or write waits for it instead of slipping into it - the same guarantee
``MemoryErp`` gives, and it cannot deadlock on SQLite's own write lock the way two
connections of one process could. Processes are kept apart by SQLite's file locking: WAL
lets readers go on while a writer works, and ``busy_timeout`` makes a writer wait for another
process's transaction rather than fail at once.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager, nullcontext
from typing import Any

from bigcommerce_connect.adapters.sqlite.schema import migrate
from bigcommerce_connect.settings_files import PRIVATE_FILE_MODE

__all__ = ["Database"]

Row = tuple[Any, ...]


# Upserts (INSERT ... ON CONFLICT DO UPDATE) arrived in SQLite 3.24 (2018).
MINIMUM_SQLITE = (3, 24, 0)


def _create_private(path: str) -> None:
    """Create a missing database file 0600 (an empty file is an empty SQLite database).

    SQLite gives its ``-wal``, ``-shm`` and ``-journal`` files the database file's mode, so
    they are private too. A file that already exists keeps the mode its owner gave it.
    """
    if path in ("", ":memory:"):
        return
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE_MODE)
    except OSError:
        return  # exists already, or cannot be made: sqlite3.connect reports the latter
    os.close(fd)


class Database:
    """A migrated SQLite database behind one lock-guarded connection (a ``SqlDatabase``)."""

    integrity_errors: tuple[type[Exception], ...] = (sqlite3.IntegrityError,)

    def __init__(self, path: str | os.PathLike[str], *, busy_timeout: float = 30.0) -> None:
        if sqlite3.sqlite_version_info < MINIMUM_SQLITE:
            raise RuntimeError(
                f"SQLite {sqlite3.sqlite_version} is too old for SqliteErp (needs 3.24 or newer)"
            )
        self.path = os.fspath(path)
        _create_private(self.path)
        # isolation_level=None: the sqlite3 module opens no transactions of its own; every
        # statement outside transaction() commits by itself (Python 3.10 has no autocommit=).
        self._connection = sqlite3.connect(
            self.path, timeout=busy_timeout, isolation_level=None, check_same_thread=False
        )
        self._lock = threading.RLock()
        self._depth = 0
        try:
            self._configure(busy_timeout)
            migrate(self._connection, self.path)
        except BaseException:
            self._connection.close()
            raise

    def _configure(self, busy_timeout: float) -> None:
        connection = self._connection
        # connect(timeout=) already sets it; say it explicitly so the intent is visible.
        connection.execute(f"PRAGMA busy_timeout = {int(busy_timeout * 1000)}")
        # No foreign keys yet; on so that a later migration's references are enforced.
        connection.execute("PRAGMA foreign_keys = ON")
        # WAL is a property of the file, kept once set; an in-memory database stays "memory".
        connection.execute("PRAGMA journal_mode = WAL")

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """``BEGIN IMMEDIATE`` ... ``COMMIT``; ``ROLLBACK`` if the block raises.

        A nested call (same thread, inside another transaction) joins the outer one: only
        the outermost block commits or rolls back. IMMEDIATE takes SQLite's write lock up
        front, so two processes never both read-then-write and fail half-way with "locked".
        """
        with self._lock:
            if self._depth:
                self._depth += 1
                try:
                    yield
                finally:
                    self._depth -= 1
                return
            self._connection.execute("BEGIN IMMEDIATE")
            self._depth = 1
            try:
                yield
                self._connection.execute("COMMIT")
            except BaseException:
                # SQLite may already have rolled back by itself (disk full, say).
                if self._connection.in_transaction:
                    self._connection.execute("ROLLBACK")
                raise
            finally:
                self._depth = 0

    def savepoint(self) -> AbstractContextManager[None]:
        """Nothing to do: a failed SQLite statement undoes itself, the transaction goes on."""
        return nullcontext()

    def execute(self, sql: str, parameters: Sequence[Any] = ()) -> int:
        """Run one statement (autocommitted unless inside a transaction); return rowcount."""
        with self._lock:
            return self._connection.execute(sql, parameters).rowcount

    def insert(self, sql: str, parameters: Sequence[Any] = ()) -> int:
        """Run one INSERT; return the new row's id."""
        with self._lock:
            row_id = self._connection.execute(sql, parameters).lastrowid
        if row_id is None:
            raise sqlite3.DatabaseError("the insert created no row")
        return row_id

    def one(self, sql: str, parameters: Sequence[Any] = ()) -> Row | None:
        """The first row of a query, or None."""
        with self._lock:
            row: Row | None = self._connection.execute(sql, parameters).fetchone()
            return row

    def all(self, sql: str, parameters: Sequence[Any] = ()) -> list[Row]:
        """Every row of a query."""
        with self._lock:
            return list(self._connection.execute(sql, parameters).fetchall())

    def close(self) -> None:
        """Close the connection (waits for a running transaction of another thread)."""
        with self._lock:
            self._connection.close()
