"""The HTTP API (publish/api/app.py) on SQLite and PostgreSQL: read endpoints, filters, stable
cursor pages, CSV and GeoJSON exports, full-text search, JSON errors, tokens and review writes."""

from __future__ import annotations

import csv
import io
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    from fastapi.testclient import TestClient

from api_fixture import HOSTILE_QUOTE, fill_api_store
from countersight.publish.api.app import create_app
from countersight.store import Store
from countersight.store.tokens import list_tokens, revoke_token


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


def test_writes_need_a_token_with_the_right_role(api: tuple[TestClient, dict[str, str]], store: Store) -> None:
    client, secrets = api
    dep_id = client.get("/api/deployments", params={"country": "KEN"}).json()["items"][0]["id"]
    body = {"action": "accept", "reason": "three independent reports"}
    assert client.post(f"/api/review/{dep_id}", json=body).status_code == 401
    assert client.post(f"/api/review/{dep_id}", json=body, headers=_auth("cs_wrong")).status_code == 401
    r = client.post(f"/api/review/{dep_id}", json=body, headers=_auth(secrets["reviewer"]))
    assert r.status_code == 201 and r.json()["event"]["actor"] == "Rita Reviewer"
    detail = client.get(f"/api/deployments/{dep_id}").json()
    assert detail["review"] == "accepted"
    assert [(e["action"], e["actor"]) for e in detail["history"]] == [("accept", None)]  # anonymous
    detail = client.get(f"/api/deployments/{dep_id}", headers=_auth(secrets["admin"])).json()
    assert [(e["action"], e["actor"]) for e in detail["history"]] == [("accept", "Rita Reviewer")]
    assert client.get("/api/deployments", params={"reviewed": "true"}).json()["items"][0]["id"] == dep_id

    edit = {"action": "edit", "reason": "the contract names the city", "fields": {"city": "Mombasa"}}
    assert client.post(f"/api/review/{dep_id}", json=edit, headers=_auth(secrets["reviewer"])).status_code == 201
    assert client.get(f"/api/deployments/{dep_id}").json()["city"] == "Mombasa"
    bad = client.post(
        f"/api/review/{dep_id}",
        json={"action": "edit", "reason": "x", "fields": {"colour": "red"}},
        headers=_auth(secrets["reviewer"]),
    )
    assert bad.status_code == 422 and "colour" in bad.json()["error"]["message"]

    submission = {"text": "Huawei supplied a safe city system to Lusaka, Zambia.", "title": "A test note"}
    assert client.post("/api/documents", json=submission, headers=_auth(secrets["reviewer"])).status_code == 403
    made = client.post("/api/documents", json=submission, headers=_auth(secrets["admin"]))
    assert made.status_code == 201 and made.json()["new"] is True
    assert client.get(f"/api/documents/{made.json()['document_id']}").json()["title"] == "A test note"

    assert client.get("/api/me", headers=_auth(secrets["reviewer"])).json()["role"] == "reviewer"
    revoke_token(store, next(t.id for t in list_tokens(store) if t.role == "reviewer"))
    assert client.get("/api/me", headers=_auth(secrets["reviewer"])).status_code == 401
    queue = client.get("/api/review/queue", headers=_auth(secrets["admin"])).json()["items"]
    assert dep_id not in [i["target_id"] for i in queue] and queue


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


def test_index_cache_is_bounded_and_keyed_by_version(store: Store) -> None:
    import datetime as dt

    from countersight.publish.api.deps import IndexCache, VersionedCache

    fill_api_store(store)
    shared = VersionedCache(max_entries=5)
    for day in range(30):
        IndexCache(shared).get_index(store, dt.date(2019, 1, 1) + dt.timedelta(days=day), "live")
    assert len(shared) == 5
    rows = IndexCache(shared).get_index(store, None, "live")
    assert IndexCache(shared).get_index(store, None, "live") is rows  # same version: served from the cache
    with store.transaction():
        pass  # any write moves the version
    assert IndexCache(shared).get_index(store, None, "live") is not rows and len(shared) == 1
    # One request reads the version once, however many variants it asks for.
    reads = []
    original = store.version

    def counted() -> int:
        reads.append(1)
        return original()

    store.version = counted  # type: ignore[method-assign]
    request_view = IndexCache(shared)
    for edition in ("live", "2019", "2022"):
        request_view.get_index(store, None, edition)
    request_view.vendor_counts(store)
    assert len(reads) == 1


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
