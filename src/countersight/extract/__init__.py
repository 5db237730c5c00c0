"""Extraction of surveillance-technology deployment claims from text.

Public interface (stable, used by the readers and the ``countersight extract`` command):
``EXTRACTOR_NAME``, ``EXTRACTOR_VERSION``, ``extract_claims(document, model)`` and
``claim_to_contract(claim)``. ``extract_claims`` is a pure function of the document, the
bundled reference data and the model: by default the learned model that ships in
``data/models/extractor.json`` (candidates from the gazetteer, decisions from the model);
``model=None`` runs the 0.2 rules alone, for comparison. How it works and how well:
docs/extraction.md.
"""

from __future__ import annotations

import functools
from typing import Any, Literal

from countersight.extract import learned
from countersight.extract.candidates import Budget, ExtractionBudgetError
from countersight.extract.model import Model, bundled
from countersight.extract.rules import Draft, draft_claims
from countersight.extract.sentences import Sentence
from countersight.ids import stable_id
from countersight.model import Claim, Document, Evidence
from countersight.reference.vendors import registry

EXTRACTOR_NAME = "countersight-learned"
EXTRACTOR_VERSION = "0.3.0"
RULES_NAME = "countersight-rules"
RULES_VERSION = "0.2.1"


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


def _claim(document: Document, d: Draft, model: Model | None) -> Claim:
    s = d.sentence
    evidence = [_evidence(document, s.start, s.end)]
    if d.context is not None:
        evidence.append(_evidence(document, d.context.start, d.context.end))
    named_in = d.extra.get("technology_sentence")
    if isinstance(named_in, Sentence):  # the technology's own sentence, when the claim's says "the technology"
        evidence.append(_evidence(document, named_in.start, named_in.end))
    financing = d.financing
    name, version = (EXTRACTOR_NAME, EXTRACTOR_VERSION) if model is not None else (RULES_NAME, RULES_VERSION)
    cid = stable_id(
        "clm",
        [
            document.id,
            version,
            model.version if model else None,
            d.vendor,
            d.vendor_country,
            d.country,
            d.technology,
            d.status,
            s.start,
            s.end,
        ],
    )
    attrs: dict[str, Any] = (  # JSON: Claim.attrs, stored as a JSON column
        {"rule": d.how}
        if model is None
        else {
            "how": d.how,
            "model": model.version,
            "explain": d.extra.get("explain", []),
            **({"new_org": True} if d.extra.get("new_org") else {}),
        }
    )
    return Claim(
        id=cid,
        country=d.country,
        evidence=tuple(evidence),
        extractor=name,
        extractor_version=version,
        source="extract",
        vendor=d.vendor,
        vendor_raw=d.vendor,
        vendor_country=d.vendor_country,
        city=d.city,
        agency=d.agency,
        technology=d.technology,
        status=d.status,  # type: ignore[arg-type]
        financing=financing,
        start_year=d.year,
        confidence=d.confidence,
        attrs=attrs,
    )


def extract_claims(
    document: Document, model: Model | None | Literal["bundled"] = "bundled", budget: Budget | None = None
) -> list[Claim]:
    """Claims that a supplier provided a surveillance technology to a recipient country, each
    with the sentence that says so (and the sentence that names the recipient, when another).
    With a model (the bundled one by default): one claim per (supplier, recipient) the model
    accepts, its confidence the calibrated probability. With ``model=None``: the 0.2 rules.
    A document over ``budget`` (or too claim-dense) raises :class:`ExtractionBudgetError`."""
    chosen = bundled() if model == "bundled" else model
    title = document.title
    if title and document.text.lstrip().startswith(title.strip()):
        title = None
    drafts = (
        draft_claims(document.text, title, _homes())
        if chosen is None
        else learned.draft_claims(document.text, title, _homes(), chosen, budget)
    )
    claims: dict[str, Claim] = {}
    for d in drafts:
        c = _claim(document, d, chosen)
        claims.setdefault(c.id, c)
    return list(claims.values())


def claim_to_contract(claim: Claim) -> dict[str, Any]:  # JSON: a claim of the `extract` jsonl line
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
        "evidence": None if ev is None else {"text": ev.quote, "start": ev.start, "end": ev.end},
        "extractor": f"{claim.extractor}/{claim.extractor_version}",
        "model": claim.attrs.get("model"),
        "explain": claim.attrs.get("explain", []),
    }


__all__ = [
    "EXTRACTOR_NAME",
    "EXTRACTOR_VERSION",
    "RULES_NAME",
    "RULES_VERSION",
    "Budget",
    "ExtractionBudgetError",
    "claim_to_contract",
    "extract_claims",
]
