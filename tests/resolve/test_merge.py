"""Merging claims into deployments (resolve/merge.py): deterministic ids, incompatible claims
split by city, agency and period, confidence growing with independent publishers, the status the
latest evidence gives, and a deployment's attributes."""

from __future__ import annotations

import datetime as dt

from countersight.resolve.merge import (
    ClaimFacts,
    DocumentFacts,
    combine_confidence,
    fold,
    merge_claims,
    status_at,
    supplier_key,
)


def _facts(cid: str, doc: str, **kw: object) -> ClaimFacts:
    base: dict[str, object] = dict(
        id=cid,
        document_id=doc,
        source="t",
        country="KEN",
        vendor="Huawei",
        vendor_country="CHN",
        technology="safe_city",
        status="reported",
        confidence=0.6,
    )
    base.update(kw)
    return ClaimFacts(**base)  # type: ignore[arg-type]


def test_merge_is_deterministic_and_splits_incompatible_claims() -> None:
    docs = {d: DocumentFacts(d, dt.date(2015 + i, 1, 1), f"pub{i}") for i, d in enumerate("abcdef")}
    claims = [
        _facts("c1", "a", city="Nairobi"),
        _facts("c2", "b", city="nairobi"),  # same city, other case
        _facts("c3", "c"),  # no city while two cities compete: a deployment of its own
        _facts("c4", "d", city="Mombasa"),  # another city: another deployment
        _facts("c5", "e", technology="facial_recognition"),
        _facts("c6", "f", vendor="ZTE"),
        _facts("c7", "a", start_year=2010, end_year=2012, city="Nairobi"),
    ]
    one = merge_claims(claims, docs)
    two = merge_claims(list(reversed(claims)), docs)
    assert [m.deployment.id for m in one] == [m.deployment.id for m in two]
    groups = sorted(sorted(m.deployment.claim_ids) for m in one)
    assert groups == [["c1", "c2", "c7"], ["c3"], ["c4"], ["c5"], ["c6"]]
    # Without Mombasa, the city-less claim joins Nairobi.
    assert sorted(sorted(m.deployment.claim_ids) for m in merge_claims([*claims[:3], claims[6]], docs)) == [
        ["c1", "c2", "c3", "c7"]
    ]
    # A stated start after a stated end opens a new period; later undated claims (c3, 2017) join it.
    later = _facts("c8", "f", start_year=2016, city="Nairobi")
    split = merge_claims([*claims[:3], claims[6], later], docs)
    assert sorted(sorted(m.deployment.claim_ids) for m in split) == [["c1", "c2", "c7"], ["c3", "c8"]]


def test_confidence_grows_with_independent_publishers() -> None:
    assert combine_confidence([0.6]) == 0.6
    assert combine_confidence([0.6, 0.6]) == 0.84
    docs = {
        "a": DocumentFacts("a", dt.date(2020, 1, 1), "same"),
        "b": DocumentFacts("b", dt.date(2020, 2, 1), "same"),
        "c": DocumentFacts("c", dt.date(2020, 3, 1), "other"),
    }
    same = merge_claims([_facts("c1", "a"), _facts("c2", "b")], docs)[0].deployment
    independent = merge_claims([_facts("c1", "a"), _facts("c3", "c")], docs)[0].deployment
    assert same.confidence == 0.6 and independent.confidence == 0.84


def test_keys_and_folding() -> None:
    assert fold("  Nairobi  City ") == fold("nairobi city") == fold("NAIRÓBI city".replace("Ó", "O"))
    assert fold("Bogotá") == "bogota" and fold(None) == ""
    assert supplier_key("Huawei", "CHN") == "vendor:Huawei"
    assert supplier_key(None, "CHN") == "country:CHN" and supplier_key(None, None) == "unknown"


def test_status_of_the_latest_evidence() -> None:
    assert status_at([(dt.date(2019, 1, 1), "reported"), (dt.date(2020, 1, 1), "cancelled")]) == "cancelled"
    assert status_at([(dt.date(2021, 1, 1), "reported"), (dt.date(2020, 1, 1), "cancelled")]) == "reported"
    same_day = dt.date(2020, 1, 1)
    assert status_at([(same_day, "denied"), (same_day, "reported")]) == "denied"  # the more final
    assert status_at([]) == "reported"


def test_attributes_of_a_merged_deployment() -> None:
    docs = {"a": DocumentFacts("a", dt.date(2020, 1, 1), "p1"), "b": DocumentFacts("b", dt.date(2021, 1, 1), "p2")}
    claims = [
        _facts("c1", "a", vendor_raw="Huawei Technologies Co."),
        _facts("c2", "b", status="denied", source="aigs-2019"),
    ]
    [merged] = merge_claims(claims, docs)
    attrs = merged.attrs
    assert attrs["sources"] == ["aigs-2019", "t"] and attrs["statuses"] == {"denied": 1, "reported": 1}
    assert attrs["contradicting"] is True and attrs["vendor_names"] == ["Huawei Technologies Co."]
    assert attrs["supplier_key"] == "vendor:Huawei" and merged.n_claims == 2
    assert merged.deployment.status == "denied" and merged.deployment.first_seen == dt.date(2020, 1, 1)
    assert [lk.document_id for lk in merged.links] == ["a", "b"]
