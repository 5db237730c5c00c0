"""Crash safety: an ingest killed with SIGKILL at random points, then rerun, leaves the same store
as a clean run (documents, claims, evidence, deployment ids after resolve) with nothing orphaned;
SIGINT ends a run with a summary and a resumable state. On SQLite (WAL) and PostgreSQL."""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, make_url, select, text

from countersight.store import open_store, schema
from source_fixtures import generated_pages, write_warc

CLI = [sys.executable, "-c", "import sys; from countersight.publish.cli import main; sys.exit(main())"]
KILL_TRIALS = 3


def _corpus(root: Path) -> Path:
    """About 3,000 small documents: two web archives of HTML pages and 1,400 text files."""
    inputs = root / "corpus"
    (inputs / "txt").mkdir(parents=True)
    write_warc(inputs / "a.warc.gz", generated_pages(800, seed=11))
    write_warc(inputs / "b.warc.gz", generated_pages(800, seed=12))
    vendors = ["Huawei", "Hikvision", "Dahua", "NEC"]
    countries = ["Kenya", "Serbia", "Ecuador", "Zambia", "Uganda"]
    for i in range(1400):
        body = f"Bulletin {i}: the council discussed budgets and roads."
        if i % 7 == 0:
            body += f" {vendors[i % 4]} installed surveillance cameras for the police in {countries[i % 5]}."
        (inputs / "txt" / f"{i:05d}.txt").write_text(body, encoding="utf-8")
    return inputs


def _env(url: str) -> dict[str, str]:
    env = dict(os.environ)
    env["COUNTERSIGHT_DATABASE_URL"] = url
    env.pop("COUNTERSIGHT_QUARANTINE_DIR", None)
    return env


def _ingest(url: str, inputs: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*CLI, "ingest", str(inputs), "--format", "json", "--no-progress", "--batch-size", "50", *extra],
        env=_env(url),
        capture_output=True,
        text=True,
        timeout=300,
    )


def _snapshot(url: str) -> dict[str, Any]:
    """Everything that must match a clean run, plus the orphan counts that must be zero."""
    store = open_store(url)
    try:
        with store.engine.connect() as conn:

            def ids(table: Any) -> list[str]:
                return list(conn.execute(select(table.c.id).order_by(table.c.id)).scalars())

            orphans = {
                "claims_without_evidence": conn.execute(
                    text(
                        "SELECT count(*) FROM claims c WHERE NOT EXISTS "
                        "(SELECT 1 FROM evidence e WHERE e.claim_id = c.id)"
                    )
                ).scalar_one(),
                "evidence_without_document": conn.execute(
                    text(
                        "SELECT count(*) FROM evidence e WHERE NOT EXISTS "
                        "(SELECT 1 FROM documents d WHERE d.id = e.document_id)"
                    )
                ).scalar_one(),
                "evidence_without_claim": conn.execute(
                    text(
                        "SELECT count(*) FROM evidence e WHERE NOT EXISTS "
                        "(SELECT 1 FROM claims c WHERE c.id = e.claim_id)"
                    )
                ).scalar_one(),
            }
            return {
                "documents": ids(schema.documents),
                "claims": ids(schema.claims),
                "evidence": ids(schema.evidence),
                "deployments": ids(schema.deployments),
                "orphans": orphans,
            }
    finally:
        store.close()


def _document_count(url: str) -> int:
    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    try:
        with engine.connect() as conn:
            return int(conn.execute(text("SELECT count(*) FROM documents")).scalar_one())
    finally:
        engine.dispose()


def _kill_at_random(url: str, inputs: Path, rng: random.Random, clean_seconds: float) -> None:
    """Start an ingest, wait until it has committed past where the store was, then SIGKILL it
    after a random further delay (so the kill lands while batches are being written)."""
    before = _document_count(url)
    proc = subprocess.Popen(
        [*CLI, "ingest", str(inputs), "--no-progress", "--batch-size", "50"],
        env=_env(url),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while proc.poll() is None and _document_count(url) == before and time.monotonic() < deadline:
        time.sleep(0.02)
    time.sleep(rng.uniform(0.0, clean_seconds * 0.15))
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)


@pytest.fixture
def second_url(database_url: str, tmp_path: Path) -> Iterator[str]:
    """A second empty database on the same backend as ``database_url`` (dropped afterwards)."""
    if database_url.startswith("sqlite"):
        yield f"sqlite:///{tmp_path / 'killed.db'}"
        return
    url = make_url(database_url)
    name = f"{url.database}_killed"
    admin = create_engine(database_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(
                text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    f"WHERE datname = '{name}' AND pid <> pg_backend_pid()"
                )
            )
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        admin.dispose()


def test_sigkill_then_rerun_equals_clean_run(tmp_path: Path, database_url: str, second_url: str) -> None:
    inputs = _corpus(tmp_path)
    started = time.monotonic()
    clean = _ingest(database_url, inputs)
    clean_seconds = time.monotonic() - started
    assert clean.returncode == 0, clean.stderr
    summary = json.loads(clean.stdout)
    assert summary["new"] == 3000 and summary["failed"] == []
    assert subprocess.run([*CLI, "resolve"], env=_env(database_url), capture_output=True).returncode == 0
    expected = _snapshot(database_url)
    assert len(expected["claims"]) > 300 and expected["deployments"]

    open_store(second_url).close()  # migrated, so that progress can be polled
    rng = random.Random(6)
    stored_when_killed = []
    for _trial in range(KILL_TRIALS):
        _kill_at_random(second_url, inputs, rng, clean_seconds)
        partial = _snapshot(second_url)
        stored_when_killed.append(len(partial["documents"]))
        assert set(partial["documents"]) <= set(expected["documents"])
        assert all(n == 0 for n in partial["orphans"].values()), partial["orphans"]
    print(f"SIGKILL trials: documents stored when killed {stored_when_killed}, clean run {clean_seconds:.1f}s")
    # At least one kill landed mid-run (some batches stored, not all).
    assert any(0 < n < 3000 for n in stored_when_killed), stored_when_killed
    rerun = _ingest(second_url, inputs)
    assert rerun.returncode == 0, rerun.stderr
    assert subprocess.run([*CLI, "resolve"], env=_env(second_url), capture_output=True).returncode == 0
    got = _snapshot(second_url)
    assert got == expected
    if second_url.startswith("sqlite"):
        store = open_store(second_url)
        try:
            with store.engine.connect() as conn:
                assert conn.execute(text("PRAGMA journal_mode")).scalar_one() == "wal"
        finally:
            store.close()


def test_sigint_ends_with_summary_and_resumes(tmp_path: Path) -> None:
    inputs = _corpus(tmp_path)
    url = f"sqlite:///{tmp_path / 'int.db'}"
    proc = subprocess.Popen(
        [*CLI, "ingest", str(inputs), "--format", "json", "--no-progress", "--batch-size", "50"],
        env=_env(url),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    # Interrupt once the first batch is stored (a fixed delay raced the start-up on a loaded machine:
    # a SIGINT during imports ends the process before the handler that writes the summary exists).
    db = tmp_path / "int.db"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            with sqlite3.connect(db, timeout=1) as conn:
                if conn.execute("SELECT count(*) FROM documents").fetchone()[0] > 0:
                    break
        except sqlite3.Error:
            pass  # not created or not migrated yet
        time.sleep(0.05)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=60)
    summary = json.loads(out)
    assert proc.returncode == 130, err
    assert summary["interrupted"] is True and 0 < summary["new"] < 3000
    rest = _ingest(url, inputs)
    assert rest.returncode == 0
    assert summary["new"] + json.loads(rest.stdout)["new"] == 3000
