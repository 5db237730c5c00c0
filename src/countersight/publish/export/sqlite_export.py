"""A self-contained SQLite file that datasette serves as is: every exported table, foreign keys,
full-text indexes (FTS5, in datasette's ``<table>_fts`` convention) and an ``_export_meta`` table."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from countersight.export_records import ExportRow
from countersight.publish.export.base import Exporter, dumps, write_text
from countersight.store import schema
from countersight.store.export_queries import exported_columns

# Columns indexed for full-text search, per table.
FTS_COLUMNS: dict[str, tuple[str, ...]] = {
    "documents": ("title", "publisher", "text"),
    "claims": ("vendor", "vendor_raw", "agency", "city", "fin_text"),
    "evidence": ("quote",),
    "organizations": ("name", "note"),
    "deployments": ("vendor", "agency", "city"),
    "financing": ("title", "lender", "text"),
}

_SQL_TYPES = {"Integer": "INTEGER", "Float": "REAL", "Boolean": "INTEGER"}


def _ddl(table: str) -> str:
    """The CREATE TABLE of an exported table: its exported columns, primary and foreign keys."""
    t = schema.metadata.tables[table]
    cols = exported_columns(table)
    parts = [f'"{c}" {_SQL_TYPES.get(type(t.c[c].type).__name__, "TEXT")}' for c in cols]
    pk = [c.name for c in t.primary_key.columns]
    if pk:
        parts.append("PRIMARY KEY (" + ", ".join(f'"{c}"' for c in pk) + ")")
    for fk in sorted(t.foreign_keys, key=lambda k: k.parent.name):
        parts.append(f'FOREIGN KEY ("{fk.parent.name}") REFERENCES "{fk.column.table.name}"("{fk.column.name}")')
    return f'CREATE TABLE "{table}" (\n  ' + ",\n  ".join(parts) + "\n)"


def _value(v: Any) -> Any:
    """A value as SQLite stores it: booleans as 0/1, JSON columns as compact JSON text."""
    if isinstance(v, bool):
        return int(v)
    if isinstance(v, (dict, list)):
        return dumps(v, indent=None)
    return v


class SqliteExporter(Exporter):
    """``OUT`` as one SQLite database (``datasette OUT`` works), rebuilt from scratch each time."""

    name = "sqlite"

    def setup(self) -> None:
        """Start a new database file (any earlier one and its journal removed)."""
        out = self.context.out
        out.parent.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-journal", "-wal", "-shm"):
            Path(str(out) + suffix).unlink(missing_ok=True)
        self.conn = sqlite3.connect(out)
        # A rollback journal (not WAL) keeps the file self-contained and its bytes reproducible.
        self.conn.execute("PRAGMA journal_mode=DELETE")
        self.conn.execute("PRAGMA page_size=4096")

    def feed(self, table: str, rows: Iterable[ExportRow]) -> None:
        """Create and fill one table with its indexes and full-text index."""
        cols = exported_columns(table)
        with self.conn:
            self.conn.execute(_ddl(table))
            marks = ", ".join("?" for _ in cols)
            names = ", ".join(f'"{c}"' for c in cols)
            self.conn.executemany(
                f'INSERT INTO "{table}" ({names}) VALUES ({marks})',
                ([_value(getattr(r, c)) for c in cols] for r in rows),
            )
            for col in ("country", "document_id", "claim_id", "deployment_id", "vendor", "source"):
                if col in cols and col not in [c.name for c in schema.metadata.tables[table].primary_key.columns]:
                    self.conn.execute(f'CREATE INDEX "idx_{table}_{col}" ON "{table}"("{col}")')
            fts = FTS_COLUMNS.get(table)
            if fts:
                fcols = ", ".join(f'"{c}"' for c in fts)
                # External-content FTS5 table, the layout `sqlite-utils enable-fts` creates and
                # datasette detects for its search box.
                self.conn.execute(f'CREATE VIRTUAL TABLE "{table}_fts" USING fts5({fcols}, content="{table}")')
                self.conn.execute(f'INSERT INTO "{table}_fts" (rowid, {fcols}) SELECT rowid, {fcols} FROM "{table}"')

    def finish(self) -> list[Path]:
        """Write ``_export_meta``, compact the file and write datasette's metadata beside it."""
        meta = self.context.meta()
        with self.conn:
            self.conn.execute('CREATE TABLE "_export_meta" (key TEXT PRIMARY KEY, value TEXT)')
            self.conn.executemany(
                'INSERT INTO "_export_meta" VALUES (?, ?)',
                sorted((k, v if isinstance(v, str) else dumps(v, indent=None)) for k, v in meta.items()),
            )
        self.conn.execute("VACUUM")
        self.conn.close()
        out = self.context.out
        # datasette metadata: titles, licences and sources shown on every page.
        metadata = {
            "title": "countersight export",
            "license": "CC-BY-4.0",
            "license_url": "https://creativecommons.org/licenses/by/4.0/",
            "source": "countersight (AIGS CC BY 4.0, AidData ODC-By 1.0)",
            "description": f"snapshot {meta['snapshot_id']}, countersight {meta['countersight_version']}",
        }
        return [out, write_text(out.with_name(out.stem + ".metadata.json"), dumps(metadata) + "\n")]
