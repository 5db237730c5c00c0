"""Rule-based extraction of surveillance-technology deployment claims from text.

Public interface (stable, used by the readers and the ``countersight extract`` command):
``EXTRACTOR_NAME``, ``EXTRACTOR_VERSION``, ``extract_claims(document)`` and
``claim_to_contract(claim)``. ``extract_claims`` is a pure function of the document and
the bundled reference data (the gazetteer automaton is built once per process and cached).
How it works and how well: docs/extraction.md.
"""

from __future__ import annotations

import functools
from typing import Any

from countersight.extract.rules import Draft, draft_claims
from countersight.ids import stable_id
from countersight.model import Claim, Document, Evidence, Financing
from countersight.reference.vendors import registry

EXTRACTOR_NAME = "countersight-rules"
EXTRACTOR_VERSION = "0.2.1"


@functools.cache
def _homes() -> dict[str, str | None]:
    return {o.name: o.home_country for o in registry() if o.kind == "vendor"}


def _page(document: Document, start: int) -> int | None:
    pages = document.meta.get("pages") if document.meta else None
    if not pages:
        return None
    for i, (s, e) in enumerate(pages):
        if s <= start < e:
            return i + 1
    return None


def _evidence(document: Document, start: int, end: int) -> Evidence:
    return Evidence(document.id, document.text[start:end], start, end, _page(document, start))


def _claim(document: Document, d: Draft) -> Claim:
    s = d.sentence
    evidence = [_evidence(document, s.start, s.end)]
    if d.context is not None:
        evidence.append(_evidence(document, d.context.start, d.context.end))
    fin = d.financing
    financing = None if fin is None else Financing(
        lender=fin["lender"], instrument=fin["instrument"], amount=fin["amount"],  # type: ignore[arg-type]
        currency=fin["currency"], text=fin["text"])  # type: ignore[arg-type]
    cid = stable_id("clm", [document.id, EXTRACTOR_VERSION, d.vendor, d.vendor_country, d.country,
                            d.technology, d.status, s.start, s.end])
    return Claim(
        id=cid, country=d.country, evidence=tuple(evidence), extractor=EXTRACTOR_NAME,
        extractor_version=EXTRACTOR_VERSION, source="extract", vendor=d.vendor,
        vendor_raw=d.vendor, vendor_country=d.vendor_country, city=d.city, agency=d.agency,
        technology=d.technology, status=d.status,  # type: ignore[arg-type]
        financing=financing, start_year=d.year, confidence=d.confidence, attrs={"rule": d.how},
    )


def extract_claims(document: Document) -> list[Claim]:
    """Claims that a supplier provided a surveillance technology to a recipient country, each
    with the sentence that says so (and the neighbouring sentence that names the recipient,
    when the rule needed it). One claim per (supplier, recipient, technology, sentence)."""
    title = document.title
    if title and document.text.lstrip().startswith(title.strip()):
        title = None
    claims: dict[str, Claim] = {}
    for d in draft_claims(document.text, title, _homes()):
        c = _claim(document, d)
        claims.setdefault(c.id, c)
    return list(claims.values())


def claim_to_contract(claim: Claim) -> dict[str, Any]:
    """The per-claim JSON object of the ``countersight extract --format jsonl`` contract."""
    ev = claim.evidence[0] if claim.evidence else None
    fin = claim.financing
    return {
        "vendor": claim.vendor,
        "vendor_country": claim.vendor_country,
        "country": claim.country,
        "city": claim.city,
        "agency": claim.agency,
        "technology": claim.technology,
        "status": claim.status,
        "financing": None
        if fin is None
        else {
            "lender": fin.lender,
            "instrument": fin.instrument,
            "amount": fin.amount,
            "currency": fin.currency,
            "text": fin.text,
        },
        "year": claim.start_year,
        "confidence": claim.confidence,
        "evidence": None
        if ev is None
        else {"text": ev.quote, "start": ev.start, "end": ev.end},
        "extractor": f"{claim.extractor}/{claim.extractor_version}",
    }


__all__ = ["EXTRACTOR_NAME", "EXTRACTOR_VERSION", "claim_to_contract", "extract_claims"]
