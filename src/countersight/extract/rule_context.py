"""What the 0.2 rules read around a supply sentence: the recipients and supplier origins in it,
its technology, agency and financing, the document's focus country, "the company" of earlier
sentences and recipients named in the sentences around it. ``rules.draft_claims`` assembles
claims from these."""

from __future__ import annotations

import re
from bisect import bisect_left
from collections import Counter
from dataclasses import dataclass, field

from countersight.extract import lexicon as lx
from countersight.extract.lexicon import Mention
from countersight.extract.rule_details import agency_in, financing_in
from countersight.extract.rule_patterns import (
    _ACQUIRED,
    _BOUGHT_BY,
    _BUYER_VERB,
    _COMPANY_NOUN,
    _COUNTRY_SUPPLIER_VERB,
    _FROM,
    _GOV_AFTER,
    _LIST_GAP,
    _LOCATIVE,
    _NEGATIVE,
    _ORIGIN_GAP,
    _SUPPLY_STRONG,
    _VENUE,
)
from countersight.extract.sentences import Sentence
from countersight.model import Financing

# Technology precedence when a sentence names several: the most specific wins.
_TECH_RANK = {
    t: i
    for i, t in enumerate(
        (
            "spyware",
            "facial_recognition",
            "license_plate_recognition",
            "social_media_monitoring",
            "smart_policing",
            "biometric_id",
            "safe_city",
            "video_surveillance",
            "other",
        )
    )
}

# The focus country is read from this many paragraphs either side of the claim's sentence,
# and from at most FOCUS_SENTENCES sentences either side (linear time on one-paragraph texts).
FOCUS_PARAGRAPHS = 5
FOCUS_SENTENCES = 40


@dataclass
class _Doc:
    text: str
    sentences: list[Sentence]
    mentions: list[Mention]
    starts: list[int]
    homes: dict[str, str | None]
    title_mentions: list[Mention]
    only_country: dict[frozenset[str], str | None] = field(default_factory=dict)

    def in_span(self, start: int, end: int) -> list[Mention]:
        return self.mentions[bisect_left(self.starts, start) : bisect_left(self.starts, end)]


def _before(text: str, sent: Sentence, m: Mention, width: int = 40) -> str:
    return text[max(sent.start, m.start - width) : m.start]


def _after(text: str, sent: Sentence, m: Mention, width: int = 40) -> str:
    return text[m.end : min(sent.end, m.end + width)]


def _origin_mentions(doc: _Doc, sent: Sentence, ms: list[Mention]) -> set[int]:
    """Indexes (into ``ms``) of country mentions that name a supplier's origin."""
    text = doc.text
    origin: set[int] = set()
    vendors = [m for m in ms if m.kind == lx.VENDOR]
    homes = {doc.homes.get(v.value) for v in vendors}
    for i, m in enumerate(ms):
        if m.kind not in (lx.COUNTRY, lx.DEMONYM, lx.CITY):
            continue
        after = _after(doc.text, sent, m)
        before = _before(text, sent, m, 25)
        if _FROM.search(before) and not (_BOUGHT_BY.search(before) and _GOV_AFTER.match(after)):
            origin.add(i)
            continue
        if _COMPANY_NOUN.match(after) and not _GOV_AFTER.match(after):
            origin.add(i)
            continue
        # Directly before a vendor, with only "firm", "giant", "'s" ... between them.
        nxt = next((v for v in vendors if v.start >= m.end), None)
        gap = text[m.end : nxt.start] if nxt is not None else ""
        if (
            nxt is not None
            and nxt.start - m.end < 45
            and _ORIGIN_GAP.match(gap)
            and (not gap.strip() or re.search(r"\w", gap))
        ):
            origin.add(i)
            continue
        # Directly after a vendor: "Huawei, the Chinese company", "ZTE (China)".
        prv = next((v for v in reversed(vendors) if v.end <= m.start), None)
        if (
            prv is not None
            and m.start - prv.end < 20
            and re.fullmatch(r"\s*(?:,|\()\s*(?:a|an|the)?\s*", text[prv.end : m.start])
        ):
            origin.add(i)
            continue
        if m.kind != lx.CITY and m.value in homes and not _LOCATIVE.search(before) and not _GOV_AFTER.match(after):
            origin.add(i)
    return origin


def _recipients(
    doc: _Doc, sent: Sentence, ms: list[Mention], exclude: set[str], strict: bool = False
) -> list[tuple[str, str | None]]:
    """Recipient (country, city) pairs named in the sentence, strongest cues first: located
    ("in Nairobi"), governing ("Kenya's police") or buying ("Uganda bought"); with lists
    ("in Kampala, Nairobi and Zambia") carried along."""
    text = doc.text
    origin = _origin_mentions(doc, sent, ms)
    cands: list[tuple[int, Mention, bool]] = []
    for i, m in enumerate(ms):
        if m.kind not in (lx.COUNTRY, lx.DEMONYM, lx.CITY) or i in origin:
            continue
        if re.match(r"-(?:led|based|made|owned|backed|funded|built|linked|style)\b", text[m.end : m.end + 8]):
            continue
        if m.value in exclude:
            # The supplier's own country is a recipient only when the sentence ties it to a
            # buyer ("the New Orleans Police Department", "the city of Memphis bought").
            after = _after(text, sent, m)
            if strict or not (
                _GOV_AFTER.match(after)
                or _BUYER_VERB.match(after)
                or re.search(r"\bcity of\s+$", _before(text, sent, m, 12), re.I)
            ):
                continue
        if (
            m.kind == lx.DEMONYM
            and not _GOV_AFTER.match(_after(text, sent, m))
            and not re.match(
                r"^\s+[a-z]+\s+(?:police|government|authorities|ministry|army|military)", _after(text, sent, m)
            )
        ):
            continue  # "Kenyan police" is a buyer; "Kenyan journalists" is not
        before = _before(text, sent, m, 30)
        if _VENUE.search(before):
            continue  # where a conference or a trade fair took place, not who bought
        after = _after(text, sent, m)
        strong = bool(
            _LOCATIVE.search(before) or _GOV_AFTER.match(after) or _BUYER_VERB.match(after) or m.kind == lx.CITY
        )
        cands.append((i, m, strong))
    if any(s for _, _, s in cands):
        keep = {i for i, _, s in cands if s}
        # Carry list members: "in Kampala, Nairobi, Egypt and Zambia".
        order = [i for i, _, _ in cands]
        for a, b in zip(order, order[1:], strict=False):
            if a in keep and _LIST_GAP.match(text[ms[a].end : ms[b].start]):
                keep.add(b)
        cands = [c for c in cands if c[0] in keep]
    out: dict[str, str | None] = {}
    for _, m, _ in cands:
        city = lx.city_table().get(m.surface, (None, m.surface))[1] if m.kind == lx.CITY else None
        if m.value not in out or (city and not out[m.value]):
            out[m.value] = city
    return list(out.items())


def _techs(ms: list[Mention]) -> list[str]:
    return sorted({m.value for m in ms if m.kind == lx.TECH}, key=lambda t: _TECH_RANK.get(t, 99))


def _agency(doc: _Doc, sent: Sentence, ms: list[Mention]) -> str | None:
    return agency_in(doc.text, sent, ms)


def _financing(doc: _Doc, spans: list[Sentence]) -> Financing | None:
    return financing_in(doc.text, spans, doc.in_span)


def _window(doc: _Doc, idx: int) -> list[Sentence]:
    return doc.sentences[max(0, idx - FOCUS_SENTENCES) : idx + FOCUS_SENTENCES + 1]


def _focus(doc: _Doc, exclude: set[str], vendor: str | None, idx: int) -> str | None:
    """The country the story is about: the most named country in the nearby paragraphs that
    talk about surveillance technology or vendors, counting those that name the vendor twice;
    it must be named at least three times (weighted) and clearly more than any other."""
    tech_paras: set[int] = set()
    vendor_paras: set[int] = set()
    other_vendor_paras: set[int] = set()
    near = doc.sentences[idx].paragraph
    window = _window(doc, idx)
    for s in window:
        for m in doc.in_span(s.start, s.end):
            if m.kind == lx.TECH:
                tech_paras.add(s.paragraph)
            elif m.kind == lx.VENDOR:
                (vendor_paras if m.value == vendor else other_vendor_paras).add(s.paragraph)
    tech_paras |= other_vendor_paras
    # Paragraphs about other vendors count too (the same story often names several suppliers);
    # the vendor's own paragraphs count double.
    counts: Counter[str] = Counter()
    for s in window:
        weight = 2 if s.paragraph in vendor_paras else 1 if s.paragraph in tech_paras else 0
        if not weight or abs(s.paragraph - near) > FOCUS_PARAGRAPHS:
            continue
        ms = doc.in_span(s.start, s.end)
        if any(m.kind == lx.PRODUCT for m in ms) and not any(m.kind == lx.TECH for m in ms):
            continue  # about the vendor's other business ("undersea cable equipment for Singapore")
        for m in ms:
            if m.kind in (lx.COUNTRY, lx.CITY, lx.DEMONYM) and m.value not in exclude:
                counts[m.value] += weight
    if not counts:
        return None
    (top, n), *rest = counts.most_common(2) + [("", 0)]
    return top if n >= 3 and n >= rest[0][1] + 2 else None


_FORMER = re.compile(
    r"\b(?:formerly|previously|once|later)(?:\s+(?:known|called|named))?(?:\s+as)?\s+(?:the\s+)?$", re.I
)
_ANAPHORA = re.compile(
    r"\b(?:the|this|that) (?:same |Chinese |American |US |Israeli |Japanese |European )?"
    r"(?:company|firm|vendor|manufacturer|maker|supplier|contractor|group)(?:['’]s)?\b",
    re.I,
)


def _antecedent(doc: _Doc, idx: int) -> list[str]:
    """The vendor "the company" refers to: the only one named in the two sentences before,
    in the same paragraph."""
    sent = doc.sentences[idx]
    for j in (idx - 1, idx - 2):
        if j < 0 or doc.sentences[j].paragraph != sent.paragraph:
            break
        other = doc.sentences[j]
        names = list(dict.fromkeys(m.value for m in doc.in_span(other.start, other.end) if m.kind == lx.VENDOR))
        if names:
            return names if len(names) == 1 else []
    return []


def _country_suppliers(doc: _Doc, sent: Sentence, ms: list[Mention]) -> list[str]:
    """Countries acting as supplier in a sentence that names no vendor: "China has sold ...",
    "Chinese firms installed ...", "... bought from China"."""
    text = doc.text
    out: list[str] = []
    for m in ms:
        if m.kind not in (lx.COUNTRY, lx.DEMONYM, lx.CITY):
            continue
        after = _after(text, sent, m, 60)
        before = _before(text, sent, m, 25)
        # "Beijing supplied ...": a capital as the subject of supply stands for its government.
        capital = m.kind == lx.CITY and lx.city_table().get(m.surface, ("", ""))[1] in lx.capitals()
        subject = (m.kind == lx.COUNTRY or capital) and _COUNTRY_SUPPLIER_VERB.match(after)
        firms = _COMPANY_NOUN.match(after) and _SUPPLY_STRONG.search(text[m.end : sent.end])
        source = m.kind == lx.COUNTRY and _FROM.search(before) and _ACQUIRED.search(text[sent.start : m.start])
        if m.kind == lx.CITY and not subject:
            continue
        if subject or firms or source:
            out.append(m.value)
    return list(dict.fromkeys(out))


def _focus_tech(doc: _Doc, vendors: list[str], idx: int) -> list[str]:
    """The technology most named (at least twice) in the paragraphs that name these vendors."""
    window = _window(doc, idx)
    paras = {
        s.paragraph
        for s in window
        if any(m.kind == lx.VENDOR and m.value in vendors for m in doc.in_span(s.start, s.end))
    }
    counts = Counter(
        m.value for s in window if s.paragraph in paras for m in doc.in_span(s.start, s.end) if m.kind == lx.TECH
    )
    return [t for t, n in counts.most_common(1) if n >= 2]


def _related(doc: _Doc, sent: Sentence, other: Sentence, vendors: list[str]) -> bool:
    """Whether ``other`` may lend context to ``sent``: same paragraph, or the adjacent
    paragraph when it names one of the sentence's vendors (unrelated news sits between)."""
    if other.paragraph == sent.paragraph:
        return True
    if abs(other.paragraph - sent.paragraph) > 1:
        return False
    ms = doc.in_span(other.start, other.end)
    if any(m.kind == lx.VENDOR and m.value in vendors for m in ms):
        return True
    # A technology paragraph that names other vendors but not these is another story.
    return any(m.kind == lx.TECH for m in ms) and not any(m.kind == lx.VENDOR for m in ms)


def _context_recipients(
    doc: _Doc, idx: int, headline: Sentence | None, exclude: set[str], vendor: str | None
) -> tuple[list[tuple[str, str | None]], Sentence | None, str]:
    """Recipients from the neighbouring sentences, the headline, then the document's focus."""
    sentences = doc.sentences
    sent = sentences[idx]
    for j in (idx - 1, idx + 1, idx - 2, idx - 3):
        if not 0 <= j < len(sentences):
            continue
        other = sentences[j]
        if not _related(doc, sent, other, [vendor] if vendor else []) or (
            other.paragraph != sent.paragraph and abs(j - idx) > 1
        ):
            continue
        ms = doc.in_span(other.start, other.end)
        found = _recipients(doc, other, ms, exclude, strict=True)
        if found:
            return found, other, "neighbour"
    if headline is not None and headline is not sent:
        ms = doc.in_span(headline.start, headline.end)
        found = _recipients(doc, headline, ms, exclude, strict=True)
        if found:
            return found, headline, "headline"
    if doc.title_mentions:
        codes = [m.value for m in doc.title_mentions if m.kind in (lx.COUNTRY, lx.CITY) and m.value not in exclude]
        if codes:
            return [(codes[0], None)], None, "headline"
    top = _focus(doc, exclude, vendor, idx)
    if top:
        return [(top, None)], None, "focus"
    home_here = any(m.kind in (lx.COUNTRY, lx.CITY) and m.value in exclude for m in doc.in_span(sent.start, sent.end))
    only = None if home_here else _only_country(doc, exclude)
    if only:
        return [(only, None)], None, "only_country"
    return [], None, "focus"


def _only_country(doc: _Doc, exclude: set[str]) -> str | None:
    key = frozenset(exclude)
    if key not in doc.only_country:
        doc.only_country[key] = _only_country_uncached(doc, exclude)
    return doc.only_country[key]


def _only_country_uncached(doc: _Doc, exclude: set[str]) -> str | None:
    """The one country a story names (as a recipient could be named) besides the supplier's
    home: a local story ("the commission received 4,000 kits") often names its country once."""
    found: set[str] = set()
    for sent in doc.sentences:
        ms = doc.in_span(sent.start, sent.end)
        origin = _origin_mentions(doc, sent, ms)
        negative = _NEGATIVE.search(doc.text[sent.start : sent.end])
        for i, m in enumerate(ms):
            if m.kind in (lx.COUNTRY, lx.CITY, lx.DEMONYM) and m.value not in exclude:
                if negative or i in origin:
                    return None  # a sanctioning or supplying country, not a buyer's
                found.add(m.value)
                if len(found) > 1:
                    return None
    return next(iter(found), None)
