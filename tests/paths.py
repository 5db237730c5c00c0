"""Where the repository and the tests' own data lie, for test modules at any depth of the mirrored tree."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TEST_DATA = ROOT / "tests" / "data"
