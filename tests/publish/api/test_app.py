"""The app factory (publish/api/app.py) on SQLite and PostgreSQL: the routers wired to one store
(read endpoints end to end, CSV and GeoJSON exports), JSON errors, body limits, CORS, offline docs,
and no staleness after a write. Each router's own behaviour is tested beside it (test_<router>.py)."""

from __future__ import annotations

import csv
import io
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    from fastapi.testclient import TestClient

from api_fixture import fill_api_store
from countersight.publish.api.app import create_app
from countersight.store import Store


@pytest.fixture
def api(store: Store) -> Iterator[tuple[TestClient, dict[str, str]]]:
    secrets = fill_api_store(store)
    with TestClient(create_app(store, dashboard=False), raise_server_exceptions=False) as client:
        yield client, secrets


def _auth(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


def test_read_endpoints_carry_the_evidence(api: tuple[TestClient, dict[str, str]]) -> None:
    client, secrets = api
    health = client.get("/api/health").json()
    assert health["status"] == "ok" and 3 in health["schema_versions"] and health["deployments"] >= 4

    countries = {r["country"]: r for r in client.get("/api/countries").json()["items"]}
    assert {"KEN", "ECU", "SRB"} <= set(countries)
    assert countries["KEN"]["statuses"] == {"cancelled": 1}  # the later cancellation wins

    ken = client.get("/api/countries/kenya").json()
    assert ken["country"] == "KEN" and ken["index"]["deployments"] == 1
    assert [d["vendor"] for d in ken["deployments"]] == ["Huawei"]
    assert ken["timeline"] and ken["timeline"][0]["year"] == 2015

    dep_id = ken["deployments"][0]["id"]
    dep = client.get(f"/api/deployments/{dep_id}").json()
    assert dep["review"] == "unreviewed" and len(dep["evidence"]) == 3
    assert {e["publisher"] for e in dep["evidence"]} == {
        "Nairobi Example Ledger",
        "Diario de Ejemplo",
        "Example Observer",
    }
    assert all(e["quote"] and e["url"].startswith("https://news.example.org/") for e in dep["evidence"])
    assert len(dep["claims"]) == 3 and len(dep["documents"]) == 3

    doc_url = f"/api/documents/{dep['evidence'][0]['document_id']}"
    doc = client.get(doc_url).json()
    # Anonymous readers get the evidence quotes, not the full text (source protection).
    assert dep_id in doc["deployments"] and doc["evidence"][0]["quote"] and doc["text"] is None
    signed_in = client.get(doc_url, headers=_auth(secrets["reviewer"])).json()
    assert doc["evidence"][0]["quote"] in signed_in["text"]

    vendors = {v["name"]: v for v in client.get("/api/vendors").json()["items"]}
    assert vendors["Huawei"]["deployments"] == 1
    huawei = client.get(f"/api/vendors/{vendors['Huawei']['id']}").json()
    assert [c["country"] for c in huawei["countries"]] == ["KEN"] and huawei["home_country"] == "CHN"

    ecu = client.get("/api/deployments", params={"country": "ECU", "technology": "facial_recognition"}).json()
    assert [d["vendor"] for d in ecu["items"]] == ["Hikvision"] and ecu["next_cursor"] is None

    flows = client.get("/api/flows", params={"supplier_country": "USA"}).json()["items"]
    assert [(f["country"], f["technology"]) for f in flows] == [("SRB", "facial_recognition")]


def test_csv_and_exports_follow_the_filter(api: tuple[TestClient, dict[str, str]]) -> None:
    client, _ = api
    text = client.get("/api/deployments", params={"country": "ECU", "format": "csv"}).text
    rows = list(csv.DictReader(io.StringIO(text)))
    assert rows and {r["country"] for r in rows} == {"ECU"} and "vendor" in rows[0]
    as_json = client.get("/api/export/deployments.json", params={"country": "ECU"}).json()
    assert sorted(r["id"] for r in rows) == sorted(r["id"] for r in as_json["deployments"])
    geo = client.get("/api/export/deployments.geojson", params={"vendor": "Huawei"})
    assert geo.headers["content-type"].startswith("application/geo+json")
    features = geo.json()["features"]
    assert [f["id"] for f in features] == ["KEN"]
    assert features[0]["geometry"]["type"] in ("Polygon", "MultiPolygon")
    assert features[0]["properties"]["name"] == "Kenya" and features[0]["properties"]["selected_deployments"] == 1
    index_csv = client.get("/api/countries", params={"format": "csv"}).text
    assert index_csv.splitlines()[0].startswith("country,name,deployments")
    snap = client.get("/api/export/snapshot.zip")
    assert snap.status_code == 200 and snap.content[:2] == b"PK"


def test_errors_are_json_without_stack_traces(api: tuple[TestClient, dict[str, str]]) -> None:
    client, _ = api
    for url, status in (
        ("/api/deployments/dep-missing", 404),
        ("/api/nothing-here", 404),
        ("/api/deployments?limit=0", 422),
        ("/api/countries/Atlantis", 404),
        ("/api/deployments?sort=colour", 400),
        ("/api/countries?edition=1999", 422),
    ):
        r = client.get(url)
        body = r.json()
        assert r.status_code == status, url
        assert set(body) == {"error"} and set(body["error"]) == {"code", "message"}, url
        assert "Traceback" not in r.text and 'File "' not in r.text


def test_limits_cors_and_offline_docs(store: Store) -> None:
    fill_api_store(store)
    with TestClient(create_app(store, dashboard=False, max_body_bytes=200)) as client:
        r = client.post("/api/review/x", content=b"{" + b" " * 500 + b"}", headers={"Content-Type": "application/json"})
        assert r.status_code == 413 and r.json()["error"]["code"] == "too_large"
        pre = client.options(
            "/api/countries",
            headers={"Origin": "https://elsewhere.example", "Access-Control-Request-Method": "GET"},
        )
        assert "access-control-allow-origin" not in pre.headers
        docs = client.get("/docs")
        assert docs.status_code == 200 and "http://" not in docs.text and "https://" not in docs.text
        assert "'unsafe-inline'" not in docs.headers["content-security-policy"].split("script-src")[1].split(";")[0]
        assert client.get("/static/vendor/swagger-ui/swagger-ui-bundle.js").status_code == 200
        assert "/api/deployments" in client.get("/openapi.json").json()["paths"]
    with TestClient(create_app(store, dashboard=False, cors_origins=["https://elsewhere.example"])) as client:
        got = client.get("/api/health", headers={"Origin": "https://elsewhere.example"})
        assert got.headers["access-control-allow-origin"] == "https://elsewhere.example"


def test_an_ingest_is_visible_on_the_next_request(store: Store, tmp_path: Path) -> None:
    """No time-based staleness: the caches key on the store version every write bumps."""
    from countersight.ingest import ingest

    fill_api_store(store)
    article = tmp_path / "in" / "zambia.txt"
    article.parent.mkdir()
    article.write_text(
        "Lusaka, 2 February 2024. Huawei installed facial recognition cameras for the police in Lusaka, "
        "Zambia, under a Safe City contract signed in 2023.\n",
        encoding="utf-8",
    )
    with TestClient(create_app(store), raise_server_exceptions=False) as client:
        before = {r["country"] for r in client.get("/api/countries").json()["items"]}
        assert "ZMB" not in before and "KEN" in before
        assert client.get("/country/ZMB").status_code in (200, 404)
        stats = ingest(store, [str(article.parent)])
        assert stats.new == 1 and stats.resolved["deployments_new"] == 1
        after = {r["country"]: r for r in client.get("/api/countries").json()["items"]}
        assert after["ZMB"]["deployments"] == 1
        page = client.get("/country/ZMB")
        assert page.status_code == 200 and "Huawei" in page.text
