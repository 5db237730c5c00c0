"""Validating review events (resolve/review_check.py), without a database: edited values
normalised against the reference data, the length limits, and what each action records."""

from __future__ import annotations

import pytest

from countersight.errors import ReviewError
from countersight.model import ReviewEvent
from countersight.resolve.review_check import (
    MAX_REASON_CHARS,
    MAX_VALUE_CHARS,
    check_event,
    check_fields,
    with_changes,
)


def test_edited_fields_are_normalised() -> None:
    clean = check_fields(
        "deployment",
        {"country": "kenya", "vendor_country": "chn", "start_year": "2019", "vendor": "Hikvsion", "city": ""},
    )
    assert clean == {"country": "KEN", "vendor_country": "CHN", "start_year": 2019, "vendor": "Hikvision", "city": None}
    assert check_fields("organization", {"home_country": "China", "merge_into": "Huawei Technologies Co."}) == {
        "home_country": "CHN",
        "merge_into": "Huawei",
    }


@pytest.mark.parametrize(
    "kind, fields, message",
    [
        ("deployment", {"colour": "red"}, "cannot edit 'colour'"),
        ("deployment", {"home_country": "CHN"}, "cannot edit"),  # an organization's field
        ("deployment", {"country": "Atlantis"}, "unknown country"),
        ("deployment", {"technology": "mind_reading"}, "technology: unknown id"),
        ("deployment", {"status": "rumoured"}, "status: must be one of"),
        ("deployment", {"end_year": "soon"}, "not a year"),
    ],
)
def test_bad_edits_are_refused(kind: str, fields: dict[str, str], message: str) -> None:
    with pytest.raises(ReviewError, match=message):
        check_fields(kind, fields)


def test_events_need_an_action_reason_actor_and_bounded_values() -> None:
    check_event(ReviewEvent("dep-1", "accept", "ana", "two sources agree"))
    bad = [
        ReviewEvent("dep-1", "approve", "ana", "x"),  # type: ignore[arg-type]
        ReviewEvent("dep-1", "accept", "ana", "   "),
        ReviewEvent("dep-1", "accept", " ", "x"),
        ReviewEvent("dep-1", "accept", "ana", "x" * (MAX_REASON_CHARS + 1)),
        ReviewEvent("dep-1", "edit", "ana", "x", {"fields": {"city": "y" * (MAX_VALUE_CHARS + 1)}}),
        ReviewEvent("dep-1", "dispute", "ana", "x", {"by": "z" * (MAX_VALUE_CHARS + 1)}),
        ReviewEvent("dep-1", "accept", "ana", "x", target_kind="country"),
    ]
    for event in bad:
        with pytest.raises(ReviewError):
            check_event(event)


def test_what_each_action_records() -> None:
    edit = ReviewEvent("dep-1", "edit", "ana", "city named", {"fields": {"city": "Kisumu", "status": "cancelled"}})
    recorded = with_changes(edit, {"city": None, "status": "reported"})
    assert recorded.changes["fields"] == {
        "city": {"from": None, "to": "Kisumu"},
        "status": {"from": "reported", "to": "cancelled"},
    }
    assert edit.changes["fields"] == {"city": "Kisumu", "status": "cancelled"}  # the event handed in is unchanged
    with pytest.raises(ReviewError, match="at least one field"):
        with_changes(ReviewEvent("dep-1", "edit", "ana", "x", {"fields": {}}), {})
    accepted = with_changes(ReviewEvent("dep-1", "accept", "ana", "ok"), {}, ["c1", "c2"])
    assert accepted.changes == {"claim_ids": ["c1", "c2"]}
    org = with_changes(ReviewEvent("org-1", "accept", "ana", "ok", target_kind="organization"), {}, ["c1"])
    assert org.changes == {}  # an organization has no claims to snapshot
    with pytest.raises(ReviewError, match="--source"):
        with_changes(ReviewEvent("dep-1", "dispute", "ana", "x", {"by": "Huawei"}), {})
    with pytest.raises(ReviewError, match="--by"):
        with_changes(ReviewEvent("dep-1", "dispute", "ana", "x", source="https://s.example"), {})
