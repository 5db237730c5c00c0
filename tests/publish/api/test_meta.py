"""Health, figures, diff, search, flows and the snapshot (publish/api/meta.py)."""

from __future__ import annotations

import warnings
from collections.abc import Iterator

import pytest

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    from fastapi.testclient import TestClient

from api_fixture import HOSTILE_QUOTE, fill_api_store
from countersight.publish.api import meta
from countersight.publish.api.app import create_app
from countersight.store import Store


@pytest.fixture
def api(store: Store) -> Iterator[tuple[TestClient, dict[str, str]]]:
    secrets = fill_api_store(store)
    with TestClient(create_app(store, dashboard=False), raise_server_exceptions=False) as client:
        yield client, secrets


def _auth(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


def test_full_text_search_over_evidence_and_names(api: tuple[TestClient, dict[str, str]]) -> None:
    client, _ = api
    hits = client.get("/api/search", params={"q": "Nairobi police"}).json()
    quotes = [h["quote"] for h in hits["evidence"]]
    assert len(quotes) == 1 and "National Police Service" in quotes[0]
    assert client.get("/api/search", params={"q": "instaló ciudad"}).json()["evidence"][0]["country"] == "KEN"
    assert client.get("/api/search", params={"q": "vision camer"}).json()["evidence"][0]["quote"] == HOSTILE_QUOTE
    named = client.get("/api/search", params={"q": "hikvision"}).json()
    assert [v["name"] for v in named["vendors"]] == ["Hikvision"]
    assert client.get("/api/search", params={"q": "ecuador"}).json()["countries"][0]["country"] == "ECU"
    seen, cursor = [], None
    while True:
        page = client.get("/api/search", params={"q": "nairobi", "limit": 1, **({"cursor": cursor} if cursor else {})})
        seen += [h["id"] for h in page.json()["evidence"]]
        cursor = page.json()["next_cursor"]
        if not cursor:
            break
    assert len(seen) == len(set(seen)) == 3
    # FTS syntax in the query is taken as words, never as operators.
    assert client.get("/api/search", params={"q": 'NEAR("x" OR *'}).status_code == 200


def test_snapshot_and_feed_are_built_once_per_version_with_etags(
    api: tuple[TestClient, dict[str, str]], store: Store
) -> None:
    client, _ = api
    for url in ("/api/export/snapshot.zip", "/feeds/deployments.atom"):
        first = client.get(url)
        etag = first.headers["etag"]
        assert first.status_code == 200 and etag.startswith('"')
        again = client.get(url)
        assert again.content == first.content and again.headers["etag"] == etag
        unchanged = client.get(url, headers={"If-None-Match": etag})
        assert unchanged.status_code == 304 and unchanged.content == b""
    snap = client.get("/api/export/snapshot.zip")
    built = client.app.state.export_cache  # type: ignore[attr-defined]
    assert len(built) == 2
    with store.transaction():
        pass
    assert client.get("/api/export/snapshot.zip").content == snap.content  # same data, same bytes
    assert len(built) == 1  # the old version's downloads were dropped


def test_health_says_what_the_server_holds(api: tuple[TestClient, dict[str, str]]) -> None:
    client, _ = api
    health = client.get("/api/health").json()
    assert set(health) == {"status", "version", "database", "schema_versions", "deployments"}
    assert health["status"] == "ok" and health["database"] in ("sqlite", "postgresql")


def test_flows_as_json_and_csv(api: tuple[TestClient, dict[str, str]]) -> None:
    client, _ = api
    flows = client.get("/api/flows").json()["items"]
    serbia = next(f for f in flows if f["country"] == "SRB")
    assert serbia["supplier_name"] == "United States" and serbia["recipient_name"] == "Serbia"
    text = client.get("/api/flows", params={"format": "csv"}).text
    assert text.splitlines()[0] == "supplier_country,country,technology,deployments"
    assert len(text.splitlines()) == len(flows) + 1


def test_diff_between_two_dates(api: tuple[TestClient, dict[str, str]]) -> None:
    client, _ = api
    got = client.get("/api/diff", params={"from": "2000-01-01", "to": "2030-01-01"})
    assert got.status_code == 200 and isinstance(got.json(), dict)
    assert client.get("/api/diff", params={"from": "2000-01-01"}).status_code == 422


def test_snapshot_zip_is_the_same_bytes_for_the_same_store(store: Store) -> None:
    import io
    import zipfile

    fill_api_store(store)
    first = meta.snapshot_zip(store)
    assert first == meta.snapshot_zip(store)
    names = zipfile.ZipFile(io.BytesIO(first)).namelist()
    assert "datapackage.json" in names and any(n.endswith(".csv") for n in names)
