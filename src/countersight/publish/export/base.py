"""What every exporter shares: the context (store, output path, selection, snapshot id), the
small ``Exporter`` protocol (setup, feed one table, finish) and deterministic writing helpers."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

from countersight import __version__
from countersight.reference.loader import load_yaml
from countersight.store import Store
from countersight.store.export_queries import EXPORT_TABLES, Selection, snapshot_id, table_rows


@dataclass
class ExportContext:
    """One export run: where from, where to, what, and which snapshot it is."""

    store: Store
    out: Path
    selection: Selection = field(default_factory=Selection)
    bom: bool = False
    full_text: bool = False
    reviewer_names: bool = False
    snapshot: str = ""
    version: str = __version__

    def meta(self) -> dict[str, Any]:
        """What every export records about itself: tool version, data snapshot, selection."""
        sel = {k: v for k, v in vars(self.selection).items() if v}
        return {
            "countersight_version": self.version,
            "snapshot_id": self.snapshot,
            "filter": sel,
            "full_text": self.full_text,
            "licence": "see datapackage.json / docs/interop.md: AIGS CC BY 4.0, AidData ODC-By 1.0",
        }


class Exporter:
    """An export format: ``setup`` once, ``feed`` each table's rows, ``finish`` to write files.

    Subclasses set ``name`` (the ``--format`` value) and ``tables`` (which tables they want).
    """

    name: ClassVar[str] = ""
    tables: ClassVar[tuple[str, ...]] = EXPORT_TABLES

    def __init__(self, context: ExportContext):
        self.context = context

    def setup(self) -> None:
        """Prepare the output (create folders, open files)."""

    def feed(self, table: str, rows: Iterable[dict[str, Any]]) -> None:
        """Take one table's rows (JSON-ready dicts in primary-key order)."""
        raise NotImplementedError

    def finish(self) -> list[Path]:
        """Write what is left; return the files written."""
        return []


def run_exporter(exporter: Exporter) -> list[Path]:
    """Drive an exporter over the tables it wants, in a fixed order."""
    ctx = exporter.context
    exporter.setup()
    for name in exporter.tables:
        rows = table_rows(ctx.store, name, ctx.selection)
        if name == "documents" and not ctx.full_text:
            rows = (_redact_text(r) for r in rows)
        if not ctx.reviewer_names and name in ("documents", "review_events"):
            rows = (_redact_names(r) for r in rows)
        exporter.feed(name, rows)
    return exporter.finish()


def _redact_text(row: dict[str, Any]) -> dict[str, Any]:
    # Article texts are usually third-party copyright: exports keep the evidence quotes, the
    # URL and the hash, and carry full texts only of dataset rows (openly licensed) unless asked.
    if row.get("source_kind") != "dataset":
        return {**row, "text": ""}
    return row


def _redact_names(row: dict[str, Any]) -> dict[str, Any]:
    # Reviewers and admins are not public by default (source protection, docs/security.md): review
    # events keep what was decided and why, documents lose who submitted them.
    if "actor" in row:
        return {**row, "actor": None}
    meta = row.get("meta")
    if isinstance(meta, dict) and "submitted_by" in meta:
        return {**row, "meta": {k: v for k, v in meta.items() if k != "submitted_by"}}
    return row


def make_context(
    store: Store,
    out: Path,
    selection: Selection | None = None,
    bom: bool = False,
    full_text: bool = False,
    reviewer_names: bool = False,
) -> ExportContext:
    """A context with the store's snapshot id computed (reviewers' names left out unless
    ``reviewer_names``)."""
    return ExportContext(
        store=store,
        out=Path(out),
        selection=selection or Selection(),
        bom=bom,
        full_text=full_text,
        reviewer_names=reviewer_names,
        snapshot=snapshot_id(store),
    )


def dumps(value: Any, indent: int | None = 2) -> str:
    """Canonical JSON: sorted keys, UTF-8, no trailing spaces; stable across runs."""
    return json.dumps(
        value,
        indent=indent,
        sort_keys=True,
        ensure_ascii=False,
        default=str,
        separators=(",", ": ") if indent else (",", ":"),
    )


def write_text(path: Path, text: str, bom: bool = False) -> Path:
    """Write UTF-8 text with Unix newlines (optionally with a BOM for Excel)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8-sig" if bom else "utf-8", newline="\n") as fh:
        fh.write(text)
    return path


def dataset_info() -> dict[str, Any]:
    """The bundled datasets' citations and licences (``data/datasets.yaml``)."""
    return dict(load_yaml("datasets.yaml"))
