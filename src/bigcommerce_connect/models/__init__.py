"""Typed wire models (placeholder re-exports; completed below)."""
