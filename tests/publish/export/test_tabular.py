"""publish/export/tabular: CSV cells (formula-safe, booleans, JSON columns), Frictionless table
schemas, and the CSV, JSON, Parquet and datapackage exports read back with the tools their users
run (csv, json, pyarrow, frictionless)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from countersight import __version__
from countersight.export_records import ExportOrganization, ExportRegime
from countersight.publish.export import export
from countersight.publish.export.tabular import csv_text, table_schema
from countersight.store import Store, open_store
from countersight.store.export_queries import Selection, exported_columns, snapshot_id
from export_fixture import fill


@pytest.fixture
def filled(tmp_path: Path) -> Store:
    s = open_store(f"sqlite:///{tmp_path / 'src.db'}")
    fill(s)
    return s


def test_csv_text_writes_records_as_rfc_4180_cells() -> None:
    org = ExportOrganization(
        id="org-1",
        name="=Evil Corp",
        kind="vendor",
        home_country=None,
        parent=None,
        aliases=["Evil", "EC"],
        note='says "hi", twice',
        needs_review=True,
    )
    text = csv_text(exported_columns("organizations"), [org])
    header, line, end = text.split("\r\n")
    assert header == "id,name,kind,home_country,parent,aliases,note,needs_review" and end == ""
    assert next(csv.reader([line])) == [
        "org-1",
        "'=Evil Corp",
        "vendor",
        "",
        "",
        '["Evil","EC"]',
        'says "hi", twice',
        "true",
    ]


def test_csv_text_keeps_numbers_as_numbers() -> None:
    rows = [ExportRegime("KEN", 2019, 1, "EA", "V-Dem"), ExportRegime("SRB", 2020, -1, "-", "=x")]
    lines = csv_text(["country", "year", "regime", "label", "source"], rows).splitlines()
    assert lines[1:] == ["KEN,2019,1,EA,V-Dem", "SRB,2020,-1,'-,'=x"]


def test_table_schema_has_types_keys_and_leaves_redactable_columns_optional() -> None:
    docs = table_schema("documents")
    fields = {f["name"]: f for f in docs["fields"]}
    assert [f["name"] for f in docs["fields"]] == exported_columns("documents")
    assert fields["published"]["type"] == "date" and fields["meta"]["type"] == "object"
    assert fields["fetched_at"]["type"] == "datetime" and "Z suffix" in fields["fetched_at"]["description"]
    assert "constraints" not in fields["text"]  # left out unless --full-text
    assert fields["source_kind"]["constraints"] == {"required": True}
    assert docs["primaryKey"] == ["id"] and "foreignKeys" not in docs
    evidence = table_schema("evidence")
    assert evidence["foreignKeys"] == [
        {"fields": ["claim_id"], "reference": {"resource": "claims", "fields": ["id"]}},
        {"fields": ["document_id"], "reference": {"resource": "documents", "fields": ["id"]}},
    ]
    orgs = {f["name"]: f for f in table_schema("organizations")["fields"]}
    assert orgs["aliases"]["type"] == "array" and orgs["needs_review"]["trueValues"] == ["true"]
    assert table_schema("regimes")["primaryKey"] == ["country", "year"]


def test_csv_tables_bom_and_filter(filled: Store, tmp_path: Path) -> None:
    files = export(filled, "csv", tmp_path / "plain")
    assert {p.name for p in files} >= {
        "claims.csv",
        "evidence.csv",
        "documents.csv",
        "deployments.csv",
        "organizations.csv",
        "review_events.csv",
        "export.json",
    }
    raw = (tmp_path / "plain" / "claims.csv").read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader((tmp_path / "plain" / "claims.csv").open(encoding="utf-8")))
    assert {r["country"] for r in rows} == {"KEN", "SRB"}
    ken = next(r for r in rows if r["country"] == "KEN")
    assert ken["fin_amount"] == "12500000.0" and ken["fin_currency"] == "USD" and ken["deployment_id"]
    docs = {r["source_kind"]: r for r in csv.DictReader((tmp_path / "plain" / "documents.csv").open())}
    assert docs["html"]["text"] == ""  # article text is third-party: left out unless --full-text
    assert docs["dataset"]["text"].startswith("Freedonia")
    export(filled, "csv", tmp_path / "bom", Selection(country="KEN"), bom=True)
    assert (tmp_path / "bom" / "claims.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    kept = list(csv.DictReader((tmp_path / "bom" / "claims.csv").open(encoding="utf-8-sig")))
    assert [r["country"] for r in kept] == ["KEN"]
    assert len(list(csv.DictReader((tmp_path / "bom" / "evidence.csv").open(encoding="utf-8-sig")))) == 1
    meta = json.loads((tmp_path / "bom" / "export.json").read_text())
    assert meta["filter"] == {"country": "KEN"} and meta["snapshot_id"] == snapshot_id(filled)
    export(filled, "csv", tmp_path / "full", full_text=True)
    full = {r["source_kind"]: r for r in csv.DictReader((tmp_path / "full" / "documents.csv").open())}
    assert full["html"]["text"].startswith("Northwind Vision said")


def test_csv_cells_never_start_with_a_formula_and_reviewers_stay_private(filled: Store, tmp_path: Path) -> None:
    from sqlalchemy import update

    from countersight.store import schema

    with filled.transaction() as conn:  # hostile values as rows stored before the sanitiser
        conn.execute(update(schema.deployments).values(city="=cmd|' /C calc'!A0", agency="+SUM(1)"))
        conn.execute(update(schema.claims).values(vendor_raw='@HYPERLINK("http://x.example")', city="-1+1"))
    files = export(filled, "csv", tmp_path / "csv")
    cells = []
    for path in files:
        if path.suffix == ".csv":
            with path.open(encoding="utf-8", newline="") as fh:
                cells += [(path.name, c) for row in list(csv.reader(fh))[1:] for c in row]
    bad = [(name, c) for name, c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r") and not _number(c)]
    assert not bad
    assert ("deployments.csv", "'=cmd|' /C calc'!A0") in cells and ("claims.csv", "'-1+1") in cells
    events = (tmp_path / "csv" / "review_events.csv").read_text(encoding="utf-8")
    assert "vendor-rep" not in events and "dispute" in events
    named = export(filled, "csv", tmp_path / "named", reviewer_names=True)
    assert "vendor-rep" in next(p for p in named if p.name == "review_events.csv").read_text(encoding="utf-8")


def _number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True


def test_json_export_holds_every_table(filled: Store, tmp_path: Path) -> None:
    export(filled, "json", tmp_path / "all.json")
    data = json.loads((tmp_path / "all.json").read_text())
    assert len(data["claims"]) == 2 and len(data["deployments"]) == 2 and len(data["review_events"]) == 1
    assert data["meta"]["countersight_version"] == __version__


def test_parquet_round_trip(filled: Store, tmp_path: Path) -> None:
    pq = pytest.importorskip("pyarrow.parquet")
    export(filled, "parquet", tmp_path / "pq")
    table = pq.read_table(tmp_path / "pq" / "claims.parquet")
    rows = table.to_pylist()
    assert {r["country"] for r in rows} == {"KEN", "SRB"}
    assert next(r for r in rows if r["country"] == "KEN")["fin_amount"] == 12_500_000.0
    assert b"countersight" in table.schema.metadata


def test_datapackage_validates_with_frictionless(filled: Store, tmp_path: Path) -> None:
    frictionless = pytest.importorskip("frictionless")
    export(filled, "datapackage", tmp_path / "pkg")
    descriptor = json.loads((tmp_path / "pkg" / "datapackage.json").read_text())
    titles = " ".join(s["title"] for r in descriptor["resources"] for s in r["sources"])
    assert "Feldstein" in titles and "AidData" in titles
    lic = {x["name"] for r in descriptor["resources"] for x in r["licenses"]}
    assert {"CC-BY-4.0", "ODC-By-1.0"} <= lic
    assert descriptor["countersight"]["snapshot_id"] == snapshot_id(filled)
    report = frictionless.validate(str(tmp_path / "pkg" / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])[:10]


def test_datapackage_validation_catches_a_broken_file(filled: Store, tmp_path: Path) -> None:
    frictionless = pytest.importorskip("frictionless")
    export(filled, "datapackage", tmp_path / "pkg")
    claims = tmp_path / "pkg" / "claims.csv"
    claims.write_text(claims.read_text().replace(",0.9,", ",not-a-number,"))
    assert not frictionless.validate(str(tmp_path / "pkg" / "datapackage.json")).valid
