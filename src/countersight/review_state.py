"""The review state of deployments and organizations, read through the store and folded by
:mod:`countersight.resolve.review`: what resolution, the index, the API and the CLI read. Recording
decisions is :mod:`countersight.review` (which re-exports these), kept apart so that resolution can
read states without importing the module that triggers it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from countersight.errors import NotFoundError
from countersight.model import ReviewEvent
from countersight.resolve.review import (
    ReviewState,
    events_by_target,
    fold_states,
    merged_events,
    target_state,
)
from countersight.resolve.review import organization_merges as _organization_merges
from countersight.resolve.review import rejected_vendors as _rejected_vendors
from countersight.store import Store
from countersight.store import deployments as dstore
from countersight.store import review as review_store


def review_states(store: Store, supersedes: Mapping[str, Sequence[str]] | None = None) -> dict[str, ReviewState]:
    """The state of every reviewed target (deployments and organizations), by target id.

    ``supersedes`` gives the carried ids of the deployments that matter (None: every stored
    deployment's). Targets without events are absent (their state is the default, unreviewed)."""
    by_target = events_by_target(store.review_events())
    if not by_target:
        return {}
    return fold_states(by_target, dstore.superseded_ids(store) if supersedes is None else supersedes)


def _trail(store: Store, target_id: str) -> tuple[list[ReviewEvent], bool]:
    """A target's events (with those of ids it superseded) and whether it is a stored deployment."""
    deps = review_store.review_deployments(store, ids=[target_id])
    events = merged_events(target_id, deps[0].supersedes if deps else (), events_by_target(store.review_events()))
    return events, bool(deps)


def current_state(store: Store, target_id: str) -> ReviewState:
    """The current review state of a deployment or organization."""
    deps = review_store.review_deployments(store, ids=[target_id])
    by_target = events_by_target(store.review_events())
    return target_state(target_id, by_target, deps[0].supersedes if deps else (), is_deployment=bool(deps))


def history(store: Store, target_id: str) -> list[ReviewEvent]:
    """Every event about a target (including ids it superseded), oldest first."""
    events, is_deployment = _trail(store, target_id)
    if not events and not is_deployment and review_store.organization(store, target_id) is None:
        raise NotFoundError(f"no deployment or organization {target_id!r}")
    return events


def organization_merges(store: Store) -> dict[str, str]:
    """Reviewer merges of organizations into others: ``{organization name: canonical name}``."""
    return _organization_merges(store.organizations(kind="vendor"), events_by_target(store.review_events()))


def rejected_vendors(store: Store) -> set[str]:
    """Names of organizations a reviewer rejected (not a vendor): their deployments are excluded."""
    return _rejected_vendors(store.organizations(kind="vendor"), events_by_target(store.review_events()))
