"""The review queue: deployments and new organizations awaiting review, ranked by how much a
reviewer's attention is worth (pure: the deployments, states and flagged organizations are
handed in)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from countersight.resolve.records import OrganizationForReview, ReviewDeployment
from countersight.resolve.review import ReviewState


@dataclass(frozen=True, slots=True)
class QueueItem:
    """One thing awaiting review, with why it is there and how urgent it is (higher first)."""

    target_id: str
    target_kind: str
    priority: float
    reasons: tuple[str, ...]
    country: str | None
    vendor: str | None
    technology: str | None
    confidence: float | None
    status: str | None
    summary: str

    def as_dict(self) -> dict[str, Any]:  # JSON: the item as the CLI prints and the API returns it
        """JSON-ready form."""
        return {k: (list(v) if isinstance(v, tuple) else v) for k, v in ((n, getattr(self, n)) for n in self.__slots__)}


@dataclass(frozen=True, slots=True)
class QueueFilter:
    """Which part of the queue to show (None: any)."""

    country: str | None = None
    vendor: str | None = None
    min_confidence: float | None = None
    max_confidence: float | None = None
    limit: int | None = None


def _deployment_item(dep: ReviewDeployment, state: ReviewState | None, new_vendor: bool, conf: float) -> QueueItem:
    reasons = [f"confidence {conf:.2f}"]
    priority = 1.0 - conf
    if new_vendor:
        priority += 1.0
        reasons.append(f"new vendor {dep.vendor!r}")
    if dep.contradicting or (state and state.disputes):
        priority += 1.0
        reasons.append("contradicting evidence or disputed")
    if state is not None and state.requeued:
        priority += 2.0
        reasons.append(state.requeue_note or "new evidence after rejection")
    what = dep.technology or "unspecified technology"
    who = dep.vendor or (f"a {dep.vendor_country} supplier" if dep.vendor_country else "unknown supplier")
    return QueueItem(
        dep.id,
        "deployment",
        round(priority, 4),
        tuple(reasons),
        dep.country,
        dep.vendor,
        dep.technology,
        conf,
        dep.status,
        f"{who} → {dep.country}: {what} ({dep.status}, {dep.n_documents} documents)",
    )


def build_queue(
    deployments: Sequence[ReviewDeployment],
    states: Mapping[str, ReviewState],
    new_organizations: Sequence[OrganizationForReview],
    want: QueueFilter = QueueFilter(),
) -> list[QueueItem]:
    """Deployments (already narrowed to ``want.country``) and new organizations awaiting review,
    most important first.

    Priority adds up: low confidence (1 - confidence), a vendor flagged as new (+1), evidence that
    contradicts itself or a dispute (+1), new evidence after a rejection (+2). Reviewed targets
    leave the queue unless re-queued."""
    new_orgs = {o.name: o for o in new_organizations}
    items: list[QueueItem] = []
    for dep in deployments:
        state = states.get(dep.id)
        if state is not None and state.reviewed and not state.requeued:
            continue
        if want.vendor and dep.vendor != want.vendor:
            continue
        conf = float(dep.confidence)
        if want.min_confidence is not None and conf < want.min_confidence:
            continue
        if want.max_confidence is not None and conf > want.max_confidence:
            continue
        org = new_orgs.get(dep.vendor) if dep.vendor is not None else None
        items.append(_deployment_item(dep, state, org is not None and states.get(org.id) is None, conf))
    if not want.country:
        for name, org in new_orgs.items():
            if org.id in states or (want.vendor and name != want.vendor):
                continue
            items.append(
                QueueItem(
                    org.id,
                    "organization",
                    1.5,
                    ("new organization",) + ((org.note,) if org.note else ()),
                    None,
                    name,
                    None,
                    None,
                    None,
                    f"new vendor {name!r} named by {org.n_deployments} deployment(s)",
                )
            )
    items.sort(key=lambda i: (-i.priority, i.target_kind, i.target_id))
    return items[: want.limit] if want.limit else items
