"""Relation rules: from the mentions in a document to deployment claims.

A claim needs a supplier (a vendor, or a country acting as supplier), a recipient country and a
technology, tied together by a supply sentence. The recipient and technology come from the same
sentence when it names them, else from its neighbours in the paragraph, the headline, or the
document's focus; the confidence records which (see ``CONFIDENCE``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from countersight.extract import lexicon as lx
from countersight.extract.lexicon import Mention
from countersight.extract.rule_context import (
    _ANAPHORA,
    _FORMER,
    _agency,
    _antecedent,
    _context_recipients,
    _country_suppliers,
    _Doc,
    _financing,
    _focus_tech,
    _recipients,
    _related,
    _techs,
)
from countersight.extract.rule_details import _status, _unknown_vendors
from countersight.extract.rule_patterns import (
    _NEGATIVE,
    _SUPPLY_STRONG,
    _SUPPLY_WEAK,
    _YEAR,
)
from countersight.extract.sentences import Sentence
from countersight.model import Financing

# Confidence by how the claim was assembled; values come from the calibration table in
# docs/extraction.md (share of claims of each kind that were right on the evaluation sets).
CONFIDENCE = {
    "sentence": 0.9,  # supplier, recipient and technology in one supply sentence
    "sentence_context_tech": 0.8,  # technology from the neighbouring sentences
    "neighbour": 0.75,  # recipient from the neighbouring sentences
    "headline": 0.65,  # recipient from the headline
    "focus": 0.5,  # recipient from the document's focus country
    "only_country": 0.5,  # the only country the document names
}
WEAK_PENALTY = 0.1
ANAPHORA_PENALTY = 0.1  # the vendor is "the company" of the previous sentences
# Below this the rules are wrong more often than right on the evaluation sets: no claim.
MIN_CONFIDENCE = 0.45
# Financing is looked for this many sentences either side of the claim's sentence.
FINANCING_SENTENCES = 3


@dataclass
class Draft:
    """A claim before it becomes a :class:`~countersight.model.Claim`."""

    vendor: str | None
    vendor_country: str | None
    country: str
    technology: str
    status: str
    sentence: Sentence
    context: Sentence | None
    confidence: float
    how: str
    city: str | None = None
    agency: str | None = None
    year: int | None = None
    financing: Financing | None = None
    extra: dict[str, object] = field(default_factory=dict)


def draft_claims(
    text: str,
    title: str | None,
    homes: dict[str, str | None],
    mentions: list[Mention] | None = None,
    sentences: list[Sentence] | None = None,
) -> list[Draft]:
    """Every claim the rules find in ``text`` (``title`` is used as context when the text
    does not begin with it). ``mentions`` and ``sentences``, when the caller has them already
    (the learned extractor), are the text's gazetteer mentions and sentences."""
    from countersight.extract.sentences import split

    if mentions is None:
        mentions = lx.find_mentions(text)
    if not any(m.kind == lx.VENDOR or m.kind in (lx.COUNTRY, lx.DEMONYM) for m in mentions):
        return []
    if not any(m.kind == lx.TECH for m in mentions):
        return []
    if sentences is None:
        sentences = split(text)
    unknown = _unknown_vendors(text, mentions)
    if unknown:
        homes = {**homes, **{m.value: home for m, home in unknown}}
        spans = [(m.start, m.end) for m, _ in unknown]
        mentions = sorted(
            [*(m for m in mentions if not any(a <= m.start < b for a, b in spans)), *(m for m, _ in unknown)],
            key=lambda m: m.start,
        )
    doc = _Doc(text, sentences, mentions, [m.start for m in mentions], homes, lx.find_mentions(title) if title else [])
    drafts: list[Draft] = []
    # A headline: a first line without a full stop (a dateline or a sentence is not one).
    headline = (
        sentences[0]
        if sentences
        and sentences[0].paragraph == 0
        and (len(sentences) == 1 or sentences[1].paragraph > 0)
        and text[sentences[0].end - 1] not in '.!?:;,"”'
        and sentences[0].end - sentences[0].start < 200
        else None
    )
    for idx, sent in enumerate(sentences):
        ms = doc.in_span(sent.start, sent.end)
        if not ms:
            continue
        chunk = text[sent.start : sent.end]
        strong = _SUPPLY_STRONG.search(chunk)
        weak = strong or _SUPPLY_WEAK.search(chunk)
        if not weak:
            continue
        if _NEGATIVE.search(chunk):
            continue  # sanctions, markets, bans and product news name no buyer
        vendors = list(
            dict.fromkeys(
                m.value
                for m in ms
                if m.kind == lx.VENDOR and not _FORMER.search(text[max(sent.start, m.start - 30) : m.start])
            )
        )
        suppliers: list[tuple[str | None, str | None]] = [(v, homes.get(v)) for v in vendors]
        techs = _techs(ms)
        if not suppliers and techs:
            # A country as supplier needs the technology and the recipient in the sentence.
            suppliers = [(None, c) for c in _country_suppliers(doc, sent, ms)]
        anaphora = False
        if not suppliers and _ANAPHORA.search(chunk):
            # "the same company's software": the one vendor of the sentences just before.
            vendors = _antecedent(doc, idx)
            suppliers = [(v, homes.get(v)) for v in vendors]
            anaphora = bool(suppliers)
        if not suppliers:
            continue
        tech_how = "sentence"
        if not techs and any(m.kind == lx.PRODUCT for m in ms):
            continue  # the sentence says what was supplied, and it is not surveillance (5G, turbines ...)
        if not techs:
            # A diversified company (Airbus, Orange, Microsoft ...) is in the news for its other
            # business: its technology must come from its own paragraph.
            broad = bool(vendors) and all(v in lx.diversified() for v in vendors)
            for j in (idx - 1, idx + 1, idx - 2):
                if (
                    0 <= j < len(sentences)
                    and _related(doc, sent, sentences[j], vendors)
                    and not (broad and sentences[j].paragraph != sent.paragraph)
                ):
                    techs = _techs(doc.in_span(sentences[j].start, sentences[j].end))
                    if techs:
                        break
            if not techs and headline is not None:
                techs = _techs(doc.in_span(headline.start, headline.end))
            if not techs:
                techs = _techs(doc.title_mentions)
            if not techs:
                techs = _focus_tech(doc, vendors, idx)
            tech_how = "context"
        if not techs:
            continue
        status = _status(chunk)
        year_m = _YEAR.search(chunk)
        agency = _agency(doc, sent, ms)
        # Financing is read from the nearby sentences of the paragraph only: a bounded window
        # keeps extraction linear in the length of a one-paragraph document.
        para = [
            s
            for s in sentences[max(0, idx - FINANCING_SENTENCES) : idx + FINANCING_SENTENCES + 1]
            if s.paragraph == sent.paragraph
        ]
        financing = _financing(doc, [sent, *[s for s in para if s is not sent]])
        for vendor, home in suppliers:
            exclude = {home} if home else set()
            found = _recipients(doc, sent, ms, exclude)
            how = "sentence" if tech_how == "sentence" else "sentence_context_tech"
            context: Sentence | None = None
            if not found:
                found, context, how = _context_recipients(doc, idx, headline, exclude, vendor)
            for country, city in found:
                if home and country == home and vendor is None:
                    continue
                conf = CONFIDENCE[how]
                if not strong:
                    conf -= WEAK_PENALTY
                if tech_how == "context" and how != "sentence_context_tech":
                    conf -= 0.05
                if anaphora:
                    conf -= ANAPHORA_PENALTY
                if conf < MIN_CONFIDENCE:
                    continue
                drafts.append(
                    Draft(
                        vendor=vendor,
                        vendor_country=home,
                        country=country,
                        technology=techs[0],
                        status=status,
                        sentence=sent,
                        context=context,
                        confidence=round(conf, 2),
                        how=how,
                        city=city,
                        agency=agency,
                        year=int(year_m.group(1)) if year_m else None,
                        financing=financing,
                    )
                )
    return drafts


# "IDEMIA, formerly known as Safran Identity": the old name is not a second supplier.
