"""A named lock in the database, so it holds across threads and processes.

A lock is one row of the ``locks`` table (name, owner, acquired_at, expires_at). Taking it is
a single upsert inside ``BEGIN IMMEDIATE``: SQLite's write lock makes the check-and-take
atomic against every thread and every process using the file, so exactly one contender wins.

Stale locks: a runner that dies (killed, power loss) cannot release its lock, so every lock is
a *lease*. Once ``expires_at`` has passed, another owner may take it over. Choose a lease
longer than the longest run; the owner renews it by calling ``try_acquire`` again (which
succeeds for the holder and pushes ``expires_at`` forward; the importer renews after every
page). The default is 15 minutes: a killed runner blocks the next run no longer than that.
"""

from __future__ import annotations

from datetime import timedelta

from bigcommerce_connect.adapters.sql.codec import utc_text
from bigcommerce_connect.adapters.sql.repositories import Now
from bigcommerce_connect.adapters.sqlite.connection import Database

__all__ = ["DEFAULT_LEASE", "SqliteLock"]

DEFAULT_LEASE = timedelta(minutes=15)  # renewed after every page, so a long run keeps it


class SqliteLock:
    """Non-blocking named locks with a lease, shared by every process using the file.

    The lock row is written through the ERP's shared connection: taking the lock inside a
    unit of work makes it part of that transaction (the importer takes it outside).
    """

    def __init__(self, db: Database, now: Now, *, lease: timedelta = DEFAULT_LEASE) -> None:
        if lease <= timedelta(0):
            raise ValueError("a lock lease must be positive")
        self._db = db
        self._now = now
        self.lease = lease

    def try_acquire(self, name: str, owner: str) -> bool:
        """Take ``name`` if it is free, expired, or already ours (renewing the lease)."""
        now = self._now()
        acquired_at, expires_at = utc_text(now), utc_text(now + self.lease)
        with self._db.transaction():
            # Take over only from ourselves or from a holder whose lease ran out; otherwise
            # the WHERE leaves the row alone and the holder below is someone else.
            self._db.execute(
                "INSERT INTO locks (name, owner, acquired_at, expires_at) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (name) DO UPDATE SET owner = excluded.owner, "
                "acquired_at = CASE WHEN locks.owner = excluded.owner "
                "THEN locks.acquired_at ELSE excluded.acquired_at END, "
                "expires_at = excluded.expires_at "
                "WHERE locks.owner = excluded.owner OR locks.expires_at <= excluded.acquired_at",
                (name, owner, acquired_at, expires_at),
            )
            return self.holder(name) == owner

    def release(self, name: str, owner: str) -> None:
        """Give ``name`` back if ``owner`` holds it (anyone else: no effect)."""
        self._db.execute("DELETE FROM locks WHERE name = ? AND owner = ?", (name, owner))

    def holder(self, name: str) -> str | None:
        """Who holds ``name`` now (an expired lease still shows until taken over)."""
        row = self._db.one("SELECT owner FROM locks WHERE name = ?", (name,))
        return None if row is None else str(row[0])
