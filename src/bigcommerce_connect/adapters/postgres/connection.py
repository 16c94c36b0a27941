"""One PostgreSQL connection shared by every repository of a :class:`PostgresErp`.

It is a :class:`~bigcommerce_connect.adapters.sql.database.SqlDatabase`: the shared SQL
repositories run on it unchanged, their ``?`` placeholders translated to psycopg's ``%s``.

* Autocommit outside a unit of work; ``transaction()`` opens one (nested blocks join it).
* Every unit of work first takes a transaction-level advisory lock of its schema (one store's
  ERP), so units of work of one store run one after another across processes and machines -
  what SQLite's ``BEGIN IMMEDIATE`` gives the SQLite adapter, and what makes read-then-write
  ports (a merge, a change receipt beside its binding) atomic without SERIALIZABLE retries.
  Stores in other schemas never wait for each other.
* Threads share the connection under a re-entrant lock, as in the SQLite adapter.
* ``statement_timeout`` bounds every statement (a stuck lock wait included).
"""

from __future__ import annotations

import hashlib
import re
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import psycopg
from psycopg import sql

from bigcommerce_connect.adapters.sql.database import Row

__all__ = ["SCHEMA_NAME", "PostgresDatabase", "advisory_key"]

#: A schema name this adapter accepts: lower-case, unquoted-identifier safe.
SCHEMA_NAME = re.compile(r"[a-z_][a-z0-9_]{0,62}")


def advisory_key(*parts: str) -> int:
    """A signed 64-bit advisory lock key for ``parts`` (stable across processes)."""
    digest = hashlib.sha256("\x1f".join(("bigcommerce-connect", *parts)).encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


def _placeholders(statement: str) -> str:
    """The shared SQL's ``?`` placeholders as psycopg's ``%s`` (a literal ``%`` doubled)."""
    return statement.replace("%", "%%").replace("?", "%s")


class PostgresDatabase:
    """A connection to one schema of a PostgreSQL database (migrated by the caller)."""

    integrity_errors: tuple[type[Exception], ...] = (psycopg.errors.IntegrityError,)

    def __init__(
        self,
        conninfo: str,
        *,
        schema: str = "public",
        connect_timeout: float = 10.0,
        statement_timeout: float = 60.0,
    ) -> None:
        if not SCHEMA_NAME.fullmatch(schema):
            raise ValueError(
                "a schema name is 1-63 lower-case letters, digits or '_', not starting with a digit"
            )
        if connect_timeout <= 0 or statement_timeout <= 0:
            raise ValueError("timeouts must be positive")
        self.schema = schema
        # The conninfo may hold a password: it is never logged or kept beyond this call.
        self._connection = psycopg.connect(
            conninfo, autocommit=True, connect_timeout=max(1, round(connect_timeout))
        )
        self._lock = threading.RLock()
        self._depth = 0
        self._unit_key = advisory_key("unit-of-work", schema)
        try:
            self._configure(statement_timeout)
        except BaseException:
            self._connection.close()
            raise

    def _configure(self, statement_timeout: float) -> None:
        connection = self._connection
        # The schema itself is created by the migration (under its advisory lock: two workers
        # creating it at once would collide); the search path may name it before it exists.
        connection.execute(sql.SQL("SET search_path TO {}").format(sql.Identifier(self.schema)))
        milliseconds = int(statement_timeout * 1000)
        connection.execute(sql.SQL("SET statement_timeout = {}").format(sql.Literal(milliseconds)))

    @property
    def connection(self) -> psycopg.Connection[Any]:
        """The psycopg connection (for migrations; repositories use the methods below)."""
        return self._connection

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """A transaction holding this schema's unit-of-work advisory lock; nested: joins."""
        with self._lock:
            if self._depth:
                self._depth += 1
                try:
                    yield
                finally:
                    self._depth -= 1
                return
            with self._connection.transaction():
                self._connection.execute("SELECT pg_advisory_xact_lock(%s)", (self._unit_key,))
                self._depth = 1
                try:
                    yield
                finally:
                    self._depth = 0

    @contextmanager
    def savepoint(self) -> Iterator[None]:
        """Inside a transaction, a savepoint: a failed statement leaves the transaction usable."""
        with self._lock:
            if not self._depth:
                yield  # autocommit: a failed statement fails alone
                return
            with self._connection.transaction():
                yield

    def execute(self, statement: str, parameters: Sequence[Any] = ()) -> int:
        """Run one statement; return its rowcount."""
        with self._lock:
            cursor = self._connection.execute(_placeholders(statement), parameters)
            return cursor.rowcount

    def insert(self, statement: str, parameters: Sequence[Any] = ()) -> int:
        """Run one INSERT into a table with an ``id`` column; return the new ``id``."""
        with self._lock:
            cursor = self._connection.execute(
                _placeholders(statement) + " RETURNING id", parameters
            )
            row = cursor.fetchone()
        if row is None:
            raise psycopg.DatabaseError("the insert created no row")
        return int(row[0])

    def one(self, statement: str, parameters: Sequence[Any] = ()) -> Row | None:
        """The first row of a query, or None."""
        with self._lock:
            row: Row | None = self._connection.execute(
                _placeholders(statement), parameters
            ).fetchone()
            return row

    def all(self, statement: str, parameters: Sequence[Any] = ()) -> list[Row]:
        """Every row of a query."""
        with self._lock:
            return list(self._connection.execute(_placeholders(statement), parameters).fetchall())

    def close(self) -> None:
        """Close the connection (waits for a running transaction of another thread)."""
        with self._lock:
            self._connection.close()

    def __repr__(self) -> str:
        # Never the conninfo: it may hold a password.
        return f"PostgresDatabase(schema={self.schema!r})"
