"""Financing in the HTTP API and the dashboard (issue 8), on SQLite and PostgreSQL, over a store built by
the real AidData imports of the bundled files plus resolution: the Islamabad loan with its currency, 2017 USD,
AidData row and cited source; the Tajikistan loans and the Kampala grants; the ``financed`` and ``lender``
filters against a direct computation from the store; the countries' financing columns against the index."""

from __future__ import annotations

import csv
import datetime as dt
import re
import warnings
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import select

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    from fastapi.testclient import TestClient

from countersight.datasets import import_aiddata_gcdf_surveillance, import_aiddata_huawei
from countersight.extract import extract_claims
from countersight.ids import content_hash
from countersight.model import Document
from countersight.publish.api import finance_views as fv
from countersight.publish.api import financing
from countersight.publish.api.app import create_app
from countersight.reads import country_financing, financing_by_lender_country, financing_figures
from countersight.resolution import resolve_store
from countersight.sources.aigs import bundled
from countersight.store import Store, schema
from countersight.store import deployments as dstore
from countersight.store.financing import financing_records

GEOCODED = "finance/aiddata_gcdf2_geocoded_surveillance.csv"
HUAWEI_TIERED = "finance/aiddata_huawei_finance_gcdf2_surveillance.csv"
PROJECT = "AidData TUFF Project ID"
USD_2017 = "Amount (Constant USD2017)"
# Written for these tests: news reports, one stating the Islamabad loan, two stating no financing.
NEWS = (
    "ISLAMABAD, 12 March 2016 -- The Safe City project in Islamabad, Pakistan, was built by Huawei with a "
    "concessional loan of RMB 850 million from China Exim Bank, the capital's administration said.",
    "NAIROBI, 3 May 2018 -- Hikvision installed facial recognition cameras for the National Police Service in "
    "Nairobi, Kenya, the ministry said.",
    "QUITO, 2 June 2019 -- ZTE supplied video surveillance cameras to the ECU 911 emergency service in Quito, Ecuador.",
)


def _rows(name: str) -> list[dict[str, str]]:
    with bundled(name).open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def _tier1(name: str, recipient: str) -> dict[str, dict[str, str]]:
    return {
        r[PROJECT]: r for r in _rows(name) if r["Recipient"] == recipient and r["surveillance_tier"].startswith("1")
    }


@pytest.fixture
def fin_api(store: Store) -> Iterator[tuple[TestClient, Store]]:
    import_aiddata_huawei(store)
    import_aiddata_gcdf_surveillance(store)
    for i, text in enumerate(NEWS):
        doc = Document(
            id=content_hash(text),
            text=text,
            url=f"https://news.example.org/report-{i}",
            title=f"Example report {i}",
            publisher="Example News",
            published=dt.date(2019, 1, 1 + i),
            language="en",
            source_kind="text",
        )
        store.add([doc], extract_claims(doc, model=None))  # the rules: financing, not extraction, is tested
    resolve_store(store)
    with TestClient(create_app(store), raise_server_exceptions=False) as client:
        yield client, store


def _csv_ids(client: TestClient, params: dict[str, str]) -> set[str]:
    r = client.get("/api/deployments", params={**params, "format": "csv"})
    assert r.status_code == 200, r.text
    return {row["id"] for row in csv.DictReader(r.text.splitlines())}


def _paged_ids(client: TestClient, params: dict[str, str]) -> list[str]:
    ids: list[str] = []
    cursor = None
    while True:
        body = client.get("/api/deployments", params={**params, "limit": "3", **({"cursor": cursor} if cursor else {})})
        assert body.status_code == 200, body.text
        ids += [d["id"] for d in body.json()["items"]]
        cursor = body.json()["next_cursor"]
        if cursor is None:
            return ids


def test_islamabad_loan_in_its_currency_with_its_sources(fin_api: tuple[TestClient, Store]) -> None:
    client, _ = fin_api
    (row,) = [r for r in _tier1(GEOCODED, "Pakistan").values() if "Islamabad" in r["Title"]]
    # This file has no original-currency column: the amount is in the title ("RMB <n> million").
    m = re.search(r"\bRMB ([\d.,]+) million\b", row["Title"])
    assert m is not None
    amount = float(m[1].replace(",", "")) * 1e6

    items = client.get("/api/deployments", params={"country": "PAK", "financed": "true"}).json()["items"]
    (item,) = [d for d in items if d["city"] == "Islamabad"]
    assert item["financed"] is True and item["lenders"] == [row["Funding Agencies"]]

    dep = client.get(f"/api/deployments/{item['id']}").json()
    (deal,) = [f for f in dep["financing"] if f["project_id"] == row[PROJECT]]
    assert (deal["lender"], deal["instrument"], deal["concessional"]) == (
        row["Funding Agencies"],
        "concessional loan",
        True,
    )
    assert (deal["amount"], deal["currency"]) == (amount, "CNY")
    assert deal["amount_usd_2017"] == float(row[USD_2017]) and deal["amount_from_title"] == m[0]
    # Linked to AidData's row document (the claim's first evidence) and the source the row cites.
    document = deal["document"]
    assert (document["publisher"], document["source_kind"], document["dataset"]) == (
        "AidData",
        "dataset",
        "aiddata-gcdf",
    )
    assert row["Title"].strip() in client.get(document["api"]).json()["text"]
    # The news report's financing is a second, extracted entry of the same deployment.
    (news,) = [f for f in dep["financing"] if f["source"] == "extract"]
    assert (news["lender"], news["amount"], news["document"]["publisher"]) == (
        row["Funding Agencies"],
        amount,
        "Example News",
    )
    assert news["licence"] is None and news["project_id"] is None
    aiddata_evidence = [e for e in dep["evidence"] if e["claim_id"] == deal["claim_id"]]
    assert aiddata_evidence[0]["document_id"] == document["id"]
    assert [s["url"] for s in deal["sources"]] == [row["viz_geojson_url"]]
    for source in deal["sources"]:
        cited = client.get(f"/api/documents/{source['document_id']}").json()
        assert cited["url"] == source["url"] and cited["source_kind"] == "citation"
    assert deal["attribution"].startswith("AidData") and deal["licence"] == "ODC-By 1.0"

    page = client.get(f"/deployment/{item['id']}")
    assert page.status_code == 200
    html = page.text
    assert f"CNY {amount:,.0f}" in html and f"USD {float(row[USD_2017]):,.0f}" in html
    assert f'href="/document/{document["id"]}"' in html
    assert f'href="/document/{deal["sources"][0]["document_id"]}"' in html
    assert 'id="financing-attribution"' in html and "AidData" in html and "Licence: ODC-By 1.0" in html


def test_tajikistan_loans_and_kampala_grants(fin_api: tuple[TestClient, Store]) -> None:
    client, _ = fin_api
    tjk_rows = _tier1(GEOCODED, "Tajikistan")
    tjk = client.get("/api/countries/TJK").json()["financing"]
    assert {d["project_id"] for d in tjk["deals"]} == set(tjk_rows) and len(tjk_rows) == 2
    for deal in tjk["deals"]:
        row = tjk_rows[deal["project_id"]]
        assert deal["lender"] == row["Funding Agencies"] and deal["amount_usd_2017"] == float(row[USD_2017])
        assert deal["instrument"] in ("concessional loan", "preferential buyer's credit")
        assert deal["document"]["publisher"] == "AidData" and deal["deployment_id"]
        dep = client.get(f"/api/deployments/{deal['deployment_id']}").json()
        assert deal["project_id"] in {f["project_id"] for f in dep["financing"]}

    uga_rows = _tier1(HUAWEI_TIERED, "Uganda")
    uga = client.get("/api/countries/UGA").json()["financing"]
    assert {d["project_id"] for d in uga["deals"]} == set(uga_rows) and len(uga_rows) == 2
    for deal in uga["deals"]:
        row = uga_rows[deal["project_id"]]
        assert "Kampala" in deal["title"] and deal["instrument"] == "grant" and deal["lender"] == "Huawei"
        assert deal["amount"] == (
            float(row["Amount (Original Currency)"]) if row["Amount (Original Currency)"] else None
        )
        assert [s["url"] for s in deal["sources"]] == row["Source URLs"].split("|")
        assert all(client.get(f"/api/documents/{s['document_id']}").status_code == 200 for s in deal["sources"])
        html = client.get(f"/deployment/{deal['deployment_id']}").text
        assert f"AidData project {deal['project_id']}" in html and "ODC-By 1.0" in html
    country_page = client.get("/country/UGA").text
    assert 'id="financing"' in country_page and all(f"AidData project {p}" in country_page for p in uga_rows)


def _store_financing(store: Store) -> dict[str, set[str]]:
    """Deployment -> lenders, from the claims' own financing (computed here, not by the API code)."""
    c = schema.claims
    with store.engine.connect() as conn:
        deployment_of = dict(conn.execute(select(c.c.id, c.c.deployment_id)).all())
    out: dict[str, set[str]] = {}
    for claim in store.claims():
        if claim.financing is not None:
            lenders = {x.strip() for x in (claim.financing.lender or "").split(";") if x.strip()}
            out.setdefault(deployment_of[claim.id], set()).update(lenders)
    return out


def test_financed_and_lender_filters_match_the_store(fin_api: tuple[TestClient, Store]) -> None:
    client, store = fin_api
    financed = _store_financing(store)
    everything = {r.id for r in dstore.deployment_rows(store)}
    assert len(financed) >= 8 and len(everything - set(financed)) >= 2

    paged = _paged_ids(client, {"financed": "true"})
    assert len(paged) == len(set(paged)) and set(paged) == set(financed)
    assert _csv_ids(client, {"financed": "true"}) == set(financed)
    assert _csv_ids(client, {"financed": "false"}) == everything - set(financed)
    assert set(_paged_ids(client, {"financed": "true", "as_of": "2100-01-01"})) == set(financed)
    assert _csv_ids(client, {"financed": "true", "country": "TJK"}) == {
        d for d in financed if d in {r.id for r in dstore.deployment_rows(store) if r.country == "TJK"}
    }

    lenders = {x for v in financed.values() for x in v}
    assert {"Export-Import Bank of China", "Huawei"} <= lenders
    for lender in lenders:
        want = {d for d, v in financed.items() if lender in v}
        assert set(_paged_ids(client, {"lender": lender})) == want, lender
        assert _csv_ids(client, {"lender": lender}) == want, lender
    # Aliases and case name the same financier; an unknown lender matches nothing.
    eximbank = {d for d, v in financed.items() if "Export-Import Bank of China" in v}
    assert _csv_ids(client, {"lender": "China Eximbank"}) == eximbank
    assert _csv_ids(client, {"lender": "huawei"}) == {d for d, v in financed.items() if "Huawei" in v}
    assert _csv_ids(client, {"lender": "Example Nobody Bank"}) == set()

    items = client.get("/api/deployments", params={"limit": "500"}).json()["items"]
    assert {d["id"]: set(d["lenders"]) for d in items if d["financed"]} == financed
    assert all(not d["lenders"] for d in items if not d["financed"])

    # Every AidData claim's first evidence is its own row document, cited sources after it.
    row_docs = {r.claim_id: r.document_id for r in financing_records(store) if r.claim_id}
    claims = [c for c in store.claims() if c.id in row_docs]
    assert len(claims) == len(row_docs) and all(c.evidence[0].document_id == row_docs[c.id] for c in claims)
    assert any(len(c.evidence) > 1 for c in claims)


def _approx(value: Any) -> Any:
    return pytest.approx(value) if isinstance(value, float) else value


def test_country_columns_and_figures_equal_the_index(fin_api: tuple[TestClient, Store]) -> None:
    client, store = fin_api
    expected = country_financing(store)
    assert {"PAK", "TJK", "UGA"} <= set(expected)
    rows = {r["country"]: r for r in client.get("/api/countries").json()["items"]}
    csv_rows = {r["country"]: r for r in csv.DictReader(client.get("/api/countries?format=csv").text.splitlines())}
    for code, fin in expected.items():
        want = {
            "financed_deployments": fin.financed_deployments,
            "financed_usd_2017": _approx(fin.financed_usd_2017),
            "lenders": list(fin.lenders),
            "instruments": list(fin.instruments),
        }
        assert {k: rows[code][k] for k in want} == want, code
        detail = client.get(f"/api/countries/{code}").json()
        assert {k: detail["index"][k] for k in want} == want, code
        assert {k: detail["financing"][k] for k in want} == want, code
        assert sorted(d["project_id"] for d in detail["financing"]["deals"] if d["recommended"]) == sorted(fin.projects)
        assert csv_rows[code]["lenders"] == ";".join(fin.lenders)
        assert int(csv_rows[code]["financed_deployments"]) == fin.financed_deployments
    assert all(r["financed_deployments"] == 0 for code, r in rows.items() if code not in expected)

    overview = client.get("/api/financing").json()
    assert overview["figures"] == financing_figures(store).as_dict()
    flows = [f.as_dict() for f in financing_by_lender_country(store)]
    assert [{k: f[k] for k in ("lender", "country", "deals", "usd_2017")} for f in overview["flows"]] == flows
    assert {a["licence"] for a in overview["attribution"]} == {"ODC-By 1.0"}
    flow_csv = list(csv.DictReader(client.get("/api/financing?format=csv").text.splitlines()))
    assert [(r["lender"], r["country"], int(r["deals"])) for r in flow_csv] == [
        (f["lender"], f["country"], f["deals"]) for f in flows
    ]
    assert (
        client.get("/api/financing", params={"scope": "all"}).json()["figures"]
        == financing_figures(store, surveillance=False).as_dict()
    )
    spec = client.get("/openapi.json").json()
    assert "/api/financing" in spec["paths"]
    params = {p["name"] for p in spec["paths"]["/api/deployments"]["get"]["parameters"]}
    assert {"financed", "lender"} <= params

    page = client.get("/financing").text
    assert 'id="financing-flows"' in page and "ODC-By 1.0" in page
    for f in flows:
        assert f'href="/deployments?country={f["country"]}&amp;lender=' in page
    listed = client.get("/deployments", params={"country": "TJK", "lender": "China Eximbank"}).text
    assert listed.count('href="/deployment/') == len(_csv_ids(client, {"country": "TJK", "lender": "China Eximbank"}))
    assert "Export-Import Bank of China" in listed
    assert 'value="financing"' in client.get("/").text


def test_the_endpoint_answers_the_overview_and_its_flows(fin_api: tuple[TestClient, Store]) -> None:
    import json

    client, store = fin_api
    direct = financing.financing(as_of=None, scope="surveillance", format="json", store=store)
    assert json.loads(bytes(direct.body)) == client.get("/api/financing").json()
    flows = financing.financing(as_of=dt.date(1990, 1, 1), scope="surveillance", format="csv", store=store)
    assert bytes(flows.body).decode().splitlines() == [",".join(fv.FLOW_FIELDS)]  # nothing published by then
