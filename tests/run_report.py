"""Files the tests leave for people to look at (browser screenshots); ``conftest.py`` lists them
in pytest's terminal summary, since a passing test's own output is not shown."""

from __future__ import annotations

from pathlib import Path

SCREENSHOTS: list[str] = []


def screenshot_saved(label: str, path: Path) -> None:
    """Record a screenshot for the end-of-run summary."""
    SCREENSHOTS.append(f"{label}: {path}")
