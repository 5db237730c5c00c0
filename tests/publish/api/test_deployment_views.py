"""What the deployment endpoints show (publish/api/deployment_views.py): the filtered list with review
state applied through resolve.review_effect, one deployment, and review state and events as JSON."""

from __future__ import annotations

import datetime as dt

import pytest

from api_fixture import fill_api_store
from countersight import review as rv
from countersight.errors import InputError, NotFoundError
from countersight.model import ReviewEvent
from countersight.publish.api import deployment_views as dv
from countersight.reads import deployment_views as replayed
from countersight.store import Store


@pytest.fixture
def filled(store: Store) -> Store:
    fill_api_store(store)
    return store


def _ids(store: Store, **filters: object) -> list[str]:
    rows, _ = dv.list_deployments(store, dv.DeploymentFilter(**filters), limit=None)  # type: ignore[arg-type]
    return [r["id"] for r in rows]


def test_an_edit_moves_a_deployment_into_another_country_s_list(filled: Store) -> None:
    ken = _ids(filled, country="KEN")
    assert len(ken) == 1
    rv.edit(filled, ken[0], "the contract names Uganda", {"country": "UGA"}, "Rita Reviewer")
    assert _ids(filled, country="KEN") == [] and _ids(filled, country="UGA") == ken
    (row,), _ = dv.list_deployments(filled, dv.DeploymentFilter(country="UGA"))
    assert row["country_name"] == "Uganda"


def test_rejections_apply_through_review_effect(filled: Store) -> None:
    everything = _ids(filled)
    rv.reject(filled, everything[0], "not a deployment", "Rita Reviewer")
    assert everything[0] not in _ids(filled)
    assert _ids(filled, review="rejected") == [everything[0]]
    assert everything[0] in _ids(filled, include_rejected=True)
    assert _ids(filled, reviewed=False) == everything[1:]


def test_the_as_of_replay_lists_the_same_items_as_sql(filled: Store) -> None:
    now, _ = dv.list_deployments(filled, dv.DeploymentFilter(), limit=None)
    later, _ = dv.list_deployments(filled, dv.DeploymentFilter(as_of=dt.date(2100, 1, 1)), limit=None)
    assert [r["id"] for r in later] == [r["id"] for r in now]
    assert [dv.view_item(v)["id"] for v in replayed(filled, as_of=dt.date(2100, 1, 1))] == [r["id"] for r in now]
    assert dv.list_deployments(filled, dv.DeploymentFilter(as_of=dt.date(1990, 1, 1)))[0] == []


def test_unknown_sorts_and_bad_date_cursors_are_input_errors(filled: Store) -> None:
    with pytest.raises(InputError, match="unknown sort"):
        dv.list_deployments(filled, dv.DeploymentFilter(), sort="colour")
    from countersight.publish.api.paging import encode_cursor

    with pytest.raises(InputError, match="bad cursor"):
        dv.list_deployments(filled, dv.DeploymentFilter(), "first_seen", encode_cursor(["first_seen", False, "x", "d"]))


def test_pages_end_with_a_cursor_to_the_next(filled: Store) -> None:
    first, cursor = dv.list_deployments(filled, dv.DeploymentFilter(), sort="-confidence", limit=2)
    assert len(first) == 2 and cursor
    rest, end = dv.list_deployments(filled, dv.DeploymentFilter(), sort="-confidence", cursor=cursor, limit=100)
    assert end is None and {r["id"] for r in first}.isdisjoint(r["id"] for r in rest)
    assert dv.tail_value(first[-1], "confidence") == first[-1]["confidence"]


def test_one_deployment_with_its_claims_and_trail(filled: Store) -> None:
    dep_id = _ids(filled, country="KEN")[0]
    rv.accept(filled, dep_id, "three reports", "Rita Reviewer")
    detail = dv.deployment_detail(filled, dep_id)
    assert detail["review"] == "accepted" and detail["review_state"]["last_actor"] is None
    assert [e["actor"] for e in detail["history"]] == [None]
    assert len(detail["claims"]) == 3 and all(isinstance(c["explain"], list) for c in detail["claims"])
    named = dv.deployment_detail(filled, dep_id, reviewer_names=True)
    assert named["history"][0]["actor"] == "Rita Reviewer"
    with pytest.raises(NotFoundError):
        dv.deployment_detail(filled, "dep-missing")


def test_state_and_event_bodies_hide_reviewers() -> None:
    dispute = rv.Dispute("Rita", "https://x.example", "denied", "Rita", None, 7)
    state = rv.ReviewState("dep-1", disputes=(dispute,), last_actor="Rita", n_events=1)
    hidden = dv.state_body(state)
    assert (
        hidden["last_actor"] is None and hidden["disputes"][0]["by"] is None and hidden["disputes"][0]["actor"] is None
    )
    assert dv.state_body(state, reviewer_names=True)["disputes"][0]["by"] == "Rita"
    event = ReviewEvent("dep-1", "note", "Rita", "seen", created_at=dt.datetime(2024, 1, 2, 3, 4))
    assert dv.event_body(event)["actor"] is None and dv.event_body(event)["created_at"] == "2024-01-02T03:04:00"
    assert dv.event_body(event, reviewer_names=True)["actor"] == "Rita"


def test_syndicated_copies_are_listed_once_with_the_story_they_copy(filled: Store) -> None:
    from countersight.store import schema

    dep_id = _ids(filled, country="SRB")[0]
    detail = dv.deployment_detail(filled, dep_id)
    (behind,) = {e["document_id"] for e in detail["evidence"]}
    other = next(d["document_id"] for d in dv.deployment_detail(filled, _ids(filled, country="KEN")[0])["documents"])
    with filled.transaction() as conn:
        rows = [{"document_id": d, "story_id": "story-1", "signature": "00"} for d in (behind, other)]
        filled.insert_ignore(conn, schema.document_stories, rows)
    copies = dv.syndicated_copies(filled, [behind, behind])
    assert [(c["document_id"], c["copy_of"]) for c in copies] == [(other, behind)]
    assert copies[0]["url"] and (copies[0]["published"] is None or len(copies[0]["published"]) == 10)
    assert dv.deployment_detail(filled, dep_id)["copies"] == copies
    assert dv.syndicated_copies(filled, []) == []
