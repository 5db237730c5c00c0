"""Chart data from hand-made index rows and deployment views (map cells, supplier-origin counts,
the timeline), and the charts written offline."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from countersight.errors import InputError
from countersight.index import charts
from countersight.index.records import MapCell
from index_fixture import index_row, view


def test_map_cells_key_countries_by_world_atlas_id() -> None:
    rows = [
        index_row("KEN", {"safe_city": 1, "facial_recognition": 2}),
        index_row("XKX", unspecified=1),  # Kosovo: drawn by name
        index_row("XGZ", {"safe_city": 1}),  # Gaza and the West Bank share Palestine's shape
        index_row("XWB", {"safe_city": 1, "smart_policing": 1}),
        index_row("FRA"),  # in the index, nothing in use
        index_row("QQQ", {"safe_city": 1}),  # no shape on the map
    ]
    assert charts.map_cells(rows) == [
        MapCell("404", 2, 3, "KEN"),
        MapCell("Kosovo", 0, 1, "XKX"),
        MapCell("275", 2, 2, "XWB"),
    ]


def test_origin_and_timeline_counts() -> None:
    rows = [
        index_row("KEN", supplier_origins={"CHN": 2, "unknown": 1}),
        index_row("ECU", supplier_origins={"CHN": 1, "USA": 1}),
        index_row("FRA", supplier_origins={"USA": 0, "JPN": 1}),
    ]
    assert charts.origin_counts(rows) == [("CHN", 2), ("JPN", 1), ("USA", 1)]
    assert charts.origin_counts(rows, top=1) == [("CHN", 2)]
    views = [
        view("d1", first_seen=dt.date(2019, 3, 1)),
        view("d2", first_seen=dt.date(2018, 3, 1), technology=None),
        view("d3", first_seen=dt.date(2019, 5, 1)),
        view("d4", first_seen=None),
    ]
    assert charts.timeline_counts(views) == [(2018, "unspecified", 1), (2019, "safe_city", 2)]


def test_unknown_chart_and_format_are_refused(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="unknown chart"):
        charts.check_chart("pie")
    with pytest.raises(InputError, match="unknown chart"):
        charts.write_chart("pie", tmp_path / "x.png", "live", None, rows=list, views=list)


def test_charts_are_written_from_the_records_they_need(tmp_path: Path) -> None:
    pytest.importorskip("altair")
    pytest.importorskip("vl_convert")

    def no_rows() -> list[object]:
        raise AssertionError("the timeline does not need the index rows")

    out = charts.write_chart(
        "timeline", tmp_path / "t.svg", "live", dt.date(2020, 1, 1), rows=no_rows, views=lambda: [view("d1")]
    )
    svg = out.read_text(encoding="utf-8")
    assert svg.startswith("<svg") and "as of 2020-01-01" in svg
    rows = [index_row("KEN", {"safe_city": 1}, {"CHN": 1})]
    spec = charts.origins_chart(rows, "Supplier countries").to_dict()
    assert list(spec["datasets"].values()) == [[{"origin": "China", "code": "CHN", "countries": 1}]]
    with pytest.raises(InputError, match="unsupported chart format"):
        charts.render(charts.origins_chart(rows, "t"), tmp_path / "o.gif")
