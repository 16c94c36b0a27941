"""The other scripts under examples/ run as their docstrings say (each starts a sandbox)."""

from __future__ import annotations

from pathlib import Path

import pytest

from support.recipes import ImportRecipe


def test_import_into_sqlite_imports_once_then_nothing(
    import_recipe: ImportRecipe, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    example = import_recipe("import_into_sqlite")
    database = str(tmp_path / "erp.db")

    example.main(database)
    first = capsys.readouterr().out.splitlines()[0]
    example.main(database)  # a new sandbox with the same seed: the same orders, all bound
    second = capsys.readouterr().out.splitlines()[0]

    assert " 0 order(s) imported" not in first
    # The new sandbox shows the bound orders waiting again: moved, never imported twice.
    assert second.startswith("0 customer(s) created, 0 order(s) imported, ")


def test_list_orders_lists_the_orders_awaiting_fulfillment(
    import_recipe: ImportRecipe, capsys: pytest.CaptureFixture[str]
) -> None:
    import_recipe("list_orders").main()

    out = capsys.readouterr().out
    assert "To fulfill:" in out
    assert "  order " in out
