"""Human review: decisions recorded as append-only :class:`ReviewEvent`s and the current state of a
deployment or organization folded from its events (pure: the events are handed in).

Nothing here updates or deletes an event: a decision is undone by a later event (accept after
reject; an edit setting a field back to ``None`` removes that override). Resolution never
writes decisions; it only appends ``requeue`` events when new evidence reaches a rejected
deployment. Deployment ids are deterministic, so events keep their target across re-imports.
Recording and reading through the store is :mod:`countersight.review`; what a state means for a
deployment is :mod:`countersight.resolve.review_effect`; validating an event is
:mod:`countersight.resolve.review_check`; the queue is :mod:`countersight.resolve.queue`.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from countersight.model import Organization, ReviewEvent
from countersight.resolve.records import DeploymentEdits, EditValue

DEPLOYMENT_FIELDS = (
    "country",
    "technology",
    "vendor",
    "vendor_country",
    "city",
    "agency",
    "status",
    "start_year",
    "end_year",
)
ORGANIZATION_FIELDS = ("home_country", "parent", "merge_into", "name")
ACTIONS = ("accept", "reject", "edit", "dispute", "note", "requeue")
SYSTEM_ACTOR = "countersight-resolve"


@dataclass(frozen=True, slots=True)
class Dispute:
    """A right-of-reply entry: who disputes the record, where they said so, and what they say."""

    by: str
    source: str
    reason: str
    actor: str
    at: dt.datetime | None
    event_id: int | None


@dataclass(frozen=True, slots=True)
class ReviewState:
    """The current review state of one target, derived from its events (oldest first).

    ``decision`` is ``unreviewed``, ``accepted`` or ``rejected``; ``edits`` are the field
    overrides in force (field name -> value set; :attr:`deployment_edits` types a deployment's);
    ``requeued`` is True when new evidence arrived after a rejection (the
    rejection still applies until a reviewer decides again).
    """

    target_id: str
    target_kind: str = "deployment"
    decision: str = "unreviewed"
    edits: Mapping[str, EditValue] = field(default_factory=dict)
    disputes: tuple[Dispute, ...] = ()
    requeued: bool = False
    requeue_note: str | None = None
    snapshot_claim_ids: tuple[str, ...] = ()
    n_events: int = 0
    last_action: str | None = None
    last_actor: str | None = None
    last_reason: str | None = None
    last_at: dt.datetime | None = None

    @property
    def reviewed(self) -> bool:
        """True once a human accepted, rejected or edited the target."""
        return self.decision != "unreviewed" or bool(self.edits)

    @property
    def deployment_edits(self) -> DeploymentEdits:
        """The overrides of a deployment's fields, typed."""
        return DeploymentEdits.from_edits(self.edits)

    @property
    def excluded(self) -> bool:
        """True when the live index must leave the target out."""
        return self.decision == "rejected"

    def as_dict(self) -> dict[str, Any]:  # JSON: the state as the CLI prints and the API returns it
        """JSON-ready form."""
        return {
            "target_id": self.target_id,
            "target_kind": self.target_kind,
            "decision": self.decision,
            "edits": dict(self.edits),
            "requeued": self.requeued,
            "requeue_note": self.requeue_note,
            "disputes": [
                {
                    "by": d.by,
                    "source": d.source,
                    "reason": d.reason,
                    "actor": d.actor,
                    "at": d.at.isoformat() if d.at else None,
                    "event_id": d.event_id,
                }
                for d in self.disputes
            ],
            "n_events": self.n_events,
            "last_action": self.last_action,
            "last_actor": self.last_actor,
            "last_reason": self.last_reason,
            "last_at": self.last_at.isoformat() if self.last_at else None,
        }


def derive_state(target_id: str, events: Iterable[ReviewEvent], target_kind: str = "deployment") -> ReviewState:
    """Fold a target's events (in recorded order) into its current state."""
    state = ReviewState(target_id=target_id, target_kind=target_kind)
    edits: dict[str, EditValue] = {}
    disputes: list[Dispute] = []
    for ev in events:
        changes = ev.changes or {}
        state = replace(
            state,
            n_events=state.n_events + 1,
            last_action=ev.action,
            last_actor=ev.actor,
            last_reason=ev.reason,
            last_at=ev.created_at,
        )
        if ev.action in ("accept", "reject"):
            state = replace(
                state,
                decision="accepted" if ev.action == "accept" else "rejected",
                requeued=False,
                requeue_note=None,
                snapshot_claim_ids=tuple(changes.get("claim_ids") or ()),
            )
        elif ev.action == "edit":
            for name, change in (changes.get("fields") or {}).items():
                value = change.get("to") if isinstance(change, dict) else change
                if value is None:
                    edits.pop(name, None)
                else:
                    edits[name] = value
        elif ev.action == "dispute":
            disputes.append(
                Dispute(
                    by=str(changes.get("by") or ev.actor),
                    source=ev.source or "",
                    reason=ev.reason,
                    actor=ev.actor,
                    at=ev.created_at,
                    event_id=ev.id,
                )
            )
        elif ev.action == "requeue":
            state = replace(state, requeued=True, requeue_note=ev.reason)
    return replace(state, edits=dict(edits), disputes=tuple(disputes))


# -- folding the events of many targets ----------------------------------------------------------


def events_by_target(events: Iterable[ReviewEvent]) -> dict[str, list[ReviewEvent]]:
    """Events grouped by target id, each group in recorded order."""
    by: dict[str, list[ReviewEvent]] = defaultdict(list)
    for ev in events:
        by[ev.target_id].append(ev)
    return by


def merged_events(
    target: str, supersedes: Sequence[str], by_target: Mapping[str, Sequence[ReviewEvent]]
) -> list[ReviewEvent]:
    """A deployment's own events plus those of the ids it superseded (a re-keyed deployment)."""
    events = list(by_target.get(target, ()))
    for old in supersedes:
        events += by_target.get(old, ())
    return sorted(events, key=lambda e: e.id or 0)


def fold_states(
    by_target: Mapping[str, Sequence[ReviewEvent]], supersedes: Mapping[str, Sequence[str]]
) -> dict[str, ReviewState]:
    """The state of every reviewed target (deployments and organizations), by target id, given the
    events by target and each deployment's superseded ids (those that carry another id's trail).

    Targets without events are absent (their state is the default, unreviewed)."""
    if not by_target:
        return {}
    out: dict[str, ReviewState] = {}
    targets = set(by_target)
    for dep_id, old_ids in supersedes.items():
        if any(old in by_target for old in old_ids):
            targets.add(dep_id)
    for target in targets:
        events = merged_events(target, supersedes.get(target, ()), by_target)
        kind = events[0].target_kind if events else "deployment"
        out[target] = derive_state(target, events, kind)
    return out


def target_state(
    target_id: str,
    by_target: Mapping[str, Sequence[ReviewEvent]],
    supersedes: Sequence[str] = (),
    is_deployment: bool = False,
) -> ReviewState:
    """The current state of one target; without events its kind is ``deployment`` when it is a
    stored deployment (``is_deployment``), else ``organization``."""
    events = merged_events(target_id, supersedes, by_target)
    kind = events[0].target_kind if events else ("deployment" if is_deployment else "organization")
    return derive_state(target_id, events, kind)


def organization_merges(
    organizations: Iterable[Organization], by_target: Mapping[str, Sequence[ReviewEvent]]
) -> dict[str, str]:
    """Reviewer merges of organizations into others: ``{organization name: canonical name}``."""
    out: dict[str, str] = {}
    orgs = {o.id: o for o in organizations}
    for target, events in by_target.items():
        if target not in orgs:
            continue
        state = derive_state(target, events, "organization")
        into = state.edits.get("merge_into")
        if into:
            org = orgs[target]
            for alias in (org.name, *org.aliases):
                out[alias] = str(into)
    return out


def rejected_vendors(organizations: Iterable[Organization], by_target: Mapping[str, Sequence[ReviewEvent]]) -> set[str]:
    """Names of organizations a reviewer rejected (not a vendor): their deployments are excluded."""
    orgs = {o.id: o.name for o in organizations}
    out = set()
    for target, events in by_target.items():
        if target in orgs and derive_state(target, events, "organization").decision == "rejected":
            out.add(orgs[target])
    return out
