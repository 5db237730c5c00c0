"""publish/export/atom and publish/api/feeds: valid Atom (parsed with feedparser), filters, since."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import feedparser
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from countersight.publish.api.feeds import router
from countersight.publish.export.atom import deployments_feed
from countersight.store import Store, open_store
from countersight.store.export_queries import Selection
from export_fixture import fill


@pytest.fixture
def filled(tmp_path: Path) -> Store:
    s = open_store(f"sqlite:///{tmp_path / 'feed.db'}")
    fill(s)
    return s


def test_feed_is_valid_atom_newest_first(filled: Store) -> None:
    xml = deployments_feed(filled, base_url="https://cs.example.org")
    parsed = feedparser.parse(xml)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    titles = [e.title for e in parsed.entries]
    assert titles[0].startswith("Serbia: safe city from Northwind Vision")
    assert titles[1].startswith("Kenya: facial recognition from Northwind Vision")
    assert parsed.feed.updated.startswith("2025-01-15T09:30")  # newest entry, not the wall clock
    # Reviewers are not named by default; the decision and its reason are.
    assert "dispute:" in parsed.entries[0].summary and "vendor-rep" not in parsed.entries[0].summary
    named = feedparser.parse(deployments_feed(filled, base_url="https://cs.example.org", reviewer_names=True))
    assert "dispute by vendor-rep" in named.entries[0].summary
    assert parsed.entries[1].link.startswith("https://cs.example.org/deployment/dep-")
    assert {t.term for t in parsed.entries[1].tags} == {"KEN", "facial_recognition", "Northwind Vision"}
    assert deployments_feed(filled, base_url="https://cs.example.org") == xml  # deterministic


def test_feed_filters_and_since(filled: Store) -> None:
    ken = feedparser.parse(deployments_feed(filled, Selection(country="KEN")))
    assert [e.title.split(":")[0] for e in ken.entries] == ["Kenya"]
    assert "country KEN" in ken.feed.title
    tech = feedparser.parse(deployments_feed(filled, Selection(technology="safe_city")))
    assert [e.title.split(":")[0] for e in tech.entries] == ["Serbia"]
    recent = feedparser.parse(deployments_feed(filled, since=dt.date(2024, 6, 1)))
    assert [e.title.split(":")[0] for e in recent.entries] == ["Serbia"]
    none = feedparser.parse(deployments_feed(filled, Selection(vendor="Nobody")))
    assert not none.bozo and none.entries == []


def test_router_serves_the_feed(filled: Store) -> None:
    app = FastAPI()
    app.state.store = filled
    app.include_router(router)
    client = TestClient(app)
    resp = client.get("/feeds/deployments.atom", params={"country": "ken"})
    assert resp.status_code == 200
    assert resp.headers["content-type"].startswith("application/atom+xml")
    parsed = feedparser.parse(resp.text)
    assert not parsed.bozo and [e.title.split(":")[0] for e in parsed.entries] == ["Kenya"]
    assert client.get("/feeds/deployments.atom", params={"since": "not-a-date"}).status_code == 422
    assert client.get("/feeds/deployments.atom", params={"country": "ZZZ"}).status_code == 422
    assert client.get("/feeds/deployments.atom", params={"country": " "}).status_code == 422
    by_name = client.get("/feeds/deployments.atom", params={"country": "Kenya"})
    assert [e.title.split(":")[0] for e in feedparser.parse(by_name.text).entries] == ["Kenya"]
    later = client.get("/feeds/deployments.atom", params={"since": "2024-06-01", "vendor": "Northwind Vision"})
    assert [e.title.split(":")[0] for e in feedparser.parse(later.text).entries] == ["Serbia"]


def test_every_entry_link_returns_200_from_the_app(
    filled: Store, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from urllib.parse import urljoin

    from countersight.config import Settings
    from countersight.publish.api.app import create_app
    from countersight.publish.cli import main

    # absolute links come from the configured public base URL (never from the Host header) ...
    client = TestClient(create_app(filled, settings=Settings(public_base_url="http://testserver")))
    served = feedparser.parse(client.get("/feeds/deployments.atom").text)
    links = [e.link for e in served.entries]
    assert len(links) == 2 and all(link.startswith("http://testserver/deployment/dep-") for link in links)
    # ... and without one the served feed's links are relative to the server's root
    unset = TestClient(create_app(filled, settings=Settings()))
    served_relative = [
        e.link
        for e in feedparser.parse(unset.get("/feeds/deployments.atom", headers={"Host": "evil.example"}).text).entries
    ]
    assert all(link.startswith("/deployment/dep-") for link in served_relative)
    # the CLI's feed: absolute under --base-url, else from the server's root (never under /feeds/)
    monkeypatch.setenv("COUNTERSIGHT_DATABASE_URL", filled.url)
    assert main(["watch", "--format", "atom", "--base-url", "http://testserver/"]) == 0
    written = [e.link for e in feedparser.parse(capsys.readouterr().out).entries]
    assert written == links
    assert main(["watch", "--format", "atom"]) == 0
    relative = [e.link for e in feedparser.parse(capsys.readouterr().out).entries]
    feed_url = "http://testserver/feeds/deployments.atom"
    assert [urljoin(feed_url, link) for link in relative] == links
    assert relative == served_relative
    # the configured public base URL is the CLI's default too, and names reviewers as the server would
    monkeypatch.setenv("COUNTERSIGHT_PUBLIC_BASE_URL", "http://testserver")
    assert main(["watch", "--format", "atom"]) == 0
    configured = feedparser.parse(capsys.readouterr().out).entries
    assert [e.link for e in configured] == links and "vendor-rep" not in configured[0].summary
    monkeypatch.setenv("COUNTERSIGHT_PUBLISH_REVIEWER_NAMES", "1")
    assert main(["watch", "--format", "atom"]) == 0
    assert "dispute by vendor-rep" in feedparser.parse(capsys.readouterr().out).entries[0].summary
    monkeypatch.delenv("COUNTERSIGHT_PUBLIC_BASE_URL")
    for link in links:
        page = client.get(link)
        assert page.status_code == 200 and "text/html" in page.headers["content-type"], link
        assert link.rsplit("/", 1)[1] in page.text
    # links of feeds written before the fix (/deployments/<id>) reach the same page
    old = client.get(links[0].replace("/deployment/", "/deployments/"))
    assert old.status_code == 200 and str(old.url) == links[0]
    assert main(["watch", "--format", "atom", "--base-url", "javascript:alert(1)"]) == 2
