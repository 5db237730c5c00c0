"""The tests folder mirrors the package: every module with code of its own has a test module of its own.

``src/countersight/store/bulk.py`` is tested by ``tests/store/test_bulk.py``; a package's ``__init__.py``
with functions or classes of its own by ``tests/<package>/test_<package>.py``. The test module must import
the module it mirrors, so a file of the right name that tests something else does not count. Tests of a
whole flow (crash safety, hostile input, the fuzzer) live in ``tests/system/`` beside the mirror.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

from paths import ROOT

PACKAGE = ROOT / "src" / "countersight"
TESTS = ROOT / "tests"


def _has_code(path: Path) -> bool:
    """A module defines a function or a class (a re-exporting ``__init__`` does not)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return any(isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef) for node in tree.body)


def _dotted(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _mirror(path: Path) -> Path:
    rel = path.relative_to(PACKAGE)
    if rel.name == "__init__.py":
        package = rel.parent
        name = package.name or "countersight"
        return TESTS / package / f"test_{name}.py"
    return TESTS / rel.parent / f"test_{rel.stem}.py"


def _imports(test: Path, dotted: str) -> bool:
    """The test module imports ``dotted`` (``import a.b``, ``from a.b import x`` or ``from a import b``)."""
    parent, _, leaf = dotted.rpartition(".")
    text = test.read_text(encoding="utf-8")
    patterns = [
        rf"^\s*(from|import)\s+{re.escape(dotted)}\b",
        rf"^\s*from\s+{re.escape(parent)}\s+import\s+(\(\s*)?([\w\s,]*\b)?{re.escape(leaf)}\b",
    ]
    if leaf.endswith("_cmds"):
        # A CLI command module is tested through the command line it registers on.
        patterns.append(rf"^\s*from\s+{re.escape(parent)}\s+import\s+.*\bmain\b")
    if dotted == "countersight.api":
        patterns.append(r"^\s*import\s+countersight\s+as\s+\w+")
    return any(re.search(p, text, re.MULTILINE) for p in patterns)


def _modules() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if _has_code(p))


def test_every_module_has_a_test_module_of_its_own() -> None:
    missing = [
        f"{_dotted(p)} -> {_mirror(p).relative_to(ROOT)}"
        for p in _modules()
        if not _mirror(p).is_file() or not _imports(_mirror(p), _dotted(p))
    ]
    assert not missing, "modules without a mirrored test module that imports them:\n" + "\n".join(missing)


def test_the_mirror_check_sees_a_missing_module(tmp_path: Path) -> None:
    """The check itself can fail: a test file that imports another module does not count."""
    test = tmp_path / "test_bulk.py"
    test.write_text("from countersight.store import rows\n", encoding="utf-8")
    assert not _imports(test, "countersight.store.bulk")
    test.write_text("from countersight.store import bulk, rows\n", encoding="utf-8")
    assert _imports(test, "countersight.store.bulk")
    assert _mirror(PACKAGE / "store" / "bulk.py") == TESTS / "store" / "test_bulk.py"
    assert _mirror(PACKAGE / "follow" / "__init__.py") == TESTS / "follow" / "test_follow.py"
