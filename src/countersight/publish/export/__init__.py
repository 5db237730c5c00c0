"""Open exports: FollowTheMoney, CSV, JSON, GeoJSON, Parquet, a Frictionless data package and a
datasette-ready SQLite file. Each format is a small :class:`Exporter` (setup, feed, finish); every
export records the countersight version and the store's snapshot id and is byte-identical when
repeated on the same data."""

from __future__ import annotations

from pathlib import Path

from countersight.errors import InputError
from countersight.publish.export.base import ExportContext, Exporter, make_context, run_exporter
from countersight.publish.export.ftm import FtmExporter
from countersight.publish.export.geo import GeojsonExporter
from countersight.publish.export.sqlite_export import SqliteExporter
from countersight.publish.export.tabular import (
    CsvExporter,
    DatapackageExporter,
    JsonExporter,
    ParquetExporter,
)
from countersight.store import Store
from countersight.store.export_queries import Selection

EXPORTERS: dict[str, type[Exporter]] = {
    e.name: e
    for e in (
        FtmExporter,
        CsvExporter,
        JsonExporter,
        GeojsonExporter,
        ParquetExporter,
        DatapackageExporter,
        SqliteExporter,
    )
}
FORMATS: tuple[str, ...] = tuple(EXPORTERS)


def export(
    store: Store,
    fmt: str,
    out: Path | str,
    selection: Selection | None = None,
    *,
    bom: bool = False,
    full_text: bool = False,
    reviewer_names: bool = False,
) -> list[Path]:
    """Export ``store`` (narrowed by ``selection``) in format ``fmt`` to ``out``; return files written.

    ``out`` is a file for ftm, json, geojson and sqlite, a folder for csv, parquet and datapackage.
    Article texts and reviewers' names are left out unless ``full_text`` / ``reviewer_names``.
    """
    if fmt not in EXPORTERS:
        raise InputError(f"unknown export format {fmt!r}; choose from {', '.join(FORMATS)}")
    context = make_context(store, Path(out), selection, bom=bom, full_text=full_text, reviewer_names=reviewer_names)
    return run_exporter(EXPORTERS[fmt](context))


__all__ = ["EXPORTERS", "FORMATS", "ExportContext", "Exporter", "Selection", "export"]
