"""SQL for review (:mod:`countersight.store.review`), on SQLite and PostgreSQL: deployments as review
sees them, organizations flagged for review with their deployment counts, one organization."""

from __future__ import annotations

from countersight.model import Organization
from countersight.store import Store
from countersight.store import review as review_store
from store_fixture import resolved_store


def test_deployments_as_review_sees_them(store: Store) -> None:
    resolved_store(store)
    every = review_store.review_deployments(store)
    assert [(d.country, d.n_documents, d.contradicting, d.supersedes) for d in every] == [
        ("KEN", 2, False, ()),
        ("UGA", 1, False, ()),
    ]
    assert review_store.review_deployments(store, country="UGA") == [every[1]]
    assert review_store.review_deployments(store, ids=[every[1].id, every[0].id, "dep-x"]) == every


def test_organizations_flagged_for_review(store: Store) -> None:
    resolved_store(store)
    orgs = [
        Organization(id="org-h", name="Huawei", needs_review=True, note="check the parent"),
        Organization(id="org-z", name="Zeta Systems", needs_review=True),
        Organization(id="org-q", name="Quiet Corp"),
    ]
    store.add_organizations(orgs)
    flagged = review_store.organizations_for_review(store)
    assert [(o.id, o.name, o.note, o.n_deployments) for o in flagged] == [
        ("org-h", "Huawei", "check the parent", 2),
        ("org-z", "Zeta Systems", None, 0),
    ]
    assert review_store.organization(store, "org-q") == orgs[2]
    assert review_store.organization(store, "org-none") is None
