"""Indexed tables: the store's row dicts with an index kept on every change.

An :class:`IndexedTable` is the ``dict`` of rows by id (``store.orders``, ``store.products``,
``store.variants``) plus an index from a key computed from a few *watched* fields to the ids
of the rows with that key: orders by ``(status_id, is_deleted)`` as sorted id lists (keyset
pages by ``bisect``), products by name and variants by SKU (uniqueness checks). Rows made by
the sandbox are :class:`WatchedRow` dicts that tell their table when a watched field changes,
so tests and routes keep mutating plain-looking dicts. A plain ``dict`` put in a table by a
test is "loose": never indexed, looked at on every lookup (callers may fall back to a scan).
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right, insort
from collections.abc import Callable, Hashable, Iterable, Iterator
from typing import Any

Row = dict[str, Any]
KeyOf = Callable[[Row], Hashable]


class WatchedRow(dict[str, Any]):
    """A row that reports changes of its table's watched fields (see :class:`IndexedTable`)."""

    __slots__ = ("_rid", "_table")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._table: IndexedTable | None = None
        self._rid = 0

    def __reduce__(self) -> tuple[type[WatchedRow], tuple[dict[str, Any]]]:
        return WatchedRow, (dict(self),)  # copies and pickles come out detached

    def _changed(self, key: object = None) -> None:
        table = getattr(self, "_table", None)  # unset while ``copy`` rebuilds a row
        if table is not None and (key is None or key in table.watched):
            table._reindex(self._rid, self)

    def __setitem__(self, key: str, value: Any) -> None:
        dict.__setitem__(self, key, value)
        self._changed(key)

    def __delitem__(self, key: str) -> None:
        dict.__delitem__(self, key)
        self._changed(key)

    def update(self, *args: Any, **kwargs: Any) -> None:
        dict.update(self, *args, **kwargs)
        self._changed()

    def __ior__(self, other: Any) -> WatchedRow:  # type: ignore[override,misc]
        dict.update(self, other)
        self._changed()
        return self

    def setdefault(self, key: str, default: Any = None) -> Any:
        value = dict.setdefault(self, key, default)
        self._changed(key)
        return value

    def pop(self, key: str, *default: Any) -> Any:
        value = dict.pop(self, key, *default)
        self._changed(key)
        return value

    def popitem(self) -> tuple[str, Any]:
        item = dict.popitem(self)
        self._changed()
        return item

    def clear(self) -> None:
        dict.clear(self)
        self._changed()


class IndexedTable(dict[int, Row]):
    """Rows by id with named indexes ``name -> key_of(row) -> ids``, right on every mutation.

    The ``ordered`` index keeps each key's ids as a sorted list (for keyset pages), the
    others as insertion-ordered sets. ``examined`` counts the rows list filters looked at
    (tests count it to prove a page costs its size, not the store's).
    """

    def __init__(
        self, watched: Iterable[str], keys: dict[str, KeyOf], *, ordered: str = ""
    ) -> None:
        super().__init__()
        self.watched = frozenset(watched)
        self.key_fns = keys
        self.ordered = ordered
        self.examined = 0
        self.loose: set[int] = set()
        self._keys: dict[str, dict[int, Hashable]] = {name: {} for name in keys}
        self._lists: dict[Hashable, list[int]] = {}
        self._sets: dict[str, dict[Hashable, dict[int, None]]] = {name: {} for name in keys}

    # -- index upkeep ---------------------------------------------------------------------

    def _key(self, name: str, row: Row) -> Hashable:
        try:
            key: Hashable = self.key_fns[name](row)
            hash(key)
        except (KeyError, TypeError):
            return None
        return key

    def _unindex(self, name: str, rid: int) -> None:
        if rid not in self._keys[name]:
            return
        key = self._keys[name].pop(rid)
        if name == self.ordered:
            ids = self._lists[key]
            del ids[bisect_left(ids, rid)]
        else:
            del self._sets[name][key][rid]

    def _reindex(self, rid: int, row: Row) -> None:
        if dict.get(self, rid) is not row:
            return  # a row no longer in the table
        for name in self.key_fns:
            key = self._key(name, row)
            known = self._keys[name]
            if rid in known and known[rid] == key:
                continue
            self._unindex(name, rid)
            known[rid] = key
            if name == self.ordered:
                ids = self._lists.setdefault(key, [])
                if not ids or ids[-1] < rid:
                    ids.append(rid)
                else:
                    insort(ids, rid)
            else:
                self._sets[name].setdefault(key, {})[rid] = None

    def _drop(self, rid: int) -> None:
        row = dict.get(self, rid)
        if isinstance(row, WatchedRow) and row._table is self:
            row._table = None
        self.loose.discard(rid)

    def __setitem__(self, rid: int, row: Row) -> None:
        self._drop(rid)
        dict.__setitem__(self, rid, row)
        if isinstance(row, WatchedRow):
            row._table, row._rid = self, rid
            self._reindex(rid, row)  # an unchanged key keeps its place
        else:
            for name in self.key_fns:
                self._unindex(name, rid)
            self.loose.add(rid)

    def __delitem__(self, rid: int) -> None:
        self._drop(rid)
        for name in self.key_fns:
            self._unindex(name, rid)
        dict.__delitem__(self, rid)

    def pop(self, rid: int, *default: Any) -> Any:
        if rid in self:
            row = dict.__getitem__(self, rid)
            del self[rid]
            return row
        return dict.pop(self, rid, *default)

    def popitem(self) -> tuple[int, Row]:
        rid, row = dict.popitem(self)
        dict.__setitem__(self, rid, row)
        del self[rid]
        return rid, row

    def setdefault(self, rid: int, default: Row | None = None) -> Row:
        if rid not in self:
            self[rid] = default if default is not None else {}
        return dict.__getitem__(self, rid)

    def update(self, *args: Any, **kwargs: Any) -> None:
        for rid, row in dict(*args, **kwargs).items():
            self[rid] = row

    def __ior__(self, other: Any) -> IndexedTable:  # type: ignore[override,misc]
        self.update(other)
        return self

    def clear(self) -> None:
        for rid in list(self):
            del self[rid]

    # -- lookups --------------------------------------------------------------------------

    def ids_with(self, name: str, key: Hashable) -> list[int]:
        """Ids of the rows whose ``name`` key is ``key`` (loose rows last), in index order."""
        try:
            hash(key)
        except TypeError:
            return []  # no row has an unhashable key (rows with one are indexed under None)
        if name == self.ordered:
            found = list(self._lists.get(key, ()))
        else:
            found = list(self._sets[name].get(key, ()))
        for rid in self.loose:
            self.examined += 1
            if self._key(name, dict.__getitem__(self, rid)) == key:
                found.append(rid)
        return found

    def keyset(self, key: Hashable, low: int | None, high: int | None, desc: bool) -> Iterator[int]:
        """Ids in the ordered index with ``key`` between ``low`` and ``high`` (inclusive), by id.

        Loose rows are not included: callers check ``loose`` and scan when it is not empty.
        """
        ids = self._lists.get(key, [])
        start = 0 if low is None else bisect_left(ids, low)
        stop = len(ids) if high is None else bisect_right(ids, high)
        span = range(stop - 1, start - 1, -1) if desc else range(start, stop)
        return (ids[i] for i in span)
