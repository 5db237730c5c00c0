"""store/export_queries: stable rows, selections, snapshot ids and deployment changes on both backends."""

from __future__ import annotations

import datetime as dt

import pytest

from countersight.export_records import (
    TABLE_RECORDS,
    ExportClaim,
    ExportDocument,
    ExportEvidence,
    ExportOrganization,
    ExportReviewEvent,
)
from countersight.model import ReviewEvent
from countersight.store import Store
from countersight.store import export_queries as q
from countersight.store.export_queries import Selection
from export_fixture import fill


@pytest.mark.parametrize("name", q.EXPORT_TABLES)
def test_each_record_has_its_tables_exported_columns_in_order(name: str) -> None:
    # Rows unpack positionally into their records: a column added to the schema must be added here.
    assert list(TABLE_RECORDS[name]._fields) == q.exported_columns(name)


def test_selection_filters_claims_evidence_documents(store: Store) -> None:
    ids = fill(store)
    sel = Selection(country="KEN")
    claims = list(q.table_records(store, ExportClaim, sel))
    assert [c.id for c in claims] == [ids["claims"][0]]
    assert claims[0].fin_amount == 12_500_000.0 and claims[0].fin_lender == "Example Policy Bank"
    assert claims[0].financed and claims[0].attrs == {} and claims[0].deployment_id == ids["deployments"]["KEN"]
    assert "created_at" not in claims[0]._fields  # housekeeping timestamps are not exported
    docs = list(q.table_records(store, ExportDocument, sel))
    assert [d.id for d in docs] == [ids["documents"][0]]
    assert docs[0].published == "2024-03-04"
    assert [e.claim_id for e in q.table_records(store, ExportEvidence, sel)] == [ids["claims"][0]]
    assert [d.country for d in q.deployments(store, Selection(vendor="Northwind Vision"))] == sorted(
        ["KEN", "SRB"], key=lambda c: ids["deployments"][c]
    )
    assert q.deployments(store, Selection(source="test-ds"))[0].country == "SRB"
    assert {o.name for o in q.table_records(store, ExportOrganization, sel)} == {
        "Northwind Vision",
        "Example Policy Bank",
    }


def test_table_rows_gives_each_tables_record(store: Store) -> None:
    fill(store)
    for name, record in TABLE_RECORDS.items():
        assert all(type(row) is record for row in q.table_rows(store, name))
    (event,) = q.table_records(store, ExportReviewEvent)
    assert event.actor == "vendor-rep" and event.created_at == "2025-01-15T09:30:00Z"
    assert [c.id for c in q.claims(store)] == sorted(c.id for c in q.claims(store))  # primary-key order
    with pytest.raises(KeyError):
        q.table_rows(store, "api_tokens")


@pytest.mark.parametrize(
    ("path", "shown"),
    [
        ("reports/2024/a.pdf", "reports/2024/a.pdf"),
        ("/home/someone/reports/a.pdf", "a.pdf"),
        ("C:\\Users\\someone\\a.pdf", "a.pdf"),
        ("~/a.pdf", "a.pdf"),
        (None, None),
    ],
)
def test_public_path_never_shows_the_ingesting_machines_folders(path: str | None, shown: str | None) -> None:
    assert q.public_path(path) == shown


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
    assert [r.deployment.id for r in all_rows] == [ids["deployments"]["SRB"], ids["deployments"]["KEN"]]
    assert all_rows[0].updated is not None and all_rows[0].updated.startswith("2025-01-15T09:30")
    assert [e.action for e in all_rows[0].events] == ["dispute"]
    assert all_rows[1].updated == "2024-03-04T00:00:00Z" and all_rows[1].events == ()  # its last_seen
    recent = q.deployment_changes(store, since=dt.date(2024, 6, 1))
    assert [r.deployment.country for r in recent] == ["SRB"]
    ken = q.deployment_changes(store, Selection(country="KEN"), since=dt.date(2024, 3, 4))
    assert [r.deployment.country for r in ken] == ["KEN"]
    assert q.deployment_changes(store, since=dt.date(2026, 1, 1)) == []


def test_deployment_change_as_dict_is_the_deployment_plus_updated_and_events(store: Store) -> None:
    ids = fill(store)
    row = q.deployment_changes(store)[0].as_dict()
    assert row["id"] == ids["deployments"]["SRB"] and row["country"] == "SRB"
    assert list(row)[-2:] == ["updated", "events"]
    assert row["events"] == [
        {
            "target_id": ids["deployments"]["SRB"],
            "action": "dispute",
            "actor": "vendor-rep",
            "reason": "Vendor says the contract was cancelled",
            "created_at": "2025-01-15T09:30:00Z",
        }
    ]


def test_evidence_for_deployments(store: Store) -> None:
    ids = fill(store)
    rows = q.evidence_for_deployments(store, [ids["deployments"]["KEN"]])
    assert len(rows) == 1 and rows[0].publisher == "Example News"
    assert rows[0].quote == "face-recognition cameras for the Ken"
    assert rows[0].deployment_id == ids["deployments"]["KEN"] and rows[0].published == "2024-03-04"
    both = q.evidence_for_deployments(store, sorted(ids["deployments"].values()))
    assert [e.deployment_id for e in both] == sorted(ids["deployments"].values())
    assert q.evidence_for_deployments(store, []) == []
