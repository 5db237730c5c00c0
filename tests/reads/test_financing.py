"""Financing in the store (SQLite and PostgreSQL): idempotent AidData imports, figures checked
against sums computed independently from the CSVs, the index's financing columns, and an
extracted news claim merging with AidData's loan record into one deployment."""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path

import pytest

from countersight.datasets import import_aiddata_gcdf_surveillance, import_aiddata_huawei
from countersight.extract import extract_claims
from countersight.ids import content_hash
from countersight.model import Document
from countersight.publish.cli import main
from countersight.reads.financing import (
    country_financing_context,
    deployment_financing,
    financing_by_lender_country,
    financing_figures,
)
from countersight.reads.index import compute_index
from countersight.resolution import resolve_store
from countersight.sources.aigs import bundled
from countersight.store import Store, schema
from countersight.store import deployments as dstore

FILES = (
    "finance/aiddata_huawei_finance_gcdf2_surveillance.csv",
    "finance/aiddata_gcdf2_geocoded_surveillance.csv",
    "finance/aiddata_military_finance_gcdf2_surveillance.csv",
)

# Written for this test: a news-style report of the Islamabad Safe City.
NEWS = (
    "ISLAMABAD, 12 March 2016 -- The Safe City project in Islamabad, Pakistan, was built by Huawei "
    "with a concessional loan of RMB 850 million from China Exim Bank, the capital's administration said."
)


def _csv_surveillance_totals() -> tuple[set[str], float]:
    """Tier-1 projects of the hand-coded subsets and their 2017-USD total, each project once."""
    usd: dict[str, float | None] = {}
    for name in FILES:
        with bundled(name).open(encoding="utf-8-sig", newline="") as fh:
            for r in csv.DictReader(fh):
                if r["surveillance_tier"].startswith("1"):
                    cell = r["Amount (Constant USD2017)"].strip()
                    pid = r["AidData TUFF Project ID"]
                    usd[pid] = usd.get(pid) or (float(cell) if cell else None)
    return set(usd), sum(v for v in usd.values() if v)


def _import(store: Store) -> None:
    import_aiddata_huawei(store)
    import_aiddata_gcdf_surveillance(store)


def test_import_is_idempotent_and_figures_match_the_csvs(store: Store) -> None:
    _import(store)
    counts = {t.name: store.count(t) for t in (schema.documents, schema.claims, schema.evidence, schema.financing)}
    assert counts["financing"] == 165 + 14 + 30 and counts["claims"] == 13
    again = import_aiddata_huawei(store)
    assert again.added == {"documents": 0, "claims": 0, "evidence": 0, "financing": 0, "organizations": 0}
    import_aiddata_gcdf_surveillance(store)
    assert counts == {
        t.name: store.count(t) for t in (schema.documents, schema.claims, schema.evidence, schema.financing)
    }
    projects, total = _csv_surveillance_totals()
    fig = financing_figures(store)
    assert set(fig.projects) == projects and fig.deals == len(projects) == 11
    assert fig.total_usd_2017 == pytest.approx(total, abs=0.01)
    assert fig.original_currency_totals["CNY"] == 850_000_000.0
    assert fig.by_lender["Export-Import Bank of China"].deals == 3
    assert sum(v.deals for v in fig.by_instrument.values()) == fig.deals
    financiers = {o.name for o in store.organizations(kind="financier")}
    mofcom = "Ministry of Commerce of the People's Republic of China"
    assert {"Export-Import Bank of China", "Huawei", mofcom} <= financiers
    # Non-surveillance rows are context, never claims: Huawei's supplier's credits in Serbia.
    context = country_financing_context(store, "SRB")
    assert context and all(not r.surveillance and r.claim_id is None for r in context)
    assert any(r.financing.instrument == "supplier's credit" and r.financing.currency == "EUR" for r in context)


def test_news_claim_and_aiddata_loan_are_one_deployment(store: Store) -> None:
    import_aiddata_gcdf_surveillance(store)
    doc = Document(
        id=content_hash(NEWS),
        text=NEWS,
        url="https://news.example.org/islamabad-safe-city",
        title="Islamabad Safe City",
        publisher="Example News",
        published=dt.date(2016, 3, 12),
        language="en",
        source_kind="text",
    )
    # The 0.2 rules: this test is about merging a news claim with an AidData loan, not about extraction
    # quality (the learned model scores this sentence 0.18, under its threshold: docs/extraction.md).
    claims = extract_claims(doc, model=None)
    assert [(c.country, c.vendor, c.technology) for c in claims] == [("PAK", "Huawei", "safe_city")]
    store.add([doc], claims)
    resolve_store(store)
    deps = [r for r in dstore.deployment_rows(store) if r.country == "PAK"]
    assert len(deps) == 1
    dep = deps[0]
    assert dep.n_claims == 2 and sorted(dep.attrs["sources"]) == ["aiddata-gcdf", "extract"]
    # Two kinds of evidence: AidData's row (with the source it links) and the news text.
    kinds = {
        store.get_document(d).source_kind  # type: ignore[union-attr]
        for c in store.claims(country="PAK")
        for d in c.document_ids
    }
    assert kinds == {"dataset", "citation", "text"}
    fin = deployment_financing(store, dep.id).as_dicts()
    aid = [f for f in fin if f.get("project_id") == "37016"]
    assert len(aid) == 1 and aid[0]["amount"] == 850_000_000.0 and aid[0]["currency"] == "CNY"
    assert aid[0]["sources"] and aid[0]["attribution"].startswith("AidData")
    assert any(f.get("source") == "extract" and f["lender"] == "Export-Import Bank of China" for f in fin)
    # The index carries the financing, counted once per AidData project.
    pak = {r.country: r for r in compute_index(store)}["PAK"]
    assert pak.financed_deployments == 1 and pak.lenders == ("Export-Import Bank of China",)
    assert pak.financed_usd_2017 == pytest.approx(151769013.919269)
    flows = [f.as_dict() for f in financing_by_lender_country(store)]
    assert {
        "lender": "Export-Import Bank of China",
        "country": "TJK",
        "deals": 2,
        "usd_2017": pytest.approx(8123093.23503742 + 12184639.8525561),
    } in flows


def test_cli_figures_financing_json(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("COUNTERSIGHT_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    assert main(["import", "aiddata-gcdf-surveillance", "--format", "json"]) == 0
    reports = json.loads(capsys.readouterr().out)
    assert [r["dataset"] for r in reports] == ["aiddata-gcdf", "aiddata-military"]
    assert main(["figures", "--financing", "--format", "json"]) == 0
    fig = json.loads(capsys.readouterr().out)
    assert fig["by_instrument"]["preferential buyer's credit"]["deals"] == 1
    assert fig["share_concessional"] is not None and "ODC-By 1.0" in fig["notes"][-1]
    assert main(["financing", "--country", "TJK", "--format", "json"]) == 0
    deals = json.loads(capsys.readouterr().out)
    assert sorted(d["project_id"] for d in deals) == ["46215", "71411"]
    assert {d["lender"] for d in deals} == {"Export-Import Bank of China"}
