"""What the API shows of financing (publish/api/finance_views.py): lender names and aliases, the
financing fields of deployment lists, deals and the attribution of the data."""

from __future__ import annotations

import warnings
from collections.abc import Iterator

import pytest

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    from fastapi.testclient import TestClient

from api_fixture import fill_api_store
from countersight.publish.api import finance_views as fv
from countersight.publish.api import views
from countersight.publish.api.app import create_app
from countersight.store import Store


@pytest.fixture
def api(store: Store) -> Iterator[tuple[TestClient, dict[str, str]]]:
    secrets = fill_api_store(store)
    with TestClient(create_app(store, dashboard=False), raise_server_exceptions=False) as client:
        yield client, secrets


def _auth(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


def test_a_lender_is_named_by_its_canonical_name_or_an_alias() -> None:
    assert fv.names_lender(["Export-Import Bank of China"], "china eximbank")
    assert fv.names_lender(["China Exim Bank"], "Export-Import Bank of China")
    assert not fv.names_lender(["World Bank"], "China Eximbank")
    assert fv._split(" A ; B;; ") == ["A", "B"] and fv._split(None) == []


def test_attributions_cite_the_finance_datasets() -> None:
    cited = fv.attributions()
    assert [a["dataset"] for a in cited] == [d for d in fv.FINANCE_DATASETS if d in {a["dataset"] for a in cited}]
    assert cited and all(a["citation"] and "\n" not in a["citation"] for a in cited)
    assert fv.attributions(["no-such-dataset"]) == []


def test_deployments_without_financing_say_so(api: tuple[TestClient, dict[str, str]], store: Store) -> None:
    rows, _ = views.list_deployments(store, views.DeploymentFilter(), limit=None)
    assert rows and all(r["financed"] is False and r["lenders"] == [] for r in rows)
    marked = fv.add_financing_summary(store, rows[:1], {rows[0]["id"]: ["Example Bank"]})
    assert marked[0]["financed"] is True and marked[0]["lenders"] == ["Example Bank"]
    assert fv.deployment_deals(store, rows[0]["id"]) == []
    assert fv.flow_rows(store) == []
    assert fv.country_financing_detail(store, "KEN")["deals"] == []


def test_a_deal_names_its_document_and_licence(api: tuple[TestClient, dict[str, str]], store: Store) -> None:
    _, secrets = api
    record = {
        "dataset": "aiddata-huawei",
        "project_id": "P-1",
        "lender": "Example Bank; Other Bank",
        "amount": 1000.0,
        "currency": "USD",
        "document_id": secrets["hostile_document"],
        "sources": [{"url": "https://example.org/a"}],
        "attrs": {"amount_from_title": True},
    }
    deal = fv.deal_entry(store, record, "dep-1")
    assert list(deal) == list(fv.DEAL_FIELDS)
    assert deal["source"] == "aiddata-huawei" and deal["lenders"] == ["Example Bank", "Other Bank"]
    assert deal["amount_from_title"] is True and deal["deployment_id"] == "dep-1"
    assert deal["document"] is not None and deal["document"]["api"] == f"/api/documents/{secrets['hostile_document']}"
    assert deal["licence"] and deal["sources"] == [{"url": "https://example.org/a"}]
