"""The typed JSON of the API (publish/api/models.py): each body has exactly the keys its model names,
and OpenAPI documents the models."""

from __future__ import annotations

import warnings
from collections.abc import Iterator

import pytest

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    from fastapi.testclient import TestClient

from pydantic import TypeAdapter

from api_fixture import fill_api_store
from countersight.publish.api import models
from countersight.publish.api.app import create_app
from countersight.store import Store


@pytest.fixture
def api(store: Store) -> Iterator[tuple[TestClient, dict[str, str]]]:
    secrets = fill_api_store(store)
    with TestClient(create_app(store, dashboard=False), raise_server_exceptions=False) as client:
        yield client, secrets


def _auth(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


def _same_keys(model: type, body: object) -> None:
    """The body validates against the model and has no key the model does not name."""
    TypeAdapter(model).validate_python(body)
    if isinstance(body, dict):
        assert set(body) == set(model.__annotations__) | _inherited(model), (
            model,
            set(body) ^ set(model.__annotations__),
        )


def _inherited(model: type) -> set[str]:
    return {k for base in model.__mro__[1:] for k in getattr(base, "__annotations__", {})}


def test_bodies_have_the_keys_their_models_name(api: tuple[TestClient, dict[str, str]]) -> None:
    client, secrets = api
    page = client.get("/api/deployments").json()
    _same_keys(models.DeploymentPage, page)
    for item in page["items"]:
        _same_keys(models.DeploymentItem, item)
    dep_id = page["items"][0]["id"]
    detail = client.get(f"/api/deployments/{dep_id}").json()
    _same_keys(models.DeploymentDetail, detail)
    for claim in detail["claims"]:
        _same_keys(models.ClaimView, claim)
    _same_keys(models.ReviewStateBody, detail["review_state"])
    _same_keys(models.Health, client.get("/api/health").json())
    vendors = client.get("/api/vendors").json()
    _same_keys(models.VendorPage, vendors)
    _same_keys(models.VendorItem, vendors["items"][0])
    vendor = client.get(f"/api/vendors/{vendors['items'][0]['id']}").json()
    _same_keys(models.VendorDetail, vendor)
    country = client.get("/api/countries/KEN").json()
    _same_keys(models.CountryDetail, country)
    _same_keys(models.FinancingSummary, country["financing"])
    doc = client.get(f"/api/documents/{detail['evidence'][0]['document_id']}").json()
    _same_keys(models.DocumentDetail, doc)
    _same_keys(models.EvidenceQuote, doc["evidence"][0])
    search = client.get("/api/search", params={"q": "nairobi"}).json()
    _same_keys(models.SearchResult, search)
    _same_keys(models.QuoteHit, search["evidence"][0])
    _same_keys(models.FlowList, client.get("/api/flows").json())
    _same_keys(models.FinancingOverview, client.get("/api/financing").json())
    _same_keys(models.Me, client.get("/api/me", headers=_auth(secrets["reviewer"])).json())
    action = {"action": "note", "reason": "checked the source"}
    made = client.post(f"/api/review/{dep_id}", json=action, headers=_auth(secrets["reviewer"])).json()
    _same_keys(models.ReviewResult, made)
    _same_keys(models.ReviewEventBody, made["event"])
    _same_keys(models.ReviewHistory, client.get(f"/api/review/{dep_id}/history").json())
    _same_keys(models.ReviewQueue, client.get("/api/review/queue", headers=_auth(secrets["reviewer"])).json())


def test_openapi_names_the_models(api: tuple[TestClient, dict[str, str]]) -> None:
    client, _ = api
    spec = client.get("/openapi.json").json()

    def ref(path: str, method: str = "get", status: str = "200") -> str:
        content = spec["paths"][path][method]["responses"][status]["content"]
        return str(content["application/json"]["schema"]["$ref"]).rsplit("/", 1)[-1]

    assert ref("/api/deployments") == "DeploymentPage"
    assert ref("/api/deployments/{deployment_id}") == "DeploymentDetail"
    assert ref("/api/vendors") == "VendorPage" and ref("/api/health") == "Health"
    assert ref("/api/documents", "post", "201") == "Submitted"
    assert ref("/api/review/{target_id}", "post", "201") == "ReviewResult"
    item = spec["components"]["schemas"]["DeploymentItem"]
    assert set(item["properties"]) == set(models.DeploymentItem.__annotations__)
