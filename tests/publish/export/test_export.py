"""publish/export: every format, validated with the tools its users run (followthemoney,
frictionless, datasette, pyarrow), byte-identical when repeated, with version and snapshot id."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from sqlalchemy import select

from countersight import __version__
from countersight.errors import InputError
from countersight.publish.export import FORMATS, export
from countersight.publish.export.geo import aigs_coding, topojson_features
from countersight.publish.export.static_site import build_static_site
from countersight.store import Store, open_store
from countersight.store.export_queries import Selection, snapshot_id
from export_fixture import export_twice, file_digests, fill


@pytest.fixture
def filled(tmp_path: Path) -> Store:
    s = open_store(f"sqlite:///{tmp_path / 'src.db'}")
    fill(s)
    return s


@pytest.mark.parametrize("fmt", FORMATS)
def test_exports_are_byte_identical_and_record_the_snapshot(filled: Store, tmp_path: Path, fmt: str) -> None:
    a, b = export_twice(filled, fmt, tmp_path)
    assert a and file_digests(a, tmp_path / "a") == file_digests(b, tmp_path / "b")
    snap = snapshot_id(filled)
    text = b"".join(p.read_bytes() for p in a)
    assert snap.encode() in text and __version__.encode() in text


def test_a_different_store_with_the_same_data_exports_the_same_bytes(filled: Store, tmp_path: Path) -> None:
    other = open_store(f"sqlite:///{tmp_path / 'other.db'}")
    fill(other)  # rebuilt later: ingestion timestamps differ, data do not
    a = export(filled, "csv", tmp_path / "a")
    b = export(other, "csv", tmp_path / "b")
    assert file_digests(a, tmp_path / "a") == file_digests(b, tmp_path / "b")


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


def test_unknown_format_is_an_input_error(filled: Store, tmp_path: Path) -> None:
    with pytest.raises(InputError):
        export(filled, "xlsx", tmp_path / "x")


def test_json_export_holds_every_table(filled: Store, tmp_path: Path) -> None:
    export(filled, "json", tmp_path / "all.json")
    data = json.loads((tmp_path / "all.json").read_text())
    assert len(data["claims"]) == 2 and len(data["deployments"]) == 2 and len(data["review_events"]) == 1
    assert data["meta"]["countersight_version"] == __version__


def test_ftm_entities_validate(filled: Store, tmp_path: Path) -> None:
    model = pytest.importorskip("followthemoney").model
    export(filled, "ftm", tmp_path / "e.ftm.json")
    entities = [json.loads(line) for line in (tmp_path / "e.ftm.json").read_text().splitlines()]
    by_id = {e["id"]: e for e in entities}
    assert len(by_id) == len(entities)
    for ent in entities:
        schema = model.get(ent["schema"])
        assert schema is not None and not schema.abstract, ent["schema"]
        proxy = model.get_proxy(ent, cleaned=False)  # re-cleans every value
        assert proxy.to_dict()["properties"] == ent["properties"], ent["id"]
        for prop_name, values in ent["properties"].items():
            prop = schema.get(prop_name)
            assert prop is not None, f"{ent['schema']} has no property {prop_name}"
            if prop.type.name == "entity":  # every reference resolves to an entity of the right schema
                for v in values:
                    assert v in by_id, f"{ent['id']}.{prop_name} -> {v} missing"
                    assert model.get(by_id[v]["schema"]).is_a(prop.range), (prop_name, by_id[v]["schema"])
    schemata = sorted({e["schema"] for e in entities})
    assert schemata == [
        "Article",
        "Company",
        "Contract",
        "ContractAward",
        "Documentation",
        "Organization",
        "Ownership",
        "Payment",
        "PublicBody",
    ]
    contract = next(e for e in entities if e["schema"] == "Contract" and e["properties"].get("country") == ["ke"])
    assert contract["properties"]["amount"] and contract["properties"]["currency"] == ["USD"]
    assert contract["properties"]["contractDate"] == ["2023"]
    buyer = by_id[contract["properties"]["authority"][0]]
    assert buyer["schema"] == "PublicBody" and buyer["properties"]["name"] == ["Kenya Police Service"]
    award = next(
        e for e in entities if e["schema"] == "ContractAward" and e["properties"]["contract"] == [contract["id"]]
    )
    assert by_id[award["properties"]["supplier"][0]]["properties"]["name"] == ["Northwind Vision"]
    docs = [e for e in entities if e["schema"] == "Documentation" and e["properties"]["entity"] == [contract["id"]]]
    assert docs and by_id[docs[0]["properties"]["document"][0]]["schema"] == "Article"
    pay = next(e for e in entities if e["schema"] == "Payment")
    assert by_id[pay["properties"]["payer"][0]]["properties"]["name"] == ["Example Policy Bank"]
    meta = json.loads((tmp_path / "e.ftm.json.meta.json").read_text())
    assert meta["entities"] == len(entities)


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


def test_geojson_has_geometry_and_properties(filled: Store, tmp_path: Path) -> None:
    export(filled, "geojson", tmp_path / "c.geojson")
    doc = json.loads((tmp_path / "c.geojson").read_text())
    assert doc["type"] == "FeatureCollection"
    feats = {f["id"]: f for f in doc["features"]}
    assert set(feats) == {"KEN", "SRB"}
    ken = feats["KEN"]
    assert ken["geometry"]["type"] in ("Polygon", "MultiPolygon")
    lon, lat = ken["geometry"]["coordinates"][0][0]
    assert 33 < lon < 42 and -5 < lat < 6  # Kenya, not some other country
    assert ken["properties"]["claims"] == 1 and ken["properties"]["vendors"] == ["Northwind Vision"]


def test_aigs_coding_per_country() -> None:
    docs = [
        {"dataset": "aigs-2019", "meta": {"country": "KEN", "china_tech": True, "regime": "EA", "row": 3}},
        {"dataset": "aigs-2022", "meta": {"country": "KEN", "china_tech": False}},
        {"dataset": "other", "meta": {"country": "KEN", "china_tech": True}},
    ]
    assert aigs_coding(docs) == {
        "KEN": {"aigs_2019": {"china_tech": True, "regime": "EA"}, "aigs_2022": {"china_tech": False}}
    }


def test_topojson_decoder_on_a_tiny_topology() -> None:
    topo = {
        "type": "Topology",
        "transform": {"scale": [0.5, 0.5], "translate": [10, 20]},
        "arcs": [[[0, 0], [2, 0], [0, 2]], [[2, 2], [-2, -2]]],
        "objects": {
            "countries": {
                "type": "GeometryCollection",
                "geometries": [
                    {"type": "Polygon", "arcs": [[0, 1]], "id": "404", "properties": {"name": "X"}},
                    {"type": "Polygon", "arcs": [[~1, ~0]], "id": "688"},
                ],
            }
        },
    }
    feats = topojson_features(topo)
    assert feats[0]["geometry"]["coordinates"] == [[[10, 20], [11, 20], [11, 21], [10, 20]]]
    assert feats[1]["geometry"]["coordinates"] == [[[10, 20], [11, 21], [11, 20], [10, 20]]]


def test_parquet_round_trip(filled: Store, tmp_path: Path) -> None:
    pq = pytest.importorskip("pyarrow.parquet")
    export(filled, "parquet", tmp_path / "pq")
    table = pq.read_table(tmp_path / "pq" / "claims.parquet")
    rows = table.to_pylist()
    assert {r["country"] for r in rows} == {"KEN", "SRB"}
    assert next(r for r in rows if r["country"] == "KEN")["fin_amount"] == 12_500_000.0
    assert b"countersight" in table.schema.metadata


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_sqlite_export_is_served_by_datasette(filled: Store, tmp_path: Path) -> None:
    pytest.importorskip("datasette")
    db = tmp_path / "cs.db"
    export(filled, "sqlite", db)
    port = _free_port()
    env = {**os.environ, "PYTHONWARNINGS": "ignore"}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "datasette",
            "serve",
            str(db),
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--metadata",
            str(tmp_path / "cs.metadata.json"),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        env=env,
    )
    try:
        base = f"http://127.0.0.1:{port}/cs"
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"{base}/claims.json?_shape=array&_sort=id", timeout=2) as resp:
                    rows = json.loads(resp.read())
                break
            except OSError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    out = proc.stdout.read().decode() if proc.poll() is not None and proc.stdout else ""
                    pytest.fail(f"datasette did not answer: {out[-2000:]}")
                time.sleep(0.3)
        assert {r["country"] for r in rows} == {"KEN", "SRB"}
        with urllib.request.urlopen(f"{base}/evidence.json?_shape=array&_search=recognition", timeout=5) as resp:
            hits = json.loads(resp.read())
        assert [h["quote"] for h in hits] == ["face-recognition cameras for the Ken"]
        with urllib.request.urlopen(f"{base}/_export_meta.json?_shape=array", timeout=5) as resp:
            meta = {r["key"]: r["value"] for r in json.loads(resp.read())}
        assert meta["snapshot_id"] == snapshot_id(filled)
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_postgres_and_sqlite_export_the_same_bytes(store: Store, filled: Store, tmp_path: Path) -> None:
    fill(store)  # `store` runs on each backend; `filled` is SQLite
    for fmt, name in (("csv", "out"), ("json", "out.json"), ("geojson", "out.geojson")):
        a = export(store, fmt, tmp_path / "backend" / name)
        b = export(filled, fmt, tmp_path / "sqlite" / name)
        assert file_digests(a, tmp_path / "backend") == file_digests(b, tmp_path / "sqlite"), fmt


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


def _build_demo_with_ingest(root: Path, day: dt.datetime, monkeypatch: pytest.MonkeyPatch) -> Store:
    """The demo store plus two ingested texts (one dated by its dateline, one undated), built with
    the clock set to ``day`` from a folder at ``root``."""
    from countersight import clock
    from countersight.demo import build_demo
    from countersight.ingest import ingest

    monkeypatch.setattr(clock, "now", lambda: day)
    folder = root / "articles"
    folder.mkdir(parents=True)
    (folder / "dated.txt").write_text(
        "Lusaka, 2 February 2024. Huawei installed facial recognition cameras for the police in Lusaka, "
        "Zambia, under a Safe City contract.\n",
        encoding="utf-8",
    )
    (folder / "undated.txt").write_text(
        "Hikvision supplied facial recognition cameras to the police in Lilongwe, Malawi.\n", encoding="utf-8"
    )
    s = open_store(f"sqlite:///{root / 'demo.db'}")
    build_demo(s)
    stats = ingest(s, [str(folder)])
    assert stats.new == 2 and stats.claims >= 2
    return s


def test_the_same_inputs_built_a_year_apart_export_the_same_bytes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No ingest-clock value and no local path reaches a derived row or an export."""
    from fastapi.testclient import TestClient

    from countersight.publish.api.app import create_app
    from countersight.store import schema

    outputs: list[dict[str, str]] = []
    days = {"a": dt.datetime(2026, 1, 5, 9, tzinfo=dt.UTC), "b": dt.datetime(2027, 3, 9, 17, tzinfo=dt.UTC)}
    for name, day in days.items():
        s = _build_demo_with_ingest(tmp_path / name, day, monkeypatch)
        with s.engine.connect() as conn:
            undated = conn.execute(
                select(schema.deployments.c.first_seen).where(schema.deployments.c.country == "MWI")
            ).scalar_one()
        assert undated is None  # unknown, not the day it was ingested
        digests: dict[str, str] = {}
        for fmt in FORMATS:
            out = tmp_path / name / "out" / fmt
            out.mkdir(parents=True)
            files = export(s, fmt, out / "x" if fmt in ("ftm", "json", "geojson", "sqlite") else out)
            for rel, digest in file_digests(files, out).items():
                digests[f"{fmt}/{rel}"] = digest
            text = b"".join(p.read_bytes() for p in files)
            assert str(tmp_path).encode() not in text, fmt  # no local path in any export
        site = tmp_path / name / "out" / "site"
        files = build_static_site(s, site)  # the static site too (rendered from the dashboard's views)
        for rel, digest in file_digests(files, site).items():
            digests[f"site/{rel}"] = digest
        assert str(tmp_path).encode() not in b"".join(p.read_bytes() for p in files)
        with TestClient(create_app(s, dashboard=False)) as client:
            for url in ("/api/export/snapshot.zip", "/feeds/deployments.atom"):
                body = client.get(url).content
                assert str(tmp_path).encode() not in body
                digests[url] = hashlib.sha256(body).hexdigest()
        outputs.append(digests)
        s.close()
    assert outputs[0] == outputs[1]


def test_an_absolute_path_in_an_older_store_is_exported_as_the_file_name(filled: Store, tmp_path: Path) -> None:
    from fastapi.testclient import TestClient

    from countersight.publish.api.app import create_app
    from countersight.store import schema

    secret = "/home/reporter/leaks/ministry"
    with filled.transaction() as conn:
        conn.execute(schema.documents.update().values(path=f"{secret}/memo.txt"))
    for fmt in FORMATS:
        files = export(
            filled, fmt, tmp_path / fmt / "x" if fmt in ("ftm", "json", "geojson", "sqlite") else tmp_path / fmt
        )
        text = b"".join(p.read_bytes() for p in files)
        assert b"/home/reporter" not in text, fmt
    rows = json.loads((tmp_path / "json" / "x").read_text())["documents"]
    assert {r["path"] for r in rows} == {"memo.txt"}
    site = build_static_site(filled, tmp_path / "site")
    assert b"/home/reporter" not in b"".join(p.read_bytes() for p in site)
    with TestClient(create_app(filled)) as client:
        doc_id = rows[0]["id"]
        for url in (
            "/api/export/snapshot.zip",
            f"/api/documents/{doc_id}",
            f"/document/{doc_id}",
            "/feeds/deployments.atom",
        ):
            assert "/home/reporter" not in client.get(url).text, url
