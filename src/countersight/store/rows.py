"""Records to rows and back: the one place that knows how a record of :mod:`countersight.model`
is laid out in its table (both databases; the bulk writer applies each dialect's conversions)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any, TypedDict

from sqlalchemy import RowMapping, func

from countersight import clock
from countersight.ids import stable_id
from countersight.model import Claim, Document, Evidence, Financing, Organization, ReviewEvent
from countersight.store import schema
from countersight.textsafe import clean_document, clean_text, clean_value

# SQL row: column name -> value, the parameters of one INSERT (executemany or COPY). The typed
# rows below are these for the tables records are written to; ad hoc inserts pass plain mappings.
SqlRow = Mapping[str, object]


class DocumentValues(TypedDict):
    """The parameters of one ``documents`` INSERT."""

    id: str
    url: str | None
    path: str | None
    title: str | None
    publisher: str | None
    published: dt.date | None
    language: str | None
    source_kind: str
    dataset: str | None
    fetched_at: dt.datetime | None
    ingested_at: dt.datetime
    text: str
    meta: dict[str, Any]  # JSON: the documents.meta column


class ClaimValues(TypedDict):
    """The parameters of one ``claims`` INSERT (financing flattened to ``fin_*`` columns)."""

    id: str
    document_id: str
    source: str
    extractor: str
    extractor_version: str
    vendor: str | None
    vendor_raw: str | None
    vendor_country: str | None
    country: str
    city: str | None
    agency: str | None
    technology: str | None
    status: str
    start_year: int | None
    end_year: int | None
    start_date: dt.date | None
    confidence: float
    fin_lender: str | None
    fin_instrument: str | None
    fin_amount: float | None
    fin_currency: str | None
    fin_text: str | None
    fin_amount_usd_2017: float | None
    fin_concessional: bool | None
    fin_terms: str | None
    attrs: dict[str, Any]  # JSON: the claims.attrs column
    deployment_id: str | None
    created_at: dt.datetime


class EvidenceValues(TypedDict):
    """The parameters of one ``evidence`` INSERT."""

    id: str
    claim_id: str
    document_id: str
    quote: str
    start: int | None
    end: int | None
    page: int | None
    dataset: str | None
    sheet: str | None
    row: int | None
    column: str | None
    position: int


class OrganizationValues(TypedDict):
    """The parameters of one ``organizations`` INSERT."""

    id: str
    name: str
    kind: str
    home_country: str | None
    parent: str | None
    aliases: list[str]
    note: str | None
    needs_review: bool


class ReviewEventValues(TypedDict):
    """The parameters of one ``review_events`` INSERT (the database assigns the id)."""

    target_kind: str
    target_id: str
    action: str
    actor: str
    reason: str
    changes: dict[str, Any]  # JSON: the review_events.changes column
    source: str | None
    created_at: dt.datetime


_FIN_FIELDS = ("lender", "instrument", "amount", "currency", "text", "amount_usd_2017", "concessional", "terms")


def evidence_id(claim_id: str, index: int, ev: Evidence) -> str:
    """Deterministic id of one evidence row of a claim."""
    return stable_id("ev", [claim_id, index, ev.document_id, ev.start, ev.end, ev.row, ev.column])


def document_row(d: Document, now: dt.datetime | None = None) -> DocumentValues:
    """The ``documents`` row of a document (text sanitised: a no-op for documents the ingest
    already cleaned before extraction), stored at ``now`` (default: the clock's time)."""
    d = clean_document(d)
    return {
        "id": d.id,
        "url": d.url,
        "path": d.path,
        "title": d.title,
        "publisher": d.publisher,
        "published": d.published,
        "language": d.language,
        "source_kind": d.source_kind,
        "dataset": d.dataset,
        "fetched_at": d.fetched_at,
        "ingested_at": now or clock.now(),
        "text": d.text,
        "meta": d.meta,
    }


def row_document(r: RowMapping) -> Document:
    """A document from a ``documents`` row (text may be absent)."""
    return Document(
        id=r["id"],
        text=r.get("text", "") or "",
        url=r["url"],
        path=r["path"],
        title=r["title"],
        publisher=r["publisher"],
        published=r["published"],
        language=r["language"],
        source_kind=r["source_kind"],
        dataset=r["dataset"],
        fetched_at=r["fetched_at"],
        meta=dict(r["meta"] or {}),
    )


def claim_row(c: Claim, now: dt.datetime | None = None) -> ClaimValues:
    """The ``claims`` row of a claim (evidence goes to its own table), stored at ``now``."""
    f = c.financing or Financing()
    return {
        "id": c.id,
        "document_id": c.evidence[0].document_id,
        "source": c.source,
        "extractor": c.extractor,
        "extractor_version": c.extractor_version,
        "vendor": clean_value(c.vendor),
        "vendor_raw": clean_value(c.vendor_raw),
        "vendor_country": c.vendor_country,
        "country": c.country,
        "city": clean_value(c.city),
        "agency": clean_value(c.agency),
        "technology": c.technology,
        "status": c.status,
        "start_year": c.start_year,
        "end_year": c.end_year,
        "start_date": c.start_date,
        "confidence": c.confidence,
        "fin_lender": f.lender,
        "fin_instrument": f.instrument,
        "fin_amount": f.amount,
        "fin_currency": f.currency,
        "fin_text": f.text,
        "fin_amount_usd_2017": f.amount_usd_2017,
        "fin_concessional": f.concessional,
        "fin_terms": f.terms,
        "attrs": c.attrs,
        "deployment_id": None,
        "created_at": now or clock.now(),
    }


def evidence_rows(c: Claim) -> list[EvidenceValues]:
    """The ``evidence`` rows of a claim."""
    return [
        {
            "id": evidence_id(c.id, i, ev),
            "claim_id": c.id,
            "document_id": ev.document_id,
            "quote": clean_text(ev.quote),
            "start": ev.start,
            "end": ev.end,
            "page": ev.page,
            "dataset": ev.dataset,
            "sheet": ev.sheet,
            "row": ev.row,
            "column": ev.column,
            "position": i,
        }
        for i, ev in enumerate(c.evidence)
    ]


def evidence_order() -> tuple[Any, ...]:
    """ORDER BY terms for evidence within a claim: as the claim listed it (rows written without a
    position, by bulk loaders, last), then id."""
    e = schema.evidence
    return (func.coalesce(e.c.position, 2_147_483_647), e.c.id)


def row_evidence(r: RowMapping) -> Evidence:
    """An evidence record from an ``evidence`` row."""
    return Evidence(
        document_id=r["document_id"],
        quote=r["quote"],
        start=r["start"],
        end=r["end"],
        page=r["page"],
        dataset=r["dataset"],
        sheet=r["sheet"],
        row=r["row"],
        column=r["column"],
    )


def row_claim(r: RowMapping, evidence: tuple[Evidence, ...]) -> Claim:
    """A claim from a ``claims`` row and its evidence."""
    fin = {k: r[f"fin_{k}"] for k in _FIN_FIELDS}
    return Claim(
        id=r["id"],
        country=r["country"],
        evidence=evidence,
        extractor=r["extractor"],
        extractor_version=r["extractor_version"],
        source=r["source"],
        vendor=r["vendor"],
        vendor_raw=r["vendor_raw"],
        vendor_country=r["vendor_country"],
        city=r["city"],
        agency=r["agency"],
        technology=r["technology"],
        status=r["status"],
        financing=Financing(**fin) if any(v is not None for v in fin.values()) else None,
        start_year=r["start_year"],
        end_year=r["end_year"],
        start_date=r["start_date"],
        confidence=r["confidence"],
        attrs=dict(r["attrs"] or {}),
    )


def organization_row(o: Organization) -> OrganizationValues:
    """The ``organizations`` row of an organization (text sanitised)."""
    return {
        "id": o.id,
        "name": clean_text(o.name),
        "kind": o.kind,
        "home_country": o.home_country,
        "parent": clean_value(o.parent),
        "aliases": clean_value(list(o.aliases)),
        "note": clean_value(o.note),
        "needs_review": o.needs_review,
    }


def row_organization(r: RowMapping) -> Organization:
    """An organization from an ``organizations`` row."""
    return Organization(
        id=r["id"],
        name=r["name"],
        kind=r["kind"],
        home_country=r["home_country"],
        parent=r["parent"],
        aliases=tuple(r["aliases"] or ()),
        note=r["note"],
        needs_review=bool(r["needs_review"]),
    )


def review_event_row(ev: ReviewEvent) -> ReviewEventValues:
    """The ``review_events`` row of an event (without its id, which the database assigns); the
    caller sanitises the text first."""
    return {
        "target_kind": ev.target_kind,
        "target_id": ev.target_id,
        "action": ev.action,
        "actor": ev.actor,
        "reason": ev.reason,
        "changes": ev.changes,
        "source": ev.source,
        "created_at": ev.created_at or clock.now(),
    }


def row_review_event(r: RowMapping) -> ReviewEvent:
    """A review event from a ``review_events`` row."""
    return ReviewEvent(
        id=r["id"],
        target_kind=r["target_kind"],
        target_id=r["target_id"],
        action=r["action"],
        actor=r["actor"],
        reason=r["reason"],
        changes=dict(r["changes"] or {}),
        source=r["source"],
        created_at=r["created_at"],
    )
