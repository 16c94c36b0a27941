"""Helpers for hosts' tests: the adapter contract suite (needs pytest)."""
