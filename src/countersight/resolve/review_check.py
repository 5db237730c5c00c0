"""Validating a review event before it is appended, and recording what it changes: edited values
checked against the reference data, each edit kept as ``{"from": old, "to": new}``, accept and
reject snapshotting the claims the reviewer saw. Pure: the current values are handed in."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

from countersight.errors import ReviewError
from countersight.model import STATUSES, ReviewEvent
from countersight.reference.countries import is_country_code, resolve_country
from countersight.reference.technologies import is_technology
from countersight.reference.vendors import resolve_org
from countersight.resolve.records import EditValue
from countersight.resolve.review import ACTIONS, DEPLOYMENT_FIELDS, ORGANIZATION_FIELDS

# Longest values a review event keeps (the audit trail keeps every event forever); the API's
# request models use the same limits.
MAX_REASON_CHARS = 4000
MAX_VALUE_CHARS = 300
MAX_SOURCE_CHARS = 2000
TARGET_KINDS = ("deployment", "organization")


def check_fields(kind: str, fields: Mapping[str, Any]) -> dict[str, EditValue]:  # JSON: an edit as given
    """The edited fields of a ``kind`` target, normalised (country codes, canonical organization
    names, years as int; "" or None removes an override); ReviewError on anything else."""
    allowed = DEPLOYMENT_FIELDS if kind == "deployment" else ORGANIZATION_FIELDS
    clean: dict[str, EditValue] = {}
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


def check_event(event: ReviewEvent) -> None:
    """ReviewError unless the event names a known action, gives a reason and an actor, and keeps
    to the length limits (checked before its target is looked up)."""
    if event.action not in ACTIONS:
        raise ReviewError(f"unknown action {event.action!r}; choose from {', '.join(ACTIONS)}")
    if not (event.reason or "").strip():
        raise ReviewError("a reason is required for every review event")
    if not (event.actor or "").strip():
        raise ReviewError("an actor (who decided) is required")
    _check_lengths(event)
    if event.target_kind not in TARGET_KINDS:
        raise ReviewError(f"unknown target kind {event.target_kind!r}: deployment or organization")


def with_changes(
    event: ReviewEvent, current: Mapping[str, EditValue], claim_ids: Sequence[str] | None = None
) -> ReviewEvent:
    """The event as it is appended: an edit records each field as ``{"from": current value, "to":
    new value}``; accept and reject of a deployment keep ``claim_ids`` (the claims the reviewer
    saw, so that later evidence can re-queue it); a dispute must name its source and disputer."""
    changes: dict[str, Any] = dict(event.changes or {})  # JSON: the review_events.changes column
    if event.action == "edit":
        fields = check_fields(event.target_kind, changes.get("fields") or {})
        if not fields:
            raise ReviewError("an edit needs at least one field to change")
        changes["fields"] = {k: {"from": current.get(k), "to": v} for k, v in fields.items()}
    elif event.action in ("accept", "reject") and event.target_kind == "deployment":
        changes["claim_ids"] = list(claim_ids or ())
    elif event.action == "dispute":
        if not (event.source or "").strip():
            raise ReviewError("a dispute needs --source: where the vendor or government made it")
        if not str(changes.get("by") or "").strip():
            raise ReviewError("a dispute needs --by: who disputes (a vendor or government)")
    return replace(event, changes=changes)
