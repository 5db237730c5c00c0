"""SQL for review: stored deployments as review sees them, organizations flagged for review, and
one organization by id, as typed records (:mod:`countersight.resolve.records`). Review events
themselves are read and appended by :class:`Store` (``review_events``, ``add_review_event``)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, select

from countersight.model import Organization
from countersight.resolve.records import OrganizationForReview, ReviewDeployment
from countersight.store import schema
from countersight.store.db import Store
from countersight.store.rows import row_organization

_BATCH = 2000


def _review_deployment(r: Any) -> ReviewDeployment:
    attrs = r["attrs"] or {}
    return ReviewDeployment(
        id=r["id"],
        country=r["country"],
        technology=r["technology"],
        vendor=r["vendor"],
        vendor_country=r["vendor_country"],
        status=r["status"],
        confidence=r["confidence"],
        city=r["city"],
        agency=r["agency"],
        start_year=r["start_year"],
        end_year=r["end_year"],
        n_documents=r["n_documents"],
        contradicting=bool(attrs.get("contradicting")),
        supersedes=tuple(attrs.get("supersedes") or ()),
    )


def review_deployments(
    store: Store, ids: Sequence[str] | None = None, country: str | None = None
) -> list[ReviewDeployment]:
    """Stored deployments (all, of ``ids``, or of ``country``) as review sees them, in id order."""
    d = schema.deployments
    q = select(d).order_by(d.c.id)
    if country:
        q = q.where(d.c.country == country)
    with store.engine.connect() as conn:
        if ids is None:
            return [_review_deployment(r) for r in conn.execute(q).mappings()]
        out: list[ReviewDeployment] = []
        wanted = list(ids)
        for i in range(0, len(wanted), _BATCH):
            out += [_review_deployment(r) for r in conn.execute(q.where(d.c.id.in_(wanted[i : i + _BATCH]))).mappings()]
        return sorted(out, key=lambda r: r.id)


def organizations_for_review(store: Store) -> list[OrganizationForReview]:
    """Organizations flagged for review, with how many deployments name them, by name."""
    o, d = schema.organizations, schema.deployments
    counts = select(d.c.vendor, func.count().label("n")).group_by(d.c.vendor).subquery()
    q = (
        select(o.c.id, o.c.name, o.c.note, func.coalesce(counts.c.n, 0).label("deployments"))
        .outerjoin(counts, counts.c.vendor == o.c.name)
        .where(o.c.needs_review.is_(True))
        .order_by(o.c.name)
    )
    with store.engine.connect() as conn:
        return [OrganizationForReview(r[0], r[1], r[2], int(r[3])) for r in conn.execute(q)]


def organization(store: Store, org_id: str) -> Organization | None:
    """One stored organization by id, or None."""
    o = schema.organizations
    with store.engine.connect() as conn:
        r = conn.execute(select(o).where(o.c.id == org_id)).mappings().first()
    return None if r is None else row_organization(r)
