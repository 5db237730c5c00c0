"""Financing computed from hand-made finance records: each project once, the headline figures,
per country and per deployment, and the lender -> recipient flows."""

from __future__ import annotations

import datetime as dt

from countersight.index import financing as fin
from countersight.index.records import DealTotal
from countersight.model import Financing
from index_fixture import finance_record


def test_each_project_once_its_most_complete_record_published_by_the_date() -> None:
    sparse = finance_record("10", dataset="aiddata-gcdf", usd_2017=None)
    rich = finance_record("10", dataset="aiddata-huawei")
    tie = finance_record("10", dataset="aiddata-military")
    other = finance_record("9", dataset="aiddata-military")
    assert fin.one_per_project([sparse, tie, rich, other]) == [other, rich]  # by project id, shorter first
    # The Huawei file came out on 2021-08-26, the GCDF files on 2021-09-01.
    assert fin.one_per_project([sparse, rich], as_of=dt.date(2021, 8, 31)) == [rich]
    assert fin.one_per_project([sparse], as_of=dt.date(2021, 8, 31)) == []


def test_lenders_of_a_joint_deal() -> None:
    assert fin.lenders_of(finance_record("1", lender="China Exim; ICBC ;")) == ["China Exim", "ICBC"]
    assert fin.lenders_of(finance_record("1", lender=None)) == []


def test_financing_figures_count_recommended_projects() -> None:
    records = [
        finance_record("1", lender="Exim", usd_2017=100.0, amount=700.0, currency="CNY", concessional=True),
        finance_record("2", lender="Exim; CDB", usd_2017=None, amount=50.0, currency="USD", concessional=None),
        finance_record("3", country="UGA", lender=None, instrument=None, usd_2017=20.0, concessional=False),
        finance_record("4", lender="Exim", recommended=False),
    ]
    f = fin.financing_figures(records)
    assert (f.scope, f.deals, f.deals_with_amount, f.total_usd_2017, f.countries) == ("surveillance", 3, 2, 120.0, 2)
    assert f.by_lender == {
        "Exim": DealTotal(2, 1, 100.0),
        "unknown": DealTotal(1, 1, 20.0),
        "CDB": DealTotal(1, 0, None),  # no amount stated: None, never 0
    }
    assert list(f.by_instrument) == ["loan", "unknown"]
    assert f.original_currency_totals == {"CNY": 800.0, "USD": 50.0}
    assert (f.share_concessional, f.share_concessional_usd_2017, f.concessionality_unknown) == (0.5, 0.8333, 1)
    assert (f.excluded_not_recommended, f.projects) == (("4",), ("1", "2", "3"))
    data = fin.financing_figures(records, as_of=dt.date(2022, 1, 1), surveillance=False).as_dict()
    assert (data["scope"], data["as_of"], data["projects"]) == ("all", "2022-01-01", ["1", "2", "3"])
    assert data["by_lender"]["CDB"] == {"deals": 1, "deals_with_amount": 0, "usd_2017": None}
    assert "ODC-By 1.0" in data["notes"][-1]
    rows = dict(fin.financing_table_rows(f))
    assert rows["share concessional (deals)"] == "50%" and rows["lender: CDB"] == "1 · not stated"
    assert rows["total (constant 2017 USD)"] == "120" and rows["original currency: CNY"] == "800"


def test_country_financing_counts_deployments_once() -> None:
    records = [
        finance_record("1", claim_id="c1", usd_2017=10.0, lender="Exim"),
        finance_record("2", claim_id="c2", usd_2017=5.5, lender="CDB", instrument="grant"),
        finance_record("3", country="UGA", claim_id="c3", usd_2017=None),
        finance_record("4", claim_id="c4", recommended=False),
    ]
    by_country = fin.country_financing(records, {"c1": "dep-1", "c2": "dep-1", "c3": None})
    ken = by_country["KEN"]
    assert (ken.financed_deployments, ken.financed_usd_2017) == (1, 15.5)  # both claims merged into dep-1
    assert (ken.lenders, ken.instruments, ken.projects) == (("CDB", "Exim"), ("grant", "loan"), ("1", "2"))
    assert by_country["UGA"].financed_deployments == 1 and by_country["UGA"].financed_usd_2017 is None


def test_deployment_financing_adds_news_claims_no_record_covers() -> None:
    records = [finance_record("1", claim_id="c1"), finance_record("1", dataset="aiddata-huawei", claim_id="c1")]
    news = Financing(lender="Exim", amount=850.0, currency="CNY")
    claims = [("c1", "aiddata-gcdf", "d1", news), ("c2", "aiddata-huawei", "d2", news), ("c3", "extract", "d3", news)]
    deals = fin.deployment_financing(records, claims)
    assert [r.dataset for r in deals.records] == ["aiddata-huawei"]
    assert [c.claim_id for c in deals.claims] == ["c3"]
    first, second = deals.as_dicts()
    assert (first["project_id"], first["lender"], first["attribution"]) == (
        "1",
        "Export-Import Bank of China",
        "AidData test",
    )
    assert "financing" not in first and first["sources"] == [{"url": "https://example.org/a"}]
    assert second == {
        "claim_id": "c3",
        "source": "extract",
        "document_id": "d3",
        "lender": "Exim",
        "instrument": None,
        "amount": 850.0,
        "currency": "CNY",
        "text": None,
        "amount_usd_2017": None,
        "concessional": None,
        "terms": None,
    }


def test_flows_from_lender_to_recipient() -> None:
    records = [
        finance_record("1", lender="Exim; CDB", usd_2017=10.0),
        finance_record("2", lender="Exim", usd_2017=None),
        finance_record("3", country="UGA", lender=None, usd_2017=1.234),
        finance_record("4", lender="Exim", recommended=False),
    ]
    flows = fin.financing_by_lender_country(records)
    assert [(f.lender, f.country, f.deals, f.usd_2017) for f in flows] == [
        ("CDB", "KEN", 1, 10.0),
        ("Exim", "KEN", 2, 10.0),
        ("unknown", "UGA", 1, 1.23),
    ]
    assert flows[0].as_dict() == {"lender": "CDB", "country": "KEN", "deals": 1, "usd_2017": 10.0}
