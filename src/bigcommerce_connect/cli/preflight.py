"""What ``sync``, ``demo`` and ``check`` verify before any order is touched.

The settings' "get" and "set" statuses must be statuses of the store (its own labels, the
default names or ids) and every mapping the settings name must exist beside the ERP and be
of the right kind; otherwise each order would fail (or be quarantined) one by one. The
messages list the valid names, so the settings can be fixed from the message alone.
"""

from __future__ import annotations

from typing import Final

from bigcommerce_connect.cli.subcommand import UsageError
from bigcommerce_connect.client import BigCommerceClient
from bigcommerce_connect.errors import safe_text
from bigcommerce_connect.export import item_export_mapping
from bigcommerce_connect.mapping import MappingError, MappingNotFound, MappingStore
from bigcommerce_connect.settings import StoreSettings
from bigcommerce_connect.status import UnknownStatusError
from bigcommerce_connect.sync.status_moves import QueueStart, resolve_queue

__all__ = ["check_start", "mapping_problems", "named_mapping_problem", "status_problem"]

# The settings fields that name a mapping, and the kind of mapping each must name.
_NAMED_MAPPINGS: Final = (("customer_import", "customer_import"), ("order_import", "order_import"))


def mapping_problems(settings: StoreSettings, store: MappingStore) -> list[str]:
    """One message per mapping the settings name that is missing or of the wrong kind."""
    problems = []
    for field, kind in _NAMED_MAPPINGS:
        name = getattr(settings, field)
        problem = named_mapping_problem(store, name, kind) if name else None
        if problem is not None:
            problems.append(f"{field}: {problem}")
    try:
        item_export_mapping(settings, store)
    except MappingError as error:  # its message lists the known names already
        problems.append(f"item_export: {error}")
    return problems


def named_mapping_problem(store: MappingStore, name: str, kind: str) -> str | None:
    """Why the mapping ``name`` cannot serve as a ``kind`` mapping (None: it can)."""
    try:
        found = store.load(name).kind
    except MappingNotFound:
        return f"no mapping named {safe_text(name, 60)!r}{_valid(store, kind)}"
    except MappingError as error:
        return str(error)
    if found != kind:
        return f"{safe_text(name, 60)!r} is a {found} mapping, not {kind}{_valid(store, kind)}"
    return None


def _valid(store: MappingStore, kind: str) -> str:
    """``; valid names: ...``: the mappings of ``kind`` there are."""
    names = []
    for name in store.list_names():
        try:
            if store.load(name).kind == kind:
                names.append(name)
        except MappingError:
            continue  # a broken saved mapping is no valid choice
    shown = ", ".join(safe_text(name, 60) for name in names)
    return f"; valid names: {shown}" if names else ""


def status_problem(client: BigCommerceClient, settings: StoreSettings) -> str | None:
    """Why the settings' statuses do not resolve in this store (None: they do). One call."""
    try:
        resolve_queue(client, settings)
    except UnknownStatusError as error:
        return str(error)
    return None


def check_start(
    client: BigCommerceClient, settings: StoreSettings, mappings: MappingStore
) -> QueueStart:
    """The statuses as ids and the orders waiting, or :class:`UsageError` naming the fault.

    Mappings are checked first (no store call), then ``GET /v2/orders/count`` resolves the
    statuses through the store's own labels and says how many orders wait: the progress
    display's total.
    """
    problems = mapping_problems(settings, mappings)
    if problems:
        raise UsageError(f"the settings name a mapping that cannot work: {problems[0]}")
    try:
        return resolve_queue(client, settings)
    except UnknownStatusError as error:
        raise UsageError(str(error)) from None
