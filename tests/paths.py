"""Where the repository and the tests' own data lie, for test modules at any depth of the mirrored tree,
and how a test reads a benchmark script (``bench/`` is scripts, not a package)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[1]
TEST_DATA = ROOT / "tests" / "data"


def bench_module(name: str) -> ModuleType:
    """The script ``bench/NAME.py`` as a module (registered, so that it can import its siblings)."""
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, ROOT / "bench" / f"{name}.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module
