"""Records to rows and back: the one place that knows how a record of :mod:`countersight.model`
is laid out in its table (both databases; the bulk writer applies each dialect's conversions)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import func

from countersight import clock
from countersight.ids import stable_id
from countersight.model import Claim, Document, Evidence, Financing, Organization, ReviewEvent
from countersight.store import schema
from countersight.textsafe import clean_document, clean_text, clean_value

_FIN_FIELDS = ("lender", "instrument", "amount", "currency", "text", "amount_usd_2017", "concessional", "terms")


def evidence_id(claim_id: str, index: int, ev: Evidence) -> str:
    """Deterministic id of one evidence row of a claim."""
    return stable_id("ev", [claim_id, index, ev.document_id, ev.start, ev.end, ev.row, ev.column])


def document_row(d: Document, now: dt.datetime | None = None) -> dict[str, Any]:
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


def row_document(r: Any) -> Document:
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


def claim_row(c: Claim, now: dt.datetime | None = None) -> dict[str, Any]:
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


def evidence_rows(c: Claim) -> list[dict[str, Any]]:
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


def row_evidence(r: Any) -> Evidence:
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


def row_claim(r: Any, evidence: tuple[Evidence, ...]) -> Claim:
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


def organization_row(o: Organization) -> dict[str, Any]:
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


def row_organization(r: Any) -> Organization:
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


def review_event_row(ev: ReviewEvent) -> dict[str, Any]:
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


def row_review_event(r: Any) -> ReviewEvent:
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
