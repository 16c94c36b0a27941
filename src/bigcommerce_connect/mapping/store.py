"""Named mappings: the :class:`MappingStore` protocol and an in-memory implementation.

A store keeps definitions by name as plain data (the :mod:`definition` format), so a host can
back it with a settings table, a file or a key-value store. The user flow of the seed product:
open ``automatic:order_import``, change rules, "Save As… MyBCOrders", pick MyBCOrders in the
settings.

Built-in mappings
-----------------
The ``automatic:*`` names (:data:`~bigcommerce_connect.mapping.defaults.BUILTIN_NAMES`) are always
listed and loadable, and are **read-only**: saving or deleting under an ``automatic:`` name raises
:class:`~bigcommerce_connect.mapping.errors.ReadOnlyMappingError`. Customise one by
``save_as("automatic:order_import", "MyBCOrders")`` and editing the copy. Keeping them read-only
means a software update can improve the defaults without a stale stored override hiding it.
"""

from __future__ import annotations

import copy
from typing import Any, Protocol, runtime_checkable

from bigcommerce_connect.mapping.defaults import BUILTIN_PREFIX, builtin_definitions
from bigcommerce_connect.mapping.definition import TargetSpecs, dump_definition, load_definition
from bigcommerce_connect.mapping.errors import (
    MappingExistsError,
    MappingNotFound,
    ReadOnlyMappingError,
)
from bigcommerce_connect.mapping.rules import MappingDefinition

__all__ = ["InMemoryMappingStore", "MappingStore"]


@runtime_checkable
class MappingStore(Protocol):
    """Where named mappings live. Implementations must validate on :meth:`load`."""

    def list_names(self) -> list[str]:
        """All mapping names (built-ins included), sorted."""
        ...

    def load(self, name: str) -> MappingDefinition:
        """The validated definition stored under ``name``.

        Raises:
            MappingNotFound: nothing is stored under ``name``.
            MappingDefinitionError: the stored data is invalid.
        """
        ...

    def save(self, definition: MappingDefinition) -> None:
        """Store ``definition`` under its name, replacing what was there."""
        ...

    def save_as(self, name: str, new_name: str) -> MappingDefinition:
        """Copy the mapping ``name`` to ``new_name`` and return the copy."""
        ...

    def delete(self, name: str) -> None:
        """Remove the mapping ``name``.

        Raises:
            MappingNotFound: nothing is stored under ``name``.
        """
        ...


class InMemoryMappingStore:
    """A :class:`MappingStore` in a dict of plain data; serves the built-in mappings read-only.

    Args:
        targets: host target schemas used when loading (see ``load_definition``).
    """

    def __init__(self, *, targets: TargetSpecs | None = None) -> None:
        self._targets = targets
        self._builtins = {d.name: d for d in builtin_definitions()}
        # Plain data, as a database-backed store would hold it; validated again on load.
        self._data: dict[str, dict[str, Any]] = {}

    def list_names(self) -> list[str]:
        """All names, built-ins included, sorted."""
        return sorted({*self._builtins, *self._data})

    def load(self, name: str) -> MappingDefinition:
        """The definition under ``name`` (built-in or saved), validated."""
        builtin = self._builtins.get(name)
        if builtin is not None:
            return builtin
        data = self._data.get(name)
        if data is None:
            raise MappingNotFound(f"no mapping named {name!r}", mapping=name)
        return load_definition(copy.deepcopy(data), targets=self._targets)

    def save(self, definition: MappingDefinition) -> None:
        """Store ``definition`` (validated first; nothing is stored if it is invalid)."""
        self._refuse_builtin(definition.name)
        data = dump_definition(definition)
        load_definition(data, targets=self._targets)  # validate before storing anything
        self._data[definition.name] = data

    def save_as(self, name: str, new_name: str, *, overwrite: bool = False) -> MappingDefinition:
        """Copy ``name`` to ``new_name``; an existing ``new_name`` needs ``overwrite=True``."""
        self._refuse_builtin(new_name)
        if not overwrite and new_name in self._data:
            raise MappingExistsError(
                f"a mapping named {new_name!r} already exists", mapping=new_name
            )
        copied = self.load(name).renamed(new_name)
        self.save(copied)
        return copied

    def delete(self, name: str) -> None:
        """Remove a saved mapping (built-ins cannot be deleted)."""
        self._refuse_builtin(name)
        if self._data.pop(name, None) is None:
            raise MappingNotFound(f"no mapping named {name!r}", mapping=name)

    def _refuse_builtin(self, name: str) -> None:
        if name.startswith(BUILTIN_PREFIX):
            raise ReadOnlyMappingError(
                f"{BUILTIN_PREFIX!r} mappings are built in and read-only; use save_as",
                mapping=name,
            )
