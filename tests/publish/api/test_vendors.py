"""``/api/vendors`` (publish/api/vendors.py): vendors with their reach, sorted and paged, as JSON or
CSV, and one vendor."""

from __future__ import annotations

import warnings
from collections.abc import Iterator

import pytest

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    from fastapi.testclient import TestClient

import csv
import io

from api_fixture import fill_api_store
from countersight.publish.api import vendors
from countersight.publish.api.app import create_app
from countersight.store import Store


@pytest.fixture
def api(store: Store) -> Iterator[tuple[TestClient, dict[str, str]]]:
    secrets = fill_api_store(store)
    with TestClient(create_app(store, dashboard=False), raise_server_exceptions=False) as client:
        yield client, secrets


def _auth(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


def test_vendors_sorted_paged_and_as_csv(api: tuple[TestClient, dict[str, str]]) -> None:
    client, _ = api
    by_name = client.get("/api/vendors", params={"limit": 500}).json()["items"]
    assert [v["name"] for v in by_name] == sorted(v["name"] for v in by_name)
    busiest = client.get("/api/vendors", params={"sort": "-deployments", "limit": 2}).json()
    assert busiest["sort"] == "-deployments" and len(busiest["items"]) == 2 and busiest["next_cursor"]
    counts = [v["deployments"] for v in busiest["items"]]
    assert counts == sorted(counts, reverse=True) and counts[0] == max(v["deployments"] for v in by_name)
    text = client.get("/api/vendors", params={"format": "csv"}).text
    rows = list(csv.DictReader(io.StringIO(text)))
    assert tuple(rows[0]) == vendors.VENDOR_COLUMNS and len(rows) == len(by_name)


def test_vendors_by_alias_text(api: tuple[TestClient, dict[str, str]]) -> None:
    client, _ = api
    found = client.get("/api/vendors", params={"q": "hikv"}).json()["items"]
    assert [v["name"] for v in found] == ["Hikvision"]


def test_one_vendor_by_name_or_id(api: tuple[TestClient, dict[str, str]]) -> None:
    client, _ = api
    by_name = client.get("/api/vendors/hikvision").json()
    assert by_name == client.get(f"/api/vendors/{by_name['id']}").json()
    assert by_name["countries"][0]["country"] == "ECU" and by_name["timeline"]
    assert client.get("/api/vendors/No Such Vendor Ltd").status_code == 404
