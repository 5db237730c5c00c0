"""``countersight ingest --workers 2`` and ``--scheduler tcp://...`` through the real CLI store what
the default single process stores (documents, claims, evidence, deployment ids after ``resolve``),
with a web archive cut into several byte-range partitions; the default path never imports Dask."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from countersight.publish.cli import main
from countersight.scale import dask_ingest
from countersight.store import open_store, schema
from source_fixtures import article_html, generated_pages, write_warc


def _corpus(root: Path) -> Path:
    """A web archive of 60 pages (cut into several byte ranges in the tests), a second small archive,
    HTML and text files, and one empty (failing) file."""
    inputs = root / "in"
    (inputs / "pages").mkdir(parents=True)
    write_warc(inputs / "big.warc.gz", generated_pages(60, seed=21))
    write_warc(inputs / "small.warc.gz", generated_pages(4, seed=22))
    for i, (_url, html) in enumerate(generated_pages(12, seed=23)):
        (inputs / "pages" / f"p{i:02d}.html").write_text(html, encoding="utf-8")
    (inputs / "pages" / "nairobi.html").write_text(article_html(), encoding="utf-8")
    (inputs / "note.txt").write_text(
        "Hikvision installed facial recognition cameras for the police in Uganda in 2019.", encoding="utf-8"
    )
    (inputs / "empty.txt").write_bytes(b"")
    return inputs


def _ingest_and_resolve(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], url: str, inputs: Path, *extra: str
) -> dict[str, Any]:
    monkeypatch.setenv("COUNTERSIGHT_DATABASE_URL", url)
    assert main(["ingest", str(inputs), "--format", "json", "--no-progress", "--batch-size", "7", *extra]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert main(["resolve"]) == 0
    capsys.readouterr()
    return summary


def _snapshot(url: str) -> dict[str, list[Any]]:
    store = open_store(url)
    try:
        with store.engine.connect() as conn:

            def rows(*cols: Any) -> list[Any]:
                return [tuple(r) for r in conn.execute(select(*cols).order_by(*cols))]

            return {
                "documents": rows(schema.documents.c.id, schema.documents.c.url),
                "claims": rows(schema.claims.c.id),
                "evidence": rows(schema.evidence.c.id, schema.evidence.c.claim_id, schema.evidence.c.document_id),
                "deployments": rows(schema.deployments.c.id),
                "records_done": rows(schema.ingest_records.c.offset, schema.ingest_records.c.status),
                "inputs": rows(schema.ingest_inputs.c.path, schema.ingest_inputs.c.status),
            }
    finally:
        store.close()


def test_cli_workers_and_scheduler_equal_single_process(
    tmp_path: Path, database_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Reference on SQLite; ``--workers 2`` on SQLite; ``--scheduler`` on each backend (PostgreSQL is
    the shared store of a multi-machine cluster)."""
    from distributed import LocalCluster

    inputs = _corpus(tmp_path)
    monkeypatch.delenv("COUNTERSIGHT_QUARANTINE_DIR", raising=False)
    single_url = f"sqlite:///{tmp_path / 'single.db'}"
    single = _ingest_and_resolve(monkeypatch, capsys, single_url, inputs)
    expected = _snapshot(single_url)
    assert single["new"] == 60 + 4 + 12 + 1 + 1 and single["failed_total"] == 1
    assert expected["deployments"] and len(expected["claims"]) >= 15

    # Small byte ranges, so the 60-page archive is read by several workers' tasks.
    ranges_of: dict[str, int] = {}
    split = dask_ingest.split_ranges

    def spy(path: Path, partition_bytes: int) -> list[tuple[int, int]]:
        ranges = split(path, partition_bytes)
        ranges_of[path.name] = len(ranges)
        return ranges

    monkeypatch.setattr(dask_ingest, "PARTITION_BYTES", 6_000)
    monkeypatch.setattr(dask_ingest, "split_ranges", spy)
    monkeypatch.setattr(dask_ingest, "FILES_PER_PARTITION", 5)

    workers_url = f"sqlite:///{tmp_path / 'workers.db'}"
    local = _ingest_and_resolve(monkeypatch, capsys, workers_url, inputs, "--workers", "2")
    assert ranges_of["big.warc.gz"] >= 4, ranges_of
    assert _snapshot(workers_url) == expected

    ranges_of.clear()
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        remote = _ingest_and_resolve(
            monkeypatch, capsys, database_url, inputs, "--scheduler", cluster.scheduler_address
        )
    assert ranges_of["big.warc.gz"] >= 4, ranges_of
    assert _snapshot(database_url) == expected
    for summary in (local, remote):
        assert (summary["new"], summary["claims"], summary["failed_total"]) == (
            single["new"],
            single["claims"],
            single["failed_total"],
        )


def test_default_ingest_does_not_import_dask(tmp_path: Path) -> None:
    inputs = _corpus(tmp_path)
    script = (
        "import json, sys\n"
        "from countersight.publish.cli import main\n"
        "code = main(['ingest', sys.argv[1], '--format', 'json', '--no-progress'])\n"
        "loaded = sorted(m for m in sys.modules if m.split('.')[0] in ('dask', 'distributed'))\n"
        "print(json.dumps({'code': code, 'dask_modules': loaded}))\n"
    )
    env = dict(os.environ, COUNTERSIGHT_DATABASE_URL=f"sqlite:///{tmp_path / 'plain.db'}")
    env.pop("COUNTERSIGHT_QUARANTINE_DIR", None)
    proc = subprocess.run(
        [sys.executable, "-c", script, str(inputs)], env=env, capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 0, proc.stderr
    summary, _, check_line = proc.stdout.strip().rpartition("\n")
    ingested, check = json.loads(summary), json.loads(check_line)
    assert ingested["new"] == 78
    assert check == {"code": 0, "dask_modules": []}


def test_scheduler_with_profiling_workers_warns(caplog: pytest.LogCaptureFixture) -> None:
    """Remote workers keep their own configuration: the client says when they run the profiler."""
    import dask
    from distributed import LocalCluster

    with dask.config.set({"distributed.worker.profile.enabled": True}):
        cluster = LocalCluster(n_workers=1, threads_per_worker=1, processes=True, dashboard_address=None)
    with cluster, caplog.at_level("WARNING", logger="countersight.scale.dask_ingest"):
        client = dask_ingest._client(0, cluster.scheduler_address)
        client.close()
    assert "DASK_DISTRIBUTED__WORKER__PROFILE__ENABLED=False" in caplog.text
