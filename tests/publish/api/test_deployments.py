"""``/api/deployments`` (publish/api/deployments.py): filters, stable cursor pages, CSV, one deployment
and the JSON and GeoJSON exports."""

from __future__ import annotations

import warnings
from collections.abc import Iterator

import pytest

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    from fastapi.testclient import TestClient

from typing import Any

from api_fixture import fill_api_store
from countersight.publish.api import deployments
from countersight.publish.api.app import create_app
from countersight.store import Store


@pytest.fixture
def api(store: Store) -> Iterator[tuple[TestClient, dict[str, str]]]:
    secrets = fill_api_store(store)
    with TestClient(create_app(store, dashboard=False), raise_server_exceptions=False) as client:
        yield client, secrets


def _auth(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


def _walk(client: TestClient, **params: Any) -> list[str]:
    ids, cursor = [], None
    while True:
        page = client.get("/api/deployments", params={**params, **({"cursor": cursor} if cursor else {})}).json()
        ids += [d["id"] for d in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            return ids


def test_cursor_pages_are_stable_and_complete(api: tuple[TestClient, dict[str, str]]) -> None:
    client, _ = api
    everything = [d["id"] for d in client.get("/api/deployments", params={"limit": 500}).json()["items"]]
    assert everything == sorted(everything) and len(everything) >= 4
    for sort in ("id", "-confidence", "first_seen", "-last_seen", "vendor", "technology"):
        walked = _walk(client, limit=1, sort=sort)
        assert sorted(walked) == everything and len(set(walked)) == len(walked), sort
        assert walked == _walk(client, limit=2, sort=sort), sort
        # The as-of replay pages in memory, in the same order as SQL does.
        assert walked == _walk(client, limit=1, sort=sort, as_of="2030-01-01"), sort
    confs = [d["confidence"] for d in client.get("/api/deployments", params={"sort": "-confidence"}).json()["items"]]
    assert confs == sorted(confs, reverse=True)
    bad = client.get("/api/deployments", params={"cursor": "garbage", "sort": "id"})
    assert bad.status_code == 400 and bad.json()["error"]["code"] == "invalid"


def test_the_filter_dependency_parses_countries_by_name() -> None:
    f = deployments.deployment_filter(
        country="kenya",
        vendor=None,
        supplier_country="China",
        technology=None,
        status=None,
        reviewed=None,
        review=None,
        min_confidence=None,
        since=None,
        until=None,
        q=None,
        as_of=None,
        include_rejected=False,
        financed=None,
        lender=None,
    )
    assert (f.country, f.supplier_country, f.include_rejected) == ("KEN", "CHN", False)


def test_filters_narrow_the_list(api: tuple[TestClient, dict[str, str]]) -> None:
    client, _ = api
    serbia = client.get("/api/deployments", params={"supplier_country": "USA"}).json()["items"]
    assert [(d["country"], d["city"]) for d in serbia] == [("SRB", "Belgrade")]
    assert client.get("/api/deployments", params={"q": "belgrade"}).json()["items"][0]["id"] == serbia[0]["id"]
    confident = client.get("/api/deployments", params={"min_confidence": 0.5}).json()["items"]
    assert serbia[0]["id"] not in {d["id"] for d in confident}  # the Belgrade claim has 0.4
    one = client.get(f"/api/deployments/{serbia[0]['id']}").json()
    assert one["country_name"] == "Serbia" and one["evidence"] and one["history"] == []


def test_exports_carry_every_match(api: tuple[TestClient, dict[str, str]]) -> None:
    client, _ = api
    listed = client.get("/api/deployments", params={"limit": 500}).json()["items"]
    exported = client.get("/api/export/deployments.json").json()
    assert exported["count"] == len(listed) and [d["id"] for d in exported["deployments"]] == [d["id"] for d in listed]
    geo = client.get("/api/export/deployments.geojson").json()
    assert sum(f["properties"]["selected_deployments"] for f in geo["features"]) == len(listed)
