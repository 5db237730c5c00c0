"""Deterministic ids: hashes of natural keys, stable across machines and runs."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable


def content_hash(text: str) -> str:
    """SHA-256 hex digest of a document's text (its id)."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def stable_id(prefix: str, parts: Iterable[object]) -> str:
    """A short id ``prefix-<16 hex>`` from the natural-key ``parts`` (None becomes empty)."""
    key = "\x1f".join("" if p is None else str(p) for p in parts)
    return f"{prefix}-{hashlib.sha256(key.encode('utf-8')).hexdigest()[:16]}"
