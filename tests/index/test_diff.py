"""What changed between two dates, from the deployment views as of each."""

from __future__ import annotations

import datetime as dt

from countersight.index.diff import DiffReport, diff_views
from countersight.index.records import CountryChange, StatusChange
from index_fixture import view

FROM, TO = dt.date(2018, 1, 1), dt.date(2020, 1, 1)


def test_deployments_and_countries_that_appeared_changed_or_disappeared() -> None:
    before = [
        view("d1", status="planned"),
        view("d2", country="UGA"),
        view("d3", country="TZA"),
    ]
    after = [
        view("d1", status="reported", n_documents=3),
        view("d3", country="TZA", status="cancelled"),
        view("d4", country="RWA", technology=None),
    ]
    report = diff_views(before, after, FROM, TO)
    assert [d.id for d in report.appeared] == ["d4"] and [d.id for d in report.disappeared] == ["d2"]
    assert [(c.id, c.from_status, c.to_status, c.status) for c in report.status_changed] == [
        ("d1", "planned", "reported", "reported"),
        ("d3", "reported", "cancelled", "cancelled"),
    ]
    assert isinstance(report.status_changed[0], StatusChange) and report.status_changed[0].documents == 3
    assert report.countries_appeared == ["RWA"]  # an unspecified technology counts as use
    assert report.countries_disappeared == ["TZA", "UGA"]  # TZA's only deployment was cancelled
    (ken,) = report.countries_changed
    assert isinstance(ken, CountryChange) and ken.country == "KEN"
    assert (ken.before.statuses, ken.after.statuses) == ({"planned": 1}, {"reported": 1})
    assert not report.empty


def test_diff_json_keeps_its_shape() -> None:
    report = diff_views([view("d1", status="planned")], [view("d1", first_seen=None), view("d2")], FROM, TO)
    data = report.as_dict()
    assert list(data) == [
        "from",
        "to",
        "appeared",
        "status_changed",
        "disappeared",
        "countries_appeared",
        "countries_disappeared",
        "countries_changed",
    ]
    assert (data["from"], data["to"]) == ("2018-01-01", "2020-01-01")
    assert data["appeared"][0] == {
        "id": "d2",
        "country": "KEN",
        "vendor": "Huawei",
        "vendor_country": "CHN",
        "technology": "safe_city",
        "status": "reported",
        "confidence": 0.8,
        "first_seen": "2018-01-01",
        "last_seen": "2018-06-01",
        "documents": 1,
    }
    change = data["status_changed"][0]
    assert list(change)[-2:] == ["from_status", "to_status"] and change["first_seen"] is None
    country = data["countries_changed"][0]
    assert country["country"] == "KEN" and country["from"]["vendors"] == ["Huawei"]
    assert country["to"]["technologies"] == {"safe_city": 2}


def test_nothing_changed_is_empty() -> None:
    views = [view("d1")]
    assert diff_views(views, views, FROM, TO).empty and DiffReport(FROM, TO).as_dict()["appeared"] == []
