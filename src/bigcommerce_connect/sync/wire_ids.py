"""A record's id as the wire sent it, before the SDK reads the record.

The wire may hold anything where a record or its id belongs (null, text, a float, ``true``):
whatever is not a positive integer counts as no id, so one junk value can never page, key or
bind anything.
"""

from __future__ import annotations

__all__ = ["wire_id"]


def wire_id(item: object) -> int:
    """A record's positive id as the wire sent it; 0 when it has none usable."""
    value = item.get("id") if isinstance(item, dict) else None
    if isinstance(value, int) and not isinstance(value, bool) and value > 0:
        return value
    return 0
