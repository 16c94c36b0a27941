"""The store lock as a lease in PostgreSQL: exclusive across processes and machines.

A lock is one row of ``locks``. Taking it is one ``INSERT ... ON CONFLICT DO UPDATE ...
WHERE`` (the holder renewing, or anyone once the lease ran out): PostgreSQL locks the row
for the conflicting statement and re-checks the condition, so of many contenders on many
machines exactly one wins.

Times come from the database server's clock (``clock_timestamp()``), one clock for every
worker: a lease does not depend on the machines' clocks agreeing. (Tests pass a clock.)

Every grant is kept in ``lock_grants`` (owner, granted_at, held_until following the
renewals, released_at): :meth:`PostgresLock.grants` is the history of who held a store lock
when, which shows that no two runs of a store overlapped.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

import attrs

from bigcommerce_connect.adapters.postgres.connection import PostgresDatabase

__all__ = ["DEFAULT_LEASE", "LockGrant", "PostgresLock"]

DEFAULT_LEASE = timedelta(minutes=15)  # renewed after every page, so a long run keeps it

Now = Callable[[], datetime]


@attrs.frozen
class LockGrant:
    """One holding of a lock: from ``granted_at`` to its release, or its lease's end."""

    name: str
    owner: str
    granted_at: datetime
    #: The end of the lease as last renewed.
    held_until: datetime
    #: When the owner released it; None if it never did (it died, or holds it still).
    released_at: datetime | None

    @property
    def ended_at(self) -> datetime:
        """When the holding ended: the release, else the lease's end."""
        return self.released_at if self.released_at is not None else self.held_until


class PostgresLock:
    """Non-blocking named locks with a lease, shared by every worker using the database."""

    def __init__(
        self, db: PostgresDatabase, *, lease: timedelta = DEFAULT_LEASE, now: Now | None = None
    ) -> None:
        if lease <= timedelta(0):
            raise ValueError("a lock lease must be positive")
        self._db = db
        self._now = now
        self.lease = lease

    def _time(self) -> datetime:
        if self._now is not None:
            return self._now()
        row = self._db.one("SELECT clock_timestamp()")
        assert row is not None
        when: datetime = row[0]
        return when

    def try_acquire(self, name: str, owner: str) -> bool:
        """Take ``name`` if it is free, expired, or already ours (renewing the lease)."""
        with self._db.transaction():
            now = self._time()
            row = self._db.one(
                "INSERT INTO locks (name, owner, acquired_at, expires_at) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (name) DO UPDATE SET owner = excluded.owner, "
                "acquired_at = CASE WHEN locks.owner = excluded.owner "
                "THEN locks.acquired_at ELSE excluded.acquired_at END, "
                "expires_at = excluded.expires_at "
                "WHERE locks.owner = excluded.owner OR locks.expires_at <= excluded.acquired_at "
                "RETURNING acquired_at, expires_at",
                (name, owner, now, now + self.lease),
            )
            if row is None:  # someone else holds an unexpired lease
                return False
            self._record(name, owner, granted_at=row[0], held_until=row[1])
            return True

    def _record(self, name: str, owner: str, *, granted_at: datetime, held_until: datetime) -> None:
        """Extend this grant's history row (a renewal), or start one (a new grant)."""
        renewed = self._db.execute(
            "UPDATE lock_grants SET held_until = ? "
            "WHERE name = ? AND owner = ? AND granted_at = ? AND released_at IS NULL",
            (held_until, name, owner, granted_at),
        )
        if not renewed:
            self._db.execute(
                "INSERT INTO lock_grants (name, owner, granted_at, held_until) VALUES (?, ?, ?, ?)",
                (name, owner, granted_at, held_until),
            )

    def release(self, name: str, owner: str) -> None:
        """Give ``name`` back if ``owner`` holds it (anyone else: no effect)."""
        with self._db.transaction():
            row = self._db.one(
                "DELETE FROM locks WHERE name = ? AND owner = ? RETURNING acquired_at",
                (name, owner),
            )
            if row is not None:
                self._db.execute(
                    "UPDATE lock_grants SET released_at = ? "
                    "WHERE name = ? AND owner = ? AND granted_at = ?",
                    (self._time(), name, owner, row[0]),
                )

    def holder(self, name: str) -> str | None:
        """Who holds ``name`` now (an expired lease still shows until taken over)."""
        row = self._db.one("SELECT owner FROM locks WHERE name = ?", (name,))
        return None if row is None else str(row[0])

    def grants(self, name: str | None = None) -> list[LockGrant]:
        """The history of grants (of ``name``, or of every lock), oldest first."""
        where, parameters = ("", ()) if name is None else ("WHERE name = ? ", (name,))
        rows = self._db.all(
            "SELECT name, owner, granted_at, held_until, released_at FROM lock_grants "  # noqa: S608
            f"{where}ORDER BY granted_at, id",
            parameters,
        )
        return [LockGrant(*row) for row in rows]
