"""Atom watch feeds (publish/api/feeds.py): filters, country names, and a store opened from the
settings when the app has none."""

from __future__ import annotations

import warnings
from collections.abc import Iterator

import pytest

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    from fastapi.testclient import TestClient

from xml.etree import ElementTree as ET

from fastapi import FastAPI

from api_fixture import fill_api_store
from countersight.config import Settings
from countersight.publish.api import feeds
from countersight.publish.api.app import create_app
from countersight.store import Store


@pytest.fixture
def api(store: Store) -> Iterator[tuple[TestClient, dict[str, str]]]:
    secrets = fill_api_store(store)
    with TestClient(create_app(store, dashboard=False), raise_server_exceptions=False) as client:
        yield client, secrets


def _auth(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


ATOM = "{http://www.w3.org/2005/Atom}"


def _entries(xml: str) -> list[ET.Element]:
    return ET.fromstring(xml).findall(f"{ATOM}entry")


def test_the_feed_follows_its_filters(api: tuple[TestClient, dict[str, str]]) -> None:
    client, _ = api
    everything = client.get("/feeds/deployments.atom")
    assert everything.headers["content-type"].startswith("application/atom+xml")
    kenya = _entries(client.get("/feeds/deployments.atom", params={"country": "Kenya"}).text)
    assert 1 <= len(kenya) < len(_entries(everything.text))
    links = [link.get("href") or "" for e in kenya for link in e.findall(f"{ATOM}link")]
    assert links and all(h.startswith("/deployment/") for h in links)  # relative: no public base URL set
    assert _entries(client.get("/feeds/deployments.atom", params={"since": "2100-01-01"}).text) == []
    bad = client.get("/feeds/deployments.atom", params={"country": "Atlantis"})
    assert bad.status_code == 422


def test_a_bare_app_opens_the_store_from_its_settings(store: Store, tmp_path: object) -> None:
    fill_api_store(store)
    app = FastAPI()
    app.include_router(feeds.router)
    app.state.settings = Settings(database_url=store.url)
    with TestClient(app) as client:
        got = client.get("/feeds/deployments.atom", params={"vendor": "Huawei"})
    assert got.status_code == 200 and len(_entries(got.text)) == 1
    assert isinstance(app.state.store, Store)  # opened once, kept for the next request
    app.state.store.close()
