"""Named mappings kept as JSON files in a folder, one file per mapping (for the CLI and demo)."""

from __future__ import annotations

import contextlib
import json
import os
import stat
import tempfile
from pathlib import Path
from urllib.parse import quote

from bigcommerce_connect.mapping import InMemoryMappingStore, MappingDefinition, dump_definition
from bigcommerce_connect.mapping.definition import TargetSpecs
from bigcommerce_connect.settings_files import PRIVATE_DIR_MODE

__all__ = ["JsonFileMappingStore"]


class JsonFileMappingStore(InMemoryMappingStore):
    """Mappings saved in ``directory`` survive restarts; built-ins stay read-only.

    Each file holds one definition in the versioned format; files are replaced atomically, so
    a crash mid-save leaves the old version, never half a file. Folders and files the store
    creates are private (0700, 0600); a file that was there before keeps its mode.
    """

    def __init__(self, directory: str | os.PathLike[str], *, targets: TargetSpecs | None = None):
        super().__init__(targets=targets)
        self.directory = Path(directory)
        _make_private_dirs(self.directory)
        for path in sorted(self.directory.glob("*.json")):
            data = json.loads(path.read_text(encoding="utf-8"))
            self._data[str(data["name"])] = data

    def save(self, definition: MappingDefinition) -> None:
        """Validate, keep and write ``definition`` to its file."""
        super().save(definition)
        self._write(definition.name, dump_definition(definition))

    def delete(self, name: str) -> None:
        """Remove a saved mapping and its file."""
        super().delete(name)
        self._path(name).unlink(missing_ok=True)

    def _path(self, name: str) -> Path:
        return self.directory / (quote(name, safe="") + ".json")

    def _write(self, name: str, data: dict[str, object]) -> None:
        text = json.dumps(data, indent=2, ensure_ascii=False, sort_keys=True)
        fd, tmp = tempfile.mkstemp(dir=self.directory, suffix=".tmp")
        target = self._path(name)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        # mkstemp made the file 0600; a file being replaced keeps the mode its owner chose.
        with contextlib.suppress(FileNotFoundError):
            os.chmod(tmp, stat.S_IMODE(target.stat().st_mode))
        os.replace(tmp, target)


def _make_private_dirs(directory: Path) -> None:
    """Create ``directory`` and its missing parents 0700; existing folders are left alone."""
    missing = []
    for folder in (directory, *directory.parents):
        if folder.exists():
            break
        missing.append(folder)
    for folder in reversed(missing):
        with contextlib.suppress(FileExistsError):
            folder.mkdir(mode=PRIVATE_DIR_MODE)
    directory.mkdir(parents=True, exist_ok=True)  # raises if a file stands in the way
