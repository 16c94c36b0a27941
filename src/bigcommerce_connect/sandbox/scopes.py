"""OAuth scopes: which scope each request needs, and the 403 a token without it gets.

BigCommerce gives an API account scopes per kind of data, each "modify" or "read-only"
(``store_v2_orders`` / ``store_v2_orders_read_only`` ...). A request outside the token's
scopes is refused with 403 before anything else happens, whatever it asks for, so a write
to an id that cannot exist tells a missing scope (403) from a present one (404). The
sandbox's token has every scope unless :attr:`Knobs.scopes` lists them. Legacy (Basic auth)
accounts have no scopes: they may call all of v2.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Final

__all__ = ["ALL_SCOPES", "SCOPE_TITLE", "parse_scopes", "required_scope", "scope_allows"]

#: Scope of each resource: the first segment of the path below the version.
_BY_SEGMENT: Final = {
    "orders": "store_v2_orders",
    "order_statuses": "store_v2_orders",
    "customers": "store_v2_customers",
    "customer_groups": "store_v2_customers",
    "catalog": "store_v2_products",
    "pricelists": "store_v2_products",
    "inventory": "store_inventory",
}
_READ_ONLY: Final = "_read_only"
#: Every scope the sandbox knows, modify and read-only.
ALL_SCOPES: Final = tuple(
    scope for base in dict.fromkeys(_BY_SEGMENT.values()) for scope in (base, base + _READ_ONLY)
)
#: BigCommerce's words for a missing scope.
SCOPE_TITLE: Final = "You don't have a required scope to access the endpoint"


def parse_scopes(value: str | Iterable[str] | None) -> frozenset[str] | None:
    """Scopes from ``"a,b"`` or a list; ``None`` or ``"all"`` for every scope.

    Raises ``ValueError`` naming any scope the sandbox does not know.
    """
    if value is None:
        return None
    parts = value.split(",") if isinstance(value, str) else [str(v) for v in value]
    names = [p.strip() for p in parts if p.strip()]
    if names == ["all"]:
        return None
    unknown = [n for n in names if n not in ALL_SCOPES]
    if unknown:
        raise ValueError(f"unknown scope(s): {', '.join(unknown)}; choose from {ALL_SCOPES}")
    return frozenset(names)


def required_scope(method: str, rel: str) -> tuple[str, bool] | None:
    """``(scope, modifies)`` a request needs, or ``None`` when it needs none (webhooks)."""
    segment = rel.lstrip("/").split("/", 1)[0]
    scope = _BY_SEGMENT.get(segment)
    if scope is None:
        return None
    return scope, method not in ("GET", "HEAD")


def scope_allows(scopes: frozenset[str] | None, method: str, rel: str) -> bool:
    """Whether a token with ``scopes`` (``None``: every scope) may make this request."""
    if scopes is None:
        return True
    needed = required_scope(method, rel)
    if needed is None:
        return True
    scope, modifies = needed
    return scope in scopes or (not modifies and scope + _READ_ONLY in scopes)
