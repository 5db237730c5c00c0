"""What the country, vendor, document, search and flow endpoints show (publish/api/views.py), called
directly on a store."""

from __future__ import annotations

import pytest

from api_fixture import fill_api_store
from countersight import review as rv
from countersight.errors import InputError, NotFoundError
from countersight.publish.api import views
from countersight.records import EvidenceHit
from countersight.store import Store


@pytest.fixture
def filled(store: Store) -> Store:
    fill_api_store(store)
    return store


def test_country_codes_from_codes_and_names() -> None:
    assert views.country_code("kenya") == views.country_code("KEN") == "KEN"
    with pytest.raises(NotFoundError):
        views.country_code("Atlantis")
    codes = views.all_country_codes()
    assert "KEN" in codes and list(codes) == sorted(set(codes))


def test_a_rejected_deployment_leaves_the_country_s_vendors_and_timeline(filled: Store) -> None:
    ken = views.country_detail(filled, "KEN", None, "live", lambda: views.index_rows(filled, None, "live"))
    assert ken["index"] is not None and ken["index"]["country"] == "KEN"
    assert [v["name"] for v in ken["vendors"]] == ["Huawei"] and ken["timeline"]
    rv.reject(filled, ken["deployments"][0]["id"], "a misreading of the source", "Rita Reviewer")
    again = views.country_detail(filled, "KEN", None, "live", lambda: [])
    assert again["vendors"] == [] and again["timeline"] == [] and again["index"] is None
    assert [d["review"] for d in again["deployments"]] == ["rejected"]  # listed, marked, not counted


def test_vendor_detail_counts_only_live_deployments(filled: Store) -> None:
    huawei = views.vendor_detail(filled, "huawei")
    assert [c["country"] for c in huawei["countries"]] == ["KEN"] and huawei["home_country_name"] == "China"
    rv.reject(filled, huawei["deployments"][0]["id"], "not a deployment", "Rita Reviewer")
    after = views.vendor_detail(filled, huawei["id"])
    assert after["countries"] == [] and after["technologies"] == {} and len(after["deployments"]) == 1
    with pytest.raises(NotFoundError):
        views.vendor_detail(filled, "No Such Vendor Ltd")


def test_list_vendors_filters_by_name_or_alias(filled: Store) -> None:
    listed = views.list_vendors(filled, "hik")
    assert [v["name"] for v in listed] == ["Hikvision"] and listed[0]["deployments"] >= 1
    assert views.list_vendors(filled, "zzzz-none") == []


def test_search_refuses_an_empty_query(filled: Store) -> None:
    with pytest.raises(InputError):
        views.search(filled, "   ")
    found = views.search(filled, "ecuador")
    assert found["countries"] == [{"country": "ECU", "name": "Ecuador"}]


def test_one_entry_per_quote_of_a_document() -> None:
    def hit(i: int, dep: str | None, country: str) -> EvidenceHit:
        return EvidenceHit(f"e{i}", "Cameras  for\nthe city", f"c{i}", "doc", dep, country, "V", "cctv", i)

    grouped = views._one_per_quote([hit(1, "d1", "KEN"), hit(2, "d2", "UGA"), hit(3, "d1", "KEN"), hit(4, None, "X")])
    assert len(grouped) == 1 and grouped[0]["id"] == "e1"
    assert [d["deployment_id"] for d in grouped[0]["deployments"]] == ["d1", "d2"]


def test_flow_rows_carry_country_names(filled: Store) -> None:
    rows = views.flow_rows(filled, "USA")
    assert [(r["supplier_name"], r["recipient_name"], r["deployments"]) for r in rows] == [
        ("United States", "Serbia", 1)
    ]


def test_document_detail_withholds_text_unless_asked(filled: Store) -> None:
    doc_id = views.list_deployments(filled, views.DeploymentFilter(country="SRB"))[0][0]["id"]
    detail = views.deployment_detail(filled, doc_id)
    document = detail["evidence"][0]["document_id"]
    assert views.document_detail(filled, document)["text"] is None
    assert "Belgrade" in (views.document_detail(filled, document, full_text=True)["text"] or "")
    with pytest.raises(NotFoundError):
        views.document_detail(filled, "missing")
