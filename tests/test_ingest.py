"""``countersight ingest`` / ``extract`` over a directory mixing good and bad inputs: each bad one
reported with its file and reason and quarantined, the run goes on, exit codes, the JSON summary,
reruns skip what is stored, stdin, and the same run on a local Dask cluster."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest
from sqlalchemy import func, select

from countersight.ingest import ingest
from countersight.publish.cli import main
from countersight.sources import Limits
from countersight.store import Store, open_store, schema
from source_fixtures import ARTICLE, article_html, generated_pages, make_pdf, rss_feed, write_warc


def _good_and_bad(root: Path) -> tuple[list[str], list[str]]:
    """Write good and bad inputs under ``root``; return (good names, bad names)."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "article.txt").write_text(" ".join(ARTICLE), encoding="utf-8")
    (root / "page.html").write_text(article_html(), encoding="utf-8")
    (root / "cp1252.txt").write_bytes("Café owners in Bogotá said Hikvision cameras went up.".encode("cp1252"))
    (root / "gb18030.txt").write_bytes("海康威视在肯尼亚安装了摄像头。".encode("gb18030"))
    write_warc(root / "news.warc.gz", generated_pages(3))
    (root / "feed.rss").write_text(
        rss_feed([("One", "https://wire.example/1", "<p>Dahua cameras in Zambia.</p>")]), encoding="utf-8"
    )
    (root / "report.pdf").write_bytes(make_pdf([["NEC supplied biometric systems to Serbia."]]))
    good = ["article.txt", "page.html", "cp1252.txt", "gb18030.txt", "news.warc.gz", "feed.rss", "report.pdf"]
    (root / "empty.txt").write_bytes(b"")
    (root / "junk.txt").write_bytes(bytes(range(256)) * 40)
    (root / "broken.pdf").write_bytes(b"%PDF-1.4\n1 0 obj << /Type /Catalog >> garbage")
    (root / "bad.rss").write_text("<?xml version='1.0'?><rss><channel><item><title>x</title>", encoding="utf-8")
    truncated = root / "truncated.warc.gz"
    write_warc(truncated, generated_pages(2, seed=9))
    truncated.write_bytes(b"\x1f\x8b\x08\x00" + truncated.read_bytes()[4:40])
    (root / "huge.txt").write_bytes(b"surveillance " * 100_000)  # 1.3 MB, above the limit set in the test
    bad = ["empty.txt", "junk.txt", "broken.pdf", "bad.rss", "truncated.warc.gz", "huge.txt"]
    return good, bad


@pytest.fixture
def cli_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, database_url: str) -> Path:
    monkeypatch.setenv("COUNTERSIGHT_DATABASE_URL", database_url)
    monkeypatch.setenv("COUNTERSIGHT_MAX_FILE_BYTES", str(1024 * 1024))
    monkeypatch.setenv("COUNTERSIGHT_QUARANTINE_DIR", str(tmp_path / "quarantine"))
    return tmp_path


def test_ingest_bad_inputs_reported_quarantined_run_continues(
    cli_env: Path, database_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    good, bad = _good_and_bad(cli_env / "in")
    code = main(["ingest", str(cli_env / "in"), "--format", "json", "--no-progress"])
    summary = json.loads(capsys.readouterr().out)
    assert code == 0
    for key in ("documents", "new", "skipped", "claims", "failed"):
        assert key in summary
    assert all({"path", "error"} <= set(f) for f in summary["failed"])
    failed_names = {Path(f["path"]).name for f in summary["failed"]}
    assert failed_names == set(bad), summary["failed"]
    for f in summary["failed"]:
        assert Path(f["path"]).name in f["error"] or f["path"] in f["error"]
    # 7 good inputs: the WARC holds 3 pages, the rest one document each.
    assert summary["new"] == summary["documents"] == len(good) - 1 + 3
    assert summary["claims"] > 0
    quarantined = {
        re.sub(r"^(q-)?[0-9a-f]+-", "", p.name)
        for p in (cli_env / "quarantine").iterdir()
        if not p.name.endswith(".reason.txt")
    }
    assert quarantined == set(bad)

    # Rerun: everything done earlier is skipped, nothing stored twice; --strict fails on the bad inputs.
    code = main(["ingest", str(cli_env / "in"), "--format", "json", "--no-progress", "--strict"])
    again = json.loads(capsys.readouterr().out)
    assert code != 0
    assert again["new"] == 0 and again["claims"] == 0
    store = open_store(database_url)
    try:
        with store.engine.connect() as conn:
            assert conn.execute(select(func.count()).select_from(schema.documents)).scalar_one() == summary["new"]
    finally:
        store.close()


def test_ingest_only_bad_inputs_exits_non_zero(cli_env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (cli_env / "empty.txt").write_bytes(b"")
    code = main(["ingest", str(cli_env / "empty.txt"), "--format", "json", "--no-progress"])
    summary = json.loads(capsys.readouterr().out)
    assert code != 0
    assert summary["documents"] == 0 and len(summary["failed"]) == 1


def test_extract_stdin_and_strict(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    stdin = io.TextIOWrapper(io.BytesIO(" ".join(ARTICLE).encode()), encoding="utf-8")
    monkeypatch.setattr("sys.stdin", stdin)
    assert main(["extract", "-"]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert len(lines) == 1 and lines[0]["source"] == "-"
    assert any(c["vendor"] == "Huawei" and c["country"] == "KEN" for c in lines[0]["claims"])
    (tmp_path / "ok.txt").write_text(" ".join(ARTICLE), encoding="utf-8")
    (tmp_path / "empty.txt").write_bytes(b"")
    assert main(["extract", str(tmp_path)]) == 0
    capsys.readouterr()
    assert main(["extract", str(tmp_path), "--strict"]) != 0


def _counts(store: Store) -> tuple[int, int, int]:
    with store.engine.connect() as conn:
        return tuple(
            conn.execute(select(func.count()).select_from(t)).scalar_one()  # type: ignore[return-value]
            for t in (schema.documents, schema.claims, schema.evidence)
        )


def test_dask_local_cluster_equals_single_process(tmp_path: Path) -> None:
    """``--workers 2`` (a LocalCluster of processes) stores exactly what the single process does."""
    from distributed import LocalCluster

    inputs = tmp_path / "in"
    inputs.mkdir()
    write_warc(inputs / "a.warc.gz", generated_pages(40, seed=1))
    write_warc(inputs / "b.warc.gz", generated_pages(25, seed=2))
    for i, (_url, html) in enumerate(generated_pages(10, seed=3)):
        (inputs / f"p{i}.html").write_text(html, encoding="utf-8")
    (inputs / "empty.txt").write_bytes(b"")
    single = open_store(f"sqlite:///{tmp_path / 'single.db'}")
    s1 = ingest(single, [str(inputs)], limits=Limits())
    local = open_store(f"sqlite:///{tmp_path / 'local.db'}")
    s2 = ingest(local, [str(inputs)], limits=Limits(), workers=2)
    sched = open_store(f"sqlite:///{tmp_path / 'sched.db'}")
    with LocalCluster(n_workers=1, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        s3 = ingest(sched, [str(inputs)], limits=Limits(), scheduler=cluster.scheduler_address)
    assert s1.new == s2.new == s3.new == 75
    assert s1.failed_total == s2.failed_total == s3.failed_total == 1
    assert _counts(single) == _counts(local) == _counts(sched)
    with single.engine.connect() as a, local.engine.connect() as b:
        q = select(schema.claims.c.id).order_by(schema.claims.c.id)
        assert a.execute(q).scalars().all() == b.execute(q).scalars().all()
    for s in (single, local, sched):
        s.close()


def test_ingested_text_is_sanitised_before_extraction(tmp_path: Path, store: Store) -> None:
    # Control, bidi-override and zero-width characters inside the claim sentences, and a decomposed é.
    hostile = f"{ARTICLE[0][:20]}\x01\u202e{ARTICLE[0][20:]}\x07 Cafe\u0301 owners\u200b agreed. " + " ".join(
        ARTICLE[1:]
    )
    (tmp_path / "hostile.txt").write_text(hostile, encoding="utf-8")
    stats = ingest(store, [str(tmp_path / "hostile.txt")], limits=Limits())
    assert stats.new == 1 and stats.claims > 0
    (doc,) = list(store.documents())
    assert not re.search("[\x00-\x08\x0b-\x1f\u200b\u202a-\u202e]", doc.text)
    assert "Café owners agreed" in doc.text
    claims = list(store.claims())
    assert claims
    for claim in claims:  # offsets point into the stored (clean) text
        for ev in claim.evidence:
            assert ev.start is not None and ev.end is not None
            assert doc.text[ev.start : ev.end] == ev.quote


def test_ingest_skips_data_files_resolves_and_records_relative_paths(
    cli_env: Path, database_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    root = cli_env / "in"
    (root / "2024").mkdir(parents=True)
    (root / "2024" / "zambia.txt").write_text(
        "Lusaka, 2 February 2024. Huawei installed facial recognition cameras for the police in Lusaka, "
        "Zambia, under a Safe City contract signed in 2023.\n",
        encoding="utf-8",
    )
    # Labels of an evaluation set: quotes that would become claims if read as an article.
    (root / "gold.jsonl").write_text(
        json.dumps({"text": (root / "2024" / "zambia.txt").read_text()}) + "\n", encoding="utf-8"
    )
    code = main(["ingest", str(root), "--format", "json", "--no-progress"])
    summary = json.loads(capsys.readouterr().out)
    assert code == 0 and summary["new"] == 1 and summary["failed_total"] == 0
    assert summary["not_documents"] == [
        {"path": str(root / "gold.jsonl"), "reason": "not a document (JSON lines); no reader for .jsonl files"}
    ]
    assert summary["resolved"]["deployments_new"] == 1  # resolved by the ingest itself
    store = open_store(database_url)
    try:
        with store.engine.connect() as conn:
            path, published = conn.execute(select(schema.documents.c.path, schema.documents.c.published)).one()
            first_seen = conn.execute(select(schema.deployments.c.first_seen)).scalar_one()
        assert path == "2024/zambia.txt" and str(root) not in path
        assert str(published) == "2024-02-02" and str(first_seen) == "2024-02-02"  # from the dateline
    finally:
        store.close()
