"""Organisation names the vendor registry does not know: local integrators, smaller spyware and
analytics firms. High recall by design; the learned scorer decides which of them supplied anything.

A run of capitalised words is an organisation candidate when it ends in a legal or company word
("Xyz Vision Ltd", "Integradores SAS"), follows or precedes a company noun ("the firm Xyz", "la
empresa Xyz", "Xyz, a company"), has the shape of a brand (CamelCase "DataWorks", letters and
digits "PK9", a short acronym "SNEF"), stands next to a supply verb ("Xyz installed", "supplied
by Xyz"), or stands in a list that names at least two other firms ("Babel Street, Dataminr, Xyz and
Voyager Labs"). Which of these cues fired is kept as the mention's ``cue`` for the features. A
name that says it is a public body, a law, a fund or a project ("Fayette County", "Privacy Act")
is none.
"""

from __future__ import annotations

import functools
import re
from bisect import bisect_right
from dataclasses import dataclass

from countersight.extract import cues
from countersight.extract.lexicon import ACRONYM, Mention

ORG = "org"
_TOKEN = re.compile(r"[^\W_][\w&'’.+-]*")
_CONNECT = {"de", "of", "&", "du", "da", "do", "del"}
_CAMEL = re.compile(r"^[A-Z][a-z0-9]+[A-Z]")
_ALNUM = re.compile(r"^(?=.*\d)(?=.*[A-Za-z])[A-Za-z0-9-]{2,}$")
# What may stand between a name and the company noun after it: "Xyz, a company", "Xyz, una
# pequeña empresa española" (up to two words between the article and the noun).
_TO_NOUN_AFTER = r"^\s*,?\s*(?:a|an|the|une?|la|el|uma?)?\s*(?:[\w-]+\s+){0,2}"
# Between two members of a list of firms ("Babel Street, Dataminr, Sprinklr and Voyager Labs"),
# a member's short parenthesis included ("Wintics (basée à Paris), Videtics").
_MAX_LIST_GAP = 80
_PAREN = re.compile(r"\([^()]{0,60}\)")
_LIST_GAP = re.compile(
    rf"^\s*(?:{_PAREN.pattern}\s*)?(?:,\s*(?:and\s+|or\s+|et\s+|y\s+|e\s+)?|\s*(?:and|or|&|y|et|e|und|ed)\s+)$", re.I
)
_AUX = re.compile(r"^\s*(?:(?:has|have|had|will|also|was|were|is|been|reportedly)\s+)*")
_BY = re.compile(r"\b(?:by|from|with|de|par|por|pela|pelo|von|da|dalla)\s+(?:the\s+)?$", re.I)
# Longest organisation name considered, in words.
MAX_WORDS = 6


@dataclass(frozen=True, slots=True)
class OrgMention:
    """An organisation candidate with the cue that made it one."""

    mention: Mention
    cue: str


def _is_cap(tok: str) -> bool:
    return tok[:1].isupper() or (tok[:1].isdigit() and any(c.isupper() for c in tok))


def _clean(tok: str) -> str:
    return re.sub(r"(?:['’]s|[.,'’-])+$", "", tok)


def _runs(text: str, start: int, end: int, taken: list[tuple[int, int]]) -> list[tuple[int, int, list[str]]]:
    """Runs of capitalised tokens in text[start:end] that overlap no lexicon mention."""
    out: list[tuple[int, int, list[str]]] = []
    cur: list[re.Match[str]] = []
    pending: list[re.Match[str]] = []

    def flush() -> None:
        if cur:
            out.append((cur[0].start(), cur[-1].start() + len(_clean(cur[-1].group(0))), [m.group(0) for m in cur]))
        cur.clear()
        pending.clear()

    for m in _TOKEN.finditer(text, start, end):
        tok = m.group(0)
        if any(a < m.end() and m.start() < b for a, b in taken):
            flush()
            continue
        gap = text[cur[-1].end() : m.start()] if cur else ""
        if cur and (gap.strip() not in ("", "&") or "\n" in gap):
            flush()
        if _is_cap(tok):
            cur.extend(pending)
            pending.clear()
            cur.append(m)
            if tok.endswith((",", ".")) and not re.search(r"\.\w", tok):
                flush()
        elif cur and tok.casefold() in _CONNECT:
            pending.append(m)
        else:
            flush()
    flush()
    return out


@functools.cache
def _noun_after() -> re.Pattern[str]:
    """A company noun shortly after the name, in the cues' words of every language (whole
    words where a stem would start another word: "firma" is no "firmó", signed)."""
    return re.compile(_TO_NOUN_AFTER + "(?:" + cues.matcher("company").pattern + ")", re.I)


def _noun_before(before: str) -> bool:
    """A company noun or a naming word at most two words before the name ("the firm Xyz", "a
    company called Xyz")."""
    ends = [m.end() for kind in ("company", "naming") for m in cues.matcher(kind).finditer(before)]
    return bool(ends) and len(before[max(ends) :].split()) <= 2


def _in_firm_lists(text: str, listed: list[tuple[int, int]], firms: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The ``listed`` spans that stand in a list naming at least two firms ("Babel Street,
    Dataminr, Sprinklr and Voyager Labs"). One firm is not enough: a title-case headline or a
    firm beside a person's name reads as a list too. Only neighbours are compared, so the work
    is linear in the sentence."""
    every = sorted([(a, b, False) for a, b in listed] + [(a, b, True) for a, b in firms])
    if not every:
        return []
    # A name inside a member's parenthesis is no member ("Videtics (près de Nice), Orange").
    parens = [(m.start(), m.end()) for m in _PAREN.finditer(text, every[0][0], every[-1][1])]
    opens = [p for p, _ in parens]

    def inside(a: int, b: int) -> bool:
        k = bisect_right(opens, a) - 1
        return k >= 0 and b <= parens[k][1]

    spans = [t for t in every if not inside(t[0], t[1])]
    out: list[tuple[int, int]] = []
    chain = spans[:1]
    for prev, cur in zip(spans, [*spans[1:], None], strict=True):
        linked = cur is not None and cur[0] - prev[1] <= _MAX_LIST_GAP and _LIST_GAP.match(text[prev[1] : cur[0]])
        if linked:
            chain.append(cur)  # type: ignore[arg-type]
            continue
        if sum(f for _, _, f in chain) >= 2:
            out += [(a, b) for a, b, f in chain if not f]
        chain = [cur] if cur is not None else []
    return out


def find_orgs(
    text: str, start: int, end: int, taken: list[tuple[int, int]], firms: list[tuple[int, int]] | None = None
) -> list[OrgMention]:
    """Organisation candidates in the sentence text[start:end]; ``firms``: the spans of the
    sentence's registry vendors, which count towards the two firms a list needs."""
    found: list[OrgMention] = []
    listed: list[tuple[int, int]] = []  # capitalised runs with no cue of their own
    stop = cues.not_names()
    suffixes = cues.legal_suffixes()
    company = cues.matcher("company")
    supply = cues.matcher("supply")
    not_firm = cues.matcher("not_firm")
    for a, b, words in _runs(text, start, end, taken):
        clean = [_clean(w) for w in words]
        # Drop leading words that are not names ("The", "According", "Mr").
        noun_first = False
        while clean and (
            clean[0].casefold() in stop
            or (
                len(clean) > 1
                and company.fullmatch(clean[0])
                and clean[-1].casefold().rstrip(".") not in suffixes
                and not text[start:a].strip(" \"“‘'«")
            )
        ):
            # A company noun opening the sentence names the rest ("Empresa Harpia venceu"),
            # unless the run is a name with a legal form ("Integradores Andinos SAS"); inside a
            # sentence its capital makes it part of the name ("com o Consórcio Xyz").
            noun_first = clean[0].casefold() not in stop
            a = text.index(words[0], a) + len(words[0])
            a += len(text[a:b]) - len(text[a:b].lstrip())
            words, clean = words[1:], clean[1:]
        if not clean or len(clean) > MAX_WORDS or all(w.casefold() in stop for w in clean):
            continue
        name = text[a:b].strip(" ,.")
        b = a + len(name)
        if not_firm.search(name):
            continue  # a public body, a law, a fund or a project ("Fayette County", "Privacy Act")
        last = clean[-1].casefold().rstrip(".")
        before = text[max(start, a - 40) : a]
        after = text[b : min(end, b + 30)]
        cue = ""
        if len(clean) >= 2 and last in suffixes:
            cue = "suffix"
        elif noun_first or _noun_before(before) or _noun_after().match(after):
            cue = "company_noun"
        elif _CAMEL.match(clean[0]) or _ALNUM.match(clean[0]) or (len(clean) == 1 and ACRONYM.match(clean[0])):
            cue = "shape"
        elif supply.match(after, _AUX.match(after).end()) or (  # type: ignore[union-attr]
            _BY.search(before) and supply.search(before)
        ):
            cue = "supply_verb"
        if not cue:
            if len(clean) <= 3:
                listed.append((a, b))
            continue
        if a == start and len(clean) == 1 and cue == "supply_verb":
            cue = "supply_verb_initial"  # "Seguritech won ...", but also "Officials installed ..."
        found.append(OrgMention(Mention(a, b, ORG, name, name), cue))
    # A name in a list of firms is a firm ("Babel Street, Dataminr, Sprinklr and Voyager Labs").
    known = [*(firms or []), *((o.mention.start, o.mention.end) for o in found)]
    added = _in_firm_lists(text, listed, known) if listed and len(known) >= 2 else []
    if added:
        found += [OrgMention(Mention(a, b, ORG, text[a:b], text[a:b]), "list") for a, b in added]
        found.sort(key=lambda o: o.mention.start)
    return found
