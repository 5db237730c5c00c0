"""Folding review events into states (resolve/review.py), without a database: decisions, edits
and their removal, disputes, re-queueing, superseded ids' trails, organization merges and
rejected vendors."""

from __future__ import annotations

import datetime as dt
from typing import Any

from countersight.model import Organization, ReviewAction, ReviewEvent
from countersight.resolve.review import (
    derive_state,
    events_by_target,
    fold_states,
    merged_events,
    organization_merges,
    rejected_vendors,
    target_state,
)

T0 = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)


def _event(
    n: int, target: str, action: ReviewAction, changes: dict[str, Any] | None = None, kind: str = "deployment"
) -> ReviewEvent:
    return ReviewEvent(
        target,
        action,
        f"reviewer{n}",
        f"reason {n}",
        changes or {},
        target_kind=kind,
        created_at=T0 + dt.timedelta(days=n),
        source="https://statement.example" if action == "dispute" else None,
        id=n,
    )


def test_unreviewed_by_default() -> None:
    state = derive_state("dep-1", [])
    assert (state.decision, state.reviewed, state.excluded, state.n_events) == ("unreviewed", False, False, 0)
    assert not state.deployment_edits


def test_decisions_edits_and_their_removal() -> None:
    events = [
        _event(1, "dep-1", "reject", {"claim_ids": ["c1", "c2"]}),
        _event(2, "dep-1", "edit", {"fields": {"city": {"from": None, "to": "Kisumu"}, "start_year": 2018}}),
        _event(3, "dep-1", "accept", {"claim_ids": ["c1", "c2", "c3"]}),
        _event(4, "dep-1", "edit", {"fields": {"start_year": {"from": 2018, "to": None}}}),
        _event(5, "dep-1", "note"),
    ]
    state = derive_state("dep-1", events)
    assert state.decision == "accepted" and state.snapshot_claim_ids == ("c1", "c2", "c3")
    assert dict(state.edits) == {"city": "Kisumu"}  # start_year's override removed
    assert state.deployment_edits.city == "Kisumu" and state.deployment_edits.start_year is None
    assert (state.n_events, state.last_action, state.last_actor, state.last_at) == (
        5,
        "note",
        "reviewer5",
        T0 + dt.timedelta(days=5),
    )
    assert derive_state("dep-1", events[:1]).excluded


def test_disputes_and_requeue() -> None:
    events = [
        _event(1, "dep-1", "reject", {"claim_ids": ["c1"]}),
        _event(2, "dep-1", "dispute", {"by": "Huawei"}),
        _event(3, "dep-1", "requeue"),
    ]
    state = derive_state("dep-1", events)
    assert [(d.by, d.source, d.event_id) for d in state.disputes] == [("Huawei", "https://statement.example", 2)]
    assert state.requeued and state.requeue_note == "reason 3" and state.decision == "rejected"
    as_json = state.as_dict()
    assert as_json["disputes"][0]["at"] == (T0 + dt.timedelta(days=2)).isoformat()
    assert as_json["edits"] == {} and as_json["requeued"] is True
    # A new decision clears the re-queue.
    assert not derive_state("dep-1", [*events, _event(4, "dep-1", "accept")]).requeued


def test_trails_of_superseded_ids_are_folded_in() -> None:
    by_target = events_by_target([_event(2, "dep-new", "note"), _event(1, "dep-old", "reject")])
    assert [e.id for e in merged_events("dep-new", ["dep-old"], by_target)] == [1, 2]
    states = fold_states(by_target, {"dep-new": ["dep-old"], "dep-other": ["dep-none"]})
    assert states["dep-new"].decision == "rejected" and "dep-other" not in states
    assert fold_states({}, {"dep-new": ["dep-old"]}) == {}
    assert target_state("org-1", {}).target_kind == "organization"
    assert target_state("dep-2", {}, is_deployment=True).target_kind == "deployment"


def test_organization_merges_and_rejected_vendors() -> None:
    orgs = [
        Organization(id="org-a", name="Acme Sentinel", aliases=("Acme Sentinel Ltd",)),
        Organization(id="org-b", name="Bogus Vendor"),
    ]
    events = [
        _event(1, "org-a", "edit", {"fields": {"merge_into": {"from": None, "to": "Hikvision"}}}, "organization"),
        _event(2, "org-b", "reject", kind="organization"),
        _event(3, "org-unknown", "reject", kind="organization"),
    ]
    by_target = events_by_target(events)
    assert organization_merges(orgs, by_target) == {"Acme Sentinel": "Hikvision", "Acme Sentinel Ltd": "Hikvision"}
    assert rejected_vendors(orgs, by_target) == {"Bogus Vendor"}
