"""The review queue over records handed to it (no database): what enters, in which order, why."""

from __future__ import annotations

from countersight.model import ReviewEvent
from countersight.resolve.queue import QueueFilter, build_queue
from countersight.resolve.records import OrganizationForReview, ReviewDeployment
from countersight.resolve.review import derive_state


def _dep(dep_id: str, confidence: float, vendor: str | None = "Huawei", **kw: bool) -> ReviewDeployment:
    return ReviewDeployment(
        dep_id, "KEN", "cctv", vendor, "CHN", "reported", confidence, None, None, None, None, 2, **kw
    )


def test_queue_ranks_requeued_new_vendor_and_contradicting_first() -> None:
    deps = [
        _dep("dep-low", 0.3),
        _dep("dep-new", 0.9, vendor="Acme Sentinel"),
        _dep("dep-odd", 0.9, contradicting=True),
        _dep("dep-done", 0.1),
        _dep("dep-back", 0.8),
    ]
    states = {
        "dep-done": derive_state("dep-done", [ReviewEvent("dep-done", "accept", "ana", "ok", id=1)]),
        "dep-back": derive_state(
            "dep-back",
            [
                ReviewEvent("dep-back", "reject", "ana", "no", id=2),
                ReviewEvent("dep-back", "requeue", "countersight-resolve", "new evidence", id=3),
            ],
        ),
    }
    orgs = [OrganizationForReview("org-acme", "Acme Sentinel", "a note", 1)]
    items = build_queue(deps, states, orgs)
    assert [i.target_id for i in items] == ["dep-back", "org-acme", "dep-new", "dep-odd", "dep-low"]
    by_id = {i.target_id: i for i in items}
    assert by_id["dep-back"].priority == 2.2 and by_id["dep-back"].reasons[-1] == "new evidence"
    assert by_id["dep-new"].reasons == ("confidence 0.90", "new vendor 'Acme Sentinel'")
    assert by_id["org-acme"].reasons == ("new organization", "a note")
    assert by_id["dep-low"].summary == "Huawei → KEN: cctv (reported, 2 documents)"
    assert by_id["dep-low"].as_dict()["reasons"] == ["confidence 0.30"]


def test_queue_filters() -> None:
    deps = [_dep("dep-a", 0.2), _dep("dep-b", 0.7, vendor="ZTE")]
    orgs = [OrganizationForReview("org-acme", "Acme Sentinel", None, 0)]
    assert [i.target_id for i in build_queue(deps, {}, orgs, QueueFilter(country="KEN"))] == ["dep-a", "dep-b"]
    assert [i.target_id for i in build_queue(deps, {}, orgs, QueueFilter(vendor="ZTE"))] == ["dep-b"]
    assert [i.target_id for i in build_queue(deps, {}, orgs, QueueFilter(max_confidence=0.5, limit=1))] == ["org-acme"]
