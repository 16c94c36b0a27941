"""Which API a value goes to or comes from: v2 (RFC 2822, 4-place money) or v3 (ISO 8601)."""

from __future__ import annotations

from typing import Literal

__all__ = ["WireVersion"]

WireVersion = Literal["v2", "v3"]
