"""Small records the store tests write: a document, a claim of it with evidence and financing,
and a claim quoting six spans of one document (for evidence order). Texts are invented."""

from __future__ import annotations

import datetime as dt

from countersight.ids import content_hash, stable_id
from countersight.model import Claim, Document, Evidence, Financing


def sample_document(text: str = "Acme installed cameras in Freedonia.") -> Document:
    """A document whose id is its text's hash, with a date and a little metadata."""
    return Document(
        id=content_hash(text),
        text=text,
        url="https://example.org/a",
        title="A",
        published=dt.date(2020, 1, 2),
        meta={"k": 1},
    )


def sample_claim(doc: Document, tech: str = "video_surveillance", country: str = "KEN") -> Claim:
    """A Huawei claim of ``doc`` for ``tech`` in ``country``, quoting its first 20 characters, with a loan."""
    ev = Evidence(document_id=doc.id, quote=doc.text[0:20], start=0, end=20)
    return Claim(
        id=stable_id("cl", [doc.id, tech, country]),
        country=country,
        evidence=(ev,),
        extractor="test",
        extractor_version="1",
        source="test",
        vendor="Huawei",
        vendor_country="CHN",
        technology=tech,
        confidence=0.8,
        start_year=2019,
        financing=Financing(lender="China Eximbank", amount=1.5e6, currency="USD"),
    )


def many_evidence_claim() -> tuple[Document, Claim]:
    """A document and a claim quoting six spans of it, in an order their hashed ids do not follow."""
    text = "Acme installed cameras in Freedonia. The police confirmed it. A minister denied it. Later, more."
    doc = sample_document(text)
    spans = [(0, 36), (37, 61), (62, 82), (83, 95), (0, 4), (27, 36)]
    evidence = tuple(Evidence(document_id=doc.id, quote=text[a:b], start=a, end=b) for a, b in spans)
    claim = Claim(
        id=stable_id("cl", [doc.id, "order"]),
        country="KEN",
        evidence=evidence,
        extractor="test",
        extractor_version="1",
        source="test",
        vendor="Acme",
    )
    return doc, claim
