"""Headline figures of an AIGS edition from hand-made row documents and claims, the live figures
from index rows, the notes against the published figures, and the side-by-side comparison."""

from __future__ import annotations

import pytest

from countersight.errors import UsageError
from countersight.index import figures
from countersight.index.records import RegimeCount
from index_fixture import aigs_row, claim, index_row

DOCS = [
    aigs_row("KEN", china_tech=True, us_tech=False, bri=True, military_rank=70, regime="EA", multiple_vendors=True),
    aigs_row("ECU", china_tech=True, us_tech=True, bri=False, military_rank=12, regime="ED"),
    aigs_row("FRA", china_tech=False, us_tech=False, bri=False, military_rank=7, regime="LD"),
]
CLAIMS = [
    claim("c1", "KEN", technology="safe_city"),
    claim("c2", "KEN", vendor="Huawei", vendor_country="CHN"),
    claim("c3", "ECU", technology="safe_city"),
    claim("c4", "ECU", technology="facial_recognition", vendor="Huawei", vendor_country="CHN"),
    claim("c5", "ECU", vendor="IBM", vendor_country="USA"),
]


def test_edition_figures_from_coded_cells_and_claims() -> None:
    f = figures.compute_figures("2019", DOCS, CLAIMS, {})
    assert (f.edition, f.countries) == ("2019", 2)  # FRA has a row but no claim
    assert f.technology == {"safe_city": 2, "facial_recognition": 1}
    assert f.supplier_origin == {"CHN": 2, "USA": 1} and f.supplier_origin_by_vendor == {"CHN": 2, "USA": 1}
    assert f.vendors == {"Huawei": 2, "IBM": 1}
    assert (f.china_and_bri, f.multiple_vendors_unnamed, f.top50_military_spenders_using) == (1, 1, 2)
    assert f.by_regime == {
        "LD": RegimeCount(0, None),
        "ED": RegimeCount(1, None),
        "EA": RegimeCount(1, None),
        "CA": RegimeCount(0, None),
    }
    # Every difference from the published figures is explained, and the source is cited.
    assert "countries: computed 2, published 75. of 176 countries studied" in f.notes
    assert "vendors.NEC: computed None, published 14" in f.notes
    assert "3 rows in the sheet but 2 countries with claims" in f.notes
    assert f.notes[-1].startswith("Source: Feldstein") and "CC BY 4.0" in f.notes[-1]


def test_2022_regimes_count_against_the_v_dem_sheet() -> None:
    vdem = {"KEN": "EA", "ECU": None, "FRA": "LD", "NOR": "LD"}
    f = figures.compute_figures("2022", [aigs_row("KEN", dataset="aigs-2022", regime="EA"),
                                         aigs_row("ECU", dataset="aigs-2022", regime="ED")], CLAIMS, vdem)  # fmt: skip
    assert f.by_regime["LD"] == RegimeCount(0, 2) and f.by_regime["EA"] == RegimeCount(1, 1)
    assert f.by_regime["ED"] == RegimeCount(1, 0)  # ECU's V-Dem cell is empty: its coded regime counts
    with pytest.raises(UsageError, match="unknown edition"):
        figures.compute_figures("live", DOCS, CLAIMS, {})


def test_live_figures_from_the_index_rows() -> None:
    rows = [
        index_row("KEN", {"safe_city": 2}, {"CHN": 2}, ("Huawei", "ZTE"), regime="EA"),
        index_row("ECU", {"safe_city": 1, "facial_recognition": 1}, {"CHN": 1, "KOR": 1}, ("Huawei",), regime="ED"),
        index_row("FRA"),  # no deployments: not counted
    ]
    f = figures.compute_live_figures(rows)
    assert (f.edition, f.countries, f.technology) == ("live", 2, {"safe_city": 2, "facial_recognition": 1})
    assert f.supplier_origin == {"CHN": 2, "USA": 0, "JPN": 0}
    assert f.supplier_origin_by_vendor == {"CHN": 2, "KOR": 1} and f.vendors == {"Huawei": 2, "ZTE": 1}
    assert f.china_and_bri is None and f.by_regime["EA"] == RegimeCount(1, None)
    data = f.as_dict()
    assert data["by_regime"]["ED"] == {"using": 1, "total": None} and data["notes"] == list(f.notes)
    assert list(data)[-2:] == ["by_regime", "notes"]


def test_table_rows_and_the_comparison_side_by_side() -> None:
    edition = figures.compute_figures("2019", DOCS, CLAIMS, {})
    live = figures.compute_live_figures([index_row("KEN", {"safe_city": 1}, {"CHN": 1}, ("Huawei",))])
    table = dict(figures.figures_table_rows(edition))
    assert table["countries"] == "2" and table["Chinese tech and BRI member"] == "1"
    assert table["regime EA"] == "1" and table["vendor: Huawei"] == "2"
    assert "Chinese tech and BRI member" not in dict(figures.figures_table_rows(live))
    comparison = figures.compare_figures(["2019", "live"], {"2019": edition, "live": live})
    rows = {r.figure: r.values for r in comparison.rows}
    assert rows["countries"] == {"2019": "2", "live": "1"}
    assert rows["Chinese tech and BRI member"] == {"2019": "1", "live": None}
    data = comparison.as_dict()
    assert data["editions"] == ["2019", "live"] and data["rows"][0] == {"figure": "countries", "2019": "2", "live": "1"}
    assert data["figures"]["live"]["edition"] == "live"
    figures.check_comparable(["2019", "live"])
    with pytest.raises(UsageError, match="unknown edition '2020'"):
        figures.check_comparable(["2020"])
    with pytest.raises(UsageError, match=r"\(none\)"):
        figures.check_comparable([])
