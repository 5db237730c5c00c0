"""Relation rules: from the mentions in a document to deployment claims.

A claim needs a supplier (a vendor, or a country acting as supplier), a recipient country and a
technology, tied together by a supply sentence. The recipient and technology come from the same
sentence when it names them, else from its neighbours in the paragraph, the headline, or the
document's focus; the confidence records which (see ``CONFIDENCE``).
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections import Counter
from dataclasses import dataclass, field

from countersight.extract import lexicon as lx
from countersight.extract.lexicon import Mention
from countersight.extract.sentences import Sentence

# Supply language: who supplied, sold, installed, built, won a contract ... (en, es, fr, pt).
_SUPPLY_STRONG = re.compile(
    r"\b(suppl(?:y|ies|ied|ying)|sold|sells?|selling|sale of|install(?:s|ed|ing|ation|ations)?|"
    r"deploy(?:s|ed|ing|ment|ments)?|provid(?:e|es|ed|ing)|built|builds?|building|"
    r"deliver(?:s|ed|ing|y)?|contract(?:s|ed)?|signed|purchas(?:e|es|ed|ing)|bought|buys?|"
    r"buying|acquir(?:e|ed|es|ing)|procur(?:e|ed|es|ing|ement)|roll(?:ed|s|ing)? out|rollout|"
    r"roll-out|implement(?:s|ed|ing|ation)?|equip(?:s|ped|ping)?|won|wins?|awarded|tender|"
    r"export(?:s|ed|ing)?|import(?:s|ed|ing)?|ship(?:s|ped)|donat(?:e|ed|es|ion)|gifted|financ(?:e|ed|ing)|funded|"
    r"set up|sets up|setting up|fitted|upgrad(?:e|ed|ing)|commissioned|powered by|"
    r"developed (?:for|by)|hired|licen[cs]ed|receiv(?:e|es|ed|ing)\b[^.;]{0,80}?\bfrom|"
    r"t(?:ake|akes|ook|aking) delivery|"
    r"suministr\w*|vendi\w*|vendió|instal\w*|despleg\w*|desplieg\w*|proporcion\w*|provey\w*|"
    r"adquiri\w*|adquir\w*|compró|compra\w*|contrat\w*|fourni\w*|fournit|livr\w*|déploy\w*|"
    r"achet\w*|acquis|vendu\w*|forneceu|fornec\w*|vendeu|implant\w*|entreg\w*)\b",
    re.I,
)
_SUPPLY_WEAK = re.compile(
    r"\b(us(?:e|es|ed|ing)|relie[sd] on|rely on|deal|agreement|project|programme|program|"
    r"partner(?:ed|ship|s)?|operat(?:e|es|ed|ing)|run by|system|platform|technology from|"
    r"connect(?:ed|ing)|"
    r"utilis\w*|utiliz\w*|usa\w*|proyecto|projet|projeto|accord|acuerdo|acordo)\b",
    re.I,
)
# Sentences about sanctions, markets, bans or products, not about a buyer.
_NEGATIVE = re.compile(
    r"\b(sanction\w*|entity list|blacklist\w*|black-list\w*|earnings|quarterly|revenues?|"
    r"profits?|net income|shares? (?:rose|fell|price)|stock|IPO|market share|banned|bans?|"
    r"fined|lawsuit|sued|export controls?|restrictions? on|unveil\w*|launch(?:ed|es)? (?:a|its) new|"
    r"new (?:product|model|line)|trade (?:show|fair)|exhibition|expo|investors?|shareholders?|"
    r"valuation|funding round|layoffs?|job cuts|pitch(?:es|ed|ing)? (?:its|their|the)|sales pitch)\b",
    re.I,
)
_PLANNED = re.compile(
    r"\b(plan(?:s|ned|ning)? to|will (?:be )?(?:\w+\s+){0,3}?(?:supply|install|build|deploy|provide|"
    r"deliver|roll|equip|set up)|will see|"
    r"to be (?:installed|built|deployed|supplied|delivered)|agreed to|memorandum|MoU|MOU|"
    r"proposed|propos(?:al|es)|bid(?:s|ding)? (?:for|to)|in talks|negotiat\w*|"
    r"letter of intent|framework agreement|is set to|are set to|intends? to|would (?:supply|install|"
    r"build|provide)|prevé|prévu\w*|planea|prevê|memorando|protocole d'accord|"
    r"(?:vai|vão|irá|irão|va a|van a|va|vont) (?:adquirir|comprar|instalar|fornecer|implantar|"
    r"acheter|installer|déployer|fournir|acquérir))\b",
    re.I,
)
_CANCELLED = re.compile(
    r"\b(cancel(?:l?ed|s|ling|lation)?|scrap(?:ped|s)|shelved|terminat(?:ed|es|ion)|"
    r"suspend(?:ed|s)|halted|abandon(?:ed)?|pulled out|called off|annul\w*|rescind\w*|"
    r"cancel(?:ó|ado|ada|é|ée)|anul\w*)\b",
    re.I,
)
_DENIED = re.compile(
    r"\b(den(?:y|ied|ies|ying)|refut\w*|dismiss(?:ed|es) (?:the )?(?:report|claim|allegation)s?|"
    r"rejected (?:the )?(?:report|claim|allegation)s?|never (?:sold|supplied|provided|installed)|"
    r"(?:has|have|had|did) not (?:sold|supplied|provided|installed|used)|"
    r"(?:hasn't|haven't|hadn't|didn't) (?:sold|supplied|provided|installed|used|use|sell|supply)|"
    r"negó|niega|dément\w*|nega\w*)\b",
    re.I,
)
_YEAR = re.compile(r"\b(199\d|20[0-3]\d)\b")
_AMOUNT = re.compile(
    r"(?P<cur>US\$|USD|\$|€|EUR|£|GBP|¥|RMB|CNY|KES|Ksh)\s?(?P<num>\d[\d,]*(?:\.\d+)?)\s?"
    r"(?P<mult>million|billion|bn|mn|m)?\b"
    r"|(?P<num2>\d[\d,]*(?:\.\d+)?)\s?(?P<mult2>million|billion|bn)\s(?:US\s)?"
    r"(?P<cur2>dollars|yuan|renminbi|euros|pounds|shillings|rupees)",
    re.I,
)
_CURRENCY = {"us$": "USD", "usd": "USD", "$": "USD", "€": "EUR", "eur": "EUR", "£": "GBP",
             "gbp": "GBP", "¥": "CNY", "rmb": "CNY", "cny": "CNY", "kes": "KES", "ksh": "KES",
             "dollars": "USD", "yuan": "CNY", "renminbi": "CNY", "euros": "EUR", "pounds": "GBP",
             "shillings": "KES", "rupees": "INR"}
_MULT = {"million": 1e6, "m": 1e6, "mn": 1e6, "billion": 1e9, "bn": 1e9}

# Words between a country and a vendor that make the country the vendor's origin:
# "the Chinese telecom giant Huawei", "Japanese firm NEC", "China's ZTE".
_ORIGIN_GAP = re.compile(
    r"^(?:['’]s)?(?:[\s,-]+(?:the|a|an|state-owned|owned|based|-based|firm|firms|company|companies|"
    r"giant|telecom|telecoms|tech|technology|technologies|vendor|vendors|manufacturer|maker|"
    r"makers|supplier|suppliers|group|camera|surveillance|equipment|AI|start-up|startup|"
    r"conglomerate|contractor|contractors|multinational|electronics|security|biometrics?|"
    r"spyware|software|video|defence|defense|partner|partners|and|its|subsidiary))*[\s,-]*$",
    re.I,
)
_COMPANY_NOUN = re.compile(
    r"^[\s-]*(?:state-owned\s+|tech\s+|technology\s+|telecom\s+|surveillance\s+|security\s+|"
    r"AI\s+|camera\s+|spyware\s+)?(?:firms?|compan(?:y|ies)|giants?|vendors?|manufacturers?|"
    r"makers?|suppliers?|contractors?|corporations?|conglomerates?|start-?ups?|-based|based)\b",
    re.I,
)
_COUNTRY_SUPPLIER_VERB = re.compile(
    r"^(?:['’]s\s+(?:government|state)\s+)?\s*(?:has|have|had|also|reportedly|itself|\s)*"
    r"(?:sold|supplied|exported|provided|delivered|installed|built|financed|donated|offered|"
    r"gifted|funded|helped (?:build|install)|is (?:selling|supplying|exporting))\b",
    re.I,
)
_LOCATIVE = re.compile(
    r"\b(?:in|to|across|throughout|for|into|within|inside|around|at|on|en|au|aux|em|no|na|dans|"
    r"para|pour|a|à|al)\s+(?:the\s+|a\s+|an\s+|la\s+|le\s+|el\s+|o\s+)?"
    r"(?:[\w'’.-]+\s+){0,2}$",
    re.I,
)
# "de"/"da" are left out: in Spanish, French and Portuguese they mark places too ("polícia de Angola").
_FROM = re.compile(r"\b(?:from|by|desde|par)\s+(?:the\s+)?$", re.I)
# "installed by the Mongolian police": the buyer, not the supplier's origin ("financed by the
# Chinese government" stays an origin).
_BOUGHT_BY = re.compile(
    r"\b(?:installed|bought|purchased|deployed|used|acquired|procured|operated|run|ordered|"
    r"commissioned|adopted)\s+by\s+(?:the\s+)?$", re.I)
_GOV_AFTER = re.compile(
    r"^(?:['’]s)?\s*(?:national\s+|federal\s+|state\s+|city\s+|municipal\s+|central\s+)?"
    r"(?:government|police|authorities|ministry|ministries|army|military|state|officials|"
    r"interior|security|intelligence|regime|capital|city|cities|council|gendarmerie|"
    r"electoral|customs|border|immigration|agencies|agency|forces|public|Ministry|Police|"
    r"Government|National|Federal|Armed|Department|Interior|Electoral|Officials?)\b",
)
_BUYER_VERB = re.compile(
    r"^(?:['’]s\s+\w+\s+)?\s*(?:has|have|had|also|reportedly|recently|\s)*(?:bought|purchased|"
    r"acquired|signed|awarded|contracted|hired|deployed|installed|uses|used|procured|ordered|"
    r"adopted|rolled out|turned to|chose)\b",
    re.I,
)
_ACQUIRED = re.compile(
    r"\b(?:bought|purchased|acquired|imported|procured|supplied|provided|financed|funded|built|"
    r"installed|sold)\b",
    re.I,
)
_VENUE = re.compile(
    r"\b(?:conference|summit|forum|fair|expo|exhibition|convention|congress|symposium|meeting|"
    r"show|trip|visit|tour)\s+(?:held\s+|hosted\s+)?(?:in|at)\s+(?:the\s+)?$", re.I)
_LIST_GAP = re.compile(r"^\s*(?:,\s*(?:and\s+|or\s+)?|\s+(?:and|or|&|y|et|e)\s+|;\s*)$", re.I)

# Technology precedence when a sentence names several: the most specific wins.
_TECH_RANK = {t: i for i, t in enumerate((
    "spyware", "facial_recognition", "license_plate_recognition", "social_media_monitoring",
    "smart_policing", "biometric_id", "safe_city", "video_surveillance", "other"))}

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
# The focus country is read from this many paragraphs either side of the claim's sentence.
FOCUS_PARAGRAPHS = 5


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
    financing: dict[str, object] | None = None
    extra: dict[str, object] = field(default_factory=dict)


@dataclass
class _Doc:
    text: str
    sentences: list[Sentence]
    mentions: list[Mention]
    starts: list[int]
    homes: dict[str, str | None]
    title_mentions: list[Mention]

    def in_span(self, start: int, end: int) -> list[Mention]:
        return self.mentions[bisect_left(self.starts, start):bisect_left(self.starts, end)]


def _before(text: str, sent: Sentence, m: Mention, width: int = 40) -> str:
    return text[max(sent.start, m.start - width):m.start]


def _after(text: str, sent: Sentence, m: Mention, width: int = 40) -> str:
    return text[m.end:min(sent.end, m.end + width)]


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
        gap = text[m.end:nxt.start] if nxt is not None else ""
        if nxt is not None and nxt.start - m.end < 45 and _ORIGIN_GAP.match(gap) and (
                not gap.strip() or re.search(r"\w", gap)):
            origin.add(i)
            continue
        # Directly after a vendor: "Huawei, the Chinese company", "ZTE (China)".
        prv = next((v for v in reversed(vendors) if v.end <= m.start), None)
        if prv is not None and m.start - prv.end < 20 and re.fullmatch(
                r"\s*(?:,|\()\s*(?:a|an|the)?\s*", text[prv.end:m.start]):
            origin.add(i)
            continue
        if m.kind != lx.CITY and m.value in homes and not _LOCATIVE.search(before) \
                and not _GOV_AFTER.match(after):
            origin.add(i)
    return origin


def _recipients(doc: _Doc, sent: Sentence, ms: list[Mention], exclude: set[str],
                strict: bool = False) -> list[tuple[str, str | None]]:
    """Recipient (country, city) pairs named in the sentence, strongest cues first: located
    ("in Nairobi"), governing ("Kenya's police") or buying ("Uganda bought"); with lists
    ("in Kampala, Nairobi and Zambia") carried along."""
    text = doc.text
    origin = _origin_mentions(doc, sent, ms)
    cands: list[tuple[int, Mention, bool]] = []
    for i, m in enumerate(ms):
        if m.kind not in (lx.COUNTRY, lx.DEMONYM, lx.CITY) or i in origin:
            continue
        if re.match(r"-(?:led|based|made|owned|backed|funded|built|linked|style)\b", text[m.end:m.end + 8]):
            continue
        if m.value in exclude:
            # The supplier's own country is a recipient only when the sentence ties it to a
            # buyer ("the New Orleans Police Department", "the city of Memphis bought").
            after = _after(text, sent, m)
            if strict or not (_GOV_AFTER.match(after) or _BUYER_VERB.match(after)
                              or re.search(r"\bcity of\s+$", _before(text, sent, m, 12), re.I)):
                continue
        if m.kind == lx.DEMONYM and not _GOV_AFTER.match(_after(text, sent, m)) and not re.match(
                r"^\s+[a-z]+\s+(?:police|government|authorities|ministry|army|military)",
                _after(text, sent, m)):
            continue  # "Kenyan police" is a buyer; "Kenyan journalists" is not
        before = _before(text, sent, m, 30)
        if _VENUE.search(before):
            continue  # where a conference or a trade fair took place, not who bought
        after = _after(text, sent, m)
        strong = bool(_LOCATIVE.search(before) or _GOV_AFTER.match(after) or _BUYER_VERB.match(after)
                      or m.kind == lx.CITY)
        cands.append((i, m, strong))
    if any(s for _, _, s in cands):
        keep = {i for i, _, s in cands if s}
        # Carry list members: "in Kampala, Nairobi, Egypt and Zambia".
        order = [i for i, _, _ in cands]
        for a, b in zip(order, order[1:], strict=False):
            if a in keep and _LIST_GAP.match(text[ms[a].end:ms[b].start]):
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


# A past delivery before a plan in the same sentence: "installed 1,000 cameras in 2019, and the
# ministry plans to add more" reports what was installed.
_DONE = re.compile(
    r"\b(?:installed|supplied|delivered|built|deployed|sold|bought|purchased|acquired|completed|"
    r"finished|instal(?:ou|ló)|install[ée]s?|compró|comprou)\b", re.I)


def _status(sentence: str) -> str:
    if _DENIED.search(sentence):
        return "denied"
    if _CANCELLED.search(sentence):
        return "cancelled"
    plan = _PLANNED.search(sentence)
    if plan:
        done = _DONE.search(sentence, 0, plan.start())
        if done and not re.search(r"\b(?:to be|will be|would be|be)\s+$", sentence[:done.start()]) and \
                re.search(r"(?:,|;|\band\b|\bbut\b)", sentence[done.end():plan.start()]):
            return "reported"
        return "planned"
    return "reported"


def _agency(doc: _Doc, sent: Sentence, ms: list[Mention]) -> str | None:
    """The buying agency: an agency head with the capitalised words before it."""
    text = doc.text
    for m in ms:
        if m.kind != lx.AGENCY:
            continue
        start = m.start
        words = list(re.finditer(r"[\w'’.-]+", text[sent.start:m.start]))
        for w in reversed(words):
            token = w.group(0)
            if token.endswith(("'s", "’s")) or not (token[:1].isupper() or token in {"of", "and"}):
                break
            if token in {"The", "A", "An"} or (sent.start + w.start() == sent.start and token in {"In", "On"}):
                break
            start = sent.start + w.start()
        name = text[start:m.end].strip()
        if name.split()[0] in {"of", "and"}:
            name = name.split(None, 1)[1] if " " in name else name
        if name[:1].isupper():
            return name
    return None


def _financing(doc: _Doc, spans: list[Sentence]) -> dict[str, object] | None:
    """Lender, instrument and amount from the claim's sentence or its paragraph neighbours:
    only when a lender is named, or a loan/credit/grant comes with an amount."""
    for sent in spans:
        ms = doc.in_span(sent.start, sent.end)
        lenders = [m.value for m in ms if m.kind == lx.LENDER]
        instruments = [m.value for m in ms if m.kind == lx.INSTRUMENT]
        chunk = doc.text[sent.start:sent.end]
        amount = _AMOUNT.search(chunk)
        if not lenders and not (instruments and amount):
            continue
        value: float | None = None
        currency: str | None = None
        if amount:
            num = (amount.group("num") or amount.group("num2")).replace(",", "")
            mult = (amount.group("mult") or amount.group("mult2") or "").casefold()
            cur = (amount.group("cur") or amount.group("cur2") or "").casefold()
            try:
                value = float(num) * _MULT.get(mult, 1.0)
            except ValueError:
                value = None
            currency = _CURRENCY.get(cur)
        ranked = sorted(set(instruments), key=lambda i: (i in {"loan", "grant"}, i))
        return {
            "lender": lenders[0] if lenders else None,
            "instrument": ranked[0] if ranked else None,
            "amount": value,
            "currency": currency,
            "text": chunk,
        }
    return None


def _focus(doc: _Doc, exclude: set[str], vendor: str | None, near: int) -> str | None:
    """The country the story is about: the most named country in the nearby paragraphs that
    talk about surveillance technology or vendors, counting those that name the vendor twice;
    it must be named at least three times (weighted) and clearly more than any other."""
    tech_paras: set[int] = set()
    vendor_paras: set[int] = set()
    other_vendor_paras: set[int] = set()
    for s in doc.sentences:
        for m in doc.in_span(s.start, s.end):
            if m.kind == lx.TECH:
                tech_paras.add(s.paragraph)
            elif m.kind == lx.VENDOR:
                (vendor_paras if m.value == vendor else other_vendor_paras).add(s.paragraph)
    tech_paras |= other_vendor_paras
    # Paragraphs about other vendors count too (the same story often names several suppliers);
    # the vendor's own paragraphs count double.
    counts: Counter[str] = Counter()
    for s in doc.sentences:
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


_FIRM = (r"(?:firm|company|vendor|manufacturer|maker|supplier|contractor|start-?up|"
         r"(?:tech|technology|telecom|telecoms|security|surveillance|AI|camera|spyware|biometrics?)"
         r"\s+(?:firm|company|giant|group|start-?up|vendor|maker))")
_NAME = r"(?P<name>[A-Z][\w&.'’-]*(?:\s+(?:[A-Z][\w&.-]*|&|of)){0,3})"
_NAME_AFTER = re.compile(r"^\s+(?:called\s+|named\s+)?" + _NAME)
_NAME_STOP = {"The", "A", "An", "In", "On", "At", "For", "And", "But", "This", "That", "It", "Its",
              "He", "She", "They", "We", "According", "Last", "In 2019", "Government", "State"}


def _unknown_vendors(text: str, mentions: list[Mention]) -> list[tuple[Mention, str]]:
    """Companies the registry does not know, introduced by their origin: "the Chinese firm
    Xyz Vision", "Israeli spyware maker Abc". Kept under the name the text uses (resolution
    flags them as new organizations for review)."""
    # A city inside a company name ("Shenzhen Xinyu") is part of the name.
    taken = [(m.start, m.end) for m in mentions if m.kind != lx.CITY]
    out: list[tuple[Mention, str]] = []
    firm = re.compile(r"^\s+" + _FIRM + r"\b")
    for m in mentions:
        if m.kind not in (lx.DEMONYM, lx.COUNTRY):
            continue
        after = text[m.end:m.end + 120]
        head = firm.match(after if m.kind == lx.DEMONYM else re.sub(r"^['’]s", "", after))
        if not head:
            continue
        found = _NAME_AFTER.match(after[head.end():])
        if not found:
            continue
        name = found.group("name").rstrip(".,'’-")
        start = m.end + head.end() + found.start("name")
        end = start + len(name)
        if name.split()[0] in _NAME_STOP or any(a < end and start < b for a, b in taken):
            continue
        out.append((Mention(start, end, lx.VENDOR, name, name), m.value))
    return out


def draft_claims(text: str, title: str | None, homes: dict[str, str | None]) -> list[Draft]:
    """Every claim the rules find in ``text`` (``title`` is used as context when the text
    does not begin with it)."""
    from countersight.extract.sentences import split

    mentions = lx.find_mentions(text)
    if not any(m.kind == lx.VENDOR or m.kind in (lx.COUNTRY, lx.DEMONYM) for m in mentions):
        return []
    if not any(m.kind == lx.TECH for m in mentions):
        return []
    sentences = split(text)
    unknown = _unknown_vendors(text, mentions)
    if unknown:
        homes = {**homes, **{m.value: home for m, home in unknown}}
        spans = [(m.start, m.end) for m, _ in unknown]
        mentions = sorted([*(m for m in mentions if not any(a <= m.start < b for a, b in spans)),
                           *(m for m, _ in unknown)], key=lambda m: m.start)
    doc = _Doc(text, sentences, mentions, [m.start for m in mentions], homes,
               lx.find_mentions(title) if title else [])
    drafts: list[Draft] = []
    # A headline: a first line without a full stop (a dateline or a sentence is not one).
    headline = sentences[0] if sentences and sentences[0].paragraph == 0 and (
        len(sentences) == 1 or sentences[1].paragraph > 0) and text[sentences[0].end - 1] not in ".!?:;,\"”" \
        and sentences[0].end - sentences[0].start < 200 else None
    for idx, sent in enumerate(sentences):
        ms = doc.in_span(sent.start, sent.end)
        if not ms:
            continue
        chunk = text[sent.start:sent.end]
        strong = _SUPPLY_STRONG.search(chunk)
        weak = strong or _SUPPLY_WEAK.search(chunk)
        if not weak:
            continue
        if _NEGATIVE.search(chunk):
            continue  # sanctions, markets, bans and product news name no buyer
        vendors = list(dict.fromkeys(m.value for m in ms if m.kind == lx.VENDOR and not _FORMER.search(
            text[max(sent.start, m.start - 30):m.start])))
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
                if 0 <= j < len(sentences) and _related(doc, sent, sentences[j], vendors) and not (
                        broad and sentences[j].paragraph != sent.paragraph):
                    techs = _techs(doc.in_span(sentences[j].start, sentences[j].end))
                    if techs:
                        break
            if not techs and headline is not None:
                techs = _techs(doc.in_span(headline.start, headline.end))
            if not techs:
                techs = _techs(doc.title_mentions)
            if not techs:
                techs = _focus_tech(doc, vendors)
            tech_how = "context"
        if not techs:
            continue
        status = _status(chunk)
        year_m = _YEAR.search(chunk)
        agency = _agency(doc, sent, ms)
        para = [s for s in sentences if s.paragraph == sent.paragraph]
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
                drafts.append(Draft(
                    vendor=vendor, vendor_country=home, country=country, technology=techs[0],
                    status=status, sentence=sent, context=context, confidence=round(conf, 2),
                    how=how, city=city, agency=agency,
                    year=int(year_m.group(1)) if year_m else None, financing=financing,
                ))
    return drafts


# "IDEMIA, formerly known as Safran Identity": the old name is not a second supplier.
_FORMER = re.compile(
    r"\b(?:formerly|previously|once|later)(?:\s+(?:known|called|named))?(?:\s+as)?\s+(?:the\s+)?$", re.I)
_ANAPHORA = re.compile(
    r"\b(?:the|this|that) (?:same |Chinese |American |US |Israeli |Japanese |European )?"
    r"(?:company|firm|vendor|manufacturer|maker|supplier|contractor|group)(?:['’]s)?\b", re.I)


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
        firms = _COMPANY_NOUN.match(after) and _SUPPLY_STRONG.search(text[m.end:sent.end])
        source = m.kind == lx.COUNTRY and _FROM.search(before) and _ACQUIRED.search(
            text[sent.start:m.start])
        if m.kind == lx.CITY and not subject:
            continue
        if subject or firms or source:
            out.append(m.value)
    return list(dict.fromkeys(out))


def _focus_tech(doc: _Doc, vendors: list[str]) -> list[str]:
    """The technology most named (at least twice) in the paragraphs that name these vendors."""
    paras = {s.paragraph for s in doc.sentences
             if any(m.kind == lx.VENDOR and m.value in vendors for m in doc.in_span(s.start, s.end))}
    counts = Counter(m.value for s in doc.sentences if s.paragraph in paras
                     for m in doc.in_span(s.start, s.end) if m.kind == lx.TECH)
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


def _context_recipients(doc: _Doc, idx: int, headline: Sentence | None, exclude: set[str],
                        vendor: str | None) -> tuple[list[tuple[str, str | None]], Sentence | None, str]:
    """Recipients from the neighbouring sentences, the headline, then the document's focus."""
    sentences = doc.sentences
    sent = sentences[idx]
    for j in (idx - 1, idx + 1, idx - 2, idx - 3):
        if not 0 <= j < len(sentences):
            continue
        other = sentences[j]
        if not _related(doc, sent, other, [vendor] if vendor else []) or (
                other.paragraph != sent.paragraph and abs(j - idx) > 1):
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
        codes = [m.value for m in doc.title_mentions
                 if m.kind in (lx.COUNTRY, lx.CITY) and m.value not in exclude]
        if codes:
            return [(codes[0], None)], None, "headline"
    top = _focus(doc, exclude, vendor, sent.paragraph)
    if top:
        return [(top, None)], None, "focus"
    home_here = any(m.kind in (lx.COUNTRY, lx.CITY) and m.value in exclude for m in doc.in_span(sent.start, sent.end))
    only = None if home_here else _only_country(doc, exclude)
    if only:
        return [(only, None)], None, "only_country"
    return [], None, "focus"


def _only_country(doc: _Doc, exclude: set[str]) -> str | None:
    """The one country a story names (as a recipient could be named) besides the supplier's
    home: a local story ("the commission received 4,000 kits") often names its country once."""
    found: set[str] = set()
    for sent in doc.sentences:
        ms = doc.in_span(sent.start, sent.end)
        origin = _origin_mentions(doc, sent, ms)
        negative = _NEGATIVE.search(doc.text[sent.start:sent.end])
        for i, m in enumerate(ms):
            if m.kind in (lx.COUNTRY, lx.CITY, lx.DEMONYM) and m.value not in exclude:
                if negative or i in origin:
                    return None  # a sanctioning or supplying country, not a buyer's
                found.add(m.value)
                if len(found) > 1:
                    return None
    return next(iter(found), None)
