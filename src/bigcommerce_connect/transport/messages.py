"""What a transport exchanges: one request, one response, and their headers.

:class:`Headers` are immutable and case-insensitive, and a repr never shows their values
(they may hold credentials).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping

import attrs

__all__ = ["Headers", "HttpRequest", "HttpResponse"]


class Headers(Mapping[str, str]):
    """Immutable, case-insensitive HTTP headers (response header names ignore case)."""

    __slots__ = ("_items",)

    def __init__(self, items: Mapping[str, str] | Iterable[tuple[str, str]] = ()) -> None:
        pairs = items.items() if isinstance(items, Mapping) else items
        self._items: dict[str, tuple[str, str]] = {k.lower(): (k, v) for k, v in pairs}

    def __getitem__(self, key: str) -> str:
        return self._items[key.lower()][1]

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and key.lower() in self._items

    def __iter__(self) -> Iterator[str]:
        return (original for original, _ in self._items.values())

    def __len__(self) -> int:
        return len(self._items)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Mapping):
            return NotImplemented
        return {k: v for k, (_, v) in self._items.items()} == {
            str(k).lower(): v for k, v in other.items()
        }

    def __hash__(self) -> int:
        return hash(frozenset((k, v) for k, (_, v) in self._items.items()))

    def __repr__(self) -> str:
        # Header values may hold credentials: a repr shows names only.
        return f"Headers({sorted(self)!r})"


def _as_headers(value: Mapping[str, str] | Headers) -> Headers:
    return value if isinstance(value, Headers) else Headers(value)


@attrs.frozen
class HttpRequest:
    """One HTTP request as the client hands it to a transport.

    ``timeout`` bounds each read; ``deadline`` (seconds, ``None`` for none) bounds the whole
    attempt: connecting, sending, the answer's headers and its body.
    """

    method: str
    url: str
    headers: Headers = attrs.field(factory=Headers, converter=_as_headers, repr=False)
    body: bytes | None = attrs.field(default=None, repr=False)
    timeout: float = 30.0
    deadline: float | None = None


@attrs.frozen
class HttpResponse:
    """One HTTP response: status, case-insensitive headers and the (decoded) body."""

    status: int
    headers: Headers = attrs.field(factory=Headers, converter=_as_headers)
    body: bytes = attrs.field(default=b"", repr=False)
