"""Claim details the 0.2 rules read from a sentence without the rest of the document: status,
buying agency, financing, and companies the registry does not know. The learned extractor uses
``agency_in`` and ``financing_in`` too."""

from __future__ import annotations

import re
from collections.abc import Callable

from countersight.extract import lexicon as lx
from countersight.extract.lexicon import Mention
from countersight.extract.rule_patterns import _AMOUNT, _CANCELLED, _CURRENCY, _DENIED, _MULT, _PLANNED
from countersight.extract.sentences import Sentence
from countersight.model import Financing

# A past delivery before a plan in the same sentence: "installed 1,000 cameras in 2019, and the
# ministry plans to add more" reports what was installed.
_DONE = re.compile(
    r"\b(?:installed|supplied|delivered|built|deployed|sold|bought|purchased|acquired|completed|"
    r"finished|instal(?:ou|ló)|install[ée]s?|compró|comprou)\b",
    re.I,
)


def states_denial(sentence: str) -> bool:
    """Whether the sentence denies in so many words ("has not supplied", "denied", "negó")."""
    return bool(_DENIED.search(sentence))


def _status(sentence: str) -> str:
    if states_denial(sentence):
        return "denied"
    if _CANCELLED.search(sentence):
        return "cancelled"
    plan = _PLANNED.search(sentence)
    if plan:
        done = _DONE.search(sentence, 0, plan.start())
        if (
            done
            and not re.search(r"\b(?:to be|will be|would be|be)\s+$", sentence[: done.start()])
            and re.search(r"(?:,|;|\band\b|\bbut\b)", sentence[done.end() : plan.start()])
        ):
            return "reported"
        return "planned"
    return "reported"


def agency_in(text: str, sent: Sentence, ms: list[Mention]) -> str | None:
    """The buying agency: an agency head with the capitalised words before it."""
    for m in ms:
        if m.kind != lx.AGENCY:
            continue
        start = m.start
        words = list(re.finditer(r"[\w'’.-]+", text[sent.start : m.start]))
        for w in reversed(words):
            token = w.group(0)
            if token.endswith(("'s", "’s")) or not (token[:1].isupper() or token in {"of", "and"}):
                break
            if token in {"The", "A", "An"} or (sent.start + w.start() == sent.start and token in {"In", "On"}):
                break
            start = sent.start + w.start()
        name = text[start : m.end].strip()
        if name.split()[0] in {"of", "and"}:
            name = name.split(None, 1)[1] if " " in name else name
        if name[:1].isupper():
            return name
    return None


def financing_in(text: str, spans: list[Sentence], in_span: Callable[[int, int], list[Mention]]) -> Financing | None:
    """Lender, instrument and amount from the claim's sentence or its paragraph neighbours:
    only when a lender is named, or a loan/credit/grant comes with an amount."""
    for sent in spans:
        ms = in_span(sent.start, sent.end)
        lenders = [m.value for m in ms if m.kind == lx.LENDER]
        instruments = [m.value for m in ms if m.kind == lx.INSTRUMENT]
        chunk = text[sent.start : sent.end]
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
        return Financing(
            lender=lenders[0] if lenders else None,
            instrument=ranked[0] if ranked else None,
            amount=value,
            currency=currency,
            text=chunk,
        )
    return None


_FIRM = (
    r"(?:firm|company|vendor|manufacturer|maker|supplier|contractor|start-?up|"
    r"(?:tech|technology|telecom|telecoms|security|surveillance|AI|camera|spyware|biometrics?)"
    r"\s+(?:firm|company|giant|group|start-?up|vendor|maker))"
)
_NAME = r"(?P<name>[A-Z][\w&.'’-]*(?:\s+(?:[A-Z][\w&.-]*|&|of)){0,3})"
_NAME_AFTER = re.compile(r"^\s+(?:called\s+|named\s+)?" + _NAME)
_NAME_STOP = {
    "The",
    "A",
    "An",
    "In",
    "On",
    "At",
    "For",
    "And",
    "But",
    "This",
    "That",
    "It",
    "Its",
    "He",
    "She",
    "They",
    "We",
    "According",
    "Last",
    "In 2019",
    "Government",
    "State",
}


def _unknown_vendors(text: str, mentions: list[Mention]) -> list[tuple[Mention, str]]:
    """Companies the registry does not know, introduced by their origin: "the Chinese firm
    Xyz Vision", "Israeli spyware maker Abc". Kept under the name the text uses (resolution
    flags them as new organizations for review)."""
    # A city or region inside a company name ("Shenzhen Xinyu") is part of the name.
    taken = [(m.start, m.end) for m in mentions if m.kind not in (lx.CITY, lx.REGION)]
    out: list[tuple[Mention, str]] = []
    firm = re.compile(r"^\s+" + _FIRM + r"\b")
    for m in mentions:
        if m.kind not in (lx.DEMONYM, lx.COUNTRY):
            continue
        after = text[m.end : m.end + 120]
        head = firm.match(after if m.kind == lx.DEMONYM else re.sub(r"^['’]s", "", after))
        if not head:
            continue
        found = _NAME_AFTER.match(after[head.end() :])
        if not found:
            continue
        name = found.group("name").rstrip(".,'’-")
        start = m.end + head.end() + found.start("name")
        end = start + len(name)
        if name.split()[0] in _NAME_STOP or any(a < end and start < b for a, b in taken):
            continue
        out.append((Mention(start, end, lx.VENDOR, name, name), m.value))
    return out
