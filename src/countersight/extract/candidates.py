"""Stage one of the learned extractor: every (supplier, recipient) pair worth scoring.

A document is read once: gazetteer mentions (``lexicon``), organisations outside the registry
(``orgs``), sentences and paragraphs. A supplier is a vendor, an organisation candidate, or a
country (when the text names no company, "China supplied ..."); a recipient is a country, a city
or a demonym. Pairs are formed within a bounded window: the same sentence, the neighbouring
sentence of the same paragraph, and the headline. The window keeps the work linear in the size
of the document; ``MAX_CANDIDATES`` bounds a hostile one.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections import Counter
from dataclasses import dataclass, field
from typing import Protocol

from countersight.errors import InputError
from countersight.extract import cues
from countersight.extract import lexicon as lx
from countersight.extract.lexicon import Mention
from countersight.extract.orgs import ORG, find_orgs
from countersight.extract.references import with_references
from countersight.extract.sentences import Sentence, sentence_at, split

SUPPLIER_KINDS = (lx.VENDOR, ORG, lx.COUNTRY, lx.DEMONYM)
RECIPIENT_KINDS = (lx.COUNTRY, lx.CITY, lx.REGION, lx.DEMONYM)
_AUX = re.compile(
    r"^(?:['’]s(?:\s+government)?)?\s*(?:(?:has|have|had|also|reportedly|itself|is|was|were|"
    r"ha|han|a|ont|tem|têm|hat|haben|hanno)\s+)*",
    re.I,
)
_FIRMS = re.compile(
    r"^\s+(?:state-owned\s+|tech\s+|technology\s+|telecom\s+|surveillance\s+|security\s+)?"
    r"(?:firms?|compan(?:y|ies)|giants?|vendors?|manufacturers?|makers?|suppliers?|contractors?|"
    r"empresas?|entreprises?|sociétés?|firmen|aziende)\b",
    re.I,
)
_GOODS = re.compile(
    r"^\s+(?:\w+\s+)?(?:technolog|gear|equipment|camera|system|surveillance|loan|made|-made|"
    r"tecnolog|equipo|equipamento|câmeras|cámaras|caméras|matériel)",
    re.I,
)
_MADE_IN = re.compile(
    r"\b(?:made|manufactured|produced|hecho|fabricad[oa]s?|fabriqu[ée]e?s?)\s+(?:in|en|na|no)\s+"
    r"(?:the\s+)?$",
    re.I,
)
_SOURCE = re.compile(r"\b(?:from|by|desde|par|von|dalla|pela|pelo)\s+(?:the\s+)?$", re.I)
# Pairs scored per document at most: a long report has a few hundred; more means hostile input.
MAX_CANDIDATES = 5000
# The headline is paired with suppliers of this many sentences below it (the lede). Twelve
# read deeper into the story and cost precision on dev and blind alike (docs/extraction.md).
HEADLINE_SENTENCES = 4
# A company is paired with the countries of this many paragraphs either side, at most this many
# sentences away (so that the work stays linear), and only the countries most named there.
NEARBY_PARAGRAPHS = 3
NEARBY_SENTENCES = 15
FAR_COUNTRIES = 3
_TOO_MANY = f"too claim-dense to extract: over {MAX_CANDIDATES} candidate pairs (a table or a hostile text?)"
# Sentences longer than this are not read for organisation names (tables, run-on lists).
MAX_SENTENCE = 2000


class Budget(Protocol):
    """Whether a document's extraction has used up its time (the pipeline owns the clock)."""

    def exceeded(self) -> bool:
        """True once the time allowed for this document has passed."""
        ...


class ExtractionBudgetError(InputError):
    """A document that would take more than its extraction budget (time or candidate pairs)."""


@dataclass
class Analysis:
    """A document read once: its sentences, mentions (sorted) and the headline, if any."""

    text: str
    sentences: list[Sentence]
    mentions: list[Mention]
    org_cue: dict[int, str]
    homes: dict[str, str | None]
    headline: int | None
    # A reference back to a technology ("the technology"): its start -> where its term starts.
    refers: dict[int, int] = field(default_factory=dict)
    starts: list[int] = field(default_factory=list)
    sentence_starts: list[int] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.starts = [m.start for m in self.mentions]
        self.sentence_starts = [s.start for s in self.sentences]

    def in_span(self, start: int, end: int) -> list[Mention]:
        """Mentions starting in text[start:end]."""
        return self.mentions[bisect_left(self.starts, start) : bisect_left(self.starts, end)]

    def sentence_of(self, pos: int) -> int:
        """Index of the sentence holding character ``pos``."""
        return sentence_at(self.sentence_starts, pos)


@dataclass(frozen=True, slots=True)
class Candidate:
    """A supplier mention and a recipient mention that may form a deployment claim."""

    supplier: Mention
    recipient: Mention
    s_sent: int
    r_sent: int
    window: str  # same | prev | next | headline

    @property
    def supplier_key(self) -> tuple[str, str]:
        """("v", vendor name) or ("c", supplier country ISO3)."""
        if self.supplier.kind in (lx.VENDOR, ORG):
            return ("v", self.supplier.value)
        return ("c", self.supplier.value)

    @property
    def country(self) -> str:
        """Recipient country ISO3."""
        return self.recipient.value


def analyse(text: str, homes: dict[str, str | None], mentions: list[Mention] | None = None) -> Analysis:
    """Sentences, gazetteer mentions (found here unless given), references back to a technology
    term (``references``) and organisation candidates of ``text``."""
    sentences = split(text)
    if mentions is None:
        mentions = lx.find_mentions(text)
    mentions, refers = with_references(text, mentions, sentences)
    starts = [m.start for m in mentions]
    org_cue: dict[int, str] = {}
    orgs: list[Mention] = []
    for s in sentences:
        if s.end - s.start > MAX_SENTENCE:
            continue
        # Only the sentence's own mentions: scanning the document's would be quadratic.
        lo, hi = bisect_left(starts, s.start), bisect_left(starts, s.end)
        own = mentions[max(0, lo - 1) : hi]
        taken = [(m.start, m.end) for m in own]
        firms = [(m.start, m.end) for m in own if m.kind == lx.VENDOR]
        for o in find_orgs(text, s.start, s.end, taken, firms):
            orgs.append(o.mention)
            org_cue[o.mention.start] = o.cue
    if orgs:
        mentions = sorted([*mentions, *orgs], key=lambda m: m.start)
    headline = (
        0
        if sentences
        and sentences[0].paragraph == 0
        and (len(sentences) == 1 or sentences[1].paragraph > 0)
        and text[sentences[0].end - 1] not in '.!?:;,"”'
        and sentences[0].end - sentences[0].start < 200
        else None
    )
    return Analysis(text, sentences, mentions, org_cue, homes, headline, refers)


def country_supplier_cue(text: str, sent: Sentence, m: Mention) -> str:
    """How a country may be named as a supplier: the subject of a supply verb ("China has
    sold"), its firms ("Chinese firms installed"), its goods ("Chinese cameras", "made in
    Germany"), or the source ("bought from China"); "" when nothing says so."""
    after = text[m.end : min(sent.end, m.end + 60)]
    before = text[max(sent.start, m.start - 20) : m.start]
    supply = cues.matcher("supply")
    aux = _AUX.match(after)
    if supply.match(after, aux.end() if aux else 0):
        return "subject"
    noun = _FIRMS.match(after)
    if noun:
        return "firms_supply" if supply.search(after, noun.end()) else "firms"
    if _GOODS.match(after):
        return "goods"
    if _MADE_IN.search(before):
        return "made_in"
    if _SOURCE.search(before):
        return "source"
    return ""


def _neighbours(a: Analysis, i: int) -> list[tuple[int, str]]:
    out = [(i, "same")]
    para = a.sentences[i].paragraph
    if i > 0 and a.sentences[i - 1].paragraph == para:
        out.append((i - 1, "prev"))
    if i + 1 < len(a.sentences) and a.sentences[i + 1].paragraph == para:
        out.append((i + 1, "next"))
    if a.headline is not None and a.headline not in (i - 1, i, i + 1) and i - a.headline <= HEADLINE_SENTENCES:
        out.append((a.headline, "headline"))
    return out


def candidates(a: Analysis, budget: Budget | None = None) -> list[Candidate]:
    """Every (supplier, recipient) pair within the window, in document order: the sentence,
    its neighbours and the headline; then, for a company and a country that never meet that
    close, one pair from the nearby paragraphs (the story's country is often named only once,
    far from the vendor)."""
    out: list[Candidate] = []
    by_sentence = [a.in_span(s.start, s.end) for s in a.sentences]
    close: set[tuple[str, str]] = set()
    for i, ms in enumerate(by_sentence):
        if budget is not None and i % 64 == 0 and budget.exceeded():
            raise ExtractionBudgetError(
                f"extraction stopped at sentence {i} of {len(by_sentence)}: over its time budget"
            )
        suppliers = [m for m in ms if m.kind in SUPPLIER_KINDS]
        for j, window in _neighbours(a, i) if suppliers else ():
            recipients = [m for m in by_sentence[j] if m.kind in RECIPIENT_KINDS]
            for s in suppliers:
                country_supplier = s.kind in (lx.COUNTRY, lx.DEMONYM)
                if country_supplier and window != "same":
                    continue  # a country as supplier is stated with its recipient
                for r in recipients:
                    if r is s or (country_supplier and r.value == s.value):
                        continue
                    out.append(Candidate(s, r, i, j, window))
                    close.add((s.value, r.value))
                    if len(out) >= MAX_CANDIDATES:
                        raise ExtractionBudgetError(_TOO_MANY)
    far: set[tuple[str, str]] = set()
    for i, ms in enumerate(by_sentence):
        companies = [m for m in ms if m.kind in (lx.VENDOR, ORG)]
        if not companies:
            continue
        near = {j for j, _ in _neighbours(a, i)}
        around = [j for j in _nearby(a, i) if j not in near]
        # The story's countries: the FAR_COUNTRIES most named around the sentence.
        named = Counter(r.value for j in around for r in by_sentence[j] if r.kind in RECIPIENT_KINDS)
        keep = {v for v, _ in named.most_common(FAR_COUNTRIES)}
        for j in around:
            for r in by_sentence[j]:
                if r.kind not in RECIPIENT_KINDS or r.value not in keep:
                    continue
                for s in companies:
                    key = (s.value, r.value)
                    if key in close or key in far:
                        continue
                    far.add(key)
                    window = "paragraph" if a.sentences[j].paragraph == a.sentences[i].paragraph else "nearby"
                    out.append(Candidate(s, r, i, j, window))
                    if len(out) >= MAX_CANDIDATES:
                        raise ExtractionBudgetError(_TOO_MANY)
    return out


def _nearby(a: Analysis, i: int) -> list[int]:
    """Sentences within ``NEARBY_PARAGRAPHS`` paragraphs and ``NEARBY_SENTENCES`` sentences of
    sentence ``i``, nearest first."""
    para = a.sentences[i].paragraph
    lo, hi = i, i
    while lo > max(0, i - NEARBY_SENTENCES) and para - a.sentences[lo - 1].paragraph <= NEARBY_PARAGRAPHS:
        lo -= 1
    top = min(len(a.sentences), i + NEARBY_SENTENCES + 1)
    while hi + 1 < top and a.sentences[hi + 1].paragraph - para <= NEARBY_PARAGRAPHS:
        hi += 1
    return sorted(range(lo, hi + 1), key=lambda j: (abs(j - i), j))
