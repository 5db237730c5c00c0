"""Resolution through the store: read claim rows, resolve vendors and merge them (the pure core,
:mod:`countersight.resolve`), write the deployments, their document links and each claim's
``deployment_id`` -- only what changed.

It never writes a review decision: it appends a ``requeue`` event when new evidence reaches a
rejected deployment, and carries review targets over when a deployment's id changes
(``attrs["supersedes"]``).

:func:`resolve_pending` is the same over only the claims no deployment holds yet and the
deployments sharing their merge keys: every write that adds claims calls it, so deployments are
never behind the claims; :func:`resolve_store` is the full rebuild (``countersight resolve``).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from countersight import review_state
from countersight.resolve.merge import ClaimFacts, merge_claims, supplier_key
from countersight.resolve.plan import ClaimResolver, document_facts, merge_key, plan_resolution, requeue_events
from countersight.resolve.records import DocumentRow
from countersight.store import Store
from countersight.store import deployments as dstore

log = logging.getLogger(__name__)

__all__ = ["ResolveReport", "resolve_pending", "resolve_store"]


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

    def as_dict(self) -> dict[str, Any]:  # JSON: the report as the CLI prints it
        """JSON-ready form (the CLI's ``--format json``)."""
        return asdict(self)


def _claim_resolver(store: Store) -> ClaimResolver:
    return ClaimResolver.build(store.organizations(kind="vendor"), review_state.organization_merges(store))


def resolve_store(store: Store) -> ResolveReport:
    """Resolve vendors and merge every stored claim into deployments; idempotent and
    deterministic (same claims, same deployment ids): the full rebuild. See the module docstring."""
    vendors = _claim_resolver(store)
    facts: list[ClaimFacts] = []
    previous: dict[str, str | None] = {}
    for row in dstore.iter_claim_rows(store):
        previous[row.id] = row.deployment_id
        facts.append(vendors.facts(row))
    return _resolve(store, vendors, facts, previous, dstore.document_rows(store), scope=None)


def resolve_pending(store: Store) -> ResolveReport:
    """Merge the claims no deployment holds yet (those a write just added), re-merging only the
    deployments that share their merge keys; every other deployment is left untouched.

    Every write calls this, so deployments are never stale; :func:`resolve_store` rebuilds all.
    It equals the full run for the keys it touches as long as vendor resolution is unchanged
    (a reviewer merging organizations needs the full run, which the review commands do)."""
    pending = dstore.pending_claim_rows(store)
    if not pending:
        return ResolveReport(incremental=True)
    vendors = _claim_resolver(store)
    new = [vendors.facts(row) for row in pending]
    keys = {merge_key(f) for f in new}
    scope = dstore.deployment_ids_for_keys(store, keys, supplier_key)
    old_rows = dstore.claim_rows_of_deployments(store, scope)
    facts = new + [vendors.facts(row) for row in old_rows]
    previous: dict[str, str | None] = {f.id: None for f in new}
    previous.update({row.id: row.deployment_id for row in old_rows})
    docs = dstore.document_rows(store, {f.document_id for f in facts})
    report = _resolve(store, vendors, facts, previous, docs, scope=scope)
    report.incremental = True
    return report


def _resolve(
    store: Store,
    vendors: ClaimResolver,
    facts: list[ClaimFacts],
    previous: dict[str, str | None],
    docs: Sequence[DocumentRow],
    scope: set[str] | None,
) -> ResolveReport:
    """Merge ``facts`` and write the result over the deployments in ``scope`` (None: all)."""
    merged = merge_claims(facts, document_facts(docs))
    new_orgs = vendors.new_organizations()
    new_ids = {md.deployment.id for md in merged}
    existing_ids = None if scope is None else sorted(scope | new_ids)
    events_targets = {e.target_id for e in store.review_events()}
    plan = plan_resolution(
        merged,
        previous,
        dstore.superseded_ids(store, existing_ids),
        events_targets,
        vendors.groups,
        full=scope is None,
    )
    report = ResolveReport(
        claims=len(facts),
        deployments=len(merged),
        documents=len(plan.links),
        new_organizations=sorted(o.name for o in new_orgs),
        suggestions=vendors.suggestions(),
        carried_over=dict(plan.carried_over),
        orphaned_review_targets=list(plan.orphaned_review_targets),
    )
    with store.transaction() as conn:
        added_orgs = dstore.upsert_organizations(store, new_orgs, conn)
        report.written = dstore.write_resolution(
            store, plan.deployments, plan.links, plan.assignments, conn, scope=existing_ids
        )
        report.written["organizations_new"] = added_orgs
    states = review_state.review_states(store, {d.deployment.id: d.supersedes for d in plan.deployments})
    for event in requeue_events(merged, states):
        store.add_review_event(event)
        report.requeued.append(event.target_id)
    log.info(
        "resolved %d claims into %d deployments%s",
        report.claims,
        report.deployments,
        "" if scope is None else " (incremental)",
    )
    return report
