"""Tabular exports: CSV (one file per table), JSON (one document), Parquet (one file per table)
and a Frictionless data package (CSV files plus ``datapackage.json`` with schemas and licences)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from countersight.errors import CountersightError
from countersight.export_records import ExportRow
from countersight.publish.export.base import Exporter, dataset_info, dumps, write_text
from countersight.reference.loader import load_yaml
from countersight.store import schema
from countersight.store.export_queries import exported_columns
from countersight.textsafe import formula_safe

REDACTABLE = {("documents", "text"), ("review_events", "actor")}


def _cell(value: Any) -> str:
    """One CSV cell: booleans as true/false, JSON columns as compact JSON, text formula-safe."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dict, list)):
        return dumps(value, indent=None)
    if isinstance(value, float) and value.is_integer():
        return repr(value)
    if isinstance(value, int | float):
        return str(value)  # a negative number stays a number in typed columns
    # Text never starts with a formula character (CSV injection): "=cmd|..." becomes "'=cmd|...".
    return formula_safe(str(value))


def csv_text(columns: list[str], rows: Iterable[ExportRow]) -> str:
    """RFC 4180 CSV text of ``columns`` of the rows (``\\r\\n`` line ends as the RFC and Excel expect)."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_cell(getattr(row, c)) for c in columns])
    return buf.getvalue()


class CsvExporter(Exporter):
    """``OUT/<table>.csv`` for each table plus ``OUT/export.json`` (version, snapshot, filter)."""

    name = "csv"

    def setup(self) -> None:
        """Create the output folder."""
        self.context.out.mkdir(parents=True, exist_ok=True)
        self.files: list[Path] = []

    def feed(self, table: str, rows: Iterable[ExportRow]) -> None:
        """Write ``OUT/<table>.csv``."""
        text = csv_text(exported_columns(table), rows)
        self.files.append(write_text(self.context.out / f"{table}.csv", text, bom=self.context.bom))

    def finish(self) -> list[Path]:
        """Write ``OUT/export.json``."""
        self.files.append(write_text(self.context.out / "export.json", dumps(self.context.meta()) + "\n"))
        return self.files


class JsonExporter(Exporter):
    """One JSON document: ``{"meta": {...}, "<table>": [rows...], ...}``."""

    name = "json"

    def setup(self) -> None:
        """Start the document with the export's metadata."""
        self.data: dict[str, Any] = {"meta": self.context.meta()}  # JSON: the document written

    def feed(self, table: str, rows: Iterable[ExportRow]) -> None:
        """Add one table's rows as JSON objects."""
        self.data[table] = [row._asdict() for row in rows]

    def finish(self) -> list[Path]:
        """Write the document."""
        return [write_text(self.context.out, dumps(self.data) + "\n")]


def _arrow_type(col: Any) -> Any:
    """The Arrow type a column is written as."""
    import pyarrow as pa

    kind = type(col.type).__name__
    if kind == "Integer":
        return pa.int64()
    if kind == "Float":
        return pa.float64()
    if kind == "Boolean":
        return pa.bool_()
    return pa.string()  # dates and JSON stay ISO / JSON text: readable by every Parquet reader


class ParquetExporter(Exporter):
    """``OUT/<table>.parquet`` for each table (needs the ``parquet`` extra: pyarrow)."""

    name = "parquet"

    def setup(self) -> None:
        """Check that pyarrow is installed; create the output folder."""
        try:
            import pyarrow  # noqa: F401
        except ImportError as exc:
            raise CountersightError("parquet export needs pyarrow: pip install 'countersight[parquet]'") from exc
        self.context.out.mkdir(parents=True, exist_ok=True)
        self.files: list[Path] = []

    def feed(self, table: str, rows: Iterable[ExportRow]) -> None:
        """Write ``OUT/<table>.parquet`` (JSON columns as JSON text)."""
        import pyarrow as pa
        import pyarrow.parquet as pq

        cols = exported_columns(table)
        t = schema.metadata.tables[table]
        fields = [pa.field(c, _arrow_type(t.c[c])) for c in cols]
        data: dict[str, list[Any]] = {c: [] for c in cols}
        for row in rows:
            for c in cols:
                v = getattr(row, c)
                data[c].append(dumps(v, indent=None) if isinstance(v, (dict, list)) else v)
        meta = {b"countersight": dumps(self.context.meta(), indent=None).encode()}
        arrow = pa.table(data, schema=pa.schema(fields, metadata=meta))
        path = self.context.out / f"{table}.parquet"
        pq.write_table(arrow, path, compression="zstd")
        self.files.append(path)

    def finish(self) -> list[Path]:
        """Write ``OUT/export.json``."""
        self.files.append(write_text(self.context.out / "export.json", dumps(self.context.meta()) + "\n"))
        return self.files


# Frictionless field types for our SQL column types.
_FIELD_TYPES = {
    "String": "string",
    "Text": "string",
    "Integer": "integer",
    "Float": "number",
    "Boolean": "boolean",
    "Date": "date",
    "DateTime": "datetime",
    "JSON": "object",
}

# JSON columns that hold lists (the others hold objects).
_JSON_ARRAYS = {"aliases"}

_DESCRIPTIONS = {
    "documents": "Source documents: articles, reports, and one document per dataset row (AIGS).",
    "claims": "Claims that a vendor supplied surveillance technology to a country, with financing.",
    "evidence": "Evidence for each claim: quoted span of a document or the dataset cell it comes from.",
    "organizations": "Vendors, financiers and agencies with aliases, parent and home country.",
    "deployments": "Deployments: claims describing the same supply relationship, merged.",
    "review_events": "Human review decisions (append-only), including right-of-reply disputes.",
    "regimes": "V-Dem Regimes of the World by country and year (0 CA, 1 EA, 2 ED, 3 LD).",
    "military_expenditure": "Military expenditure, % of GDP (World Bank WDI, source SIPRI).",
    "financing": (
        "Finance records (AidData projects, surveillance or context) as reported: lender, instrument, "
        "amount in the original currency and AidData's constant 2017 USD side by side, unconverted."
    ),
}


def _sources_and_licences(table: str) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    """Which datasets a table's rows may come from, with their licences."""
    info = dataset_info()
    extra = load_yaml("export_licences.yaml")
    lic = extra["licences"]
    keys: list[str]
    if table in ("documents", "claims", "evidence", "deployments", "organizations", "review_events"):
        keys = ["aigs-2019", "aigs-2022"]
        extra_keys = ["aiddata"]
    elif table == "regimes":
        keys, extra_keys = ["governance-vdem-owid"], []
    elif table == "military_expenditure":
        keys, extra_keys = ["governance-wdi-milex"], []
    elif table == "financing":
        keys, extra_keys = [], ["aiddata"]
    else:
        keys, extra_keys = [], []
    sources, licences = [], [dict(extra["project"]["data_licence"])]
    for k in keys:
        d = info[k]
        sources.append({"title": " ".join(str(d["citation"]).split()), **({"path": d["url"]} if d.get("url") else {})})
        for part in str(d["licence"]).replace("OWID: ", "").replace("V-Dem: ", "").split(";"):
            entry = lic.get(part.strip())
            if entry and entry not in licences:
                licences.append(dict(entry))
    for k in extra_keys:
        d = extra["extra_sources"][k]
        sources.append({"title": " ".join(str(d["citation"]).split()), "path": d["url"]})
        entry = lic[d["licence"]]
        if entry not in licences:
            licences.append(dict(entry))
    return sources, licences


def table_schema(table: str) -> dict[str, Any]:  # JSON: a Frictionless Table Schema as written
    """Frictionless Table Schema of an exported table (fields, primary key, foreign keys)."""
    t = schema.metadata.tables[table]
    cols = exported_columns(table)
    fields = []
    for c in cols:
        col = t.c[c]
        ftype = _FIELD_TYPES.get(type(col.type).__name__, "string")
        if ftype == "object" and c in _JSON_ARRAYS:
            ftype = "array"
        f: dict[str, Any] = {"name": c, "type": ftype}  # JSON: one field of the schema
        if ftype == "boolean":
            f["trueValues"], f["falseValues"] = ["true"], ["false"]
        if ftype == "datetime":
            f["description"] = "UTC, ISO 8601 with a Z suffix"
        # Article texts and reviewers' names may be left out of an export (--full-text,
        # --reviewer-names), so they are not required.
        if not col.nullable and not col.primary_key and (table, c) not in REDACTABLE:
            f["constraints"] = {"required": True}
        fields.append(f)
    out: dict[str, Any] = {"fields": fields, "missingValues": [""]}  # JSON: the schema
    pk = [c.name for c in t.primary_key.columns]
    if pk:
        out["primaryKey"] = pk
    fks = []
    for fk in sorted(t.foreign_keys, key=lambda k: k.parent.name):
        if fk.column.table.name in ("documents", "claims"):
            fks.append(
                {
                    "fields": [fk.parent.name],
                    "reference": {"resource": fk.column.table.name, "fields": [fk.column.name]},
                }
            )
    if fks:
        out["foreignKeys"] = fks
    return out


class DatapackageExporter(CsvExporter):
    """A Frictionless data package: the CSV files plus ``datapackage.json``."""

    name = "datapackage"

    def finish(self) -> list[Path]:
        """Write ``datapackage.json`` and ``export.json`` beside the CSV files."""
        ctx = self.context
        resources: list[dict[str, Any]] = []  # JSON: the package's resources as written
        for table in self.tables:
            sources, licences = _sources_and_licences(table)
            resources.append(
                {
                    "name": table.replace("_", "-"),
                    "path": f"{table}.csv",
                    "profile": "tabular-data-resource",
                    "title": table.replace("_", " "),
                    "description": _DESCRIPTIONS.get(table, ""),
                    "format": "csv",
                    "mediatype": "text/csv",
                    "encoding": "utf-8-sig" if ctx.bom else "utf-8",
                    "dialect": {"delimiter": ",", "lineTerminator": "\r\n", "header": True},
                    "schema": table_schema(table),
                    "sources": sources,
                    "licenses": licences,
                }
            )
        # Foreign keys name resources by their package name.
        for res in resources:
            for fk in res["schema"].get("foreignKeys", []):
                fk["reference"]["resource"] = fk["reference"]["resource"].replace("_", "-")
        project = load_yaml("export_licences.yaml")["project"]
        package = {
            "profile": "tabular-data-package",
            "name": "countersight-export",
            "title": "countersight: AI surveillance deployments with evidence",
            "version": ctx.version,
            "id": ctx.snapshot,
            "countersight": ctx.meta(),
            "licenses": [dict(project["data_licence"])],
            "sources": [s for r in resources[:1] for s in r["sources"]],
            "resources": resources,
        }
        self.files.append(write_text(ctx.out / "datapackage.json", dumps(package) + "\n"))
        self.files.append(write_text(ctx.out / "export.json", dumps(ctx.meta()) + "\n"))
        return self.files
