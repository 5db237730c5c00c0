"""The typed JSON of financing (publish/api/finance_models.py): the financing bodies have exactly
the keys their models name, and OpenAPI documents them."""

from __future__ import annotations

import warnings
from collections.abc import Iterator

import pytest
from pydantic import TypeAdapter

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    from fastapi.testclient import TestClient

from api_fixture import fill_api_store
from countersight.publish.api import finance_models, finance_views
from countersight.publish.api.app import create_app
from countersight.store import Store


@pytest.fixture
def api(store: Store) -> Iterator[tuple[TestClient, dict[str, str]]]:
    secrets = fill_api_store(store)
    with TestClient(create_app(store, dashboard=False), raise_server_exceptions=False) as client:
        yield client, secrets


def test_financing_bodies_match_their_models(api: tuple[TestClient, dict[str, str]]) -> None:
    client, _ = api
    overview = client.get("/api/financing").json()
    TypeAdapter(finance_models.FinancingOverview).validate_python(overview)
    assert set(overview) == set(finance_models.FinancingOverview.__annotations__)
    for cited in overview["attribution"]:
        assert set(cited) == set(finance_models.Attribution.__annotations__)
    summary = client.get("/api/countries/KEN").json()["financing"]
    TypeAdapter(finance_models.FinancingSummary).validate_python(summary)
    assert set(summary) == set(finance_models.FinancingSummary.__annotations__)


def test_a_deal_has_every_documented_field() -> None:
    assert tuple(finance_models.Deal.__annotations__) == finance_views.DEAL_FIELDS
    assert tuple(finance_models.LenderFlow.__annotations__) == (
        "lender",
        "country",
        "deals",
        "usd_2017",
        "country_name",
    )
    assert set(finance_views.FLOW_FIELDS) == set(finance_models.LenderFlow.__annotations__)


def test_openapi_documents_the_financing_overview(api: tuple[TestClient, dict[str, str]]) -> None:
    client, _ = api
    schemas = client.get("/openapi.json").json()["components"]["schemas"]
    assert set(schemas["FinancingOverview"]["properties"]) == {"figures", "flows", "attribution"}
    assert "Deal" in schemas and "LenderFlow" in schemas
