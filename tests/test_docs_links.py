"""Every relative link in the docs points to a file that exists.

docs/features.md also names test functions after a test file's link, as
``[file](path) (`test_a`, `test_b`)``: each one must be defined in that file, so a renamed
test shows up here instead of leaving the map pointing at nothing.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCS = sorted((ROOT / "docs").glob("*.md"))
LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")
NAMED_TESTS = re.compile(r"\[[^\]]*\]\(([^)\s]+\.py)\) \(((?:`test_\w+`(?:, )?)+)\)")


def relative_links(text: str) -> list[str]:
    """The link targets that are paths in this repository (no URL, no bare anchor)."""
    targets = (match.group(1) for match in LINK.finditer(text))
    return [t for t in targets if not re.match(r"[a-z]+:", t) and not t.startswith("#")]


@pytest.mark.parametrize("doc", DOCS, ids=lambda path: path.name)
def test_every_relative_link_points_to_an_existing_file(doc: Path) -> None:
    text = doc.read_text(encoding="utf-8")
    missing = [
        target
        for target in relative_links(text)
        if not (doc.parent / target.split("#", 1)[0]).exists()
    ]
    assert missing == []


def test_the_feature_map_names_only_tests_that_exist() -> None:
    doc = ROOT / "docs" / "features.md"
    missing = []
    for match in NAMED_TESTS.finditer(doc.read_text(encoding="utf-8")):
        source = (doc.parent / match.group(1)).read_text(encoding="utf-8")
        for name in re.findall(r"`(test_\w+)`", match.group(2)):
            if not re.search(rf"^def {name}\(", source, re.MULTILINE):
                missing.append(f"{match.group(1)}::{name}")
    assert missing == []


def test_the_feature_map_links_a_test_on_every_row() -> None:
    rows = [
        line
        for line in (ROOT / "docs" / "features.md").read_text(encoding="utf-8").splitlines()
        if line.startswith("| ") and not line.startswith(("| feature", "| setting", "| Add field"))
    ]
    untested = [row for row in rows if "../tests/" not in row and "not applicable" not in row]
    assert rows
    assert untested == []
