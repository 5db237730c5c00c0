"""Archived copies in exports (``--include-archives``): the WARC files follow wrote for the exported
documents, with an index of which record is which document. Off by default: the archives hold
third-party pages (text and markup under their publishers' copyright), kept locally as evidence;
publishing them is the user's decision (docs/sources.md)."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

from countersight.config import Settings
from countersight.export_records import ExportEvidence
from countersight.store import Store
from countersight.store.export_queries import Selection, table_records
from countersight.store.sources import archived_copies


def export_archives(store: Store, settings: Settings, dest: Path, selection: Selection | None = None) -> list[Path]:
    """Copy into ``dest`` the WARC files holding the selected documents' archived copies, and write
    ``dest/index.csv`` (document, URL, fetch time, file, offset); return the files written."""
    sel = selection or Selection()
    wanted: set[str] | None = None
    if sel != Selection():
        wanted = {e.document_id for e in table_records(store, ExportEvidence, sel)}
    rows = [r for r in archived_copies(store) if wanted is None or r.document_id in wanted]
    dest.mkdir(parents=True, exist_ok=True)
    source = settings.archive_path()
    written: list[Path] = []
    for name in sorted({r.warc_file for r in rows}):
        path = source / name
        if path.is_file() and path.resolve().is_relative_to(source.resolve()):
            written.append(Path(shutil.copy2(path, dest / Path(name).name)))
    index = dest / "index.csv"
    with index.open("w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow(["document_id", "url", "fetched_at", "warc_file", "warc_offset"])
        for r in rows:
            out.writerow(
                [r.document_id, r.url, r.fetched_at.isoformat() if r.fetched_at else "", r.warc_file, r.warc_offset]
            )
    return [*written, index]
