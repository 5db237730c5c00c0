"""store/export_queries: stable rows, selections, snapshot ids and deployment changes on both backends."""

from __future__ import annotations

import datetime as dt

import pytest

from countersight.model import ReviewEvent
from countersight.store import Store
from countersight.store import export_queries as q
from countersight.store.export_queries import Selection
from export_fixture import fill


def test_selection_filters_claims_evidence_documents(store: Store) -> None:
    ids = fill(store)
    sel = Selection(country="KEN")
    claims = list(q.table_rows(store, "claims", sel))
    assert [c["id"] for c in claims] == [ids["claims"][0]]
    assert claims[0]["fin_amount"] == 12_500_000.0 and claims[0]["fin_lender"] == "Example Policy Bank"
    assert "created_at" not in claims[0]  # housekeeping timestamps are not exported
    docs = list(q.table_rows(store, "documents", sel))
    assert [d["id"] for d in docs] == [ids["documents"][0]]
    assert docs[0]["published"] == "2024-03-04"
    assert len(list(q.table_rows(store, "evidence", sel))) == 1
    assert [d["country"] for d in q.deployments(store, Selection(vendor="Northwind Vision"))] == sorted(
        ["KEN", "SRB"], key=lambda c: ids["deployments"][c]
    )
    assert q.deployments(store, Selection(source="test-ds"))[0]["country"] == "SRB"
    assert {o["name"] for o in q.table_rows(store, "organizations", sel)} == {
        "Northwind Vision",
        "Example Policy Bank",
    }


def test_selection_parse_rejects_unknown_keys() -> None:
    assert Selection.parse(["country=KEN", "vendor=Huawei"]) == Selection(country="KEN", vendor="Huawei")
    with pytest.raises(ValueError):
        Selection.parse(["colour=red"])
    with pytest.raises(ValueError):
        Selection.parse(["country"])


def test_snapshot_id_is_stable_and_content_addressed(store: Store) -> None:
    empty = q.snapshot_id(store)
    fill(store)
    first = q.snapshot_id(store)
    assert first != empty and first == q.snapshot_id(store)
    store.add_review_event(
        ReviewEvent(
            target_id="x",
            action="note",
            actor="a",
            reason="r",
            created_at=dt.datetime(2025, 2, 1, tzinfo=dt.UTC),
        )
    )
    assert q.snapshot_id(store) != first


def test_deployment_changes_since_and_events(store: Store) -> None:
    ids = fill(store)
    all_rows = q.deployment_changes(store)
    # SRB was disputed in 2025, so it is the most recently changed.
    assert [r["id"] for r in all_rows] == [ids["deployments"]["SRB"], ids["deployments"]["KEN"]]
    assert all_rows[0]["updated"].startswith("2025-01-15T09:30")
    assert all_rows[0]["events"][0]["action"] == "dispute"
    recent = q.deployment_changes(store, since=dt.date(2024, 6, 1))
    assert [r["country"] for r in recent] == ["SRB"]
    assert q.deployment_changes(store, Selection(country="KEN"), since=dt.date(2024, 3, 4))[0]["country"] == "KEN"
    assert q.deployment_changes(store, since=dt.date(2026, 1, 1)) == []


def test_evidence_for_deployments(store: Store) -> None:
    ids = fill(store)
    rows = q.evidence_for_deployments(store, [ids["deployments"]["KEN"]])
    assert len(rows) == 1 and rows[0]["publisher"] == "Example News"
    assert rows[0]["quote"] == "face-recognition cameras for the Ken"
