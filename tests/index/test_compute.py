"""The country index computed from records alone: aggregation of deployment views, an AIGS
edition from its row documents and claims, the live index with its coding, financing and
governance, and the row's JSON and CSV forms."""

from __future__ import annotations

import datetime as dt

import pytest

from countersight.index import compute
from countersight.index.compute import IndexRow, aggregate, flat_row, live_index
from countersight.index.financing import CountryFinancing
from countersight.index.records import AigsCoding, EditionCoding
from countersight.records import Governance, MilitaryExpenditure, Regime
from index_fixture import aigs_row, claim, view

GOVERNANCE = Governance({"KEN": Regime(1, "EA", 2018)}, {"KEN": MilitaryExpenditure(1.23456, 2018)})


def test_aggregate_counts_active_deployments_per_technology_and_origin() -> None:
    views = [
        view("d1", technology="safe_city", vendor="Huawei", vendor_group="Huawei Group"),
        view("d2", technology=None, vendor="ZTE", vendor_country=None, n_documents=2, n_publishers=2),
        view("d3", technology="facial_recognition", status="cancelled", first_seen=dt.date(2016, 5, 1)),
        view("d4", country="UGA", technology="safe_city", disputed=True, confidence=0.4),
    ]
    ken, uga = aggregate(views, "live", None)
    assert (ken.country, ken.deployments, ken.technologies, ken.unspecified) == ("KEN", 3, {"safe_city": 1}, 1)
    assert ken.statuses == {"cancelled": 1, "reported": 2}
    assert ken.supplier_origins == {"CHN": 1, "unknown": 1}  # the cancelled one is not supplied
    assert ken.vendors == ("Huawei", "ZTE")
    assert (ken.documents, ken.publishers) == (4, 4)  # summed without the store's distinct counts
    assert (ken.first_evidence, ken.last_evidence) == (dt.date(2016, 5, 1), dt.date(2018, 6, 1))
    assert ken.mean_confidence == 0.8 and uga.disputed == 1
    grouped = aggregate(views, "live", None, group_vendors=True, counts={"KEN": (2, 1)})[0]
    assert grouped.vendors == ("Huawei Group", "ZTE") and (grouped.documents, grouped.publishers) == (2, 1)


def test_live_index_is_computed_from_records_alone() -> None:
    from countersight.index import deployment_views
    from countersight.records import DeploymentRow, ReplayLink

    rows = [
        DeploymentRow("d1", "KEN", "safe_city", "Huawei", "CHN", "reported", 0.8, dt.date(2015, 1, 2),
                      dt.date(2016, 3, 4), 2015, None, "Nairobi", None, 2, 2, 2),
        DeploymentRow("d2", "KEN", None, "Hikvision", "CHN", "cancelled", 0.6, dt.date(2017, 1, 1),
                      dt.date(2017, 1, 1), None, None, None, None, 1, 1, 1),
    ]  # fmt: skip
    links = [ReplayLink("d1", "2015-01-02", "Ledger", "planned", 0.7, 1)]
    views = deployment_views(rows, links, {}, {"Hikvision": "CETC"}, as_of=dt.date(2015, 6, 1))
    assert [(v.id, v.status, v.n_documents) for v in views] == [("d1", "planned", 1)]
    governance = Governance({"KEN": Regime(1, "EA", 2015)}, {"KEN": MilitaryExpenditure(1.234, 2015)})
    (row,) = live_index(views, dt.date(2015, 6, 1), {"KEN": (1, 1)}, {}, {}, governance)
    assert (row.country, row.deployments, row.technologies, row.statuses) == (
        "KEN",
        1,
        {"safe_city": 1},
        {"planned": 1},
    )
    assert (row.regime, row.military_pct_gdp, row.documents, row.vendors) == ("EA", 1.234, 1, ("Huawei",))


def test_live_index_leaves_rejected_out_and_adds_coding_financing_and_governance() -> None:
    views = [view("d1"), view("d2", review="rejected"), view("d3", country="UGA")]
    coded = {"KEN": AigsCoding("2022", True, 88, "EA")}
    financing = {"KEN": CountryFinancing(1, 15.0, ("Exim",), ("loan",), ("p1",))}
    ken, uga = live_index(views, None, {}, coded, financing, GOVERNANCE)
    assert ken.deployments == 1 and ken.coded == coded["KEN"] and (ken.bri, ken.military_rank) == (True, 88)
    assert (ken.financed_deployments, ken.financed_usd_2017, ken.lenders) == (1, 15.0, ("Exim",))
    assert (ken.regime, ken.regime_year, ken.military_pct_gdp, ken.military_year) == ("EA", 2018, 1.235, 2018)
    assert uga.coded is None and uga.bri is None and uga.financed_usd_2017 is None and uga.regime is None


def test_review_exclusions_name_rejected_and_moved_deployments() -> None:
    views = [view("d1", review="rejected"), view("d2", country="UGA", country_edited=True), view("d3")]
    assert compute.review_exclusions(views) == (["d1"], {"d2": "UGA"})


def test_coded_by_country_keeps_the_latest_edition() -> None:
    docs = [
        aigs_row("KEN", "aigs-2019", bri=False, military_rank=90, regime="ED"),
        aigs_row("KEN", "aigs-2022", bri=True, military_rank=88, regime="EA"),
        aigs_row("UGA", "aigs-2019", regime="EA"),
    ]
    coded = compute.coded_by_country(docs)
    assert coded["KEN"] == AigsCoding("2022", True, 88, "EA")
    assert coded["UGA"] == AigsCoding("2019", None, None, "EA")


def test_edition_index_from_row_documents_and_claims() -> None:
    docs = [
        aigs_row("KEN", bri=True, military_rank=12, regime="EA", china_tech=True, us_tech=False,
                 other_countries=["JPN", "KEN"], multiple_vendors=False),
        aigs_row("UGA", china_tech=False, us_tech=True),
    ]  # fmt: skip
    claims = [
        claim("c1", "KEN", technology="safe_city", document_id="aigs-2019-KEN", confidence=0.9),
        claim("c2", "KEN", technology="smart_city_not_a_column", confidence=0.7),
        claim("c3", "KEN", vendor="Huawei", document_id="aigs-2019-KEN", confidence=0.8),
    ]
    ken, uga = compute.edition_index("2019", docs, claims, GOVERNANCE)
    assert ken.technologies == {"safe_city": 1} and ken.unspecified == 1 and ken.deployments == 2
    assert ken.supplier_origins == {"CHN": 1, "JPN": 1} and ken.vendors == ("Huawei",)
    assert (ken.documents, ken.publishers, ken.mean_confidence) == (2, 1, 0.8)
    assert ken.first_evidence == ken.last_evidence == dt.date(2019, 9, 1)
    assert ken.coded == EditionCoding("2019", True, 12, "EA", True, False, False)
    assert ken.regime == "EA"  # from the governance rows, beside the coded regime
    assert uga.supplier_origins == {"USA": 1} and uga.mean_confidence is None and uga.deployments == 0
    assert compute.edition_index("2019", docs, claims, GOVERNANCE, as_of=dt.date(2019, 8, 31)) == []
    only = compute.edition_index("2019", docs, [c for c in claims if c.country == "UGA"], GOVERNANCE, country="UGA")
    assert [r.country for r in only] == ["UGA"]


def test_row_json_carries_its_coding() -> None:
    (row,) = live_index(
        [view("d1")], dt.date(2020, 1, 2), {}, {"KEN": AigsCoding("2019", None, 5, "EA")}, {}, GOVERNANCE
    )
    data = row.as_dict()
    assert data["as_of"] == "2020-01-02" and data["vendors"] == ["Huawei"] and data["lenders"] == []
    assert data["coded"] == {"edition": "2019", "bri": None, "military_rank": 5, "regime": "EA"}
    (bare,) = aggregate([view("d1")], "live", None)
    assert bare.as_dict()["coded"] == {}


def test_flat_row_has_one_column_per_technology_status_and_main_origin() -> None:
    (row,) = live_index(
        [
            view("d1"),
            view("d2", technology=None, vendor="Thales", vendor_country="FRA"),
            view("d3", vendor_country=None),
        ],
        None,
        {},
        {"KEN": AigsCoding("2022", True, 88, "EA")},
        {"KEN": CountryFinancing(1, 15.0, ("A", "B"), ("loan",), ("p1",))},
        GOVERNANCE,
    )
    flat = flat_row(row)
    assert list(flat)[:3] == ["country", "name", "deployments"]
    assert flat["safe_city"] == 2 and flat["facial_recognition"] == 0 and flat["unspecified"] == 1
    assert (flat["status_reported"], flat["status_cancelled"]) == (3, 0)
    assert (flat["supplier_CHN"], flat["supplier_USA"], flat["supplier_other"], flat["supplier_unknown"]) == (
        1,
        0,
        "FRA",
        1,
    )
    assert (flat["vendors"], flat["lenders"], flat["bri"], flat["military_rank"]) == ("Huawei;Thales", "A;B", True, 88)
    assert flat["first_evidence"] == "2018-01-01"
    edition_columns = [
        c for c in flat_row(IndexRow("", "", "2019", None, 0, {}, 0, {}, {}, (), 0, 0, None, None, None))
    ]
    assert "social_media_monitoring" not in edition_columns and "smart_policing" in edition_columns


def test_unknown_edition_is_refused() -> None:
    compute.check_edition("live")
    with pytest.raises(ValueError, match="unknown edition"):
        compute.check_edition("2020")
    assert compute.governance_year("2022", dt.date(2025, 1, 1)) == 2021
    assert compute.governance_year("live", dt.date(2025, 1, 1)) == 2025
