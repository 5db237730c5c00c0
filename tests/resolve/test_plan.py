"""Resolution as pure functions over rows (no database): vendors resolved from claim rows, the
plan of what to write, review trails carried to re-keyed deployments, requeue events."""

from __future__ import annotations

import datetime as dt

from countersight.model import ReviewEvent
from countersight.resolve import ClaimResolver, merge_claims, plan_resolution, publisher_key, requeue_events
from countersight.resolve.merge import MergedDeployment
from countersight.resolve.plan import document_facts
from countersight.resolve.records import ClaimRow, DocumentRow
from countersight.resolve.review import derive_state


def _row(cid: str, doc: str, vendor: str, deployment_id: str | None = None) -> ClaimRow:
    return ClaimRow(
        cid, doc, "t", "KEN", vendor, vendor, None, "cctv", "reported", 0.6, "Nairobi", None, None, None, deployment_id
    )


def _merged(rows: list[ClaimRow]) -> tuple[ClaimResolver, list[MergedDeployment]]:
    vendors = ClaimResolver.build([], {})
    docs = [
        DocumentRow("doc-1", dt.date(2020, 1, 1), "Daily Nation", None, None),
        DocumentRow("doc-2", dt.date(2021, 1, 1), None, "https://www.example.org/a", None),
    ]
    return vendors, merge_claims([vendors.facts(r) for r in rows], document_facts(docs))


def test_claim_rows_resolve_and_merge_without_a_store() -> None:
    vendors, merged = _merged([_row("c1", "doc-1", "Hangzhou Hikvision"), _row("c2", "doc-2", "HIKVISION")])
    assert len(merged) == 1 and merged[0].deployment.vendor == "Hikvision"
    assert vendors.new_organizations() == []
    plan = plan_resolution(merged, {"c1": None, "c2": None}, {}, set(), vendors.groups, full=True)
    (dep,) = plan.deployments
    assert (dep.n_claims, dep.n_documents, dep.n_publishers) == (2, 2, 2)
    assert dep.attrs["vendor_group"] == "CETC" and dep.supersedes == ()
    assert {lk.publisher for lk in plan.links} == {"daily nation", "example.org"}
    assert sorted(plan.assignments) == [("c1", dep.deployment.id), ("c2", dep.deployment.id)]


def test_rekeyed_deployment_carries_the_review_trail_and_orphans_are_listed() -> None:
    vendors, merged = _merged([_row("c1", "doc-1", "Huawei", deployment_id="dep-old")])
    plan = plan_resolution(merged, {"c1": "dep-old"}, {}, {"dep-old", "dep-gone", "org-x"}, vendors.groups, True)
    new_id = plan.deployments[0].deployment.id
    assert dict(plan.carried_over) == {new_id: ["dep-old"]}
    assert plan.deployments[0].supersedes == ("dep-old",)
    assert plan.orphaned_review_targets == ("dep-gone",)
    incremental = plan_resolution(merged, {"c1": "dep-old"}, {}, {"dep-gone"}, vendors.groups, full=False)
    assert incremental.orphaned_review_targets == () and incremental.carried_over == {}


def test_requeue_once_when_a_rejected_deployment_gains_claims() -> None:
    _, merged = _merged([_row("c1", "doc-1", "Huawei"), _row("c2", "doc-2", "Huawei")])
    dep_id = merged[0].deployment.id
    rejected = [ReviewEvent(dep_id, "reject", "ana", "no", {"claim_ids": ["c1"]}, id=1)]
    (event,) = requeue_events(merged, {dep_id: derive_state(dep_id, rejected)})
    assert (event.action, event.changes) == ("requeue", {"new_claim_ids": ["c2"]})
    assert requeue_events(merged, {dep_id: derive_state(dep_id, [*rejected, event])}) == []


def test_publisher_key() -> None:
    assert publisher_key(" The Star ", None, None, "d") == "the star"
    assert publisher_key(None, None, "aigs", "d") == "dataset:aigs"
    assert publisher_key(None, None, None, "d") == "document:d"
