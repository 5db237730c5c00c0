"""The learned extractor: candidates from the lexicon, decisions from a trained model.

For each (supplier, recipient country) pair of a document the best-scoring candidate decides:
its calibrated probability is the claim's confidence, its sentence the evidence, its features the
explanation. The rules' own claims enter as features (``rule_pair``), so the model can keep what
the rules got right and overrule what they got wrong.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from countersight.extract import lexicon as lx
from countersight.extract import rule_details, rules
from countersight.extract.candidates import (
    RECIPIENT_KINDS,
    Analysis,
    Budget,
    Candidate,
    ExtractionBudgetError,
    analyse,
    candidates,
)
from countersight.extract.features import DocStats, doc_stats, features
from countersight.extract.labels import sentence_features, status_features, technology_features
from countersight.extract.lexicon import Mention
from countersight.extract.model import Linear, Model
from countersight.extract.orgs import ORG
from countersight.extract.rules import Draft
from countersight.extract.sentences import Sentence

_YEAR = re.compile(r"\b(199\d|20[0-3]\d)\b")
# Features shown to a reviewer per claim.
EXPLAIN_FEATURES = 6


@dataclass
class Prepared:
    """A document read and its candidate pairs with their features."""

    analysis: Analysis
    candidates: list[Candidate]
    features: list[list[str]]
    stats: DocStats


def _rule_pairs(
    text: str, title: str | None, homes: dict[str, str | None], a: Analysis, mentions: list[Mention]
) -> dict[tuple[tuple[str, str], str], set[int]]:
    """The (supplier, recipient) pairs the 0.2 rules find, with their sentences (``mentions``:
    the gazetteer's and the references back to a technology, without the organisation
    candidates)."""
    out: dict[tuple[tuple[str, str], str], set[int]] = {}
    for d in rules.draft_claims(text, title, homes, mentions, a.sentences):
        key = ("v", d.vendor) if d.vendor else ("c", d.vendor_country or "")
        out.setdefault((key, d.country), set()).add(a.sentence_of(d.sentence.start))
    return out


def prepare(
    text: str, title: str | None, homes: dict[str, str | None], sentence: Linear, budget: Budget | None = None
) -> Prepared | None:
    """Read a document and build its candidates; None when it cannot hold a claim (no
    surveillance technology named, or no supplier and recipient)."""
    # The gazetteer pass is cheap; sentences and organisation names only for documents that
    # name a surveillance technology and a place (most news does not).
    mentions = lx.find_mentions(text)
    if not any(m.kind == lx.TECH for m in mentions) and not (
        title and any(m.kind == lx.TECH for m in lx.find_mentions(title))
    ):
        return None
    if not any(m.kind in RECIPIENT_KINDS for m in mentions):
        return None
    a = analyse(text, homes, mentions)
    cands = candidates(a, budget)
    if not cands:
        return None
    scored = sorted({c.s_sent for c in cands} | {c.r_sent for c in cands})
    probs = {i: sentence.prob(sentence_features(text, a.sentences[i].start, a.sentences[i].end)) for i in scored}
    # The rules read the gazetteer's mentions and the references, not the organisation names.
    gazetteer = [m for m in a.mentions if m.kind != ORG]
    st = doc_stats(a, cands, _rule_pairs(text, title, homes, a, gazetteer), probs)
    feats = []
    for i, c in enumerate(cands):
        if budget is not None and i % 256 == 0 and budget.exceeded():
            raise ExtractionBudgetError(f"extraction stopped at pair {i} of {len(cands)}: over its time budget")
        feats.append(features(a, c, st))
    return Prepared(a, cands, feats, st)


def _supplier(c: Candidate, homes: dict[str, str | None]) -> tuple[str | None, str | None]:
    if c.supplier.kind == lx.VENDOR:
        return c.supplier.value, homes.get(c.supplier.value)
    if c.supplier.kind == ORG:
        return c.supplier.value, None
    return None, c.supplier.value


def _status(model: Model, a: Analysis, c: Candidate, sentence: str) -> str:
    """The classifier's status, unless the sentence denies in so many words: denials are 16 of
    the corpus's 463 labels, too few for the classifier to learn "has not supplied"."""
    return "denied" if rule_details.states_denial(sentence) else model.status.predict(status_features(a, c))


def technology_sentence(a: Analysis, shown: list[Sentence], technology: str) -> Sentence | None:
    """The sentence that names the claim's technology when the sentences shown as its evidence
    name it only by a reference back ("has sold the technology to"): the reference's own term,
    so that the evidence says what was sold. None when they name it themselves."""
    refs: list[Mention] = []
    for s in shown:
        for m in a.in_span(s.start, s.end):
            if m.kind == lx.TECH and m.value == technology:
                if m.start not in a.refers:
                    return None
                refs.append(m)
    for m in refs:
        term = a.sentences[a.sentence_of(a.refers[m.start])]
        if term not in shown:
            return term
    return None


def explain_words(pairs: list[tuple[str, float]]) -> list[dict[str, object]]:
    """Features in a reviewer's words, with their weights."""
    from countersight.extract.explain import describe

    return [{"feature": f, "weight": w, "says": describe(f)} for f, w in pairs]


def best_candidates(prep: Prepared, pair: Linear) -> dict[tuple[tuple[str, str], str], tuple[float, int]]:
    """The best-scoring candidate of each (supplier, recipient country) pair, with its raw
    score: it alone decides the pair (the first of equal scores, in document order)."""
    best: dict[tuple[tuple[str, str], str], tuple[float, int]] = {}
    for i, feats in enumerate(prep.features):
        key = (prep.candidates[i].supplier_key, prep.candidates[i].country)
        raw = pair.margin(feats)
        if key not in best or raw > best[key][0]:
            best[key] = (raw, i)
    return best


def draft_claims(
    text: str, title: str | None, homes: dict[str, str | None], model: Model, budget: Budget | None = None
) -> list[Draft]:
    """Claims the model accepts, one per (supplier, recipient country), best evidence first."""
    prep = prepare(text, title, homes, model.sentence, budget)
    if prep is None:
        return []
    a = prep.analysis
    drafts: list[Draft] = []
    for (_key, country), (raw, i) in best_candidates(prep, model.pair).items():
        conf = model.calibration(raw)
        if conf < model.threshold:
            continue
        c = prep.candidates[i]
        vendor, home = _supplier(c, homes)
        sent = a.sentences[c.s_sent]
        context = a.sentences[c.r_sent] if c.r_sent != c.s_sent else None
        chunk = text[sent.start : sent.end]
        city = (
            lx.city_table().get(c.recipient.surface, (None, c.recipient.surface))[1]
            if c.recipient.kind == lx.CITY
            else None
        )
        year = _YEAR.search(chunk)
        para = [s for s in a.sentences[max(0, c.s_sent - 3) : c.s_sent + 4] if s.paragraph == sent.paragraph]
        explain = explain_words(model.pair.explain(prep.features[i], EXPLAIN_FEATURES))
        technology = model.technology.predict(technology_features(a, c))
        named_in = technology_sentence(a, [sent, *([context] if context else [])], technology)
        drafts.append(
            Draft(
                vendor=vendor,
                vendor_country=home,
                country=country,
                technology=technology,
                status=_status(model, a, c, chunk),
                sentence=sent,
                context=context,
                confidence=round(conf, 3),
                how=f"model:{c.window}",
                city=city,
                agency=rule_details.agency_in(text, sent, a.in_span(sent.start, sent.end)),
                year=int(year.group(1)) if year else None,
                financing=rule_details.financing_in(text, [sent, *[s for s in para if s is not sent]], a.in_span),
                extra={
                    "explain": explain,
                    "model": model.version,
                    "raw": round(raw, 4),
                    "new_org": c.supplier.kind == ORG,
                    **({"technology_sentence": named_in} if named_in else {}),
                },
            )
        )
    # The supplier country only when the text names no company (docs/extraction.md): "China
    # supplied ... Huawei installed ..." is Huawei's claim, and Huawei's claim already names
    # China as its home; a second claim for the country would be a duplicate.
    named = {(d.vendor_country, d.country) for d in drafts if d.vendor}
    drafts = [d for d in drafts if d.vendor or (d.vendor_country, d.country) not in named]
    drafts.sort(key=lambda d: (d.sentence.start, d.country, d.vendor or "", d.vendor_country or ""))
    return drafts
