"""review_state.py: the review state read through the store (what resolution, the index and the API
read), on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from countersight import review as rv
from countersight import review_state as rs
from countersight.errors import NotFoundError
from countersight.reads import list_deployments
from countersight.store import Store
from resolve_fixture import resolved_nairobi


@pytest.fixture
def rstore(store: Store) -> Store:
    return resolved_nairobi(store)


def _kenya(store: Store) -> str:
    (dep,) = list_deployments(store, country="KEN", include_rejected=True)
    return dep.id


def test_states_are_empty_until_a_decision_and_then_hold_it(rstore: Store) -> None:
    dep = _kenya(rstore)
    assert rs.review_states(rstore) == {}
    assert rs.current_state(rstore, dep).decision == "unreviewed"
    rv.reject(rstore, dep, reason="single-sourced", actor="ana")
    assert rs.review_states(rstore)[dep].decision == "rejected"
    assert rs.current_state(rstore, dep).decision == "rejected"
    assert [(e.action, e.actor) for e in rs.history(rstore, dep)] == [("reject", "ana")]


def test_history_of_an_unknown_target_is_an_error(rstore: Store) -> None:
    with pytest.raises(NotFoundError):
        rs.history(rstore, "dep-0000000000000000")


def test_organization_merges_and_rejected_vendors(rstore: Store) -> None:
    org = next(o for o in rstore.organizations() if o.name == "Acme Sentinel Systems")
    assert rs.organization_merges(rstore) == {} and rs.rejected_vendors(rstore) == set()
    rv.reject(rstore, org.id, reason="not a vendor (test only)")
    assert rs.rejected_vendors(rstore) == {"Acme Sentinel Systems"}
    rv.edit(rstore, org.id, reason="a trading name (test only)", fields={"merge_into": "Hikvision"})
    assert rs.organization_merges(rstore) == {"Acme Sentinel Systems": "Hikvision"}


def test_review_re_exports_the_same_functions() -> None:
    """Callers that read states through ``countersight.review`` get these very functions."""
    assert rv.review_states is rs.review_states and rv.current_state is rs.current_state
    assert rv.history is rs.history and rv.organization_merges is rs.organization_merges
