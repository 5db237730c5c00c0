"""Human review: decisions recorded as append-only :class:`ReviewEvent`s, the current state of a
deployment or organization derived from its events, and the queue of what awaits review.

Nothing here updates or deletes an event: a decision is undone by a later event (accept after
reject; an edit setting a field back to ``None`` removes that override). Resolution never
writes decisions; it only appends ``requeue`` events when new evidence reaches a rejected
deployment. Deployment ids are deterministic, so events keep their target across re-imports.
"""

from __future__ import annotations

import datetime as dt
import getpass
import os
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, cast

from countersight import clock
from countersight.errors import NotFoundError, ReviewError
from countersight.model import STATUSES, ReviewAction, ReviewEvent
from countersight.reference.countries import is_country_code, resolve_country
from countersight.reference.technologies import is_technology
from countersight.reference.vendors import resolve_org
from countersight.store import Store
from countersight.store import deployments as dstore

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
    overrides in force; ``requeued`` is True when new evidence arrived after a rejection (the
    rejection still applies until a reviewer decides again).
    """

    target_id: str
    target_kind: str = "deployment"
    decision: str = "unreviewed"
    edits: dict[str, Any] = field(default_factory=dict)
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
    def excluded(self) -> bool:
        """True when the live index must leave the target out."""
        return self.decision == "rejected"

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "target_id": self.target_id,
            "target_kind": self.target_kind,
            "decision": self.decision,
            "edits": self.edits,
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
    edits: dict[str, Any] = {}
    disputes: list[Dispute] = []
    for ev in events:
        changes = ev.changes or {}
        upd: dict[str, Any] = {
            "n_events": state.n_events + 1,
            "last_action": ev.action,
            "last_actor": ev.actor,
            "last_reason": ev.reason,
            "last_at": ev.created_at,
        }
        if ev.action in ("accept", "reject"):
            upd.update(
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
            upd.update(requeued=True, requeue_note=ev.reason)
        state = replace(state, **upd)
    return replace(state, edits=dict(edits), disputes=tuple(disputes))


def default_actor() -> str:
    """Who is reviewing: ``COUNTERSIGHT_REVIEWER`` or the login name."""
    try:
        return os.environ.get("COUNTERSIGHT_REVIEWER") or getpass.getuser()
    except (OSError, KeyError):
        return "unknown"


# -- reading states ------------------------------------------------------------------------


def _events_by_target(store: Store) -> dict[str, list[ReviewEvent]]:
    by: dict[str, list[ReviewEvent]] = defaultdict(list)
    for ev in store.review_events():
        by[ev.target_id].append(ev)
    return by


def _supersedes(row: Mapping[str, Any] | None) -> list[str]:
    attrs = (row or {}).get("attrs") or {}
    return list(attrs.get("supersedes") or ())


def _merged_events(
    target: str, row: Mapping[str, Any] | None, by_target: Mapping[str, list[ReviewEvent]]
) -> list[ReviewEvent]:
    """A deployment's own events plus those of the ids it superseded (a re-keyed deployment)."""
    events = list(by_target.get(target, ()))
    for old in _supersedes(row):
        events += by_target.get(old, ())
    return sorted(events, key=lambda e: e.id or 0)


def review_states(store: Store, deployment_rows: Sequence[Mapping[str, Any]] | None = None) -> dict[str, ReviewState]:
    """The state of every reviewed target (deployments and organizations), by target id.

    Targets without events are absent (their state is the default, unreviewed)."""
    by_target = _events_by_target(store)
    if not by_target:
        return {}
    if deployment_rows is not None:
        rows: dict[str, Mapping[str, Any]] = {r["id"]: r for r in deployment_rows}
    else:
        # Only the deployments that carry another id's trail matter here.
        rows = {k: {"attrs": {"supersedes": v}} for k, v in dstore.superseded_ids(store).items()}
    out: dict[str, ReviewState] = {}
    targets = set(by_target)
    for row_id, row in rows.items():
        if any(old in by_target for old in _supersedes(row)):
            targets.add(row_id)
    for target in targets:
        events = _merged_events(target, rows.get(target), by_target)
        kind = events[0].target_kind if events else "deployment"
        out[target] = derive_state(target, events, kind)
    return out


def current_state(store: Store, target_id: str) -> ReviewState:
    """The current review state of a deployment or organization."""
    rows = dstore.deployment_rows(store, ids=[target_id])
    by_target = _events_by_target(store)
    events = _merged_events(target_id, rows[0] if rows else None, by_target)
    kind = events[0].target_kind if events else ("deployment" if rows else "organization")
    return derive_state(target_id, events, kind)


def history(store: Store, target_id: str) -> list[ReviewEvent]:
    """Every event about a target (including ids it superseded), oldest first."""
    rows = dstore.deployment_rows(store, ids=[target_id])
    events = _merged_events(target_id, rows[0] if rows else None, _events_by_target(store))
    if not events and not rows and dstore.organization_by_id(store, target_id) is None:
        raise NotFoundError(f"no deployment or organization {target_id!r}")
    return events


def apply_edits(row: Mapping[str, Any], state: ReviewState | None) -> dict[str, Any]:
    """A deployment row with the reviewers' field overrides applied (``reviewed`` added)."""
    out = dict(row)
    if state is not None:
        out.update({k: v for k, v in state.edits.items() if k in DEPLOYMENT_FIELDS})
    out["review"] = state.decision if state else "unreviewed"
    return out


# -- recording -----------------------------------------------------------------------------


def _check_fields(kind: str, fields: Mapping[str, Any]) -> dict[str, Any]:
    allowed = DEPLOYMENT_FIELDS if kind == "deployment" else ORGANIZATION_FIELDS
    clean: dict[str, Any] = {}
    for name, value in fields.items():
        if name not in allowed:
            raise ReviewError(f"cannot edit {name!r}; editable fields: {', '.join(allowed)}")
        if value in ("", None):
            clean[name] = None
            continue
        if name in ("country", "vendor_country", "home_country"):
            code = str(value).upper() if is_country_code(str(value).upper()) else resolve_country(str(value))
            if code is None:
                raise ReviewError(f"{name}: unknown country {value!r}")
            value = code
        elif name == "technology" and not is_technology(str(value)):
            raise ReviewError(f"technology: unknown id {value!r} (see data/technologies.yaml)")
        elif name == "status" and value not in STATUSES:
            raise ReviewError(f"status: must be one of {', '.join(STATUSES)}")
        elif name in ("start_year", "end_year"):
            try:
                value = int(value)
            except (TypeError, ValueError) as exc:
                raise ReviewError(f"{name}: not a year: {value!r}") from exc
        elif name in ("vendor", "parent", "merge_into"):
            org = resolve_org(str(value))
            value = org.name if org else str(value).strip()
        clean[name] = value
    return clean


# Longest values a review event keeps (the audit trail keeps every event forever); the API's
# request models use the same limits.
MAX_REASON_CHARS = 4000
MAX_VALUE_CHARS = 300
MAX_SOURCE_CHARS = 2000


def _check_lengths(event: ReviewEvent) -> None:
    """ReviewError when a reason, source, actor, disputer or edited value is too long."""
    if len(event.reason) > MAX_REASON_CHARS:
        raise ReviewError(f"reason: at most {MAX_REASON_CHARS} characters")
    if len(event.source or "") > MAX_SOURCE_CHARS:
        raise ReviewError(f"source: at most {MAX_SOURCE_CHARS} characters")
    if len(event.actor) > MAX_VALUE_CHARS:
        raise ReviewError(f"actor: at most {MAX_VALUE_CHARS} characters")
    changes = event.changes or {}
    values = [("by", changes.get("by"))] + list((changes.get("fields") or {}).items())
    for name, value in values:
        if len(str(name)) > MAX_VALUE_CHARS or (value is not None and len(str(value)) > MAX_VALUE_CHARS):
            raise ReviewError(f"{str(name)[:40]}: at most {MAX_VALUE_CHARS} characters")


def record(store: Store, event: ReviewEvent) -> ReviewEvent:
    """Validate and append a review event; return it with its id and time.

    Deployment edits give ``changes={"fields": {name: value}}``; the stored event records each
    field as ``{"from": old, "to": new}``. Accept and reject snapshot the claims the reviewer saw,
    so that later evidence can re-queue the deployment. A dispute needs ``source`` (where the
    vendor or government said so) and names who disputes in ``changes["by"]``.
    """
    if event.action not in ACTIONS:
        raise ReviewError(f"unknown action {event.action!r}; choose from {', '.join(ACTIONS)}")
    if not (event.reason or "").strip():
        raise ReviewError("a reason is required for every review event")
    if not (event.actor or "").strip():
        raise ReviewError("an actor (who decided) is required")
    _check_lengths(event)
    kind = event.target_kind
    changes: dict[str, Any] = dict(event.changes or {})
    if kind == "deployment":
        rows = dstore.deployment_rows(store, ids=[event.target_id])
        if not rows:
            raise NotFoundError(f"no deployment {event.target_id!r} (run `countersight resolve` first?)")
        current = apply_edits(rows[0], current_state(store, event.target_id))
    elif kind == "organization":
        org = dstore.organization_by_id(store, event.target_id)
        if org is None:
            raise NotFoundError(f"no organization {event.target_id!r}")
        current = org
    else:
        raise ReviewError(f"unknown target kind {kind!r}: deployment or organization")
    if event.action == "edit":
        fields = _check_fields(kind, changes.get("fields") or {})
        if not fields:
            raise ReviewError("an edit needs at least one field to change")
        changes["fields"] = {k: {"from": current.get(k), "to": v} for k, v in fields.items()}
    elif event.action in ("accept", "reject") and kind == "deployment":
        changes["claim_ids"] = dstore.deployment_claim_ids(store, event.target_id)
    elif event.action == "dispute":
        if not (event.source or "").strip():
            raise ReviewError("a dispute needs --source: where the vendor or government made it")
        if not str(changes.get("by") or "").strip():
            raise ReviewError("a dispute needs --by: who disputes (a vendor or government)")
    stamped = replace(event, changes=changes, created_at=event.created_at or clock.now())
    new_id = store.add_review_event(stamped)
    if kind == "organization" and event.action == "edit" and {"merge_into", "name"} & set(changes["fields"]):
        # Vendor resolution changed, so any claim may move: the full rebuild, so that deployments
        # are never stale after a write (decisions on deployments are folded in when read).
        from countersight.resolve import resolve_store

        resolve_store(store)
    return replace(stamped, id=new_id)


def _event(
    target: str,
    action: str,
    reason: str,
    actor: str | None,
    changes: dict[str, Any] | None = None,
    source: str | None = None,
    kind: str = "deployment",
) -> ReviewEvent:
    return ReviewEvent(
        target_id=target,
        action=cast(ReviewAction, action),
        actor=actor or default_actor(),
        reason=reason,
        changes=changes or {},
        target_kind=kind,
        source=source,
    )


def _kind(target_id: str) -> str:
    return "organization" if target_id.startswith("org-") else "deployment"


def accept(store: Store, target_id: str, reason: str, actor: str | None = None) -> ReviewEvent:
    """Accept a deployment (or confirm a new organization)."""
    return record(store, _event(target_id, "accept", reason, actor, kind=_kind(target_id)))


def reject(store: Store, target_id: str, reason: str, actor: str | None = None) -> ReviewEvent:
    """Reject a deployment (the live index leaves it out) or an organization (not a vendor)."""
    return record(store, _event(target_id, "reject", reason, actor, kind=_kind(target_id)))


def edit(store: Store, target_id: str, reason: str, fields: Mapping[str, Any], actor: str | None = None) -> ReviewEvent:
    """Override fields of a deployment or organization (``None`` removes an override)."""
    return record(store, _event(target_id, "edit", reason, actor, {"fields": dict(fields)}, kind=_kind(target_id)))


def dispute(store: Store, target_id: str, reason: str, by: str, source: str, actor: str | None = None) -> ReviewEvent:
    """Record a right-of-reply dispute (by a vendor or government, with its source)."""
    return record(store, _event(target_id, "dispute", reason, actor, {"by": by}, source, kind=_kind(target_id)))


def note(store: Store, target_id: str, reason: str, actor: str | None = None) -> ReviewEvent:
    """Add a note to a target's trail without changing its state."""
    return record(store, _event(target_id, "note", reason, actor, kind=_kind(target_id)))


# -- the queue -----------------------------------------------------------------------------


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

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {k: (list(v) if isinstance(v, tuple) else v) for k, v in ((n, getattr(self, n)) for n in self.__slots__)}


def review_queue(
    store: Store,
    country: str | None = None,
    vendor: str | None = None,
    min_confidence: float | None = None,
    max_confidence: float | None = None,
    limit: int | None = None,
) -> list[QueueItem]:
    """Deployments and new organizations awaiting review, most important first.

    Priority adds up: low confidence (1 - confidence), a vendor flagged as new (+1), evidence that
    contradicts itself or a dispute (+1), new evidence after a rejection (+2). Reviewed targets
    leave the queue unless re-queued."""
    rows = dstore.deployment_rows(store, country=country)
    states = review_states(store, rows)
    new_orgs = {o["name"]: o for o in dstore.organization_needs_review(store)}
    items: list[QueueItem] = []
    for row in rows:
        state = states.get(row["id"])
        if state is not None and state.reviewed and not state.requeued:
            continue
        if vendor and row["vendor"] != vendor:
            continue
        conf = float(row["confidence"])
        if min_confidence is not None and conf < min_confidence:
            continue
        if max_confidence is not None and conf > max_confidence:
            continue
        reasons = [f"confidence {conf:.2f}"]
        priority = 1.0 - conf
        if row["vendor"] in new_orgs and states.get(new_orgs[row["vendor"]]["id"]) is None:
            priority += 1.0
            reasons.append(f"new vendor {row['vendor']!r}")
        attrs = row.get("attrs") or {}
        if attrs.get("contradicting") or (state and state.disputes):
            priority += 1.0
            reasons.append("contradicting evidence or disputed")
        if state is not None and state.requeued:
            priority += 2.0
            reasons.append(state.requeue_note or "new evidence after rejection")
        what = row["technology"] or "unspecified technology"
        who = row["vendor"] or (f"a {row['vendor_country']} supplier" if row["vendor_country"] else "unknown supplier")
        items.append(
            QueueItem(
                row["id"],
                "deployment",
                round(priority, 4),
                tuple(reasons),
                row["country"],
                row["vendor"],
                row["technology"],
                conf,
                row["status"],
                f"{who} → {row['country']}: {what} ({row['status']}, {row['n_documents']} documents)",
            )
        )
    if not country:
        for name, org in new_orgs.items():
            if org["id"] in states or (vendor and name != vendor):
                continue
            items.append(
                QueueItem(
                    org["id"],
                    "organization",
                    1.5,
                    ("new organization",) + ((org["note"],) if org.get("note") else ()),
                    None,
                    name,
                    None,
                    None,
                    None,
                    f"new vendor {name!r} named by {org['deployments']} deployment(s)",
                )
            )
    items.sort(key=lambda i: (-i.priority, i.target_kind, i.target_id))
    return items[:limit] if limit else items


def organization_merges(store: Store) -> dict[str, str]:
    """Reviewer merges of organizations into others: ``{organization name: canonical name}``."""
    out: dict[str, str] = {}
    by_target = _events_by_target(store)
    orgs = {o.id: o for o in store.organizations(kind="vendor")}
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


def rejected_vendors(store: Store) -> set[str]:
    """Names of organizations a reviewer rejected (not a vendor): their deployments are excluded."""
    orgs = {o.id: o.name for o in store.organizations(kind="vendor")}
    out = set()
    for target, events in _events_by_target(store).items():
        if target in orgs and derive_state(target, events, "organization").decision == "rejected":
            out.add(orgs[target])
    return out
