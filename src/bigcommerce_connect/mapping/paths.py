"""Source paths: parsing and compiled getters.

Path syntax
-----------
A path is one or more *steps* separated by dots. A step is a field name optionally followed by
list indexes in brackets::

    id
    billing_address.first_name
    shipping_addresses[0].last_name      # first element of a list
    products[-1].sku                     # last element
    matrix[0][1]

A field name matches ``[A-Za-z_][A-Za-z0-9_-]*``; an index is a (possibly negative) integer.
Whitespace, empty steps (``a..b``), unclosed brackets and the like are rejected with
:class:`~bigcommerce_connect.mapping.errors.MalformedPathError` when a definition is loaded.

Reading
-------
A name step reads a ``Mapping`` key, or else an attribute of an object (attrs instances such as
:class:`~bigcommerce_connect.records.ErpItem` or the SDK's models). Scalars (str, numbers, bools,
dates) and lists have no fields. Attribute names starting with ``_`` are never read, so a path
cannot reach ``__class__`` and friends. An index step reads a list or tuple element.

The getter returns :data:`MISSING` when the value is absent (no such key, index out of range,
or a step through ``None`` or a scalar) and ``None`` when the value is present and null: the
two are told apart everywhere in the DSL. The getter never raises for JSON-like input.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Final

import attrs

__all__ = ["MISSING", "Getter", "Missing", "SourcePath", "compile_getter", "parse_path"]


class Missing:
    """Type of :data:`MISSING`, the "absent" marker (distinct from ``None``, which is "null")."""

    _instance: Missing | None = None

    def __new__(cls) -> Missing:
        # A singleton so that ``is MISSING`` is always the right test.
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "MISSING"

    def __bool__(self) -> bool:
        return False

    def __reduce__(self) -> str:
        return "MISSING"


MISSING: Final = Missing()
"""The value a path yields when the source has no such field (``None`` means "present, null")."""

Step = str | int
Getter = Callable[[Any], Any]

_NAME = r"[A-Za-z_][A-Za-z0-9_-]*"
_STEP_RE = re.compile(rf"({_NAME})((?:\[-?[0-9]+\])*)")
_INDEX_RE = re.compile(r"\[(-?[0-9]+)\]")
# Types a name step cannot look into: reading attributes of these would expose methods.
LEAF_TYPES: Final = (str, bytes, int, float, Decimal, bool, date, datetime, list, tuple)


@attrs.frozen
class SourcePath:
    """A parsed source path: the original text and its steps (``str`` keys, ``int`` indexes)."""

    text: str
    steps: tuple[Step, ...]


def parse_path(text: str) -> SourcePath:
    """Parse ``text`` into a :class:`SourcePath`.

    Raises:
        ValueError: the text does not follow the path syntax (the definition loader turns this
            into a :class:`~bigcommerce_connect.mapping.errors.MalformedPathError`).
    """
    if not text:
        raise ValueError("empty source path")
    steps: list[Step] = []
    for part in text.split("."):
        match = _STEP_RE.fullmatch(part)
        if match is None:
            raise ValueError(f"malformed source path {text!r} at {part!r}")
        steps.append(match.group(1))
        steps.extend(int(i) for i in _INDEX_RE.findall(match.group(2)))
    return SourcePath(text, tuple(steps))


def read_key(obj: Any, key: str) -> Any:
    """One name step on any object; the slow path behind the compiled getters."""
    if isinstance(obj, Mapping):
        return obj.get(key, MISSING)
    if obj is None or isinstance(obj, LEAF_TYPES) or key.startswith("_"):
        return MISSING
    return getattr(obj, key, MISSING)


def read_index(obj: Any, index: int) -> Any:
    """One index step: a list/tuple element, or :data:`MISSING`."""
    if isinstance(obj, (list, tuple)) and -len(obj) <= index < len(obj):
        return obj[index]
    return MISSING


def _step_fn(step: Step) -> Callable[[Any], Any]:
    if isinstance(step, int):
        return lambda obj: read_index(obj, step)

    def by_key(obj: Any) -> Any:
        # Fast path: plain dicts (the wire payloads) need a single lookup.
        if type(obj) is dict:
            return obj.get(step, MISSING)
        return read_key(obj, step)

    return by_key


def compile_getter(path: SourcePath) -> Getter:
    """Compile ``path`` into ``getter(source) -> value | MISSING``.

    The one- and two-key shapes (most rules) get dedicated closures: a dict source costs one or
    two ``dict.get`` calls and no loop.
    """
    steps = path.steps
    if len(steps) == 1 and isinstance(steps[0], str):
        return _one_key(steps[0])
    if len(steps) == 2 and isinstance(steps[0], str) and isinstance(steps[1], str):
        return _two_keys(steps[0], steps[1])
    return _general(tuple(_step_fn(s) for s in steps))


def _one_key(key: str) -> Getter:
    def get(src: Any) -> Any:
        if type(src) is dict:
            return src.get(key, MISSING)
        return read_key(src, key)

    return get


def _two_keys(first: str, second: str) -> Getter:
    def get(src: Any) -> Any:
        mid = src.get(first, MISSING) if type(src) is dict else read_key(src, first)
        if type(mid) is dict:
            return mid.get(second, MISSING)
        if mid is MISSING or mid is None:
            return MISSING
        return read_key(mid, second)

    return get


def _general(fns: tuple[Callable[[Any], Any], ...]) -> Getter:
    *head, last = fns

    def get(src: Any) -> Any:
        obj = src
        for fn in head:
            obj = fn(obj)
            # Stepping through null or absent yields absent, never an exception.
            if obj is MISSING or obj is None:
                return MISSING
        return last(obj)

    return get
