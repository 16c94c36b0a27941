"""contrib is optional: the SDK never imports it, and it never imports Celery itself."""

from __future__ import annotations

import json
import subprocess
import sys


def modules_after(code: str) -> set[str]:
    """The names in ``sys.modules`` of a fresh interpreter after running ``code``."""
    script = f"{code}\nimport json, sys\nprint(json.dumps(sorted(sys.modules)))"
    out = subprocess.run(  # noqa: S603 - our own interpreter and script
        [sys.executable, "-c", script], check=True, capture_output=True, text=True
    ).stdout
    return set(json.loads(out.splitlines()[-1]))


def test_the_sdk_does_not_import_contrib_and_contrib_does_not_import_celery() -> None:
    bare = modules_after("import bigcommerce_connect")
    assert not any(name.startswith("bigcommerce_connect.contrib") for name in bare)

    loaded = modules_after("import bigcommerce_connect.contrib.celery")
    assert "bigcommerce_connect.contrib.celery.integration" in loaded
    assert sorted(n for n in loaded if n.split(".")[0] in ("celery", "kombu", "redis")) == []
