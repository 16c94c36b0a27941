"""Hostile-store fault helpers: body rewrites, paging lies, streamed bodies and the gzip bomb.

The server decides *when* a fault fires (:meth:`Knobs.pick_fault`); this module holds *what*
each kind does to an answer, as plain functions over the encoded JSON bytes, so the hot path
(no fault) never pays for any of it.
"""

from __future__ import annotations

import json
import random
import re
import struct
import threading
import zlib
from collections import OrderedDict
from collections.abc import Iterator
from typing import Any, Final
from urllib.parse import parse_qsl, urlencode

from bigcommerce_connect.sandbox.formats import dumps

#: Kinds that rewrite a list answer after the store acted.
PAGING_KINDS: Final = frozenset({"short_page", "repeat_page", "shuffled_repeat"})
#: Query keys that select a page; ``ignore_paging`` drops them, the list cache ignores them.
PAGING_KEYS: Final = frozenset({"page", "min_id", "id:min", "id:greater"})
#: The lone high surrogate ``bad_text`` inserts, as the six ASCII characters of its escape.
LONE_SURROGATE: Final = b"\\ud83d"
#: Terminal escapes and control characters a ``control_chars`` answer carries.
CONTROL_BODY: Final = (
    b"\x1b[2J\x1b[H\x1b[31mFATAL\x1b[0m upstream error\x07\r\n"
    b"\x1b]0;pwned\x07\x08\x08\x08\x00\x1b[1;5mretry later\x1b[0m\r"
)

_CHUNK = 64 * 1024
_BOMB_MEMBER_ZEROS = 16 * 1024 * 1024
_BOMB_WIRE_BYTES = 10 * 1024 * 1024
# Name-like string fields; the sandbox's dumps() writes '"key":"' with no spaces, the
# optional whitespace keeps the rewrite right if the separators ever change.
_NAME_FIELD_RE = re.compile(
    rb'("(?:first_name|last_name|name|company|city|street_1|street_2)"\s*:\s*")'
)
_bomb_lock = threading.Lock()
_bomb_member: list[bytes] = []


# -- list answers -----------------------------------------------------------------------


def is_list_body(payload: bytes) -> bool:
    """Whether an encoded 200 answer is a list page (v2 array or v3 ``{"data": [...]}``)."""
    return payload[:1] == b"[" or payload.startswith(b'{"data":[')


def drop_paging(query: str) -> str:
    """The query string without page selectors (``ignore_paging``: the first page, always)."""
    pairs = parse_qsl(query, keep_blank_values=True)
    return urlencode([(k, v) for k, v in pairs if k not in PAGING_KEYS])


def list_key(path: str, query: str) -> str:
    """The list-cache key: the path and its filters, without the page selectors."""
    if not query:
        return path
    return path + "?" + drop_paging(query)


class ListCache:
    """The last list answer per path and filters, bounded in entries and bytes."""

    def __init__(self, max_entries: int = 64, max_bytes: int = 16 * 1024 * 1024) -> None:
        self._entries: OrderedDict[str, bytes] = OrderedDict()
        self._bytes = 0
        self._max_entries = max_entries
        self._max_bytes = max_bytes
        self._lock = threading.Lock()

    def get(self, key: str) -> bytes | None:
        """The previous list answer for ``key``, if one is remembered."""
        with self._lock:
            return self._entries.get(key)

    def put(self, key: str, payload: bytes) -> None:
        """Remember ``payload`` as the latest answer for ``key`` (evicting the oldest)."""
        if len(payload) > self._max_bytes:
            return
        with self._lock:
            old = self._entries.pop(key, None)
            if old is not None:
                self._bytes -= len(old)
            self._entries[key] = payload
            self._bytes += len(payload)
            while len(self._entries) > self._max_entries or self._bytes > self._max_bytes:
                _, evicted = self._entries.popitem(last=False)
                self._bytes -= len(evicted)


def _items(doc: Any) -> list[Any]:
    return list(doc["data"]) if isinstance(doc, dict) else list(doc)


def _with_items(doc: Any, items: list[Any]) -> bytes:
    if isinstance(doc, dict):
        return dumps({**doc, "data": items})
    return dumps(items)


def short_page(payload: bytes, page_limit: int | None) -> bytes:
    """Keep the first half (at least one) of a list page that more items follow.

    v3 ``meta`` is left as it was (a store that lies about ``count``); a v2 page is only cut
    when it is full (``page_limit`` items), i.e. when more may follow.
    """
    doc = json.loads(payload)
    items = _items(doc)
    if isinstance(doc, dict):
        pagination = doc.get("meta", {}).get("pagination", {})
        more = pagination.get("current_page", 1) < pagination.get("total_pages", 1)
    else:
        more = page_limit is not None and len(items) >= page_limit
    if not more or len(items) < 2:
        return payload
    return _with_items(doc, items[: len(items) // 2])


def shuffled(payload: bytes, rng: random.Random) -> bytes:
    """The same list answer with its items in another order."""
    doc = json.loads(payload)
    items = _items(doc)
    rng.shuffle(items)
    return _with_items(doc, items)


def v2_page_limit(query: str, max_page_size: int | None) -> int:
    """The number of items a v2 page holds for this query (default 50, at most 250)."""
    raw = dict(parse_qsl(query)).get("limit", "")
    limit = int(raw) if raw.isdigit() and int(raw) > 0 else 50
    limit = min(limit, 250)
    return min(limit, max_page_size) if max_page_size is not None else limit


def listed_ids(payload: bytes) -> list[int]:
    """The ``id`` of every record in a v2 list answer."""
    doc = json.loads(payload)
    return [int(row["id"]) for row in _items(doc) if isinstance(row, dict) and "id" in row]


# -- text and depth ---------------------------------------------------------------------


def bad_text(payload: bytes) -> bytes:
    """Prefix every name-like string value with a lone surrogate escape (valid JSON)."""
    return _NAME_FIELD_RE.sub(lambda m: m.group(1) + LONE_SURROGATE, payload)


def deep_json(payload: bytes, depth: int) -> bytes:
    """Give the first record (or the object itself) a field nested ``depth`` arrays deep."""
    for prefix in (b'{"data":[{', b'{"data":{', b"[{", b"{"):
        if payload.startswith(prefix):
            at = len(prefix)
            break
    else:
        return payload
    comma = b"" if payload[at : at + 1] == b"}" else b","
    field = b'"deep":' + b"[" * depth + b"]" * depth + comma
    return payload[:at] + field + payload[at:]


# -- streamed bodies --------------------------------------------------------------------


def huge_chunks(total: int | None) -> Iterator[bytes]:
    """A JSON-ish body of ``total`` bytes in 64 KiB chunks; endless when ``total`` is None."""
    head = b'[{"id":1,"padding":"'
    filler = b"x" * _CHUNK
    sent = 0
    first = True
    while total is None or sent < total:
        chunk = head + filler[len(head) :] if first else filler
        first = False
        if total is not None:
            chunk = chunk[: total - sent]
        sent += len(chunk)
        yield chunk


def gzip_bomb_member() -> bytes:
    """One gzip member of 16 MiB of zeros (about 16 KiB), built once per process.

    Compressed from a 1 MiB buffer in steps, so building it never holds the 16 MiB.
    """
    with _bomb_lock:
        if not _bomb_member:
            _bomb_member.append(_build_member())
        return _bomb_member[0]


def _build_member() -> bytes:
    step = bytes(1024 * 1024)
    deflate = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    parts = [b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff"]  # gzip header, mtime 0
    crc = 0
    for _ in range(_BOMB_MEMBER_ZEROS // len(step)):
        parts.append(deflate.compress(step))
        crc = zlib.crc32(step, crc)
    parts.append(deflate.flush())
    parts.append(struct.pack("<II", crc, _BOMB_MEMBER_ZEROS & 0xFFFFFFFF))
    return b"".join(parts)


def gzip_bomb_plan() -> tuple[int, Iterator[bytes]]:
    """``(wire length, chunks)``: about 10 MiB of gzip members inflating to about 10 GiB."""
    member = gzip_bomb_member()
    count = max(1, _BOMB_WIRE_BYTES // len(member))
    per_chunk = max(1, (1024 * 1024) // len(member))
    block = member * per_chunk

    def chunks() -> Iterator[bytes]:
        left = count
        while left > 0:
            take = min(per_chunk, left)
            yield block if take == per_chunk else member * take
            left -= take

    return count * len(member), chunks()
