"""publish/export/sqlite_export: a self-contained SQLite file with every exported table, its keys,
indexes and full-text indexes, booleans as integers and JSON columns as JSON text, rebuilt from
scratch each time; datasette serves it as is."""

from __future__ import annotations

import json
import os
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from countersight.publish.export import export
from countersight.publish.export.sqlite_export import FTS_COLUMNS, SqliteExporter
from countersight.store import Store, open_store
from countersight.store.export_queries import EXPORT_TABLES, exported_columns, snapshot_id
from export_fixture import fill


@pytest.fixture
def filled(tmp_path: Path) -> Store:
    s = open_store(f"sqlite:///{tmp_path / 'src.db'}")
    fill(s)
    return s


def test_every_table_with_its_columns_keys_and_meta(filled: Store, tmp_path: Path) -> None:
    db, metadata = export(filled, "sqlite", tmp_path / "cs.db")
    assert SqliteExporter.name == "sqlite" and metadata.name == "cs.metadata.json"
    with sqlite3.connect(db) as conn:
        for table in EXPORT_TABLES:
            columns = [r[1] for r in conn.execute(f'PRAGMA table_info("{table}")')]
            assert columns == exported_columns(table), table
        assert conn.execute("PRAGMA journal_mode").fetchone() == ("delete",)
        fks = {(r[3], r[2], r[4]) for r in conn.execute('PRAGMA foreign_key_list("evidence")')}
        assert fks == {("claim_id", "claims", "id"), ("document_id", "documents", "id")}
        indexes = {r[1] for r in conn.execute('PRAGMA index_list("claims")')}
        assert {"idx_claims_country", "idx_claims_document_id", "idx_claims_deployment_id"} <= indexes
        meta = dict(conn.execute('SELECT key, value FROM "_export_meta"').fetchall())
    assert meta["snapshot_id"] == snapshot_id(filled) and json.loads(meta["filter"]) == {}
    assert json.loads(meta["full_text"]) is False
    described = json.loads(metadata.read_text())
    assert described["license"] == "CC-BY-4.0" and snapshot_id(filled) in described["description"]


def test_values_are_stored_as_sqlite_reads_them(filled: Store, tmp_path: Path) -> None:
    db = export(filled, "sqlite", tmp_path / "cs.db")[0]
    with sqlite3.connect(db) as conn:
        aliases, needs_review = conn.execute(
            "SELECT aliases, needs_review FROM organizations WHERE name = 'Northwind Vision'"
        ).fetchone()
        (amount,) = conn.execute("SELECT fin_amount FROM claims WHERE country = 'KEN'").fetchone()
        actors = conn.execute("SELECT actor FROM review_events").fetchall()
    assert json.loads(aliases) == ["Northwind"] and needs_review == 0
    assert amount == 12_500_000.0
    assert actors == [(None,)]  # reviewers' names are private unless asked for


def test_full_text_search_follows_datasettes_convention(filled: Store, tmp_path: Path) -> None:
    db = export(filled, "sqlite", tmp_path / "cs.db")[0]
    with sqlite3.connect(db) as conn:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        assert {f"{t}_fts" for t in FTS_COLUMNS} <= tables
        hits = conn.execute(
            "SELECT e.quote FROM evidence e JOIN evidence_fts f ON f.rowid = e.rowid"
            " WHERE evidence_fts MATCH 'recognition'"
        ).fetchall()
        vendors = conn.execute("SELECT rowid FROM organizations_fts WHERE organizations_fts MATCH 'parent'").fetchall()
    assert hits == [("face-recognition cameras for the Ken",)]
    assert len(vendors) == 1  # "test parent": the note of Northwind Group


def test_an_earlier_file_and_its_journal_are_replaced(filled: Store, tmp_path: Path) -> None:
    db = tmp_path / "cs.db"
    with sqlite3.connect(db) as conn:
        conn.execute("CREATE TABLE stale (x)")
    Path(f"{db}-journal").write_bytes(b"left over")
    export(filled, "sqlite", db)
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM sqlite_master WHERE name = 'stale'").fetchone() == (0,)
        assert conn.execute("SELECT count(*) FROM claims").fetchone() == (2,)
    assert not Path(f"{db}-journal").exists()


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
