"""What every exporter shares: the context (store, output path, selection, snapshot id), the
small ``Exporter`` protocol (setup, feed one table, finish) and deterministic writing helpers."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar, TypedDict

from countersight import __version__
from countersight.export_records import ExportDocument, ExportReviewEvent, ExportRow
from countersight.reference.loader import load_yaml
from countersight.store import Store
from countersight.store.export_queries import EXPORT_TABLES, Selection, snapshot_id, table_records, table_rows


class ExportMeta(TypedDict):
    """What every export records about itself (``export.json`` and the formats' own metadata)."""

    countersight_version: str
    snapshot_id: str
    filter: dict[str, str]
    full_text: bool
    licence: str


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

    def meta(self) -> ExportMeta:
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

    def feed(self, table: str, rows: Iterable[ExportRow]) -> None:
        """Take one table's rows (its records, ``TABLE_RECORDS``, in primary-key order)."""
        raise NotImplementedError

    def finish(self) -> list[Path]:
        """Write what is left; return the files written."""
        return []


def run_exporter(exporter: Exporter) -> list[Path]:
    """Drive an exporter over the tables it wants, in a fixed order."""
    exporter.setup()
    for name in exporter.tables:
        exporter.feed(name, published_rows(exporter.context, name))
    return exporter.finish()


def published_rows(ctx: ExportContext, name: str) -> Iterator[ExportRow]:
    """One table's rows as an export publishes them: article texts and reviewers' names left out
    unless the context asks for them."""
    if name == "documents":
        docs = table_records(ctx.store, ExportDocument, ctx.selection)
        return (redact_document(d, ctx.full_text, ctx.reviewer_names) for d in docs)
    if name == "review_events" and not ctx.reviewer_names:
        # Reviewers and admins are not public by default (source protection, docs/security.md):
        # review events keep what was decided and why, not who decided it.
        events = table_records(ctx.store, ExportReviewEvent, ctx.selection)
        return (e._replace(actor=None) for e in events)
    return table_rows(ctx.store, name, ctx.selection)


def redact_document(doc: ExportDocument, full_text: bool, reviewer_names: bool) -> ExportDocument:
    """A document as an export publishes it: without its text unless ``full_text`` or it is a
    dataset row, without who submitted it unless ``reviewer_names``."""
    # Article texts are usually third-party copyright: exports keep the evidence quotes, the
    # URL and the hash, and carry full texts only of dataset rows (openly licensed) unless asked.
    if not full_text and doc.source_kind != "dataset":
        doc = doc._replace(text="")
    if not reviewer_names and "submitted_by" in doc.meta:
        doc = doc._replace(meta={k: v for k, v in doc.meta.items() if k != "submitted_by"})
    return doc


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


def dataset_info() -> dict[str, Any]:  # YAML: data/datasets.yaml as loaded
    """The bundled datasets' citations and licences (``data/datasets.yaml``)."""
    return dict(load_yaml("datasets.yaml"))
