"""What a review state means for a deployment, decided in one place, without a database: the
row view (:func:`deployment_review`, :func:`passes_review_filter`) and the id sets the SQL
applies (:func:`review_selection`) agree."""

from __future__ import annotations

import itertools

from countersight.model import ReviewAction, ReviewEvent
from countersight.resolve.review import ReviewState, derive_state
from countersight.resolve.review_effect import deployment_review, passes_review_filter, review_selection


def _state(target: str, *actions: ReviewAction, fields: dict[str, object] | None = None) -> ReviewState:
    changes = {"fields": fields or {}, "by": "Huawei"}
    events = [ReviewEvent(target, a, "ana", "why", changes, source="s", id=i) for i, a in enumerate(actions)]
    return derive_state(target, events)


def test_deployment_review_applies_decisions_edits_and_rejected_vendors() -> None:
    assert deployment_review(None).review == "unreviewed"
    assert deployment_review(None, "Acme", {"Acme"}).excluded
    assert deployment_review(None, "Acme", {"Acme"}).review == "rejected"
    accepted = deployment_review(_state("dep-1", "accept", "dispute"))
    assert (accepted.review, accepted.confirmed, accepted.disputed, accepted.excluded) == (
        "accepted",
        True,
        True,
        False,
    )
    edited = deployment_review(_state("dep-2", "edit", fields={"technology": "biometrics", "merge_into": "X"}))
    assert dict(edited.edits) == {"technology": "biometrics"} and edited.corrected
    rejected = deployment_review(_state("dep-3", "reject", "requeue"))
    assert rejected.excluded and rejected.requeued and rejected.review == "rejected"


def test_selection_and_row_filter_agree() -> None:
    states = {
        "dep-a": _state("dep-a", "accept"),
        "dep-r": _state("dep-r", "reject"),
        "dep-n": _state("dep-n", "note"),
    }
    ids = [*states, "dep-none"]
    for want, reviewed, include_rejected in itertools.product(
        (None, "accepted", "rejected", "unreviewed"), (None, True, False), (False, True)
    ):
        sel = review_selection(states, want, reviewed, include_rejected)
        by_sql = {i for i in ids if (sel.include_ids is None or i in sel.include_ids) and i not in sel.exclude_ids}
        by_row = {
            i
            for i in ids
            if passes_review_filter(deployment_review(states.get(i)).review, want, reviewed, include_rejected)
        }
        assert by_sql == by_row, (want, reviewed, include_rejected)
    assert review_selection(states).exclude_ids == {"dep-r"}
    assert review_selection(states, include_rejected=True).exclude_ids == frozenset()


def test_edited_deployments_are_read_whatever_the_filters() -> None:
    states = {"dep-e": _state("dep-e", "edit", fields={"country": "UGA"})}
    sel = review_selection(states, want="unreviewed")
    assert sel.edited_ids == {"dep-e"} and "dep-e" in sel.exclude_ids
