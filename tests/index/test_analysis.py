"""The governance analysis over hand-made index rows: adoption and supply by regime type and Belt
and Road membership, military spending, the chi-square test and the logistic regression."""

from __future__ import annotations

import datetime as dt

from countersight.index.analysis import analysis_year, analyze
from countersight.index.records import AigsCoding
from countersight.records import Governance, MilitaryExpenditure, Regime
from index_fixture import index_row

REGIMES = {"AAA": "LD", "BBB": "LD", "CCC": "ED", "DDD": "EA", "EEE": "CA"}
GOVERNANCE = Governance(
    {c: Regime(i, lab, 2021) for i, (c, lab) in enumerate(REGIMES.items())},
    {c: MilitaryExpenditure(pct, 2021) for c, pct in {"AAA": 2.0, "BBB": 1.0, "CCC": 4.0, "EEE": 3.0}.items()},
)
ROWS = [
    index_row("AAA", {"safe_city": 1}, {"CHN": 1, "USA": 1}, coded=AigsCoding("2022", True, 10, "LD")),
    index_row("BBB"),  # in the index without any technology in use
    index_row("CCC", {"safe_city": 2}, {"CHN": 2}, coded=AigsCoding("2022", False, 60, "ED")),
    index_row("DDD", supplier_origins={"USA": 1}, unspecified=1),
    index_row("XXX", {"smart_policing": 1}, {"USA": 1}),  # no regime type that year
]


def test_adoption_and_supply_by_regime_type_and_belt_and_road() -> None:
    result = analyze(ROWS, GOVERNANCE, 2021, as_of=dt.date(2022, 1, 1))
    assert [(a.regime, a.using, a.total, a.share) for a in result.adoption_by_regime] == [
        ("LD", 1, 2, 0.5),
        ("ED", 1, 1, 1.0),
        ("EA", 1, 1, 1.0),
        ("CA", 0, 1, 0.0),
    ]
    assert result.adoption_by_regime[0].name == "liberal democracy"
    assert result.unclassified == ("XXX",)
    assert [(s.regime, s.using, s.chinese, s.us, s.both) for s in result.supply_by_regime] == [
        ("LD", 1, 1, 1, 1),
        ("ED", 1, 1, 0, 0),
        ("EA", 1, 0, 1, 0),
        ("CA", 0, 0, 0, 0),
    ]
    assert [(b.bri, b.using, b.chinese, b.us) for b in result.supply_by_bri] == [
        ("BRI member", 1, 1, 1),
        ("not a BRI member", 1, 1, 0),
        ("not coded", 2, 0, 2),
    ]
    assert "Regimes of the World type for 2021" in result.universe and "not that it exists" in result.caveat


def test_military_spending_of_users_and_non_users() -> None:
    m = analyze(ROWS, GOVERNANCE, 2021).military
    assert (m.top50_using, m.top50_countries, m.pct_gdp_year) == (1, ("AAA",), 2021)
    assert (m.median_pct_gdp_using, m.n_using_with_pct_gdp) == (3.0, 2)  # AAA 2.0 and CCC 4.0
    assert (m.median_pct_gdp_not_using, m.n_not_using_with_pct_gdp) == (2.0, 2)  # BBB 1.0 and EEE 3.0


def test_tests_say_why_they_were_not_computed() -> None:
    result = analyze(ROWS, GOVERNANCE, 2021)
    chi = result.chi_square
    assert chi.note is None and (chi.n, chi.dof) == (5, 3) and chi.p_value is not None and 0 < chi.p_value <= 1
    assert chi.as_dict()["table"]["CA"] == {"using": 0, "not_using": 1}
    assert result.logistic.note == "not computed: too few countries" and result.logistic.as_dict() == {
        "model": "logit",
        "n": 4,  # the countries with a regime type and military spending
        "note": "not computed: too few countries",
    }
    no_ca = Governance({c: r for c, r in GOVERNANCE.regimes.items() if r.label != "CA"}, GOVERNANCE.military)
    empty = analyze(ROWS, no_ca, 2021).chi_square
    assert empty.note == "not computed: an empty row or column" and empty.chi2 is None
    assert empty.as_dict()["table"] == [[1, 1], [1, 0], [1, 0], [0, 0]]


def test_logistic_regression_over_enough_countries() -> None:
    labels = ("LD", "ED", "EA", "CA")
    codes = [f"C{i:02d}" for i in range(24)]
    governance = Governance(
        {c: Regime(i, labels[i % 4], 2021) for i, c in enumerate(codes)},
        {c: MilitaryExpenditure(0.5 + (i * 7 % 24) / 8, 2021) for i, c in enumerate(codes)},
    )
    users = {0, 1, 3, 4, 6, 9, 10, 13, 15, 17, 18, 21, 22}  # each regime type has users and non-users
    rows = [index_row(c, {"safe_city": 1}) for i, c in enumerate(codes) if i in users]
    lg = analyze(rows, governance, 2021).logistic
    assert lg.note is None and lg.n == 24 and lg.n_using == len(rows)
    assert [c.term for c in lg.coefficients] == ["const", "ED", "EA", "CA", "log_military_pct_gdp"]
    assert all(c.ci_low <= c.coef <= c.ci_high and c.odds_ratio > 0 for c in lg.coefficients)
    everyone = [index_row(c, {"safe_city": 1}) for c in codes]
    same = analyze(everyone, governance, 2021)
    assert same.logistic.note == "not computed: every country has the same outcome"
    assert same.chi_square.note == "not computed: an empty row or column"  # nobody is not using


def test_the_2022_denominator_is_the_v_dem_sheet() -> None:
    vdem = {"AAA": "CA", "CCC": "CA", "DDD": None}
    result = analyze(ROWS, GOVERNANCE, 2021, edition="2022", vdem=vdem)
    assert "179 countries" in result.universe
    assert [(a.regime, a.using, a.total) for a in result.adoption_by_regime][3] == ("CA", 2, 2)
    assert result.unclassified == ("DDD", "XXX")


def test_analysis_json_keeps_its_shape() -> None:
    data = analyze(ROWS, GOVERNANCE, 2021, as_of=dt.date(2022, 1, 1)).as_dict()
    assert list(data) == [
        "edition",
        "as_of",
        "governance_year",
        "universe",
        "adoption_by_regime",
        "supply_by_regime",
        "supply_by_bri",
        "military",
        "chi_square",
        "logistic",
        "unclassified",
        "caveat",
    ]
    assert data["as_of"] == "2022-01-01" and data["unclassified"] == ["XXX"]
    assert data["adoption_by_regime"][0] == {
        "regime": "LD",
        "name": "liberal democracy",
        "using": 1,
        "total": 2,
        "share": 0.5,
    }
    assert data["military"]["top50_countries"] == ["AAA"] and list(data["chi_square"])[:2] == ["test", "table"]


def test_analysis_year() -> None:
    assert analysis_year("2019", dt.date(2025, 1, 1), None) == 2018
    assert analysis_year("live", dt.date(2025, 1, 1), 2023) == 2023
    assert analysis_year("live", dt.date(2020, 1, 1), 2023) == 2020
    assert analysis_year("live", dt.date(2020, 1, 1), None) == 2020
