"""What the SQL repositories need from a database: the seam between them and an engine.

The repositories of :mod:`.repositories`, :mod:`.sources` and :mod:`.shipments` are written
once, in the SQL that SQLite (3.24+) and PostgreSQL (9.5+) both run: ``?`` placeholders
(an engine that wants ``%s`` translates them), ``INSERT ... ON CONFLICT ... DO UPDATE``, an
ordering column named ``rowid`` where insertion order matters. Each engine supplies a
:class:`SqlDatabase` (:class:`~bigcommerce_connect.adapters.sqlite.connection.Database`,
:class:`~bigcommerce_connect.adapters.postgres.connection.PostgresDatabase`) and its own
schema and lock.
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import AbstractContextManager
from typing import Any, Protocol

from bigcommerce_connect.errors import ConnectError

__all__ = ["Row", "SchemaVersionError", "SqlDatabase"]

Row = tuple[Any, ...]


class SchemaVersionError(ConnectError, RuntimeError):
    """The database was written by a newer version of the SDK than this one."""


class SqlDatabase(Protocol):
    """One connection (or its stand-in) the repositories of one ERP share."""

    #: The exception class(es) a broken UNIQUE constraint raises.
    integrity_errors: tuple[type[Exception], ...]

    def transaction(self) -> AbstractContextManager[None]:
        """A unit of work; nested blocks join the outer one; rolled back if the block raises."""
        ...

    def savepoint(self) -> AbstractContextManager[None]:
        """Around a statement that may break a constraint: after it fails, the enclosing
        transaction goes on (PostgreSQL aborts a transaction on any error unless a savepoint
        is rolled back; SQLite undoes only the failed statement by itself)."""
        ...

    def execute(self, sql: str, parameters: Sequence[Any] = ()) -> int:
        """Run one statement (autocommitted outside a transaction); return the rowcount."""
        ...

    def insert(self, sql: str, parameters: Sequence[Any] = ()) -> int:
        """Run one INSERT into a table with an integer ``id`` key; return the new ``id``."""
        ...

    def one(self, sql: str, parameters: Sequence[Any] = ()) -> Row | None:
        """The first row of a query, or None."""
        ...

    def all(self, sql: str, parameters: Sequence[Any] = ()) -> list[Row]:
        """Every row of a query."""
        ...

    def close(self) -> None:
        """Close the connection; every repository fails after this."""
        ...
