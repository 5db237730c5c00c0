"""Where the repository and the tests' own data lie, for test modules at any depth of the mirrored tree,
and how a test reads a benchmark script (``bench/`` is scripts, not a package)."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[1]
TEST_DATA = ROOT / "tests" / "data"
BENCH = ROOT / "bench"


def bench_module(name: str) -> ModuleType:
    """The script ``bench/NAME.py`` as a module; it imports its siblings as it does when run from
    ``bench/`` (appended to the path, so that no script shadows an installed module)."""
    if str(BENCH) not in sys.path:
        sys.path.append(str(BENCH))
    return importlib.import_module(name)
