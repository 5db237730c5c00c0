"""Acceptance of follow (issue 16) against a loopback site: feeds, a sitemap, robots.txt, pages
with validators, a syndicated copy and the bad responses; then a second run (304s, nothing
changes), the archive (WARC/1.1 readable by FastWARC with valid digests; ``archive show``), and a
run killed with SIGKILL then restarted (nothing lost, nothing doubled, archives readable)."""

from __future__ import annotations

import dataclasses
import json
import os
import random
import signal
import subprocess
import sys
import time
import warnings
from pathlib import Path
from typing import Any

import pytest

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    from fastapi.testclient import TestClient
from fastwarc.warc import ArchiveIterator, WarcRecordType
from sqlalchemy import func, select

from countersight.config import Settings
from countersight.publish.api.app import create_app
from countersight.publish.cli import main
from countersight.store import open_store, schema
from countersight.store.tokens import create_token
from follow_site import STORIES, Page, article_html, build_acceptance_site, rss, serve

CLI = [sys.executable, "-c", "import sys; from countersight.publish.cli import main; sys.exit(main())"]


def _env(tmp_path: Path, url: str, timeout: float = 2.5) -> dict[str, str]:
    # The timeout must pass a slow page's delay (8 s) yet not fail normal pages on a loaded machine.
    return {
        "COUNTERSIGHT_DATABASE_URL": url,
        "COUNTERSIGHT_ARCHIVE_DIR": str(tmp_path / "archive"),
        "COUNTERSIGHT_FETCH_ALLOW_LOOPBACK": "1",
        "COUNTERSIGHT_FETCH_DELAY": "0",
        "COUNTERSIGHT_FETCH_TIMEOUT": str(timeout),
        "COUNTERSIGHT_FETCH_RETRIES": "1",
        "COUNTERSIGHT_FETCH_MAX_RETRY_AFTER": "0.2",
        "COUNTERSIGHT_FETCH_CONTACT": "mailto:test@example.invalid",
    }


def _run(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], env: dict[str, str], *args: str
) -> tuple[int, str, str]:
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    capsys.readouterr()
    code = main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


def _state(url: str) -> dict[str, Any]:
    store = open_store(url)
    try:
        with store.engine.connect() as conn:
            docs = {r.url: r for r in conn.execute(select(schema.documents))}
            claims = sorted((r.document_id, r.country, r.vendor) for r in conn.execute(select(schema.claims)))
            deployments = sorted(conn.execute(select(schema.deployments.c.id)).scalars())
            fetched = {r.url: r for r in conn.execute(select(schema.fetched_urls))}
            stories = {r.document_id: r.story_id for r in conn.execute(select(schema.document_stories))}
        return {"docs": docs, "claims": claims, "deployments": deployments, "fetched": fetched, "stories": stories}
    finally:
        store.close()


def _warc_responses(directory: Path) -> dict[tuple[str, int], str]:
    """Every response record of the archive: (file, offset) -> target URI, checking digests."""
    out = {}
    for path in sorted(directory.glob("*.warc.gz")):
        with path.open("rb") as fh:
            for record in ArchiveIterator(fh, parse_http=False):
                if record.record_type == WarcRecordType.response:
                    assert record.verify_block_digest(consume=False), (
                        f"block digest of {record.headers['WARC-Target-URI']}"
                    )
                    record.parse_http()
                    assert record.verify_payload_digest(), f"payload digest of {record.headers['WARC-Target-URI']}"
                    out[(path.name, record.stream_pos)] = record.headers["WARC-Target-URI"]
    return out


def test_follow_once_then_again(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path, database_url: str
) -> None:
    env = _env(tmp_path, database_url)
    with serve(build_acceptance_site) as site:
        base = site.base()
        for args in (
            ["--kind", "rss", "--name", "news"],
            ["--kind", "atom", "--name", "wire"],
            ["--kind", "sitemap", "--name", "map", "--lang", "en"],
        ):
            path = {"news": "/feeds/news.rss", "wire": "/feeds/wire.atom", "map": "/sitemap.xml"}[args[3]]
            code, _, err = _run(monkeypatch, capsys, env, "sources", "add", base + path, "--every", "0s", *args)
            assert code == 0, err
        code, out, err = _run(monkeypatch, capsys, env, "follow", "--once", "--format", "json")
        assert code == 0, err
        summary = json.loads(out)
        assert list(summary) == [
            "sources",
            "items",
            "fetched",
            "not_modified",
            "robots_skipped",
            "duplicates",
            "failed",
            "claims",
            "deployments",
        ]
        failed = {f["url"].rsplit("/", 1)[-1]: f["error"] for f in summary["failed"]}
        assert set(failed) == {"slow.html", "huge.html", "loop1.html", "busy.html", "chart.png", "internal.html"}
        assert "timed out" in failed["slow.html"]
        assert "5,000,000,000" in failed["huge.html"] and "not downloaded" in failed["huge.html"]
        assert "redirect loop" in failed["loop1.html"]
        assert "HTTP 429" in failed["busy.html"] and "Retry-After 1" in failed["busy.html"]
        assert "content type 'image/png'" in failed["chart.png"]
        assert "non-public address 10.0.0.7" in failed["internal.html"]
        assert summary["sources"] == 3
        assert summary["items"] == 12
        assert summary["fetched"] == 5  # a1, a2, a4, a5 and the agency copy
        assert summary["robots_skipped"] == 1
        assert summary["duplicates"] == 1
        assert summary["not_modified"] == 0
        assert site.requests["127.0.0.1/private/a3.html"] == 0
        assert site.requests["127.0.0.1/news/busy.html"] == 2  # one retry after Retry-After (bounded)
        assert all("mailto:test@example.invalid" in ua for ua in site.user_agents if ua)

        first = _state(database_url)
        urls = {u.rsplit("/", 1)[-1] for u in first["docs"]}
        assert urls == {"a1.html", "a2.html", "a4.html", "a5.html", "kenya-story.html"}
        by_url = {u.rsplit("/", 1)[-1]: d for u, d in first["docs"].items()}
        claimed = {d for d, _, _ in first["claims"]}
        assert {by_url[k].id for k in ("a2.html", "a4.html")} <= claimed
        # The first of the two copies of the Kenya story stored brings the claims; the later one
        # (fetched concurrently from another host, so either) brings none of its own.
        assert len({by_url["a1.html"].id, by_url["kenya-story.html"].id} & claimed) == 1
        assert {(c, v) for _, c, v in first["claims"]} >= {("KEN", "Huawei"), ("SRB", "Hikvision"), ("ECU", "Dahua")}
        assert summary["claims"] == len(first["claims"])
        assert summary["deployments"] == len(first["deployments"]) > 0
        # Syndication: the copy is grouped with its original.
        copy, original = by_url["kenya-story.html"].id, by_url["a1.html"].id
        assert first["stories"][copy] == first["stories"][original]
        assert first["stories"][by_url["a2.html"].id] != first["stories"][original]
        # Every document points at its archived response, and the archive is valid WARC.
        responses = _warc_responses(tmp_path / "archive")
        for doc in first["docs"].values():
            assert responses[(doc.meta["warc_file"], doc.meta["warc_offset"])] == doc.url
        code, out, err = _run(monkeypatch, capsys, env, "archive", "show", by_url["a2.html"].id)
        assert code == 0, err
        assert "Hikvision installed surveillance cameras" in out
        code, out, _ = _run(monkeypatch, capsys, env, "archive", "show", base + "/news/a4.html")
        assert "Dahua supplied video surveillance cameras" in out

        _check_dashboard(database_url, by_url)
        _check_exports(monkeypatch, capsys, env, tmp_path, first["docs"])

        requests_before = sum(site.requests.values())
        code, out, err = _run(monkeypatch, capsys, env, "follow", "--once", "--format", "json")
        assert code == 0, err
        again = json.loads(out)
        assert again["sources"] == 3
        assert again["fetched"] == 0 and again["claims"] == 0 and again["deployments"] == 0
        assert again["failed"] == []
        assert again["not_modified"] == 3  # the two feeds and the sitemap answered 304
        assert sum(site.conditional.values()) >= 3
        # Three conditional GETs and robots.txt once (cached per run, for a day within a long run).
        assert sum(site.requests.values()) - requests_before == 4
        second = _state(database_url)
        assert second["claims"] == first["claims"] and second["deployments"] == first["deployments"]
        assert set(second["docs"]) == set(first["docs"])


def _check_dashboard(url: str, by_url: dict[str, Any]) -> None:
    """The copy does not inflate the Kenya deployment's documents, publishers or confidence; the
    deployment page lists it, and links each evidence's archived copy beside the live address."""
    store = open_store(url)
    try:
        with store.engine.connect() as conn:
            (kenya,) = conn.execute(select(schema.deployments).where(schema.deployments.c.country == "KEN")).all()
            links = (
                conn.execute(
                    select(schema.deployment_documents.c.document_id).where(
                        schema.deployment_documents.c.country == "KEN"
                    )
                )
                .scalars()
                .all()
            )
        assert (kenya.n_documents, kenya.n_publishers, len(links)) == (1, 1, 1)
        with TestClient(create_app(store), raise_server_exceptions=False) as client:
            detail = client.get(f"/api/deployments/{kenya.id}").json()
            detail = detail.get("data", detail)
            assert detail["n_documents"] == 1
            assert [c["document_id"] for c in detail["copies"]] == [
                d.id for k, d in by_url.items() if k in ("a1.html", "kenya-story.html") and d.id not in links
            ]
            page = client.get(f"/deployment/{kenya.id}").text
            assert 'id="copies"' in page and "archived copy (fetched " in page
            # Source protection: the archived copy's address and record are public, its text (a
            # third-party page) only for signed-in readers unless the server publishes full texts.
            archived = client.get(f"/archive/{links[0]}")
            assert archived.status_code == 200 and links[0][:12] in archived.text
            assert 'id="archive-text-withheld"' in archived.text
            assert "Huawei supplied facial recognition" not in archived.text
            assert client.get("/archive/nope").status_code == 404
            api = client.get(f"/api/documents/{links[0]}/archive").json()
            api = api.get("data", api)
            assert api["text"] is None and api["text_withheld"] is True and api["document_id"] == links[0]
            _, secret = create_token(store, "Reader", "reviewer")
            signed_in = client.get(f"/api/documents/{links[0]}/archive", headers={"Authorization": f"Bearer {secret}"})
            assert signed_in.headers["cache-control"] == "no-store"
            signed_in_data = signed_in.json()
            signed_in_data = signed_in_data.get("data", signed_in_data)
            assert "Huawei supplied" in signed_in_data["text"] and signed_in_data["text_withheld"] is False
        published = dataclasses.replace(Settings.from_env(), publish_full_text=True)
        with TestClient(create_app(store, settings=published), raise_server_exceptions=False) as client:
            archived = client.get(f"/archive/{links[0]}")
            assert archived.status_code == 200 and "Huawei supplied facial recognition" in archived.text
            assert 'id="archive-text-withheld"' not in archived.text
    finally:
        store.close()


def _check_exports(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    env: dict[str, str],
    tmp_path: Path,
    docs: dict[str, Any],
) -> None:
    """Archives leave the machine only when asked (third-party pages)."""
    plain, archived = tmp_path / "plain.json", tmp_path / "with.json"
    assert _run(monkeypatch, capsys, env, "export", str(plain), "--format", "json")[0] == 0
    assert not (tmp_path / "plain.json.archives").exists()
    code, _, err = _run(monkeypatch, capsys, env, "export", str(archived), "--format", "json", "--include-archives")
    assert code == 0, err
    folder = tmp_path / "with.json.archives"
    index = (folder / "index.csv").read_text().splitlines()
    assert len(index) == 1 + len(docs)
    copied = _warc_responses(folder)
    for doc in docs.values():
        assert copied[(doc.meta["warc_file"], doc.meta["warc_offset"])] == doc.url
    site = tmp_path / "site"
    assert _run(monkeypatch, capsys, env, "publish", "static", str(site))[0] == 0
    assert not (site / "archives").exists()


def test_sources_commands_and_opml(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    env = _env(tmp_path, f"sqlite:///{tmp_path / 's.db'}")
    code, _, err = _run(
        monkeypatch,
        capsys,
        env,
        "sources",
        "add",
        "https://news.example.org/feed.xml",
        "--name",
        "example",
        "--every",
        "30m",
        "--lang",
        "EN",
    )
    assert code == 0, err
    code, _, _ = _run(monkeypatch, capsys, env, "sources", "add", "https://example.org/sitemap.xml")
    assert code == 0
    code, out, _ = _run(monkeypatch, capsys, env, "sources", "list", "--format", "json")
    listed = {s["name"]: s for s in json.loads(out)}
    assert listed["example"]["every_seconds"] == 1800 and listed["example"]["language"] == "en"
    assert listed["example.org/sitemap.xml"]["kind"] == "sitemap"
    assert _run(monkeypatch, capsys, env, "sources", "pause", "example")[0] == 0
    code, out, _ = _run(monkeypatch, capsys, env, "sources", "list", "--format", "json")
    assert {s["name"]: s["paused"] for s in json.loads(out)} == {"example": True, "example.org/sitemap.xml": False}
    assert _run(monkeypatch, capsys, env, "sources", "resume", "example")[0] == 0
    code, _, err = _run(monkeypatch, capsys, env, "sources", "add", "file:///etc/passwd")
    assert code == 2 and "not an http(s) address" in err
    code, _, err = _run(monkeypatch, capsys, env, "sources", "add", "https://x.example/f", "--every", "often")
    assert code == 2 and "--every" in err

    opml = tmp_path / "subs.opml"
    assert _run(monkeypatch, capsys, env, "sources", "export-opml", str(opml))[0] == 0
    assert _run(monkeypatch, capsys, env, "sources", "remove", "example")[0] == 0
    code, _, err = _run(monkeypatch, capsys, env, "sources", "remove", "example")
    assert code == 5 and "no source named" in err
    code, out, _ = _run(monkeypatch, capsys, env, "sources", "import-opml", str(opml))
    assert "1 sources added, 1 already followed" in out
    code, out, _ = _run(monkeypatch, capsys, env, "sources", "list", "--format", "json")
    restored = {s["name"]: s for s in json.loads(out)}
    assert restored["example"]["every_seconds"] == 1800 and restored["example"]["language"] == "en"


# -- kill -9 ------------------------------------------------------------------------------------

N_ARTICLES = 40


def _many_articles(site: Any) -> None:
    vendors = ["Huawei", "Hikvision", "Dahua", "NEC"]
    countries = ["Kenya", "Serbia", "Ecuador", "Zambia", "Uganda"]
    words = [
        "council",
        "budget",
        "road",
        "bridge",
        "river",
        "market",
        "school",
        "clinic",
        "water",
        "tender",
        "report",
        "season",
        "harbour",
        "railway",
        "farmers",
        "teachers",
        "election",
        "museum",
        "library",
        "festival",
        "drought",
        "harvest",
    ]
    items = []
    for i in range(N_ARTICLES):
        rng = random.Random(i)  # distinct filler: the articles must not look syndicated
        filler = " ".join(rng.choice(words) for _ in range(60))
        text = (
            f"Report {i}: {vendors[i % 4]} supplied surveillance cameras to the police in "
            f"{countries[i % 5]}, officials said in statement number {i}. The notes read {filler}."
        )
        site.pages[f"/many/{i}.html"] = Page(article_html(f"Report {i}", text, site="Many News"), delay=0.05)
        items.append((f"Report {i}", f"{site.base()}/many/{i}.html"))
    site.pages["/feeds/many.rss"] = Page(rss(items), "application/rss+xml")
    site.pages["/robots.txt"] = Page(b"User-agent: *\nAllow: /\n", "text/plain")


def _count(url: str, table: Any) -> int:
    store = open_store(url)
    try:
        with store.engine.connect() as conn:
            return int(conn.execute(select(func.count()).select_from(table)).scalar_one())
    finally:
        store.close()


def test_kill_9_then_restart(tmp_path: Path, database_url: str) -> None:
    env = {**os.environ, **_env(tmp_path, database_url, timeout=30)}
    with serve(_many_articles) as site:
        add = subprocess.run(
            [*CLI, "sources", "add", site.base() + "/feeds/many.rss", "--name", "many"],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert add.returncode == 0, add.stderr
        proc = subprocess.Popen(
            [*CLI, "follow", "--once", "--format", "json", "--no-progress"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        deadline = time.monotonic() + 60
        while _count(database_url, schema.documents) < 5 and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        assert proc.poll() is None, "follow finished before it could be killed"
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        stored_before = _count(database_url, schema.documents)
        assert 5 <= stored_before < N_ARTICLES
        # Whatever the kill cut, add a torn record too: half of a gzip member after the last one.
        (warc,) = sorted((tmp_path / "archive").glob("*.warc.gz"))
        with warc.open("ab") as fh:
            fh.write(b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff" + os.urandom(50))
        rerun = subprocess.run(
            [*CLI, "follow", "--once", "--format", "json", "--no-progress"],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert rerun.returncode == 0, rerun.stderr
        summary = json.loads(rerun.stdout)
        assert summary["failed"] == []
    state = _state(database_url)
    assert len(state["docs"]) == N_ARTICLES  # nothing lost
    assert len(state["fetched"]) == N_ARTICLES + 1  # each article and the feed, once
    assert len({d.id for d in state["docs"].values()}) == N_ARTICLES  # nothing doubled
    assert len(state["claims"]) == len(set(state["claims"])) == N_ARTICLES
    responses = _warc_responses(tmp_path / "archive")  # every file reads to its end
    for doc in state["docs"].values():
        assert responses[(doc.meta["warc_file"], doc.meta["warc_offset"])] == doc.url
    assert _unresolved(database_url) == []  # the restart resolved what the killed run stored


def _unresolved(url: str) -> list[str]:
    store = open_store(url)
    try:
        with store.engine.connect() as conn:
            c = schema.claims
            return list(conn.execute(select(c.c.id).where(c.c.deployment_id.is_(None))).scalars())
    finally:
        store.close()


def test_ctrl_c_stops_cleanly_and_a_restart_finishes(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'int.db'}"
    env = {**os.environ, **_env(tmp_path, url, timeout=30)}
    with serve(_many_articles) as site:
        add = subprocess.run(
            [*CLI, "sources", "add", site.base() + "/feeds/many.rss", "--name", "many"],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert add.returncode == 0, add.stderr
        proc = subprocess.Popen(
            [*CLI, "follow", "--format", "json", "--no-progress"],
            env=env,  # no --once
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        deadline = time.monotonic() + 60
        while _count(url, schema.documents) < 3 and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=60)
        assert proc.returncode == 0, err
        summary = json.loads(out)
        assert 3 <= summary["fetched"] < N_ARTICLES and summary["failed"] == []
        assert "stopping after the pages in flight" in err
        assert _count(url, schema.documents) == summary["fetched"]
        assert _unresolved(url) == []
        rerun = subprocess.run(
            [*CLI, "follow", "--once", "--format", "json", "--no-progress"],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert rerun.returncode == 0, rerun.stderr
        assert json.loads(rerun.stdout)["fetched"] == N_ARTICLES - summary["fetched"]
    assert _count(url, schema.documents) == N_ARTICLES


def test_starter_list(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """``sources add --starter`` adds the starter list once (the list itself: test_sources.py)."""
    from countersight.follow.sources import starter_sources

    starters = starter_sources()
    env = _env(tmp_path, f"sqlite:///{tmp_path / 'st.db'}")
    code, out, err = _run(monkeypatch, capsys, env, "sources", "add", "--starter", "--format", "json")
    assert code == 0, err
    assert len(json.loads(out)["added"]) == len(starters)
    code, out, _ = _run(monkeypatch, capsys, env, "sources", "add", "--starter", "--format", "json")
    assert json.loads(out) == {"added": [], "already_followed": len(starters)}
    code, out, _ = _run(monkeypatch, capsys, env, "sources", "list", "--format", "json")
    assert all(s["note"] for s in json.loads(out))


def test_a_long_running_follow_resolves_after_each_round(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'round.db'}"
    env = {**os.environ, **_env(tmp_path, url, timeout=30)}
    with serve(_many_articles) as site:
        add = subprocess.run(
            [*CLI, "sources", "add", site.base() + "/feeds/many.rss", "--every", "1h"],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert add.returncode == 0, add.stderr
        proc = subprocess.Popen(
            [*CLI, "follow", "--format", "json", "--no-progress"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            deadline = time.monotonic() + 120
            while _count(url, schema.deployments) == 0 and time.monotonic() < deadline:
                assert proc.poll() is None, proc.communicate()[1]
                time.sleep(0.2)
            # Deployments appear while follow keeps running (waiting an hour for its next poll).
            assert _count(url, schema.deployments) > 0 and proc.poll() is None
            assert _count(url, schema.documents) == N_ARTICLES and _unresolved(url) == []
        finally:
            proc.send_signal(signal.SIGINT)
            out, err = proc.communicate(timeout=60)
        assert proc.returncode == 0, err
        assert json.loads(out)["fetched"] == N_ARTICLES


# Decomposed accents (the text extractor keeps them; the sanitiser composes them, NFC, so that
# offsets computed before it would be off) before the claim, and bidi, invisible and C1 controls
# (the text extractor drops them; the raw archived body keeps them).
HOSTILE_TEXT = (
    "Cafe\u0301 owners and re\u0301sume\u0301 writers met in Nairobi on Monday. NAIROBI - Huawei "
    "supplied facial recognition cameras to the police in Kenya in 2021, the ministry\u202e "
    "said\u200b on Tuesday\x85. The cameras watch the ring road and the city centre. Critics asked "
    "who can search the recordings and for how long they are kept"
)


def _hostile_site(site: Any) -> None:
    base = site.base()
    site.pages["/news/hostile.html"] = Page(article_html("Kenya cameras", HOSTILE_TEXT, site="Test News"))
    site.pages["/news/dense.html"] = Page(article_html(*STORIES["a4"], site="Test News"))
    site.pages["/feeds/h.rss"] = Page(
        rss([("Hostile", f"{base}/news/hostile.html"), ("Dense", f"{base}/news/dense.html")]), "application/rss+xml"
    )


def test_fetched_pages_are_sanitised_and_extraction_is_budgeted(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """What follow stores goes through the ingest sanitiser before extraction (evidence offsets
    point into the stored text); a page over its extraction budget is a failure of that URL, with
    the reason, and the run goes on; archived copies reach the terminal without controls."""
    from countersight.extract import extract_claims
    from countersight.follow import follow
    from countersight.follow.sources import archived_copy
    from countersight.ingest import budgeted, default_extractor

    url = f"sqlite:///{tmp_path / 'hostile.db'}"
    env = _env(tmp_path, url, timeout=30)
    within, over = default_extractor(), budgeted(extract_claims, 0.0)  # the pipeline's budget, and none left

    def extractor(document: Any) -> Any:
        return (over if document.url.endswith("/dense.html") else within)(document)

    with serve(_hostile_site) as site:
        code, _, err = _run(monkeypatch, capsys, env, "sources", "add", site.base() + "/feeds/h.rss")
        assert code == 0, err
        settings = Settings.from_env()
        store = open_store(url)
        try:
            stats = follow(store, settings, once=True, extractor=extractor)
            dense = f"{site.base()}/news/dense.html"
            assert [f["url"] for f in stats.failed] == [dense]
            assert "ExtractionBudgetError" in stats.failed[0]["error"] and "budget" in stats.failed[0]["error"]
            state = _state(url)
            assert state["fetched"][dense].status == "failed" and "budget" in state["fetched"][dense].error
            assert state["fetched"][dense].warc_file  # archived all the same
            (doc,) = state["docs"].values()
            assert doc.url.endswith("/hostile.html")
            assert "Café owners and résumé writers" in doc.text and "\u0301" not in doc.text
            assert not {"\u202e", "\u200b", "\x85"} & set(doc.text + doc.title)
            claims = list(store.claims())
            assert {(c.vendor, c.country) for c in claims} >= {("Huawei", "KEN")}
            for claim in claims:
                for ev in claim.evidence:
                    assert doc.text[ev.start : ev.end] == ev.quote
            copy = archived_copy(store, settings, doc.id)
            assert "Café owners" in copy.text and "\u0301" not in copy.text and "\u202e" in copy.body
        finally:
            store.close()
        code, out, err = _run(monkeypatch, capsys, env, "archive", "show", doc.id, "--raw")
        assert code == 0, err
        assert "Huawei supplied" in out and "\u202e" not in out and "\x85" not in out


def test_source_names_from_opml_are_sanitised_and_printed_as_text(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """An OPML file is input like any document: names reach the store sanitised and the terminal
    as plain text (never Rich markup)."""
    env = _env(tmp_path, f"sqlite:///{tmp_path / 'opml.db'}")
    opml = tmp_path / "hostile.opml"
    opml.write_text(
        '<?xml version="1.0" encoding="UTF-8"?><opml version="2.0"><body>'
        '<outline title="Desk [bold]news[/bold] &#x202e;gpj.exe&#x85;" xmlUrl="https://desk.example/f.rss"/>'
        "</body></opml>",
        encoding="utf-8",
    )
    code, out, err = _run(monkeypatch, capsys, env, "sources", "import-opml", str(opml))
    assert code == 0 and "1 sources added" in out, err
    code, out, _ = _run(monkeypatch, capsys, env, "sources", "list", "--format", "json")
    (stored,) = json.loads(out)
    assert stored["name"] == "Desk [bold]news[/bold] gpj.exe"
    from countersight.publish.cli.common import console

    # The console's width is read once, when it is made: widen the table itself.
    monkeypatch.setattr(console, "width", 200)
    code, out, _ = _run(monkeypatch, capsys, env, "sources", "list")
    assert code == 0 and "Desk [bold]news[/bold] gpj.exe" in out and "\u202e" not in out
