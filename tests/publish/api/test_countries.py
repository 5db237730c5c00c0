"""``/api/countries`` (publish/api/countries.py): the index as JSON pages and CSV, and one country."""

from __future__ import annotations

import warnings
from collections.abc import Iterator

import pytest

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    from fastapi.testclient import TestClient

from api_fixture import fill_api_store
from countersight.publish.api import countries
from countersight.publish.api.app import create_app
from countersight.store import Store


@pytest.fixture
def api(store: Store) -> Iterator[tuple[TestClient, dict[str, str]]]:
    secrets = fill_api_store(store)
    with TestClient(create_app(store, dashboard=False), raise_server_exceptions=False) as client:
        yield client, secrets


def _auth(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


def test_country_index_json_is_what_its_response_model_documents(api: tuple[TestClient, dict[str, str]]) -> None:
    from countersight.publish.api.models import CountryPage

    client, _ = api
    body = client.get("/api/countries").json()
    page = CountryPage.model_validate(body)
    assert {r.country for r in page.items} >= {"KEN", "ECU", "SRB"}
    # Every key of the JSON is a field of the model and the other way round (nothing undocumented).
    assert set(body["items"][0]) == set(page.items[0].model_dump())
    schema = client.get("/openapi.json").json()
    ok = schema["paths"]["/api/countries"]["get"]["responses"]["200"]["content"]["application/json"]
    assert ok["schema"]["$ref"].endswith("/CountryPage")


def test_pages_of_the_index_are_every_country_once(api: tuple[TestClient, dict[str, str]]) -> None:
    client, _ = api
    everything = [r["country"] for r in client.get("/api/countries").json()["items"]]
    seen, cursor = [], None
    while True:
        params = {"limit": 1, **({"cursor": cursor} if cursor else {})}
        page = client.get("/api/countries", params=params).json()
        seen += [r["country"] for r in page["items"]]
        assert all("id" not in r for r in page["items"])  # the paging key is not part of the row
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert seen == everything == sorted(everything)


def test_csv_rows_are_the_json_rows(api: tuple[TestClient, dict[str, str]]) -> None:
    import csv
    import io

    client, _ = api
    as_json = {r["country"]: r["deployments"] for r in client.get("/api/countries").json()["items"]}
    got = client.get("/api/countries", params={"format": "csv"})
    assert got.headers["content-disposition"].endswith('countries-live.csv"')
    rows = list(csv.DictReader(io.StringIO(got.text)))
    assert {r["country"]: int(r["deployments"]) for r in rows} == as_json


def test_one_country_by_name_with_its_timeline(api: tuple[TestClient, dict[str, str]]) -> None:
    client, _ = api
    ken = client.get("/api/countries/Kenya", params={"edition": "live"}).json()
    assert ken["country"] == "KEN" and ken["index"]["country"] == "KEN"
    assert ken["vendors"] == [{"name": "Huawei", "deployments": 1}]
    assert client.get("/api/countries/Atlantis").status_code == 404
    assert "/api/countries/{iso3}" in {getattr(r, "path", None) for r in countries.router.routes}
