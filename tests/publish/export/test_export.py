"""publish/export (the package's ``export`` entry): every format byte-identical when repeated and
across backends and build dates, with version and snapshot id, and no local path in any of them.
Each format's own checks are in the test file of its module (test_tabular, test_ftm, test_geo,
test_sqlite_export)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path

import pytest
from sqlalchemy import select

from countersight import __version__
from countersight.errors import InputError
from countersight.publish.export import EXPORTERS, FORMATS, export
from countersight.publish.export.static_site import build_static_site
from countersight.store import Store, open_store
from countersight.store.export_queries import snapshot_id
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


def test_every_format_has_its_exporter() -> None:
    assert set(FORMATS) == {"ftm", "csv", "json", "geojson", "parquet", "datapackage", "sqlite"}
    assert all(EXPORTERS[fmt].name == fmt for fmt in FORMATS)


def test_unknown_format_is_an_input_error(filled: Store, tmp_path: Path) -> None:
    with pytest.raises(InputError):
        export(filled, "xlsx", tmp_path / "x")


def test_postgres_and_sqlite_export_the_same_bytes(store: Store, filled: Store, tmp_path: Path) -> None:
    fill(store)  # `store` runs on each backend; `filled` is SQLite
    for fmt, name in (("csv", "out"), ("json", "out.json"), ("geojson", "out.geojson")):
        a = export(store, fmt, tmp_path / "backend" / name)
        b = export(filled, fmt, tmp_path / "sqlite" / name)
        assert file_digests(a, tmp_path / "backend") == file_digests(b, tmp_path / "sqlite"), fmt


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
