"""Decoding answers at the wire boundary: text and nesting the rest of the SDK can always hold.

A store can send valid JSON that is still poison further on: a lone surrogate escape
(``"\\ud83d"``) decodes to text no UTF-8 encoder, SQLite or log handler accepts, and
10,000-deep nesting raises ``RecursionError`` in ``json.loads`` and everything after it.
:func:`decode_json` repairs both where the bytes come in and says what it changed, one
:class:`WireRepair` per value, naming the record and the field but never the value:

* a lone surrogate, or bytes that are not UTF-8, become U+FFFD (``kind="text"``): the
  record is kept;
* an array or object nested deeper than :data:`MAX_JSON_DEPTH` becomes ``None``
  (``kind="depth"``): the record is no longer what the store holds, so the importer
  quarantines it.

The common answer pays one substring search: the walk over the decoded value runs only when
the raw body holds a surrogate escape or invalid UTF-8, and the depth-limited decoder only
when ``json.loads`` gives up with ``RecursionError``.
"""

from __future__ import annotations

import json
import re
import secrets
from collections.abc import Iterator
from typing import Any, Final, Literal

import attrs

__all__ = ["MAX_JSON_DEPTH", "WireRepair", "decode_json"]

#: The deepest nesting of arrays and objects an answer keeps (the top-level value is level 1).
MAX_JSON_DEPTH: Final = 64

#: How the records of an answer are laid out: a v2 list's items, a v3 list's ``data`` items,
#: an object itself; ``"any"`` guesses from the value.
Layout = Literal["any", "object", "v2_list", "v3_list"]

RepairKind = Literal["text", "depth"]

# A JSON escape of a UTF-16 surrogate (\uD800-\uDFFF), in any letter case.
_SURROGATE_ESCAPE: Final = re.compile(rb"\\u[dD][89a-fA-F]")
_SURROGATES: Final = re.compile("[\ud800-\udfff]")
# A JSON string (an unterminated one runs to the end: never backtracks) or a bracket.
_TOKENS: Final = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"?|[\[\]{}]', re.DOTALL)
_MAX_ID_CHARS: Final = 64

PathPart = str | int
Where = tuple[PathPart, ...]


@attrs.frozen
class WireRepair:
    """One value the client changed while decoding an answer (never the value itself).

    ``path`` is the API path (``"v2/orders"``), ``record_id`` the id of the top-level record
    the value belongs to (None when it has none), ``field`` the dotted path inside that
    record (``"billing_address.first_name"``; ``""`` when it cannot be named), and ``kind``
    ``"text"`` (a lone surrogate or undecodable bytes replaced by U+FFFD; the record is kept)
    or ``"depth"`` (a value nested deeper than :data:`MAX_JSON_DEPTH` replaced by None; the
    record should be quarantined).
    """

    path: str
    record_id: str | None
    field: str
    kind: RepairKind


def decode_json(body: bytes, path: str, layout: Layout = "any") -> tuple[Any, list[WireRepair]]:
    """Decode a JSON answer, repairing text and depth; return the value and what was repaired.

    Raises :class:`ValueError` when the body is not JSON (cut, garbled, not text at all).
    Never raises ``RecursionError`` or ``UnicodeDecodeError``.
    """
    try:
        text, bad_bytes = body.decode("utf-8"), False
    except UnicodeDecodeError:
        # Each undecodable byte becomes a lone surrogate, which the walk below replaces
        # and names like any other lone surrogate.
        text, bad_bytes = body.decode("utf-8", errors="surrogateescape"), True
    text = text.removeprefix("\ufeff")
    marker: str | None = None
    try:
        value = json.loads(text)
    except RecursionError:
        marker = "\x00bcc-depth-" + secrets.token_hex(8)
        value = _loads_depth_limited(text, marker)
    if not (bad_bytes or marker is not None or _SURROGATE_ESCAPE.search(body)):
        return value, []
    value, found = _repair(value, marker)
    repairs = [_name(value, layout, where, kind, path) for where, kind in found]
    if bad_bytes and not any(r.kind == "text" for r in repairs):
        repairs.append(WireRepair(path=path, record_id=None, field="", kind="text"))
    return value, repairs


def _loads_depth_limited(text: str, marker: str) -> Any:
    """``json.loads`` after cutting every container below MAX_JSON_DEPTH to a marker string."""
    try:
        return json.loads(_cut_deep(text, json.dumps(marker)))
    except RecursionError:
        # Only a caller already near the interpreter's recursion limit gets here.
        raise ValueError("the answer is nested too deeply to decode") from None


def _cut_deep(text: str, replacement: str) -> str:
    """The text with each array/object at level MAX_JSON_DEPTH + 1 replaced by ``replacement``.

    Strings (with their escapes) are skipped whole, so brackets inside them never count.
    Unbalanced input is returned as it is cut so far; ``json.loads`` then rejects it.
    """
    pieces: list[str] = []
    depth = 0
    done = 0
    cut_from = -1
    for match in _TOKENS.finditer(text):
        char = text[match.start()]
        if char == '"':
            continue
        if char in "[{":
            depth += 1
            if depth == MAX_JSON_DEPTH + 1 and cut_from < 0:
                cut_from = match.start()
            continue
        depth -= 1
        if depth == MAX_JSON_DEPTH and cut_from >= 0:
            pieces += (text[done:cut_from], replacement)
            done, cut_from = match.end(), -1
    pieces.append(text[done:])
    return "".join(pieces)


def _repair(value: Any, marker: str | None) -> tuple[Any, list[tuple[Where, RepairKind]]]:
    """Replace lone surrogates by U+FFFD and depth markers by None, in place.

    Depth first, in document order, with an explicit stack: it never recurses however deep
    the value is.
    """
    found: list[tuple[Where, RepairKind]] = []

    def fix(item: Any, where: Where) -> Any:
        if isinstance(item, str):
            if marker is not None and item == marker:
                found.append((where, "depth"))
                return None
            if _SURROGATES.search(item):
                found.append((where, "text"))
                return _SURROGATES.sub("\ufffd", item)
        return item

    if not isinstance(value, (dict, list)):
        return fix(value, ()), found
    stack = [_entries(value, (), found)]
    while stack:
        entries, container, where = stack[-1]
        entry = next(entries, None)
        if entry is None:
            stack.pop()
            continue
        key, item = entry
        if isinstance(item, (dict, list)):
            stack.append(_entries(item, (*where, key), found))
            continue
        fixed = fix(item, (*where, key))
        if fixed is not item:
            container[key] = fixed  # an existing key or index: safe while iterating
    return value, found


_Entries = tuple[Iterator[tuple[Any, Any]], Any, Where]


def _entries(
    container: dict[str, Any] | list[Any], where: Where, found: list[tuple[Where, RepairKind]]
) -> _Entries:
    """An iterator over a container's (key, value) pairs, after repairing its keys."""
    if isinstance(container, list):
        return enumerate(container), container, where
    for key in [key for key in container if _SURROGATES.search(key)]:
        # A key is text too: rename it (its value moves to the end of the object).
        new_key = _SURROGATES.sub("\ufffd", key)
        found.append(((*where, new_key), "text"))
        container[new_key] = container.pop(key)
    return iter(container.items()), container, where


def _name(value: Any, layout: Layout, where: Where, kind: RepairKind, path: str) -> WireRepair:
    """The repair of the value at ``where``, named by its top-level record and field."""
    record, field = _record_of(value, layout, where)
    record_id = None
    if isinstance(record, dict) and record.get("id") is not None:
        record_id = str(record["id"])[:_MAX_ID_CHARS]
    dotted = ".".join(str(part) for part in field)
    return WireRepair(path=path, record_id=record_id, field=dotted, kind=kind)


def _record_of(value: Any, layout: Layout, where: Where) -> tuple[Any, Where]:
    if layout == "any":
        layout = _guess_layout(value)
    if layout == "v2_list" and isinstance(value, list) and where:
        return value[int(where[0])], where[1:]
    if (
        layout == "v3_list"
        and isinstance(value, dict)
        and isinstance(value.get("data"), list)
        and len(where) >= 2
        and where[0] == "data"
    ):
        return value["data"][int(where[1])], where[2:]
    if layout == "object" or (layout == "v3_list" and not where):
        return value, where
    # Outside every record (a v3 list's meta, say): named from the top of the answer.
    return None, where


def _guess_layout(value: Any) -> Layout:
    if isinstance(value, list):
        return "v2_list"
    if isinstance(value, dict) and isinstance(value.get("data"), list):
        return "v3_list"
    return "object"
