"""The JSON the API answers, typed: the shapes the view functions build (``TypedDict``, so that the
bodies stay the plain dicts :class:`deps.DataResponse` writes without per-row validation: the index
and lists are hot paths) and the pydantic models of the country index. Routers name them as their
response models, so each is documented in OpenAPI; tests/publish/api/test_models.py holds the two
together. ``typing_extensions.TypedDict``: pydantic reads only that one on Python 3.11."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel
from typing_extensions import TypedDict

from countersight.publish.api.finance_models import (
    Attribution,
    Deal,
    DocumentRef,
    FinancingOverview,
    FinancingSummary,
    LenderFlow,
)
from countersight.resolve.records import EditValue

__all__ = [
    "Attribution",
    "Deal",
    "DocumentRef",
    "FinancingOverview",
    "FinancingSummary",
    "LenderFlow",
]


class IndexRowModel(BaseModel):
    """One country in the index (:class:`countersight.index.compute.IndexRow` as JSON)."""

    country: str
    name: str
    edition: str
    as_of: dt.date | None
    deployments: int
    technologies: dict[str, int]
    unspecified: int
    statuses: dict[str, int]
    supplier_origins: dict[str, int]
    vendors: list[str]
    documents: int
    publishers: int
    mean_confidence: float | None
    first_evidence: dt.date | None
    last_evidence: dt.date | None
    regime: str | None
    regime_year: int | None
    military_pct_gdp: float | None
    military_year: int | None
    disputed: int
    coded: dict[str, Any]  # JSON: the AIGS sheet's own coding of the country (BRI, rank, regime, flags)
    financed_deployments: int
    financed_usd_2017: float | None
    lenders: list[str]
    instruments: list[str]


# Cached in this form because the map asks for the whole index on every move of its slider.
IndexRowJson = dict[str, Any]  # JSON: an index row as IndexRow.as_dict gives it (IndexRowModel documents it)


class CountryPage(BaseModel):
    """A page of the country index and the cursor of the next page (None at the end)."""

    items: list[IndexRowModel]
    next_cursor: str | None
    edition: str
    as_of: dt.date | None


# -- meta and sign-in ------------------------------------------------------------------------------


class Health(TypedDict):
    """``/api/health``: liveness and what the server holds."""

    status: str
    version: str
    database: str
    schema_versions: list[int]
    deployments: int


class Me(TypedDict):
    """``/api/me``: who the bearer token belongs to."""

    name: str
    role: str
    token_id: str


class Revoked(TypedDict):
    """``/api/logout``: the token revoked."""

    revoked: str


# -- deployments -----------------------------------------------------------------------------------


class DeploymentItem(TypedDict):
    """A deployment as the lists show it: its fields after review edits (dates as ISO text), the
    review decision, and ``financed``/``lenders`` (a merged claim states financing)."""

    id: str
    country: str
    country_name: str
    technology: str | None
    vendor: str | None
    vendor_country: str | None
    status: str
    confidence: float
    first_seen: str | None
    last_seen: str | None
    start_year: int | None
    end_year: int | None
    city: str | None
    agency: str | None
    n_claims: int
    n_documents: int
    n_publishers: int
    review: str
    disputed: bool
    requeued: bool
    sources: list[str]
    financed: bool
    lenders: list[str]


class DeploymentPage(TypedDict):
    """A page of deployments and the cursor of the next one (None at the end)."""

    items: list[DeploymentItem]
    next_cursor: str | None
    limit: int
    sort: str


class DisputeBody(TypedDict):
    """A right-of-reply entry (``actor`` None, and ``by`` None when it names a reviewer, unless
    reviewers' names are published)."""

    by: str | None
    source: str
    reason: str
    actor: str | None
    at: str | None
    event_id: int | None


class ReviewStateBody(TypedDict):
    """A target's review state, derived from its events."""

    target_id: str
    target_kind: str
    decision: str
    edits: dict[str, EditValue]
    requeued: bool
    requeue_note: str | None
    disputes: list[DisputeBody]
    n_events: int
    last_action: str | None
    last_actor: str | None
    last_reason: str | None
    last_at: str | None


class ReviewEventBody(TypedDict):
    """One review event (``actor`` None unless reviewers' names are shown)."""

    id: int | None
    target_id: str
    target_kind: str
    action: str
    actor: str | None
    reason: str
    changes: dict[str, Any]  # JSON: the event's stored changes column (edits with old values, counts)
    source: str | None
    created_at: str | None


class ExplainLine(TypedDict):
    """One reason the model gave for a claim, in words, and its weight."""

    says: str
    weight: float | None


class ClaimView(TypedDict):
    """A claim merged into a deployment: the model that decided it and why."""

    id: str
    document_id: str
    source: str
    extractor: str
    extractor_version: str
    vendor: str | None
    vendor_raw: str | None
    status: str
    confidence: float
    start_year: int | None
    end_year: int | None
    model: str | None
    explain: list[ExplainLine]


class DocumentLink(TypedDict):
    """A document behind a deployment: its date, publisher, the status it gives, confidence."""

    deployment_id: str
    document_id: str
    country: str
    published: str | None
    publisher: str | None
    status: str
    confidence: float
    n_claims: int


class SyndicatedCopy(TypedDict):
    """Another publisher's copy of a story behind a deployment (listed, never counted as evidence)."""

    document_id: str
    url: str | None
    title: str | None
    publisher: str | None
    published: str | None
    copy_of: str


class DeploymentDetail(DeploymentItem):
    """One deployment with its financing, evidence, claims, documents, review state and history,
    and other publishers' copies of its stories."""

    financing: list[Deal]
    evidence: list[dict[str, Any]]  # JSON: the export's evidence rows, with ``archived_at``
    claims: list[ClaimView]
    documents: list[DocumentLink]
    review_state: ReviewStateBody
    history: list[ReviewEventBody]
    copies: list[SyndicatedCopy]


# -- countries, vendors, flows, search -------------------------------------------------------------


class NamedCount(TypedDict):
    """A vendor and how many deployments name it."""

    name: str
    deployments: int


class CountryDetail(TypedDict):
    """``/api/countries/{iso3}``: a country's index row, regime, deployments, vendors, timeline
    (per year: how many deployments were first and last seen) and financing."""

    country: str
    name: str
    edition: str
    as_of: str | None
    index: IndexRowJson | None
    regime: str | None
    regime_year: int | None
    deployments: list[DeploymentItem]
    vendors: list[NamedCount]
    timeline: list[dict[str, int]]
    financing: FinancingSummary


class VendorItem(TypedDict):
    """A vendor with how many deployments and recipient countries name it."""

    id: str
    name: str
    home_country: str | None
    parent: str | None
    aliases: list[str]
    deployments: int
    countries: int
    needs_review: bool


class VendorPage(TypedDict):
    """A page of vendors and the cursor of the next page."""

    items: list[VendorItem]
    next_cursor: str | None
    sort: str


class ServedCountry(TypedDict):
    """A country a vendor serves: how many deployments and which technologies."""

    country: str
    name: str
    deployments: int
    technologies: list[str]


class YearCount(TypedDict):
    """How many of a vendor's deployments were first seen in a year."""

    year: int
    first_seen: int


class VendorDetail(TypedDict):
    """``/api/vendors/{vendor}``: parent, aliases, subsidiaries, countries, technologies, timeline
    and deployments (its own and its subsidiaries')."""

    id: str
    name: str
    home_country: str | None
    home_country_name: str | None
    parent: str | None
    aliases: list[str]
    subsidiaries: list[str]
    countries: list[ServedCountry]
    technologies: dict[str, int]
    timeline: list[YearCount]
    deployments: list[DeploymentItem]


class FlowItem(TypedDict):
    """Supplier country -> recipient -> technology: how many deployments, with country names."""

    supplier_country: str
    country: str
    technology: str
    deployments: int
    supplier_name: str
    recipient_name: str


class FlowList(TypedDict):
    """``/api/flows``."""

    items: list[FlowItem]


class CountryName(TypedDict):
    """A country code and its name."""

    country: str
    name: str


class SupportedDeployment(TypedDict):
    """A deployment a quote supports."""

    deployment_id: str | None
    country: str
    vendor: str | None
    technology: str | None


class QuoteHit(TypedDict):
    """A quote found by search, once per document, with the deployments it supports."""

    id: str
    quote: str | None
    claim_id: str
    document_id: str
    deployment_id: str | None
    country: str
    vendor: str | None
    technology: str | None
    deployments: list[SupportedDeployment]


class SearchResult(TypedDict):
    """``/api/search``: countries and vendors by name, quotes by their words."""

    q: str
    countries: list[CountryName]
    vendors: list[VendorItem]
    evidence: list[QuoteHit]
    next_cursor: str | None


# -- documents and review --------------------------------------------------------------------------


class EvidenceQuote(TypedDict):
    """Evidence quoted from a document, with its claim's deployment and fields."""

    id: str
    quote: str | None
    start: int | None
    end: int | None
    page: int | None
    sheet: str | None
    row: int | None
    column: str | None
    claim_id: str
    deployment_id: str | None
    country: str
    vendor: str | None
    technology: str | None
    status: str


class DocumentDetail(TypedDict):
    """``/api/documents/{id}``: metadata, the evidence quoted and the deployments it supports; the
    text only for readers who may see it (``text_withheld`` says so)."""

    id: str
    title: str | None
    url: str | None
    publisher: str | None
    published: str | None
    language: str | None
    source_kind: str
    dataset: str | None
    text: str | None
    text_withheld: bool
    meta: dict[str, Any]  # JSON: the document's stored meta column (source-specific fields)
    evidence: list[EvidenceQuote]
    deployments: list[str]


class Submitted(TypedDict):
    """``POST /api/documents``: the document stored and the claims found in it."""

    document_id: str
    new: bool
    claims: int
    claim_ids: list[str]
    extracted: list[str]


class ReviewQueue(TypedDict):
    """``/api/review/queue``: the first items of the queue, how many there are, who asks."""

    items: list[dict[str, Any]]  # JSON: resolve.queue items as_dict (deployments and organizations)
    total: int
    reviewer: str


class ReviewResult(TypedDict):
    """``POST /api/review/{id}``: the event recorded and the target's new state."""

    event: ReviewEventBody
    state: ReviewStateBody


class ReviewHistory(TypedDict):
    """``/api/review/{id}/history``: every event about a target, oldest first, and its state."""

    target_id: str
    events: list[ReviewEventBody]
    state: ReviewStateBody
