"""``/api/documents``: one source document with the evidence quoted from it, and submission of a
new document for extraction (admins only; recorded as a review event)."""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, Depends
from fastapi.responses import Response
from pydantic import BaseModel, Field

from countersight.config import Settings
from countersight.ids import content_hash
from countersight.ingest import default_extractor
from countersight.model import Document, ReviewEvent
from countersight.publish.api import views
from countersight.publish.api.deps import (
    Audience,
    DataResponse,
    IndexCache,
    get_audience,
    get_cache,
    get_settings,
    get_store,
    require_role,
)
from countersight.publish.api.models import DocumentDetail, Submitted
from countersight.resolution import resolve_pending
from countersight.store import Store
from countersight.store.tokens import ApiToken
from countersight.textsafe import clean_document

router = APIRouter(tags=["documents"])


@router.get("/api/documents/{document_id}", response_model=None, responses={200: {"model": DocumentDetail}})
def document(
    document_id: str, store: Store = Depends(get_store), audience: Audience = Depends(get_audience)
) -> Response:
    """A document's metadata, the evidence quoted from it and the deployments it supports; its full
    text for signed-in users (or everyone when the server publishes it)."""
    return DataResponse(views.document_detail(store, document_id, audience.full_text, audience.reviewer_names))


@router.get("/api/documents/{document_id}/archive", response_model=None)
def document_archive(
    document_id: str,
    store: Store = Depends(get_store),
    settings: Settings = Depends(get_settings),
    audience: Audience = Depends(get_audience),
) -> Response:
    """The archived copy follow kept of a document (from its WARC file): where and when it was
    fetched; its text for signed-in users (or everyone when the server publishes full texts)."""
    return DataResponse(views.archived_copy_view(store, settings, document_id, audience.full_text))


class DocumentSubmission(BaseModel):
    """A document to extract claims from (the text as the source published it)."""

    text: str = Field(min_length=1, max_length=500_000)
    url: str | None = Field(None, max_length=2000)
    title: str | None = Field(None, max_length=500)
    publisher: str | None = Field(None, max_length=200)
    published: dt.date | None = None
    language: str | None = Field(None, max_length=16)


@router.post("/api/documents", status_code=201, response_model=None, responses={201: {"model": Submitted}})
def submit_document(
    body: DocumentSubmission,
    store: Store = Depends(get_store),
    cache: IndexCache = Depends(get_cache),
    token: ApiToken = Depends(require_role("admin")),
) -> Submitted:
    """(admin) Store a document and the claims the extractor finds in it, and merge those claims into
    deployments (the next request sees them)."""
    text = body.text.replace("\r\n", "\n").replace("\r", "\n")
    doc = clean_document(
        Document(
            id=content_hash(text),
            text=text,
            url=body.url,
            title=body.title,
            publisher=body.publisher,
            published=body.published,
            language=body.language,
            source_kind="text",
            meta={"submitted_by": token.name},
        )
    )
    claims = default_extractor()(doc)
    counts = store.add([doc], claims)
    store.add_review_event(
        ReviewEvent(
            target_id=doc.id,
            target_kind="document",
            action="note",
            actor=token.name,
            reason="document submitted through the API for extraction",
            source=body.url,
            changes={"claims": len(claims), "new": bool(counts["documents"])},
        )
    )
    resolve_pending(store)
    cache.clear()
    return Submitted(
        document_id=doc.id,
        new=bool(counts["documents"]),
        claims=len(claims),
        claim_ids=[c.id for c in claims],
        extracted=[c.country for c in claims],
    )
