"""Review through the API: the queue and review actions (accept, reject, edit, dispute, note),
each recorded as a :class:`ReviewEvent` under the token's name by :mod:`countersight.review`."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, Field, StringConstraints

from countersight import review as rv
from countersight.publish.api import views
from countersight.publish.api.deps import Audience, IndexCache, get_audience, get_cache, get_store, require_role
from countersight.publish.api.models import Me, ReviewHistory, ReviewQueue, ReviewResult, Revoked
from countersight.store import Store
from countersight.store.tokens import ApiToken, revoke_token

router = APIRouter(tags=["review"])
Reviewer = Depends(require_role("reviewer", "admin"))


@router.get("/api/me", response_model=None, responses={200: {"model": Me}})
def me(token: ApiToken = Reviewer) -> Me:
    """Who the bearer token belongs to (the dashboard's sign-in check)."""
    return Me(name=token.name, role=token.role, token_id=token.id)


@router.post("/api/logout", response_model=None, responses={200: {"model": Revoked}})
def logout(store: Store = Depends(get_store), token: ApiToken = Reviewer) -> Revoked:
    """Sign out: revoke the bearer token on the server (it stops working everywhere at once)."""
    revoke_token(store, token.id)
    return Revoked(revoked=token.id)


@router.get("/api/review/queue", response_model=None, responses={200: {"model": ReviewQueue}})
def queue(
    country: str | None = Query(None),
    limit: int = Query(100, ge=1, le=views.MAX_LIMIT),
    store: Store = Depends(get_store),
    token: ApiToken = Reviewer,
) -> ReviewQueue:
    """Deployments and new organizations awaiting review, most important first: the first ``limit``
    of ``total``."""
    items = rv.review_queue(store, country=views.country_code(country) if country else None)
    return ReviewQueue(items=[i.as_dict() for i in items[:limit]], total=len(items), reviewer=token.name)


FieldName = Annotated[str, StringConstraints(max_length=32)]
FieldValue = Annotated[str, StringConstraints(max_length=rv.MAX_VALUE_CHARS)]


class ReviewAction(BaseModel):
    """A review decision. ``edit`` needs ``fields``; ``dispute`` needs ``by`` and ``source``."""

    action: Literal["accept", "reject", "edit", "dispute", "note"]
    reason: str = Field(min_length=1, max_length=rv.MAX_REASON_CHARS)
    fields: dict[FieldName, FieldValue | int | None] | None = Field(None, max_length=16)
    by: str | None = Field(None, max_length=rv.MAX_VALUE_CHARS)
    source: str | None = Field(None, max_length=rv.MAX_SOURCE_CHARS)


@router.post("/api/review/{target_id}", status_code=201, response_model=None, responses={201: {"model": ReviewResult}})
def review_action(
    target_id: str,
    body: ReviewAction,
    store: Store = Depends(get_store),
    cache: IndexCache = Depends(get_cache),
    token: ApiToken = Reviewer,
) -> ReviewResult:
    """Record a decision on a deployment or organization; returns the event and the new state."""
    actor = token.name
    if body.action == "accept":
        event = rv.accept(store, target_id, body.reason, actor)
    elif body.action == "reject":
        event = rv.reject(store, target_id, body.reason, actor)
    elif body.action == "edit":
        event = rv.edit(store, target_id, body.reason, body.fields or {}, actor)
    elif body.action == "dispute":
        event = rv.dispute(store, target_id, body.reason, body.by or "", body.source or "", actor)
    else:
        event = rv.note(store, target_id, body.reason, actor)
    cache.clear()
    state = views.state_body(rv.current_state(store, target_id), reviewer_names=True)
    return ReviewResult(event=views.event_body(event, reviewer_names=True), state=state)


@router.get("/api/review/{target_id}/history", response_model=None, responses={200: {"model": ReviewHistory}})
def review_history(
    target_id: str, store: Store = Depends(get_store), audience: Audience = Depends(get_audience)
) -> ReviewHistory:
    """Every review event about a target, oldest first (public: decisions are accountable; who
    took them is shown to signed-in users unless the server publishes reviewers' names)."""
    return ReviewHistory(
        target_id=target_id,
        events=[views.event_body(e, audience.reviewer_names) for e in rv.history(store, target_id)],
        state=views.state_body(rv.current_state(store, target_id), audience.reviewer_names),
    )
