"""The index: AIGS editions cell by cell against the bundled sheets, the live index as of a date,
diff, the governance analysis and charts (SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from aigs_sheets import SHEET_2022, TABLE_2019, sheet_rows, ticked
from countersight.datasets import import_aigs, import_governance
from countersight.errors import UsageError
from countersight.index import flat_row
from countersight.reads.index import analyze, compare_figures, compute_index, compute_live_figures, diff
from countersight.resolution import resolve_store
from countersight.review import reject
from countersight.sources.aigs import split_vendor_cell
from countersight.store import Store
from resolve_fixture import nairobi_claims, nairobi_documents


@pytest.fixture
def aigs_store(store: Store) -> Store:
    import_aigs(store, "2019")
    import_aigs(store, "2022")
    import_governance(store)
    resolve_store(store)
    return store


def test_editions_match_the_sheets_cell_by_cell(aigs_store: Store) -> None:
    rows22 = {r.country: flat_row(r) for r in compute_index(aigs_store, edition="2022")}
    sheet = sheet_rows("aigs-2022-sheet1-index.csv")
    assert len(rows22) == len(sheet) == 97
    for r in sheet:
        for column, tech in SHEET_2022.items():
            assert rows22[r["code"]][tech] == ticked(r[column]), (r["Country"], column)
        assert rows22[r["code"]]["supplier_CHN"] == ticked(r["China Tech"])
        assert rows22[r["code"]]["supplier_USA"] == ticked(r["US Tech"])
    rows19 = {r.country: r for r in compute_index(aigs_store, edition="2019")}
    table = sheet_rows("aigs-2019-index-table.csv")
    assert len(rows19) == len(table) == 75
    for r in table:
        row = rows19[r["code"]]
        for column, tech in TABLE_2019.items():
            assert row.technologies.get(tech, 0) == ticked(r[column]), (r["Country"], column)
        assert bool(row.supplier_origins.get("CHN")) == bool(ticked(r["China AI Tech"]))
        named = [n for n in split_vendor_cell(r["Key Companies"]) if n.casefold() != "mult"]
        assert len(row.vendors) == len(set(row.vendors)) and len(row.vendors) <= len(named)
    assert rows19["KEN"].regime_year == 2018 and rows19["KEN"].coded and rows19["KEN"].coded.regime
    # Nothing of an edition counts before it was published.
    assert compute_index(aigs_store, edition="2022", as_of=dt.date(2022, 3, 9)) == []


def test_live_index_as_of_and_diff(aigs_store: Store) -> None:
    live = {r.country: r for r in compute_index(aigs_store)}
    assert len(live) == len(
        {
            *(r["code"] for r in sheet_rows("aigs-2022-sheet1-index.csv")),
            *(r["code"] for r in sheet_rows("aigs-2019-index-table.csv")),
        }
    )
    before_2022 = {r.country: r for r in compute_index(aigs_store, as_of=dt.date(2020, 1, 1))}
    assert len(before_2022) == 75  # only the 2019 edition had been published
    assert live["KEN"].documents == 2 and before_2022["KEN"].documents == 1
    docs = nairobi_documents()
    aigs_store.add(docs.values(), nairobi_claims(docs))
    resolve_store(aigs_store)
    report = diff(aigs_store, dt.date(2016, 1, 1), dt.date(2019, 12, 31))
    huawei_ken = [d for d in report.status_changed if d.country == "KEN"]
    assert [(d.vendor, d.from_status, d.to_status) for d in huawei_ken] == [("Huawei", "reported", "cancelled")]
    assert len(report.appeared) > 300 and "KEN" not in report.countries_appeared  # KEN had Huawei since 2015
    assert "ARG" in report.countries_appeared  # first reported in the 2019 edition
    # A rejection leaves the live index but not the edition.
    dep = next(d.id for d in report.appeared if d.country == "ARG" and d.technology == "facial_recognition")
    reject(aigs_store, dep, reason="test", actor="t")
    assert "facial_recognition" not in compute_index(aigs_store, country="ARG")[0].technologies
    assert compute_index(aigs_store, edition="2019", country="ARG")[0].technologies["facial_recognition"] == 1


def test_analysis_reproduces_published_figures(aigs_store: Store) -> None:
    a19 = analyze(aigs_store, edition="2019")
    assert a19.military.top50_using == 40  # "40 of the top 50 military spenders"
    assert sum(r.using for r in a19.adoption_by_regime) + len(a19.unclassified) == 75
    a22 = analyze(aigs_store, edition="2022")
    by = {r.regime: (r.using, r.total) for r in a22.adoption_by_regime}
    assert by == {"LD": (22, 34), "ED": (30, 55), "EA": (32, 60), "CA": (13, 30)}
    p_value = a22.chi_square.p_value
    assert a22.chi_square.n == 179 and a22.chi_square.dof == 3 and p_value is not None and 0 < p_value < 1
    lg = a22.logistic
    assert lg.n > 150 and [c.term for c in lg.coefficients] == [
        "const",
        "ED",
        "EA",
        "CA",
        "log_military_pct_gdp",
    ]
    assert all(c.ci_low < c.coef < c.ci_high for c in lg.coefficients)
    bri = {r.bri: r for r in a22.supply_by_bri}
    assert bri["BRI member"].using + bri["not a BRI member"].using == 97
    assert "reported" in a22.caveat


def test_figures_side_by_side(aigs_store: Store) -> None:
    comparison = compare_figures(aigs_store, ["2019", "live"])
    rows = {r.figure: r.values for r in comparison.rows}
    live = compute_live_figures(aigs_store)
    assert rows["countries"] == {"2019": "75", "live": str(live.countries)} and live.countries > 75
    assert rows["Chinese tech and BRI member"] == {"2019": "36", "live": None}  # coded only in the sheets
    assert comparison.figures["live"] == live and comparison.as_dict()["editions"] == ["2019", "live"]
    with pytest.raises(UsageError, match="unknown edition"):
        compare_figures(aigs_store, ["2020"])


def test_charts_are_written_offline(aigs_store: Store, tmp_path: Path) -> None:
    pytest.importorskip("altair")
    pytest.importorskip("vl_convert")
    from countersight.reads.index import write_chart

    png = write_chart(aigs_store, "map", tmp_path / "map.png", edition="2022")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    svg = write_chart(aigs_store, "origins", tmp_path / "origins.svg", edition="2019")
    text = svg.read_text(encoding="utf-8")
    assert text.startswith("<svg") and "China" in text
    assert write_chart(aigs_store, "timeline", tmp_path / "t.svg").stat().st_size > 1000


def test_index_modules_import_neither_the_store_nor_a_pipeline() -> None:
    import ast

    import countersight.index

    for path in Path(countersight.index.__file__).parent.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        names = [n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)]
        names += [a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names]
        bad = [m for m in names if m.startswith(("countersight.store", "countersight.sources"))]
        assert not bad, (path.name, bad)
