"""Stage two's input: what a reader looks at to decide whether a candidate pair is a deployment.

Each candidate becomes a set of named binary features: the rules' signals (supply verbs by
language, negative, planned, cancelled and denied cues, a locative before the recipient, a
government noun after it, the recipient as the supplier's origin, list structure), where the two
mentions stand (order, distance in tokens, sentences and paragraphs, the headline), how the
document uses them (how often each is named, whether the rules joined them) and a few
conjunctions of these. The names are the vocabulary of the model file and of ``explain``.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar, cast

from countersight.extract import cues
from countersight.extract import lexicon as lx
from countersight.extract.candidates import RECIPIENT_KINDS, Analysis, Candidate, country_supplier_cue
from countersight.extract.lexicon import Mention
from countersight.extract.orgs import ORG
from countersight.extract.sentences import Sentence

_WORD = re.compile(r"\w+")
_LIST_GAP = re.compile(r"^\s*(?:,\s*(?:and\s+|or\s+)?|\s+(?:and|or|&|y|et|e|und|ed)\s+|;\s*)$", re.I)
_FROM = re.compile(r"\b(?:from|by|desde|par|von|dalla|da|de)\s+(?:the\s+|la\s+|le\s+|el\s+)?$", re.I)
_VENUE = re.compile(
    r"\b(?:conference|summit|forum|fair|expo|exhibition|convention|congress|symposium|"
    r"meeting|show|trip|visit|tour|feria|salon|salão|messe|fiera)\b[^.]{0,25}$",
    re.I,
)
_ATTRIBUTIVE = re.compile(r"^-(?:led|based|made|owned|backed|funded|built|linked|style|born)\b")
_NAME_AFTER = re.compile(r"^\s?[A-Z][a-z]+")
# Auxiliaries and adverbs between a subject and its verb, in the active voice.
_ACTIVE_WORDS = r"has|have|had|will|also|reportedly|recently|ha|han|a|ont|tem|têm|hat|haben|hanno"
_AUX = re.compile(rf"^\s*(?:(?:{_ACTIVE_WORDS}|was|were|is|are|been)\s+)*", re.I)

# Between a mention and its verb when the mention is the verb's subject ("China has sold",
# "Kenya's government bought"); no passive, which turns the sides round ("was sold").
_ACTIVE = re.compile(rf"(?:['’]s)?\s*(?:(?:{_ACTIVE_WORDS}|would|itself|then|later)\s+)*", re.I)


def deal_side(text: str, end: int, limit: int) -> str:
    """Which side of a deal the mention ending at ``end`` takes as the subject of the verb after
    it: "sell" ("China has sold"), "buy" ("Kenya bought", "Ugandan police purchased") or ""."""
    after = text[end : min(limit, end + 60)]
    at = _ACTIVE.match(after).end()  # type: ignore[union-attr]
    noun = cues.matcher("government").match(after, at)
    if noun:  # "Kenya's government", "Ugandan police"
        at = _ACTIVE.match(after, noun.end()).end()  # type: ignore[union-attr]
    for side in ("sell", "buy"):
        if cues.matcher(side).match(after, at):
            return side
    return ""


T = TypeVar("T")
# Counts that describe "the story" are taken over this many paragraphs either side of the
# supplier: a long article (or unrelated text around a passage) must not decide them.
LOCAL_PARAGRAPHS = 3
SENTENCE_CUES = ("supply", "negative", "planned", "cancelled", "denied")
# Characters between two mentions read for cues at most.
MAX_GAP = 400


@dataclass
class DocStats:
    """Counts the features are relative to: per paragraph, summed over a local window."""

    para_countries: dict[int, Counter[str]]
    para_suppliers: dict[int, Counter[str]]
    pair_sentences: Counter[tuple[tuple[str, str], str]]
    rule_pairs: dict[tuple[tuple[str, str], str], set[int]]
    tech_sentences: set[int]
    product_sentences: set[int]
    n_sentences: int
    sentence_prob: dict[int, float]
    _local: dict[int, tuple[Counter[str], Counter[str]]] = field(default_factory=dict)
    _cues: dict[int, dict[str, bool]] = field(default_factory=dict)
    _spans: dict[int, dict[str, list[int]]] = field(default_factory=dict)
    _memo: dict[tuple[str, int], Any] = field(default_factory=dict)

    def cached(self, key: tuple[str, int], compute: Callable[[], T]) -> T:
        """A per-mention result computed once per document (a mention is in many pairs)."""
        if key not in self._memo:
            self._memo[key] = compute()
        return cast(T, self._memo[key])

    def cue_in(self, kind: str, text: str, sent: Sentence, start: int, end: int) -> bool:
        """Whether a cue of this kind starts in text[start:end] of the sentence (the sentence's
        cues are found once, not once per pair)."""
        if sent.start not in self._spans:
            self._spans[sent.start] = cues.cue_starts(text, sent.start, sent.end)
        spans = self._spans[sent.start][kind]
        i = bisect_left(spans, start)
        return i < len(spans) and spans[i] < end

    def sentence_cues(self, index: int, text: str, start: int, end: int) -> dict[str, bool]:
        """Which cues the sentence holds (read once per sentence, not per pair)."""
        if index not in self._cues:
            chunk = text[start:end]
            self._cues[index] = {k: cues.present(k, chunk) for k in SENTENCE_CUES}
        return self._cues[index]

    def local(self, paragraph: int) -> tuple[Counter[str], Counter[str]]:
        """(countries, suppliers) named within ``LOCAL_PARAGRAPHS`` of a paragraph."""
        if paragraph not in self._local:
            countries: Counter[str] = Counter()
            suppliers: Counter[str] = Counter()
            for p in range(paragraph - LOCAL_PARAGRAPHS, paragraph + LOCAL_PARAGRAPHS + 1):
                countries.update(self.para_countries.get(p, {}))
                suppliers.update(self.para_suppliers.get(p, {}))
            self._local[paragraph] = (countries, suppliers)
        return self._local[paragraph]


def doc_stats(
    a: Analysis,
    cands: list[Candidate],
    rule_pairs: dict[tuple[tuple[str, str], str], set[int]],
    sentence_prob: dict[int, float],
) -> DocStats:
    """Counts over the document: places and suppliers per paragraph, co-occurring pairs,
    technology sentences."""
    countries: dict[int, Counter[str]] = {}
    suppliers: dict[int, Counter[str]] = {}
    tech: set[int] = set()
    product: set[int] = set()
    for m in a.mentions:
        i = a.sentence_of(m.start)
        para = a.sentences[i].paragraph if a.sentences else 0
        if m.kind in RECIPIENT_KINDS:
            countries.setdefault(para, Counter())[m.value] += 1
        elif m.kind in (lx.VENDOR, ORG):
            suppliers.setdefault(para, Counter())[m.value] += 1
        elif m.kind == lx.TECH:
            tech.add(i)
        elif m.kind == lx.PRODUCT:
            product.add(i)
    pair_sentences: Counter[tuple[tuple[str, str], str]] = Counter(
        (c.supplier_key, c.country) for c in cands if c.window == "same"
    )
    return DocStats(countries, suppliers, pair_sentences, rule_pairs, tech, product, len(a.sentences), sentence_prob)


def _bucket(n: int, edges: tuple[int, ...] = (0, 1, 2, 3, 5, 8, 13, 21)) -> str:
    for e in edges:
        if n <= e:
            return str(e)
    return f">{edges[-1]}"


def _list_span(a: Analysis, start: int, end: int, r: Mention) -> tuple[Mention, Mention, int]:
    """The first and last member of the list of places ``r`` stands in, and its size."""
    places = [m for m in a.in_span(start, end) if m.kind in RECIPIENT_KINDS]
    i = next(k for k, m in enumerate(places) if m is r)
    lo = hi = i
    while lo > 0 and _LIST_GAP.match(a.text[places[lo - 1].end : places[lo].start]):
        lo -= 1
    while hi + 1 < len(places) and _LIST_GAP.match(a.text[places[hi].end : places[hi + 1].start]):
        hi += 1
    return places[lo], places[hi], hi - lo + 1


def _prob_bucket(p: float | None) -> str:
    if p is None:
        return "none"
    return (
        "0.9"
        if p >= 0.9
        else "0.7"
        if p >= 0.7
        else "0.5"
        if p >= 0.5
        else "0.3"
        if p >= 0.3
        else "0.1"
        if p >= 0.1
        else "0"
    )


def _supplier_features(a: Analysis, s: Mention, sent: Sentence, st: DocStats) -> list[str]:
    """What the supplier's own words say: the same for every recipient it is paired with."""
    text = a.text
    skind = "company" if s.kind in (lx.VENDOR, ORG) else "country"
    out: list[str] = []
    if s.kind == ORG:
        out.append(f"org_cue={a.org_cue.get(s.start, '')}")
        if len(s.value.split()) == 1:
            out.append("org_one_word")
    if skind == "country":
        out.append(f"cs_cue={country_supplier_cue(text, sent, s) or 'none'}")
    home = a.homes.get(s.value) if s.kind == lx.VENDOR else None
    if s.kind == lx.VENDOR and home is None:
        out.append("home_unknown")
    # The supplier and the verb next to it: "China has sold", "supplied by Huawei".
    s_after = text[s.end : min(sent.end, s.end + 40)]
    s_before = text[max(sent.start, s.start - 30) : s.start]
    if cues.matcher("supply").match(s_after, _AUX.match(s_after).end()):  # type: ignore[union-attr]
        out.append("s_then_supply")
    side = deal_side(text, s.end, sent.end)
    if side:
        out.append(f"s_{side}s")
    if _FROM.search(s_before):
        out.append("s_from")
        if st.cue_in("supply", text, sent, max(sent.start, s.start - 30), s.start):
            out.append("supply_by_s")
    if s.start - sent.start < 40:
        out.append("s_initial")
    # Many firms in one sentence: a market, a ban list or a survey, seldom one deal.
    _, companies = _sentence_kinds(a, sent, st)
    firms = companies.mentions
    out.append(f"sent_suppliers={_bucket(len(companies.by_value), (1, 2, 3, 5))}")
    k = bisect_left(companies.starts, s.start)
    if (
        k < len(firms)
        and firms[k] is s
        and (
            (k > 0 and _LIST_GAP.match(text[firms[k - 1].end : s.start]))
            or (k + 1 < len(firms) and _LIST_GAP.match(text[s.end : firms[k + 1].start]))
        )
    ):
        out.append("s_in_list")
    return out


@dataclass
class _Starts:
    """Where mentions of one family (places or companies) start in a sentence, in all and by
    value: "another one between two offsets" in logarithmic time, not a scan per pair."""

    mentions: list[Mention]
    starts: list[int]
    by_value: dict[str, list[int]]

    def other_in(self, lo: int, hi: int, value: str) -> bool:
        """Whether a mention of another value starts in [lo, hi)."""
        same = self.by_value.get(value, [])
        total = bisect_left(self.starts, hi) - bisect_left(self.starts, lo)
        return total > bisect_left(same, hi) - bisect_left(same, lo)


def _index(ms: list[Mention]) -> _Starts:
    by_value: dict[str, list[int]] = {}
    for m in ms:
        by_value.setdefault(m.value, []).append(m.start)
    return _Starts(ms, [m.start for m in ms], by_value)


def _sentence_kinds(a: Analysis, sent: Sentence, st: DocStats) -> tuple[_Starts, _Starts]:
    """The sentence's places and companies, indexed by start (once per sentence)."""

    def build() -> tuple[_Starts, _Starts]:
        ms = a.in_span(sent.start, sent.end)
        return (
            _index([m for m in ms if m.kind in RECIPIENT_KINDS]),
            _index([m for m in ms if m.kind in (lx.VENDOR, ORG)]),
        )

    return st.cached(("kinds", sent.start), build)


def _recipient_features(
    a: Analysis, r: Mention, rsent: Sentence, st: DocStats
) -> tuple[list[str], Mention, Mention, int]:
    """What the recipient's own words say (the same for every supplier it is paired with), with
    the first and last member of its list and the list's size."""
    text = a.text
    out: list[str] = []
    # The recipient, or the list it stands in ("to Kenya, Uganda and Zambia"): what precedes
    # the list's first member and follows its last speaks for every member.
    head, tail, size = _list_span(a, rsent.start, rsent.end, r)
    if size > 1:
        out.append("r_in_list")
        out.append(f"list_size={_bucket(size, (2, 3, 5))}")
    rchunk_before = text[max(rsent.start, head.start - 30) : head.start]
    rchunk_after = text[tail.end : min(rsent.end, tail.end + 30)]
    own_after = text[r.end : min(rsent.end, r.end + 30)]
    prev_words = _WORD.findall(rchunk_before)[-2:]
    if re.match(r"^\s*(?:Inc|Ltd|LLC|Co|Corp|S\.?A|GmbH|Limited|Pvt)\b", own_after):
        out.append("r_in_company_name")
    if any(cues.matcher("locative").fullmatch(w) for w in prev_words):
        out.append("r_locative")
    if cues.matcher("government").match(own_after.lstrip(" '’s")) or cues.matcher("government").match(
        rchunk_after.lstrip(" '’s")
    ):
        out.append("r_government_after")
    if re.match(r"^['’]s\b", own_after):
        out.append("r_possessive")
    if cues.matcher("company").match(own_after.lstrip(" -")) or _ATTRIBUTIVE.match(own_after):
        out.append("r_company_after")  # "Chinese firm", "China-based": an origin
    if _FROM.search(rchunk_before):
        out.append("r_from")
    if _VENUE.search(rchunk_before):
        out.append("r_venue")
    if _NAME_AFTER.match(own_after) and not re.match(r"^\s?(?:Police|Government|Ministry)", own_after):
        out.append("r_in_name")  # part of another name (newspaper titles are dropped earlier: title_heads)
    if r.kind == lx.DEMONYM and not cues.matcher("government").match(own_after.lstrip()):
        out.append("demonym_not_government")
    if st.cue_in("supply", text, rsent, max(rsent.start, head.start - 30), head.start):
        out.append("r_after_supply")  # "sold ... to Venezuela"
    side = deal_side(text, tail.end, rsent.end)
    if side:
        out.append(f"r_{side}s")
    return out, head, tail, size


def features(a: Analysis, c: Candidate, st: DocStats) -> list[str]:
    """The named binary features of one candidate pair."""
    text = a.text
    s, r = c.supplier, c.recipient
    sent = a.sentences[c.s_sent]
    rsent = a.sentences[c.r_sent]
    skind = "company" if s.kind in (lx.VENDOR, ORG) else "country"
    f: list[str] = [f"sk={s.kind}", f"rk={r.kind}", f"win={c.window}", f"win={c.window}&sk={skind}"]
    f += st.cached(("s", s.start), lambda: _supplier_features(a, s, sent, st))
    home = a.homes.get(s.value) if s.kind == lx.VENDOR else (s.value if skind == "country" else None)
    if home is not None and r.value == home:
        f.append("recipient_is_home")
    # The sentence as a whole.
    for k, hit in st.sentence_cues(c.s_sent, text, sent.start, sent.end).items():
        if hit:
            f.append(f"sent_{k}")
    if c.s_sent in st.tech_sentences:
        f.append("sent_tech")
    elif c.s_sent in st.product_sentences:
        f.append("sent_product_no_tech")
    if c.r_sent in st.tech_sentences:
        f.append("rsent_tech")
    if not st.tech_sentences.isdisjoint((c.s_sent - 1, c.s_sent, c.s_sent + 1)):
        f.append("near_tech")
    if not st.tech_sentences:
        f.append("doc_no_tech")
    rfeats, head, tail, size = st.cached(("r", r.start), lambda: _recipient_features(a, r, rsent, st))
    f += rfeats
    # The two mentions in one sentence.
    if c.window == "same":
        lo_end, hi_start = (s.end, head.start) if s.start < r.start else (tail.end, s.start)
        if hi_start < lo_end:  # the supplier stands inside the list
            lo_end, hi_start = (s.end, r.start) if s.start < r.start else (r.end, s.start)
        # Far apart in a run-on sentence, only the ends of the gap are read (linear time).
        between = (
            text[lo_end:hi_start]
            if hi_start - lo_end <= MAX_GAP
            else text[lo_end : lo_end + MAX_GAP // 2] + " … " + text[hi_start - MAX_GAP // 2 : hi_start]
        )
        order = "sr" if s.start < r.start else "rs"
        f.append(f"order={order}")
        ntok = len(_WORD.findall(between))
        f.append(f"tok={_bucket(ntok)}")
        places, companies = _sentence_kinds(a, sent, st)
        if size == 1 and places.other_in(lo_end, hi_start, r.value):
            f.append("between_other_country")
        if companies.other_in(lo_end, hi_start, s.value):
            f.append("between_other_supplier")
        if st.cue_in("supply", text, sent, lo_end, hi_start):
            f.append("between_supply")
            f.append(f"between_supply&order={order}")
        if st.cue_in("negative", text, sent, lo_end, hi_start):
            f.append("between_negative")
        if (
            ntok <= 3
            and order == "rs"
            and re.fullmatch(r"[\s,]*(?:['’]s)?[\s\w-]{0,30}", between)
            and cues.present("origin", between + " ")
        ):
            f.append("r_origin_adjacent")  # "the Chinese firm Huawei", "China's ZTE"
        if order == "rs" and re.fullmatch(r"['’]s\s*", between):
            f.append("r_possessive_supplier")
        if ";" in between or "\n" in between:
            f.append("between_break")
        if order == "sr" and re.fullmatch(r"\s?", between):
            f.append("r_attached_supplier")  # "Hikvision USA Inc.": a subsidiary's name
    else:
        f.append(f"sent_dist={_bucket(abs(c.r_sent - c.s_sent), (1, 2, 3, 5, 8))}")
        para_d = abs(a.sentences[c.r_sent].paragraph - sent.paragraph)
        f.append(f"para_dist={_bucket(para_d, (0, 1, 2, 3))}")
    # The document.
    places, _ = _sentence_kinds(a, sent, st)
    f.append(f"sent_countries={_bucket(len(places.starts), (0, 1, 2, 3, 5))}")
    local_countries, local_suppliers = st.local(sent.paragraph)
    total = sum(local_countries.values()) or 1
    share = local_countries[r.value] / total
    f.append(f"r_share={'high' if share >= 0.5 else 'mid' if share >= 0.2 else 'low'}")
    top = local_countries.most_common(1)
    if top and top[0][0] == r.value:
        f.append("r_top_country")
        f.append(f"r_top_country&win={c.window}")
    f.append(f"s_count={_bucket(local_suppliers[s.value], (1, 2, 4))}")
    f.append(f"pair_sentences={_bucket(st.pair_sentences[(c.supplier_key, c.country)], (0, 1, 2, 4))}")
    rule = st.rule_pairs.get((c.supplier_key, c.country))
    if rule is not None:
        f.append("rule_pair")
        if c.s_sent in rule:
            f.append("rule_pair_here")
    if a.headline is not None and c.r_sent == a.headline:
        f.append("r_headline")
    # How much the sentence (and the recipient's) reads like a deployment statement.
    sp = _prob_bucket(st.sentence_prob.get(c.s_sent))
    f.append(f"sp={sp}")
    f.append(f"sp={sp}&win={c.window}")
    if c.r_sent != c.s_sent:
        f.append(f"rsp={_prob_bucket(st.sentence_prob.get(c.r_sent))}")
    # A few conjunctions the linear model cannot form itself.
    if "r_locative" in f and c.window == "same":
        f.append("r_locative&same")
    if "sent_supply" in f and c.window == "same":
        f.append(f"supply&same&sk={skind}")
    if "recipient_is_home" in f:
        f.append(f"recipient_is_home&gov={'r_government_after' in f}")
    return f
