"""The SQL behind the HTTP API's lists (:mod:`countersight.store.api_queries`), on SQLite and
PostgreSQL: filtered, sorted keyset pages of typed deployment rows, counts, flows, the claims and
evidence a page shows."""

from __future__ import annotations

import datetime as dt

import pytest

from countersight.model import ReviewEvent
from countersight.records import StoredDeployment
from countersight.store import Store
from countersight.store import api_queries as aq
from store_fixture import resolved_store


def test_a_page_of_deployments_is_typed_filtered_and_sorted(store: Store) -> None:
    resolved_store(store)
    every = aq.deployment_page(store, aq.DeploymentQuery(), limit=None)
    assert all(isinstance(r, StoredDeployment) for r in every) and [r.country for r in every] == ["KEN", "UGA"]
    by_conf = aq.deployment_page(store, aq.DeploymentQuery(), sort="confidence", descending=True)
    assert [r.country for r in by_conf] == ["KEN", "UGA"]  # 0.96 before 0.8
    by_seen = aq.deployment_page(store, aq.DeploymentQuery(), sort="first_seen", descending=True)
    assert [r.country for r in by_seen] == ["UGA", "KEN"]
    one = aq.DeploymentQuery
    assert [r.country for r in aq.deployment_page(store, one(country="UGA"))] == ["UGA"]
    assert [r.country for r in aq.deployment_page(store, one(min_confidence=0.9))] == ["KEN"]
    assert [r.country for r in aq.deployment_page(store, one(since=dt.date(2021, 1, 1)))] == ["UGA"]
    assert [r.country for r in aq.deployment_page(store, one(until=dt.date(2019, 12, 31)))] == ["KEN"]
    assert [r.country for r in aq.deployment_page(store, one(q="FACIAL"))] == ["UGA"]
    assert aq.deployment_page(store, one(q="%")) == []  # the user's % is a character, not a wildcard
    assert aq.deployment_page(store, one(vendors=("Nobody",))) == []
    kenya = every[0].id
    assert [r.id for r in aq.deployment_page(store, one(exclude_ids=frozenset({kenya})))] == [every[1].id]
    # extra_ids are considered whatever the filters say (edited rows the caller re-checks).
    assert {r.id for r in aq.deployment_page(store, one(country="UGA", extra_ids=frozenset({kenya})))} == {
        r.id for r in every
    }
    with pytest.raises(ValueError, match="unknown sort"):
        aq.deployment_page(store, one(), sort="colour")


def test_keyset_pages_cover_everything_once(store: Store) -> None:
    resolved_store(store)
    for sort in aq.SORT_KEYS:
        for descending in (False, True):
            everything = aq.deployment_page(store, aq.DeploymentQuery(), sort, descending, limit=None)
            first = aq.deployment_page(store, aq.DeploymentQuery(), sort, descending, limit=1)
            last = first[-1]
            after = (aq.cursor_value(sort, getattr(last, sort)), last.id)
            rest = aq.deployment_page(store, aq.DeploymentQuery(), sort, descending, after, limit=None)
            assert first + rest == everything, (sort, descending)


def test_cursor_values_and_like_escape() -> None:
    assert aq.cursor_value("first_seen", dt.date(2020, 1, 2)) == "2020-01-02"
    assert aq.cursor_value("last_seen", None) == "0001-01-01"
    assert aq.cursor_value("confidence", None) == -1.0 and aq.cursor_value("vendor", None) == ""
    assert aq.like_escape("50%_a\\b") == "50\\%\\_a\\\\b"


def test_counts_flows_claims_and_evidence(store: Store) -> None:
    docs, claims = resolved_store(store)
    assert aq.vendor_deployment_counts(store) == {"Huawei": (2, 2)}
    assert aq.countries_present(store, ["KEN", "FRA", "UGA"]) == {"KEN", "UGA"}
    assert [(f.country, f.technology, f.deployments) for f in aq.flows(store, "CHN")] == [
        ("KEN", "video_surveillance", 1),
        ("UGA", "facial_recognition", 1),
    ]
    assert aq.flows(store, "USA") == []
    kenya = aq.deployment_page(store, aq.DeploymentQuery(country="KEN"))[0]
    merged = aq.deployment_claims(store, kenya.id)
    assert sorted(c.id for c in merged) == sorted(c.id for c in claims[:2])
    assert {c.vendor for c in merged} == {"Huawei"} and all(c.attrs is not None for c in merged)
    (ev,) = aq.document_evidence(store, docs[2].id)
    assert (ev.quote, ev.country, ev.technology) == (docs[2].text[:20], "UGA", "facial_recognition")
    assert ev.deployment_id is not None and ev.claim_id == claims[2].id
    assert aq.document_evidence(store, "no-such-document") == []
    assert aq.schema_versions(store)[0] == 1 and aq.schema_versions(store) == sorted(aq.schema_versions(store))
    store.add_review_event(ReviewEvent(target_id=kenya.id, action="reject", actor="ana", reason="duplicate"))
    store.add_review_event(ReviewEvent(target_id="dep-other", action="note", actor="ana", reason="look"))
    assert aq.review_targets(store, ["reject", "dispute"]) == {kenya.id}
