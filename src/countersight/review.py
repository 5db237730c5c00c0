"""Review through the store: record decisions (validated by :mod:`countersight.resolve.review_check`,
appended as :class:`ReviewEvent`\\ s, never updated), read the current state of targets (folded by
:mod:`countersight.resolve.review`), and the queue of what awaits review
(:mod:`countersight.resolve.queue`). The CLI, the API and the index call these."""

from __future__ import annotations

import getpass
import os
from collections.abc import Mapping
from dataclasses import replace
from typing import Any, cast

from countersight import clock
from countersight.errors import NotFoundError
from countersight.model import ReviewAction, ReviewEvent
from countersight.resolution import resolve_store
from countersight.resolve.queue import QueueFilter, QueueItem, build_queue
from countersight.resolve.records import EditValue
from countersight.resolve.review import (
    DEPLOYMENT_FIELDS,
    Dispute,
    ReviewState,
)
from countersight.resolve.review_check import (
    MAX_REASON_CHARS,
    MAX_SOURCE_CHARS,
    MAX_VALUE_CHARS,
    check_event,
    with_changes,
)
from countersight.review_state import current_state, history, organization_merges, rejected_vendors, review_states
from countersight.store import Store
from countersight.store import deployments as dstore
from countersight.store import review as review_store

__all__ = [
    "MAX_REASON_CHARS",
    "MAX_SOURCE_CHARS",
    "MAX_VALUE_CHARS",
    "Dispute",
    "QueueItem",
    "ReviewState",
    "accept",
    "current_state",
    "default_actor",
    "dispute",
    "edit",
    "history",
    "note",
    "organization_merges",
    "record",
    "reject",
    "rejected_vendors",
    "review_queue",
    "review_states",
]


def default_actor() -> str:
    """Who is reviewing: ``COUNTERSIGHT_REVIEWER`` or the login name."""
    try:
        return os.environ.get("COUNTERSIGHT_REVIEWER") or getpass.getuser()
    except (OSError, KeyError):
        return "unknown"


def review_queue(
    store: Store,
    country: str | None = None,
    vendor: str | None = None,
    min_confidence: float | None = None,
    max_confidence: float | None = None,
    limit: int | None = None,
) -> list[QueueItem]:
    """Deployments and new organizations awaiting review, most important first (see
    :func:`countersight.resolve.queue.build_queue`)."""
    deployments = review_store.review_deployments(store, country=country)
    states = review_states(store, {d.id: d.supersedes for d in deployments})
    want = QueueFilter(country, vendor, min_confidence, max_confidence, limit)
    return build_queue(deployments, states, review_store.organizations_for_review(store), want)


# -- recording -----------------------------------------------------------------------------


def _current_values(store: Store, event: ReviewEvent) -> Mapping[str, EditValue]:
    """The target's editable fields as they stand (reviewers' edits applied); NotFoundError when
    it is not stored."""
    if event.target_kind == "deployment":
        deps = review_store.review_deployments(store, ids=[event.target_id])
        if not deps:
            raise NotFoundError(f"no deployment {event.target_id!r} (run `countersight resolve` first?)")
        values: dict[str, EditValue] = {f: getattr(deps[0], f) for f in DEPLOYMENT_FIELDS}
        state = current_state(store, event.target_id)
        values.update({k: v for k, v in state.edits.items() if k in DEPLOYMENT_FIELDS})
        return values
    org = review_store.organization(store, event.target_id)
    if org is None:
        raise NotFoundError(f"no organization {event.target_id!r}")
    return {"home_country": org.home_country, "parent": org.parent, "name": org.name}


def record(store: Store, event: ReviewEvent) -> ReviewEvent:
    """Validate and append a review event; return it with its id and time.

    Deployment edits give ``changes={"fields": {name: value}}``; the stored event records each
    field as ``{"from": old, "to": new}``. Accept and reject snapshot the claims the reviewer saw,
    so that later evidence can re-queue the deployment. A dispute needs ``source`` (where the
    vendor or government said so) and names who disputes in ``changes["by"]``.
    """
    check_event(event)
    current = _current_values(store, event)
    claim_ids = None
    if event.action in ("accept", "reject") and event.target_kind == "deployment":
        claim_ids = dstore.deployment_claim_ids(store, event.target_id)
    stamped = with_changes(event, current, claim_ids)
    stamped = replace(stamped, created_at=event.created_at or clock.now())
    new_id = store.add_review_event(stamped)
    fields = stamped.changes.get("fields") or {}
    if event.target_kind == "organization" and event.action == "edit" and {"merge_into", "name"} & set(fields):
        # Vendor resolution changed, so any claim may move: the full rebuild, so that deployments
        # are never stale after a write (decisions on deployments are folded in when read).
        resolve_store(store)
    return replace(stamped, id=new_id)


def _event(
    target: str,
    action: str,
    reason: str,
    actor: str | None,
    changes: dict[str, Any] | None = None,  # JSON: the review_events.changes column
    source: str | None = None,
) -> ReviewEvent:
    return ReviewEvent(
        target_id=target,
        action=cast(ReviewAction, action),
        actor=actor or default_actor(),
        reason=reason,
        changes=changes or {},
        target_kind="organization" if target.startswith("org-") else "deployment",
        source=source,
    )


def accept(store: Store, target_id: str, reason: str, actor: str | None = None) -> ReviewEvent:
    """Accept a deployment (or confirm a new organization)."""
    return record(store, _event(target_id, "accept", reason, actor))


def reject(store: Store, target_id: str, reason: str, actor: str | None = None) -> ReviewEvent:
    """Reject a deployment (the live index leaves it out) or an organization (not a vendor)."""
    return record(store, _event(target_id, "reject", reason, actor))


def edit(
    store: Store, target_id: str, reason: str, fields: Mapping[str, EditValue], actor: str | None = None
) -> ReviewEvent:
    """Override fields of a deployment or organization (``None`` removes an override)."""
    return record(store, _event(target_id, "edit", reason, actor, {"fields": dict(fields)}))


def dispute(store: Store, target_id: str, reason: str, by: str, source: str, actor: str | None = None) -> ReviewEvent:
    """Record a right-of-reply dispute (by a vendor or government, with its source)."""
    return record(store, _event(target_id, "dispute", reason, actor, {"by": by}, source))


def note(store: Store, target_id: str, reason: str, actor: str | None = None) -> ReviewEvent:
    """Add a note to a target's trail without changing its state."""
    return record(store, _event(target_id, "note", reason, actor))
