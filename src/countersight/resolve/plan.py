"""Resolution as pure functions: claim rows with their vendors resolved, merged into deployments,
and the plan of what to write (deployments, document links, claims that changed deployment,
review trails carried over to re-keyed deployments, ``requeue`` events for rejected deployments
that gained evidence). :mod:`countersight.resolution` reads the rows and writes the plan."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from countersight.model import Organization, ReviewEvent
from countersight.resolve.merge import ClaimFacts, DocumentFacts, Link, MergedDeployment, fold, supplier_key
from countersight.resolve.records import ClaimRow, DocumentRow, ResolvedDeployment
from countersight.resolve.review import SYSTEM_ACTOR, ReviewState
from countersight.resolve.vendors import VendorMatch, VendorResolver, group_of, vendor_groups


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


def document_facts(rows: Iterable[DocumentRow]) -> dict[str, DocumentFacts]:
    """What merging needs of each document, by id."""
    # A document's date is the one it states (or None): never the day it was ingested, so the
    # same inputs resolve to the same rows on any day.
    return {r.id: DocumentFacts(r.id, r.published, publisher_key(r.publisher, r.url, r.dataset, r.id)) for r in rows}


def merge_key(c: ClaimFacts) -> tuple[str, str, str]:
    """The part of a claim that decides which deployments it can join: claims of different keys
    never merge, so a write only re-merges the keys its claims have."""
    return (c.country, supplier_key(c.vendor, c.vendor_country), c.technology or "")


@dataclass
class ClaimResolver:
    """Vendor resolution shared by the full and the incremental run; remembers every match."""

    resolver: VendorResolver
    groups: dict[str, str]
    matches: dict[str, VendorMatch] = field(default_factory=dict)

    @classmethod
    def build(cls, organizations: Sequence[Organization], merges: Mapping[str, str]) -> ClaimResolver:
        """From the stored vendor organizations and the reviewers' merges."""
        return cls(VendorResolver.build(organizations, merges), vendor_groups(organizations))

    def facts(self, row: ClaimRow) -> ClaimFacts:
        """A claim row with its vendor resolved."""
        vendor, vendor_raw = row.vendor, row.vendor_raw
        name, home = None, row.vendor_country
        raw = vendor_raw or vendor
        if raw:
            m = self.resolver.resolve(raw if vendor is None else vendor)
            if m.method == "new" and vendor_raw and vendor_raw != vendor:
                # The claim's producer already chose a canonical name; try the raw spelling too.
                alt = self.resolver.resolve(vendor_raw)
                m = alt if alt.method != "new" else m
            self.matches[m.name] = m
            name, home = m.name, m.home_country or row.vendor_country
        return ClaimFacts(
            row.id,
            row.document_id,
            row.source,
            row.country,
            name,
            home,
            row.technology,
            row.status,
            float(row.confidence),
            row.city,
            row.agency,
            row.start_year,
            row.end_year,
            vendor_raw or vendor,
        )

    def new_organizations(self) -> list[Organization]:
        """The organizations made for vendor names nothing knew (flagged for review)."""
        return [m.organization for m in self.matches.values() if m.method == "new"]

    def suggestions(self) -> dict[str, list[tuple[str, float]]]:
        """For each new vendor name: the known names it resembles, with their scores."""
        return {m.name: list(m.suggestions) for m in self.matches.values() if m.method == "new" and m.suggestions}


@dataclass(frozen=True, slots=True)
class ResolutionPlan:
    """What to write after merging: every deployment in scope, its links, the claims whose
    deployment changed, the review trails carried to re-keyed ids (new id -> old ids) and, on a
    full run, the review targets that no deployment holds any more."""

    deployments: tuple[ResolvedDeployment, ...]
    links: tuple[Link, ...]
    assignments: tuple[tuple[str, str], ...]
    carried_over: Mapping[str, list[str]]
    orphaned_review_targets: tuple[str, ...] = ()


def plan_resolution(
    merged: Sequence[MergedDeployment],
    previous: Mapping[str, str | None],
    existing_supersedes: Mapping[str, Sequence[str]],
    review_targets: Collection[str],
    groups: Mapping[str, str],
    full: bool,
) -> ResolutionPlan:
    """The rows to write for ``merged``: ``previous`` is each claim's deployment before (None when
    new), ``existing_supersedes`` the stored deployments' carried ids, ``review_targets`` every id
    an event names. A deployment whose id changed carries the old id's review trail."""
    new_ids = {md.deployment.id for md in merged}
    deployments: list[ResolvedDeployment] = []
    links: list[Link] = []
    assignments: list[tuple[str, str]] = []
    carried_over: dict[str, list[str]] = {}
    for md in merged:
        dep = md.deployment
        carried = set(existing_supersedes.get(dep.id, ()))
        for cid in dep.claim_ids:
            old = previous.get(cid)
            if old and old != dep.id and old not in new_ids and (old in review_targets or old in carried):
                carried.add(old)
        for cid in dep.claim_ids:
            if previous.get(cid) != dep.id:
                assignments.append((cid, dep.id))
        attrs = md.attrs.copy()
        if dep.vendor:
            attrs["vendor_group"] = group_of(dep.vendor, groups)
        if carried:
            attrs["supersedes"] = sorted(carried)
            carried_over[dep.id] = sorted(carried)
        publishers = {lk.publisher for lk in md.links}
        deployments.append(ResolvedDeployment(dep, md.n_claims, len(md.links), len(publishers), attrs))
        links += md.links
    orphaned: tuple[str, ...] = ()
    if full:
        superseded = {old for ids in carried_over.values() for old in ids}
        orphaned = tuple(
            sorted(t for t in review_targets if t.startswith("dep-") and t not in new_ids and t not in superseded)
        )
    return ResolutionPlan(tuple(deployments), tuple(links), tuple(assignments), carried_over, orphaned)


def requeue_events(merged: Sequence[MergedDeployment], states: Mapping[str, ReviewState]) -> list[ReviewEvent]:
    """A ``requeue`` event for each rejected deployment that gained claims since the rejection
    (once per rejection: the event itself marks the state as re-queued), by deployment id."""
    by_id = {m.deployment.id: m for m in merged}
    events = []
    for dep_id, state in sorted(states.items()):
        if state.target_kind != "deployment" or state.decision != "rejected" or state.requeued:
            continue
        m = by_id.get(dep_id)
        if m is None:
            continue
        new = sorted(set(m.deployment.claim_ids) - set(state.snapshot_claim_ids))
        if not new or not state.snapshot_claim_ids:
            continue
        events.append(
            ReviewEvent(
                target_id=dep_id,
                action="requeue",
                actor=SYSTEM_ACTOR,
                reason=f"new evidence since the rejection: {len(new)} claim(s); please review again",
                changes={"new_claim_ids": new},
            )
        )
    return events
