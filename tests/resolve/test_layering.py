"""The resolve package is the pure core: none of its modules imports the store, a pipeline or an
edge (STYLE.md), so merging and review folding run without a database."""

from __future__ import annotations

import ast
from pathlib import Path

import countersight.resolve

FORBIDDEN = (
    "countersight.store",
    "countersight.sources",
    "countersight.ingest",
    "countersight.follow",
    "countersight.scale",
    "countersight.datasets",
    "countersight.publish",
    "countersight.resolution",
    "countersight.review",
    "countersight.clock",
)


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names |= {f"{node.module}.{a.name}" for a in node.names}
    return names


def test_resolve_imports_no_store_pipeline_or_edge() -> None:
    package = Path(countersight.resolve.__file__).parent
    files = sorted(package.glob("*.py"))
    assert len(files) >= 8
    bad = {
        f"{path.name}: {name}"
        for path in files
        for name in _imports(path)
        if any(name == f or name.startswith(f + ".") for f in FORBIDDEN)
    }
    assert bad == set()
