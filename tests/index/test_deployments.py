"""Deployments as they stood on a date, from stored rows and replayed links: review decisions,
edits, vendor groups, filters and the JSON form."""

from __future__ import annotations

import datetime as dt

from countersight.index.deployments import deployment_views, filter_views, sql_country
from countersight.records import DeploymentRow, ReplayLink
from countersight.resolve.review import ReviewState
from index_fixture import view


def _row(dep_id: str, country: str = "KEN", vendor: str | None = "Huawei", status: str = "reported") -> DeploymentRow:
    return DeploymentRow(
        dep_id, country, "safe_city", vendor, "CHN", status, 0.5, dt.date(2015, 1, 1), dt.date(2019, 1, 1),
        2015, None, "Nairobi", None, 3, 2, 2, ("aigs-2019",),
    )  # fmt: skip


def test_stored_rows_become_views_with_review_applied() -> None:
    rows = [_row("d1"), _row("d2", vendor="Hikvision"), _row("d3", vendor="BadCo"), _row("d4", country="UGA")]
    states = {"d2": ReviewState("d2", decision="rejected"), "d1": ReviewState("d1", decision="accepted")}
    groups = {"Hikvision": "CETC"}
    views = deployment_views(rows, None, states, groups, bad_vendors={"BadCo"})
    assert [(v.id, v.review) for v in views] == [("d1", "accepted"), ("d4", "unreviewed")]
    everything = deployment_views(rows, None, states, groups, bad_vendors={"BadCo"}, include_rejected=True)
    assert [(v.id, v.review, v.vendor_group) for v in everything][1:3] == [
        ("d2", "rejected", "CETC"),
        ("d3", "rejected", "BadCo"),
    ]
    d1 = everything[0]
    assert (d1.first_seen, d1.n_documents, d1.n_publishers, d1.sources) == (dt.date(2015, 1, 1), 2, 2, ("aigs-2019",))
    assert [v.id for v in deployment_views(rows, None, {}, {}, country="UGA")] == ["d4"]


def test_edits_move_a_deployment_and_a_status_override_applies_from_its_day() -> None:
    state = ReviewState(
        "d1",
        decision="accepted",
        edits={"country": "UGA", "status": "cancelled", "vendor": "Hikvision"},
        last_at=dt.datetime(2018, 5, 1, 12, 0),
    )
    (moved,) = deployment_views([_row("d1")], None, {"d1": state}, {"Hikvision": "CETC"})
    assert (moved.country, moved.country_edited, moved.status) == ("UGA", True, "cancelled")
    assert (moved.vendor, moved.vendor_group) == ("Hikvision", "CETC")
    links = [ReplayLink("d1", "2016-02-03", "Ledger", "reported", 0.6, 1)]
    (before,) = deployment_views([_row("d1")], links, {"d1": state}, {}, as_of=dt.date(2017, 1, 1))
    assert before.status == "reported"  # the override was made in 2018
    assert deployment_views([_row("d1")], None, {"d1": state}, {}, country="KEN") == []
    assert sql_country({"d1": state}, "KEN") is None
    assert sql_country({"d1": ReviewState("d1", decision="accepted")}, "KEN") == "KEN"


def test_replay_takes_status_dates_and_confidence_from_the_links_by_then() -> None:
    links = [
        ReplayLink("d1", "2015-01-02", "Ledger", "planned", 0.5, 1),
        ReplayLink("d1", "2016-07-08", "Ledger", "reported", 0.6, 2),
        ReplayLink("d1", "2016-07-08", "Courier", "cancelled", 0.5, 1),
    ]
    (v,) = deployment_views([_row("d1"), _row("d2")], links, {}, {}, as_of=dt.date(2017, 1, 1))
    assert v.id == "d1"  # d2 had no evidence by then
    assert (v.status, v.first_seen, v.last_seen) == ("cancelled", dt.date(2015, 1, 2), dt.date(2016, 7, 8))
    assert (v.n_documents, v.n_publishers, v.n_claims) == (3, 2, 4)
    assert v.confidence == 0.8  # 1 - (1 - 0.6) * (1 - 0.5): each publisher's best claim


def test_filter_views_by_vendor_group_technology_and_status() -> None:
    views = [
        view("d1", vendor="Hikvision", vendor_group="CETC"),
        view("d2", vendor="CETC", technology="facial_recognition"),
        view("d3", vendor="Huawei", status="cancelled"),
    ]
    assert [v.id for v in filter_views(views, vendor="CETC")] == ["d2"]
    assert [v.id for v in filter_views(views, vendor="CETC", group=True)] == ["d1", "d2"]
    assert [v.id for v in filter_views(views, technology="safe_city")] == ["d1", "d3"]
    assert [v.id for v in filter_views(views, status="cancelled")] == ["d3"]


def test_view_json_has_iso_dates_and_lists() -> None:
    data = view("d1", first_seen=dt.date(2018, 1, 2), last_seen=None).as_dict()
    assert (data["first_seen"], data["last_seen"], data["sources"]) == ("2018-01-02", None, [])
    assert list(data)[:3] == ["id", "country", "technology"] and data["country_edited"] is False
    assert view("d1", status="planned").active and not view("d1", status="denied").active
