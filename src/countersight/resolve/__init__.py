"""Resolution: vendor names to organizations, claims merged into deployments, review on top.

:func:`resolve_store` reads every claim (light columns), resolves vendor names (registry aliases,
reviewers' merges; unknown names become new organizations flagged for review), merges claims into
deployments (:mod:`countersight.resolve.merge`), and writes the deployments, their document links
and each claim's ``deployment_id`` -- only what changed. It never writes a review decision: it
appends a ``requeue`` event when new evidence reaches a rejected deployment, and carries review
targets over when a deployment's id changes (``attrs["supersedes"]``).
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import asdict, dataclass, field
from typing import Any
from urllib.parse import urlsplit

from countersight.model import ReviewEvent
from countersight.resolve.merge import ClaimFacts, DocumentFacts, MergedDeployment, fold, merge_claims
from countersight.resolve.review import (
    SYSTEM_ACTOR,
    organization_merges,
    review_states,
)
from countersight.resolve.vendors import VendorMatch, VendorResolver, group_of, vendor_groups
from countersight.store import Store
from countersight.store import deployments as dstore

log = logging.getLogger(__name__)

__all__ = ["ResolveReport", "resolve_store", "publisher_key", "VendorResolver", "merge_claims"]


@dataclass
class ResolveReport:
    """What a resolution run did."""

    claims: int = 0
    deployments: int = 0
    documents: int = 0
    new_organizations: list[str] = field(default_factory=list)
    suggestions: dict[str, list[tuple[str, float]]] = field(default_factory=dict)
    requeued: list[str] = field(default_factory=list)
    carried_over: dict[str, list[str]] = field(default_factory=dict)
    orphaned_review_targets: list[str] = field(default_factory=list)
    written: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return asdict(self)


def publisher_key(publisher: str | None, url: str | None, dataset: str | None, document_id: str) -> str:
    """Who stands behind a document, for counting independent sources: the publisher's name
    (folded), else the URL's host, else the dataset, else the document itself."""
    if publisher and publisher.strip():
        return fold(publisher)
    if url:
        host = urlsplit(url).hostname or ""
        if host:
            return host.removeprefix("www.")
    if dataset:
        return f"dataset:{dataset}"
    return f"document:{document_id}"


def _document_facts(store: Store) -> dict[str, DocumentFacts]:
    out: dict[str, DocumentFacts] = {}
    for doc_id, (published, publisher, url, dataset, ingested) in dstore.document_facts(store).items():
        # Undated documents count from the day they were ingested: the earliest we knew of them.
        date = published or (ingested.date() if isinstance(ingested, dt.datetime) else None)
        out[doc_id] = DocumentFacts(doc_id, date, publisher_key(publisher, url, dataset, doc_id))
    return out


def resolve_store(store: Store) -> ResolveReport:
    """Resolve vendors and merge every stored claim into deployments; idempotent and
    deterministic (same claims, same deployment ids). See the module docstring."""
    report = ResolveReport()
    stored_orgs = store.organizations(kind="vendor")
    resolver = VendorResolver.build(stored_orgs, organization_merges(store))
    groups = vendor_groups(stored_orgs)
    docs = _document_facts(store)

    facts: list[ClaimFacts] = []
    previous: dict[str, str | None] = {}
    matches: dict[str, VendorMatch] = {}
    for (
        cid,
        doc_id,
        source,
        country,
        vendor,
        vendor_raw,
        vendor_country,
        tech,
        status,
        conf,
        city,
        agency,
        start,
        end,
        dep_id,
    ) in dstore.iter_claim_rows(store):
        previous[cid] = dep_id
        name, home = None, vendor_country
        raw = vendor_raw or vendor
        if raw:
            m = resolver.resolve(raw if vendor is None else vendor)
            if m.method == "new" and vendor_raw and vendor_raw != vendor:
                # The claim's producer already chose a canonical name; try the raw spelling too.
                alt = resolver.resolve(vendor_raw)
                m = alt if alt.method != "new" else m
            matches[m.name] = m
            name, home = m.name, m.home_country or vendor_country
        facts.append(
            ClaimFacts(
                cid,
                doc_id,
                source,
                country,
                name,
                home,
                tech,
                status,
                float(conf),
                city,
                agency,
                start,
                end,
                vendor_raw or vendor,
            )
        )
    report.claims = len(facts)
    merged = merge_claims(facts, docs)
    report.deployments = len(merged)

    new_orgs = [m.organization for m in matches.values() if m.method == "new"]
    report.new_organizations = sorted(o.name for o in new_orgs)
    report.suggestions = {
        m.name: list(m.suggestions) for m in matches.values() if m.method == "new" and m.suggestions
    }

    existing = {r["id"]: r for r in dstore.deployment_rows(store)}
    events_targets = {e.target_id for e in store.review_events()}
    new_ids = {md.deployment.id for md in merged}
    dep_rows, link_rows, assignments = [], [], []
    for md in merged:
        dep = md.deployment
        carried = set(_supersedes(existing.get(dep.id)))
        for cid in dep.claim_ids:
            old = previous.get(cid)
            if old and old != dep.id and old not in new_ids and (old in events_targets or old in carried):
                carried.add(old)
        for cid in dep.claim_ids:
            if previous.get(cid) != dep.id:
                assignments.append((cid, dep.id))
        attrs = dict(md.attrs)
        if dep.vendor:
            attrs["vendor_group"] = group_of(dep.vendor, groups)
        if carried:
            attrs["supersedes"] = sorted(carried)
            report.carried_over[dep.id] = sorted(carried)
        publishers = {lk.publisher for lk in md.links}
        dep_rows.append(dstore.deployment_row(dep, md.n_claims, len(md.links), len(publishers), attrs))
        link_rows += [_link_row(lk) for lk in md.links]
        report.documents += len(md.links)
    superseded = {old for ids in report.carried_over.values() for old in ids}
    report.orphaned_review_targets = sorted(
        t for t in events_targets if t.startswith("dep-") and t not in new_ids and t not in superseded
    )

    with store.transaction() as conn:
        added_orgs = dstore.upsert_organizations(store, [_org_row(o) for o in new_orgs], conn)
        report.written = dstore.write_resolution(store, dep_rows, link_rows, assignments, conn)
        report.written["organizations_new"] = added_orgs
    report.requeued = _requeue_rejected(store, merged, dep_rows)
    log.info("resolved %d claims into %d deployments", report.claims, report.deployments)
    return report


def _supersedes(row: dict[str, Any] | None) -> list[str]:
    return list(((row or {}).get("attrs") or {}).get("supersedes") or ())


def _link_row(lk: Any) -> dict[str, Any]:
    return {
        "deployment_id": lk.deployment_id,
        "document_id": lk.document_id,
        "country": lk.country,
        "published": lk.date,
        "publisher": lk.publisher,
        "status": lk.status,
        "confidence": lk.confidence,
        "n_claims": lk.n_claims,
    }


def _org_row(o: Any) -> dict[str, Any]:
    return {
        "id": o.id,
        "name": o.name,
        "kind": o.kind,
        "home_country": o.home_country,
        "parent": o.parent,
        "aliases": list(o.aliases),
        "note": o.note,
        "needs_review": o.needs_review,
    }


def _requeue_rejected(store: Store, merged: list[MergedDeployment], rows: list[dict[str, Any]]) -> list[str]:
    """Append a ``requeue`` event for each rejected deployment that gained claims since the
    rejection (once per rejection: the event itself marks the state as re-queued)."""
    states = review_states(store, rows)
    by_id = {m.deployment.id: m for m in merged}
    requeued = []
    for dep_id, state in sorted(states.items()):
        if state.target_kind != "deployment" or state.decision != "rejected" or state.requeued:
            continue
        m = by_id.get(dep_id)
        if m is None:
            continue
        new = sorted(set(m.deployment.claim_ids) - set(state.snapshot_claim_ids))
        if not new or not state.snapshot_claim_ids:
            continue
        store.add_review_event(
            ReviewEvent(
                target_id=dep_id,
                action="requeue",
                actor=SYSTEM_ACTOR,
                reason=f"new evidence since the rejection: {len(new)} claim(s); please review again",
                changes={"new_claim_ids": new},
            )
        )
        requeued.append(dep_id)
    return requeued
