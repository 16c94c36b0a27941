"""The request log: every API request the sandbox served, for tests to count and inspect."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import attrs


@attrs.frozen
class RequestRecord:
    """One served request: method, full path, status, and the path below ``/stores/{hash}``."""

    method: str
    path: str
    status: int
    api_path: str


class RequestLog:
    """The sandbox's request log (thread-safe appends; read it from tests)."""

    def __init__(self) -> None:
        self._records: list[RequestRecord] = []
        self._lock = threading.Lock()

    def append(self, record: RequestRecord) -> None:
        """Add a record (called by the server)."""
        with self._lock:
            self._records.append(record)

    def records(self) -> list[RequestRecord]:
        """A snapshot of every record so far."""
        with self._lock:
            return list(self._records)

    def count(
        self, method: str | None = None, path_prefix: str | None = None, status: int | None = None
    ) -> int:
        """Count requests; ``path_prefix`` matches the full path or the one below the store."""
        return sum(
            1
            for r in self.records()
            if (method is None or r.method == method)
            and (status is None or r.status == status)
            and (
                path_prefix is None
                or r.path.startswith(path_prefix)
                or r.api_path.startswith(path_prefix)
            )
        )

    def clear(self) -> None:
        """Forget every record."""
        with self._lock:
            self._records.clear()

    def __len__(self) -> int:
        return len(self._records)

    def __iter__(self) -> Iterator[RequestRecord]:
        return iter(self.records())
