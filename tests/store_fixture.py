"""Small records the store tests write: a document, a claim of it with evidence and financing,
a claim quoting six spans of one document (for evidence order), and a store holding three claims
merged into two deployments. Texts are invented."""

from __future__ import annotations

import dataclasses
import datetime as dt

from countersight.ids import content_hash, stable_id
from countersight.model import Claim, Document, Evidence, Financing
from countersight.resolution import resolve_store
from countersight.store import Store


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


def resolved_store(store: Store) -> tuple[list[Document], list[Claim]]:
    """Fill ``store`` with three documents and their claims (two on Huawei cameras in Kenya, one on
    Huawei facial recognition in Uganda, published on different days) and merge them into
    deployments; return what was written."""
    docs = [
        dataclasses.replace(sample_document(text), publisher=publisher, published=published)
        for text, publisher, published in (
            ("Huawei cameras went up across Nairobi this spring.", "Daily One", dt.date(2019, 3, 1)),
            ("More Huawei cameras were added in Nairobi, officials said.", "Weekly Two", dt.date(2020, 6, 1)),
            ("Huawei will supply face matching to the Kampala police.", "Daily One", dt.date(2021, 1, 5)),
        )
    ]
    claims = [
        sample_claim(docs[0]),
        sample_claim(docs[1]),
        sample_claim(docs[2], "facial_recognition", country="UGA"),
    ]
    store.add(docs, claims)
    resolve_store(store)
    return docs, claims
