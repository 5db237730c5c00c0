"""Resolution: vendor names to organizations, claims merged into deployments, review on top.

:func:`resolve_store` reads every claim (light columns), resolves vendor names (registry aliases,
reviewers' merges; unknown names become new organizations flagged for review), merges claims into
deployments (:mod:`countersight.resolve.merge`), and writes the deployments, their document links
and each claim's ``deployment_id`` -- only what changed. It never writes a review decision: it
appends a ``requeue`` event when new evidence reaches a rejected deployment, and carries review
targets over when a deployment's id changes (``attrs["supersedes"]``).

:func:`resolve_pending` is the same over only the claims no deployment holds yet and the
deployments sharing their merge keys: every write that adds claims calls it, so deployments are
never behind the claims; :func:`resolve_store` is the full rebuild (``countersight resolve``).
"""

from __future__ import annotations

import logging
from collections.abc import Collection
from dataclasses import asdict, dataclass, field
from typing import Any
from urllib.parse import urlsplit

from countersight.model import ReviewEvent
from countersight.resolve.merge import (
    ClaimFacts,
    DocumentFacts,
    MergedDeployment,
    fold,
    merge_claims,
    supplier_key,
)
from countersight.resolve.review import (
    SYSTEM_ACTOR,
    organization_merges,
    review_states,
)
from countersight.resolve.vendors import VendorMatch, VendorResolver, group_of, vendor_groups
from countersight.store import Store
from countersight.store import deployments as dstore

log = logging.getLogger(__name__)

__all__ = [
    "ResolveReport",
    "resolve_store",
    "resolve_pending",
    "merge_key",
    "publisher_key",
    "VendorResolver",
    "merge_claims",
]


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
    incremental: bool = False

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


def _document_facts(store: Store, ids: Collection[str] | None = None) -> dict[str, DocumentFacts]:
    out: dict[str, DocumentFacts] = {}
    for doc_id, (published, publisher, url, dataset) in dstore.document_facts(store, ids).items():
        # A document's date is the one it states (or None): never the day it was ingested, so
        # the same inputs resolve to the same rows on any day.
        out[doc_id] = DocumentFacts(doc_id, published, publisher_key(publisher, url, dataset, doc_id))
    return out


@dataclass
class _Resolver:
    """Vendor resolution shared by the full and the incremental run."""

    resolver: VendorResolver
    groups: dict[str, str]
    matches: dict[str, VendorMatch] = field(default_factory=dict)

    @classmethod
    def build(cls, store: Store) -> _Resolver:
        stored_orgs = store.organizations(kind="vendor")
        return cls(VendorResolver.build(stored_orgs, organization_merges(store)), vendor_groups(stored_orgs))

    def facts(self, row: tuple[Any, ...]) -> ClaimFacts:
        """A claim row (:data:`dstore.CLAIM_COLUMNS`) with its vendor resolved."""
        (
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
            _dep_id,
        ) = row
        name, home = None, vendor_country
        raw = vendor_raw or vendor
        if raw:
            m = self.resolver.resolve(raw if vendor is None else vendor)
            if m.method == "new" and vendor_raw and vendor_raw != vendor:
                # The claim's producer already chose a canonical name; try the raw spelling too.
                alt = self.resolver.resolve(vendor_raw)
                m = alt if alt.method != "new" else m
            self.matches[m.name] = m
            name, home = m.name, m.home_country or vendor_country
        return ClaimFacts(
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


def merge_key(c: ClaimFacts) -> tuple[str, str, str]:
    """The part of a claim that decides which deployments it can join: claims of different keys
    never merge, so a write only re-merges the keys its claims have."""
    return (c.country, supplier_key(c.vendor, c.vendor_country), c.technology or "")


def resolve_store(store: Store) -> ResolveReport:
    """Resolve vendors and merge every stored claim into deployments; idempotent and
    deterministic (same claims, same deployment ids): the full rebuild. See the module docstring."""
    vendors = _Resolver.build(store)
    facts: list[ClaimFacts] = []
    previous: dict[str, str | None] = {}
    for row in dstore.iter_claim_rows(store):
        previous[row[0]] = row[-1]
        facts.append(vendors.facts(row))
    return _resolve(store, vendors, facts, previous, _document_facts(store), scope=None)


def resolve_pending(store: Store) -> ResolveReport:
    """Merge the claims no deployment holds yet (those a write just added), re-merging only the
    deployments that share their merge keys; every other deployment is left untouched.

    Every write calls this, so deployments are never stale; :func:`resolve_store` rebuilds all.
    It equals the full run for the keys it touches as long as vendor resolution is unchanged
    (a reviewer merging organizations needs the full run, which the review commands do)."""
    pending = dstore.pending_claim_rows(store)
    if not pending:
        return ResolveReport(incremental=True)
    vendors = _Resolver.build(store)
    new = [vendors.facts(row) for row in pending]
    keys = {merge_key(f) for f in new}
    scope = dstore.deployment_ids_for_keys(store, keys, supplier_key)
    old_rows = dstore.claim_rows_of_deployments(store, scope)
    facts = new + [vendors.facts(row) for row in old_rows]
    previous: dict[str, str | None] = {f.id: None for f in new}
    previous.update({row[0]: row[-1] for row in old_rows})
    docs = _document_facts(store, {f.document_id for f in facts})
    report = _resolve(store, vendors, facts, previous, docs, scope=scope)
    report.incremental = True
    return report


def _resolve(
    store: Store,
    vendors: _Resolver,
    facts: list[ClaimFacts],
    previous: dict[str, str | None],
    docs: dict[str, DocumentFacts],
    scope: set[str] | None,
) -> ResolveReport:
    """Merge ``facts`` and write the result over the deployments in ``scope`` (None: all)."""
    report = ResolveReport()
    report.claims = len(facts)
    merged = merge_claims(facts, docs)
    report.deployments = len(merged)

    matches = vendors.matches
    new_orgs = [m.organization for m in matches.values() if m.method == "new"]
    report.new_organizations = sorted(o.name for o in new_orgs)
    report.suggestions = {m.name: list(m.suggestions) for m in matches.values() if m.method == "new" and m.suggestions}

    new_ids = {md.deployment.id for md in merged}
    existing_ids = None if scope is None else sorted(scope | new_ids)
    existing = {r["id"]: r for r in dstore.deployment_rows(store, ids=existing_ids)}
    events_targets = {e.target_id for e in store.review_events()}
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
            attrs["vendor_group"] = group_of(dep.vendor, vendors.groups)
        if carried:
            attrs["supersedes"] = sorted(carried)
            report.carried_over[dep.id] = sorted(carried)
        publishers = {lk.publisher for lk in md.links}
        dep_rows.append(dstore.deployment_row(dep, md.n_claims, len(md.links), len(publishers), attrs))
        link_rows += [_link_row(lk) for lk in md.links]
        report.documents += len(md.links)
    if scope is None:
        superseded = {old for ids in report.carried_over.values() for old in ids}
        report.orphaned_review_targets = sorted(
            t for t in events_targets if t.startswith("dep-") and t not in new_ids and t not in superseded
        )

    with store.transaction() as conn:
        added_orgs = dstore.upsert_organizations(store, [_org_row(o) for o in new_orgs], conn)
        report.written = dstore.write_resolution(
            store, dep_rows, link_rows, assignments, conn, scope=None if existing_ids is None else existing_ids
        )
        report.written["organizations_new"] = added_orgs
    report.requeued = _requeue_rejected(store, merged, dep_rows)
    log.info(
        "resolved %d claims into %d deployments%s",
        report.claims,
        report.deployments,
        "" if scope is None else " (incremental)",
    )
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
