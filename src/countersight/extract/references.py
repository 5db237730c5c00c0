"""A technology named again by a general noun: "the technology", "el sistema", "ce logiciel".

News names the technology once ("facial recognition systems") and then refers back to it ("China
has sold the technology to ..."). Such a reference (``tech_reference`` in ``data/cues.yaml``)
becomes a technology mention of the term named last before it, in its own sentence or in the
``REACH`` sentences before; a reference with no term that close stays unread. The 0.2 rules,
kept for comparison, do not read references; the learned extractor's features and its rules
feature (``rule_pair``) do.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right

from countersight.extract import cues
from countersight.extract import lexicon as lx
from countersight.extract.lexicon import Mention
from countersight.extract.sentences import Sentence, sentence_at

# Sentences back that a reference reaches for its technology term.
REACH = 2
_CUE = "tech_reference"


def with_references(
    text: str, mentions: list[Mention], sentences: list[Sentence]
) -> tuple[list[Mention], dict[int, int]]:
    """``mentions`` (sorted by start) with a technology mention for each reference back to a
    technology term named at most ``REACH`` sentences before it (the same list when none), and
    where each reference's term starts, by the reference's start."""
    techs = [m for m in mentions if m.kind == lx.TECH]
    if not techs or not sentences:
        return mentions, {}
    tech_ends = [m.end for m in techs]
    sentence_starts = [s.start for s in sentences]
    starts = [m.start for m in mentions]
    # Only sentences with a term at most REACH sentences before can hold a reference that is
    # read, and they are searched with the cue automaton (a regular expression over the whole
    # text took a tenth of the extractor's time on relevant documents).
    with_term = {sentence_at(sentence_starts, m.start) for m in techs}
    reachable = sorted({j for i in with_term for j in range(i, min(len(sentences), i + REACH + 1))})
    pattern = cues.matcher(_CUE)
    found = [
        pattern.match(text, at).span()  # type: ignore[union-attr]
        for j in reachable
        for at in cues.cue_starts(text, sentences[j].start, sentences[j].end, (_CUE,))[_CUE]
    ]
    added: list[Mention] = []
    refers: dict[int, int] = {}
    for start, end in found:
        i = bisect_left(starts, end)
        if i and mentions[i - 1].end > start:
            continue  # part of a term or name the gazetteer read ("el software" of "software espía")
        j = bisect_right(tech_ends, start)
        if not j:
            continue
        term = techs[j - 1]
        if sentence_at(sentence_starts, start) - sentence_at(sentence_starts, term.start) > REACH:
            continue
        added.append(Mention(start, end, lx.TECH, term.value, text[start:end]))
        refers[start] = term.start
    if not added:
        return mentions, refers
    return sorted([*mentions, *added], key=lambda m: m.start), refers
