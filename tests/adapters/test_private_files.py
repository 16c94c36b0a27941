"""Files the SDK creates are private: the SQLite ERP (and its -wal/-shm/-journal files),
mapping files and their folders are 0600/0700; a file the host made keeps its mode.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path

import attrs
import pytest

from bigcommerce_connect.adapters.mapping_files import JsonFileMappingStore
from bigcommerce_connect.adapters.sqlite import SqliteErp
from bigcommerce_connect.ports import ItemRef

pytestmark = pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX-only")


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture(autouse=True)
def permissive_umask() -> Iterator[None]:
    # The usual 022 would make a careless file 0644; 000 makes it 0666 (and folders 0777).
    old = os.umask(0)
    yield
    os.umask(old)


def test_a_new_sqlite_erp_and_its_side_files_are_0600(tmp_path: Path) -> None:
    db = tmp_path / "erp.db"
    with SqliteErp(db, items=[ItemRef(local_id="A-1", sku="W-1")]) as erp:
        erp.sync_state.set_cursor("orders", datetime(2026, 1, 1, tzinfo=timezone.utc))
        files = sorted(tmp_path.glob("erp.db*"))
        assert {path.name for path in files} >= {"erp.db", "erp.db-wal", "erp.db-shm"}
        assert {path.name: mode(path) for path in files} == {path.name: 0o600 for path in files}
    assert mode(db) == 0o600


def test_a_rollback_journal_is_0600_too(tmp_path: Path) -> None:
    db = tmp_path / "erp.db"
    with SqliteErp(db) as erp:
        erp.database.execute("PRAGMA journal_mode = DELETE")
        erp.database.execute("PRAGMA locking_mode = EXCLUSIVE")
        with erp.database.transaction():
            erp.items.add_all([ItemRef(local_id="A-1", sku="W-1")])
            journal = tmp_path / "erp.db-journal"
            assert journal.exists()
            assert mode(journal) == 0o600


def test_an_existing_database_file_keeps_the_hosts_mode(tmp_path: Path) -> None:
    db = tmp_path / "erp.db"
    db.touch()
    os.chmod(db, 0o640)
    with SqliteErp(db):
        pass
    assert mode(db) == 0o640


def test_mapping_files_and_their_folders_are_private(tmp_path: Path) -> None:
    folder = tmp_path / "config" / "mappings"
    store = JsonFileMappingStore(folder)
    name = store.list_names()[0]
    store.save_as(name, "Mine")
    assert mode(folder) == 0o700
    assert mode(folder.parent) == 0o700
    files = list(folder.iterdir())
    assert [path.suffix for path in files] == [".json"]
    assert mode(files[0]) == 0o600


def test_an_existing_folder_and_file_keep_the_hosts_modes(tmp_path: Path) -> None:
    folder = tmp_path / "mappings"
    folder.mkdir(mode=0o750)
    store = JsonFileMappingStore(folder)
    copied = store.save_as(store.list_names()[0], "Mine")
    (path,) = folder.iterdir()
    os.chmod(path, 0o640)
    store.save(attrs.evolve(copied))
    assert mode(folder) == 0o750
    assert mode(path) == 0o640
