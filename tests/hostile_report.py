"""How many hostile inputs the robustness tests tried, by kind; ``conftest.py`` prints the
counts in pytest's terminal summary so a run shows what it covered."""

from __future__ import annotations

from collections import Counter

TRIED: Counter[str] = Counter()


def tried(kind: str, n: int = 1) -> None:
    """Count ``n`` hostile inputs of ``kind`` as tried (and handled)."""
    TRIED[kind] += n
