"""The index's records and their JSON forms: the AIGS coding, diff entries, the analysis tests,
figures and financing (key order included: the CLI and the API print these as they are)."""

from __future__ import annotations

import datetime as dt

from countersight.index import records as rec
from countersight.model import Financing
from index_fixture import finance_record


def test_coding_as_json() -> None:
    live = rec.AigsCoding("2022", True, 12, "EA")
    edition = rec.EditionCoding("2019", None, None, "ED", True, False, True)
    assert live.as_dict() == {"edition": "2022", "bri": True, "military_rank": 12, "regime": "EA"}
    assert list(edition.as_dict())[4:] == ["china_tech", "us_tech", "multiple_vendors"]


def test_diff_entries() -> None:
    brief = rec.DeploymentBrief("d1", "KEN", None, "CHN", None, "reported", 0.7, dt.date(2019, 1, 2), None, 2)
    assert brief.as_dict()["first_seen"] == "2019-01-02" and brief.as_dict()["last_seen"] is None
    change = rec.StatusChange(**vars(brief), from_status="planned", to_status="reported")
    assert list(change.as_dict()) == [*brief.as_dict(), "from_status", "to_status"]
    state = rec.CountryState({"safe_city": 1}, 0, {"reported": 1}, {"CHN": 1}, ("Huawei",))
    moved = rec.CountryChange("KEN", state, rec.CountryState({}, 1, {"reported": 1}, {}, ()))
    assert moved.as_dict()["from"]["vendors"] == ["Huawei"] and moved.as_dict()["to"]["unspecified"] == 1
    assert list(moved.as_dict()) == ["country", "from", "to"]


def test_tests_print_what_they_computed_or_why_not() -> None:
    table = (("LD", 3, 1), ("ED", 2, 2))
    skipped = rec.ChiSquare("chi-square", 8, table, note="not computed: an empty row or column")
    assert skipped.as_dict() == {"test": "chi-square", "n": 8, "table": [[3, 1], [2, 2]], "note": skipped.note}
    done = rec.ChiSquare("chi-square", 8, table, chi2=0.53, dof=1, p_value=0.46, min_expected=1.5)
    assert done.as_dict()["table"] == {"LD": {"using": 3, "not_using": 1}, "ED": {"using": 2, "not_using": 2}}
    assert list(done.as_dict()) == ["test", "table", "chi2", "dof", "p_value", "n", "min_expected"]
    term = rec.LogitTerm("const", 0.1, 0.2, -0.3, 0.5, 0.6, 1.1052)
    fit = rec.Logistic("logit", 30, n_using=12, pseudo_r2=0.1, log_likelihood=-18.0, converged=True,
                       coefficients=(term,), excluded="none")  # fmt: skip
    assert fit.as_dict()["coefficients"] == [
        {
            "term": "const",
            "coef": 0.1,
            "std_err": 0.2,
            "ci_low": -0.3,
            "ci_high": 0.5,
            "p_value": 0.6,
            "odds_ratio": 1.1052,
        }
    ]
    assert rec.Logistic("logit", 3, note="too few").as_dict() == {"model": "logit", "n": 3, "note": "too few"}
    military = rec.MilitarySpending(1, ("KEN",), "ranks", 2021, 1.5, None, 1, 0)
    assert military.as_dict()["top50_countries"] == ["KEN"]


def test_figures_and_their_comparison() -> None:
    figures = rec.Figures("2019", 1, {"safe_city": 1}, {"CHN": 1}, {}, 1, {"Huawei": 1}, 0, 1,
                          {"EA": rec.RegimeCount(1, None)}, ("a note",))  # fmt: skip
    assert figures.as_dict()["by_regime"] == {"EA": {"using": 1, "total": None}}
    assert figures.as_dict()["notes"] == ["a note"]
    row = rec.FigureRow("countries", {"2019": "1", "live": None})
    comparison = rec.FigureComparison(("2019", "live"), (row,), {"2019": figures})
    assert comparison.as_dict()["rows"] == [{"figure": "countries", "2019": "1", "live": None}]
    assert comparison.as_dict()["figures"]["2019"]["countries"] == 1


def test_financing_records_as_json() -> None:
    record = finance_record("7", claim_id="c7")
    deal = rec.record_dict(record)
    assert (deal["project_id"], deal["lender"], deal["amount_usd_2017"], deal["claim_id"]) == (
        "7",
        "Export-Import Bank of China",
        15.0,
        "c7",
    )
    assert deal["sources"] == [{"url": "https://example.org/a"}] and deal["attribution"] == "AidData test"
    news = rec.ClaimFinancing("c8", "extract", "d8", Financing(lender="Exim"))
    assert list(news.as_dict())[:4] == ["claim_id", "source", "document_id", "lender"]
    assert rec.DeploymentFinancing((record,), (news,)).as_dicts() == [deal, news.as_dict()]
    totals = rec.FinancingFigures("all", None, 1, 1, 15.0, 1, {"Exim": rec.DealTotal(1, 1, 15.0)}, {}, {"CNY": 100.0},
                                  1.0, 1.0, 0, (), ("7",), ("note",))  # fmt: skip
    data = totals.as_dict()
    assert data["as_of"] is None and data["projects"] == ["7"] and data["excluded_not_recommended"] == []
    assert data["by_lender"] == {"Exim": {"deals": 1, "deals_with_amount": 1, "usd_2017": 15.0}}
    assert rec.LenderFlow("Exim", "KEN", 1, 15.0).as_dict() == {
        "lender": "Exim",
        "country": "KEN",
        "deals": 1,
        "usd_2017": 15.0,
    }
