"""What an exporter sends: the fields the ERP states, and a fingerprint to skip a resend."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

__all__ = ["fingerprint", "without_none"]


def without_none(payload: Mapping[str, Any]) -> dict[str, Any]:
    """The payload minus unset (None) fields: None means "the ERP does not say", never "clear"."""
    return {key: value for key, value in payload.items() if value is not None}


def fingerprint(payload: Any) -> str:
    """A stable hash of what would be sent, so an unchanged record is recognised without a call."""
    text = json.dumps(payload, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()
