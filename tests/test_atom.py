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
    assert parsed.entries[1].link.startswith("https://cs.example.org/deployments/dep-")
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
    later = client.get(
        "/feeds/deployments.atom", params={"since": "2024-06-01", "vendor": "Northwind Vision"}
    )
    assert [e.title.split(":")[0] for e in feedparser.parse(later.text).entries] == ["Serbia"]
