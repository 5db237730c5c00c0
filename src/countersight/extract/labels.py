"""Features for the technology and status of a claim: the technology terms of its sentence,
its neighbours and its paragraph, the cue words of the sentence, and the sentence's words."""

from __future__ import annotations

import re
from collections import Counter

from countersight.extract import cues
from countersight.extract import lexicon as lx
from countersight.extract.candidates import Analysis, Candidate

_WORD = re.compile(r"[^\W\d_]{3,}")
# Words a label classifier reads from a sentence at most (a hostile run-on sentence stays cheap).
MAX_WORDS = 80


def _words(text: str) -> list[str]:
    return [f"w={w.casefold()}" for w in _WORD.findall(text)[:MAX_WORDS]]


def technology_features(a: Analysis, c: Candidate) -> list[str]:
    """What tells the technology: its terms near the claim, ranked by distance."""
    sent = a.sentences[c.s_sent]
    f: list[str] = []
    for m in a.in_span(sent.start, sent.end):
        if m.kind == lx.TECH:
            f.append(f"t_sent={m.value}")
    if c.r_sent != c.s_sent:
        rs = a.sentences[c.r_sent]
        f += [f"t_rsent={m.value}" for m in a.in_span(rs.start, rs.end) if m.kind == lx.TECH]
    para = sent.paragraph
    near: Counter[str] = Counter()
    for j in range(max(0, c.s_sent - 3), min(len(a.sentences), c.s_sent + 4)):
        s = a.sentences[j]
        if s.paragraph == para or abs(j - c.s_sent) <= 1:
            near.update(m.value for m in a.in_span(s.start, s.end) if m.kind == lx.TECH)
    f += [f"t_near={t}" for t in near]
    if near:
        f.append(f"t_near_top={near.most_common(1)[0][0]}")
    doc: Counter[str] = Counter(m.value for m in a.mentions if m.kind == lx.TECH)
    if doc:
        f.append(f"t_doc_top={doc.most_common(1)[0][0]}")
    if a.headline is not None:
        hs = a.sentences[a.headline]
        f += [f"t_head={m.value}" for m in a.in_span(hs.start, hs.end) if m.kind == lx.TECH]
    return f + _words(a.text[sent.start : sent.end])


def status_features(a: Analysis, c: Candidate) -> list[str]:
    """What tells the status: cue words of the sentence (and the recipient's sentence)."""
    sent = a.sentences[c.s_sent]
    chunk = a.text[sent.start : sent.end]
    f = [f"cue={k}" for k in ("supply", "planned", "cancelled", "denied", "negative") if cues.present(k, chunk)]
    if c.r_sent != c.s_sent:
        rs = a.sentences[c.r_sent]
        rchunk = a.text[rs.start : rs.end]
        f += [f"rcue={k}" for k in ("planned", "cancelled", "denied") if cues.present(k, rchunk)]
    # Cue words only: the rarer statuses (cancelled, denied) have too few examples for word
    # features, which drowned the cues in 0.3.0's first model.
    return f or ["cue=none"]


def sentence_features(text: str, start: int, end: int) -> list[str]:
    """What tells a sentence that states a deployment: its words and word pairs, and its cues."""
    words = [w.casefold() for w in _WORD.findall(text[start:end])[:MAX_WORDS]]
    chunk = text[start:end]
    f = [f"w={w}" for w in words] + [f"b={a}_{b}" for a, b in zip(words, words[1:], strict=False)]
    return f + [f"cue={k}" for k in ("supply", "planned", "cancelled", "denied", "negative") if cues.present(k, chunk)]
