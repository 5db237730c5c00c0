"""Sentence and paragraph spans for news text, aware of the abbreviations company and
person names carry ("Co.", "Ltd.", "Mr.", "U.S.")."""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass

_ABBREV = {
    "co",
    "corp",
    "inc",
    "ltd",
    "llc",
    "plc",
    "mr",
    "mrs",
    "ms",
    "dr",
    "prof",
    "gen",
    "col",
    "lt",
    "sgt",
    "capt",
    "gov",
    "sen",
    "rep",
    "st",
    "no",
    "nos",
    "vs",
    "etc",
    "jan",
    "feb",
    "mar",
    "apr",
    "jun",
    "jul",
    "aug",
    "sep",
    "sept",
    "oct",
    "nov",
    "dec",
    "e.g",
    "i.e",
    "u.s",
    "u.k",
    "u.n",
    "u.a.e",
    "d.r",
    "approx",
    "est",
    "dept",
    "govt",
    "intl",
    "bros",
    "jr",
    "sr",
    "sa",
    "s.a",
    "ag",
    "nv",
    "hon",
    "rev",
    "messrs",
    "bv",
    "pty",
    "mt",
    "ft",
    "p",
    "pp",
    "fig",
    "art",
    "sra",
    "mme",
    "m",
}
# A candidate boundary: terminal punctuation (and closing quotes/brackets) then whitespace; or,
# glued without a space, a word ending in lower case and then a capitalised word, which may be a
# one-letter word ("city.A measure") but not an acronym's letter ("U.S.A").
_BOUNDARY = re.compile(r"[.!?。！？]+[\"'”’)\]]*(?=\s)|(?<=[a-z0-9)])[.!?][\"”’]?(?=[A-Z“\"][a-z]|[A-Z]\s+[a-z])")
_PARA = re.compile(r"\n[ \t]*\n|\n(?=[ \t]*[-•*]\s)")


@dataclass(frozen=True, slots=True)
class Sentence:
    """A sentence span in the text and the paragraph it belongs to."""

    start: int
    end: int
    paragraph: int


def _is_abbreviation(text: str, dot: int) -> bool:
    """True when the '.' at ``dot`` closes an abbreviation or an initial, not a sentence."""
    if text[dot] != ".":
        return False
    i = dot
    while i > 0 and (text[i - 1].isalnum() or text[i - 1] == "."):
        i -= 1
    word = text[i:dot].casefold()
    if word in _ABBREV:
        return True
    # Single initials ("J. Smith") and dotted acronyms ("U.S.")
    return len(word) == 1 and word.isalpha() or ("." in word and len(word) <= 6)


def split(text: str) -> list[Sentence]:
    """Sentences of ``text`` (leading/trailing space trimmed), with paragraph numbers. Line
    breaks end sentences too (headlines, datelines, list items have no full stop)."""
    out: list[Sentence] = []
    para_starts = [0] + [m.end() for m in _PARA.finditer(text)]
    para_idx = 0
    pos = 0
    for line_match in re.finditer(r"[^\n]+", text):
        line_start, line_end = line_match.span()
        while para_idx + 1 < len(para_starts) and para_starts[para_idx + 1] <= line_start:
            para_idx += 1
        pos = line_start
        for b in _BOUNDARY.finditer(text, line_start, line_end):
            dot = b.start()
            if _is_abbreviation(text, dot):
                # An abbreviation ends a sentence only when a capitalised word follows it and
                # the abbreviation is not a title or a company suffix mid-name.
                nxt = text[b.end() : b.end() + 2].strip()
                word = text[max(line_start, dot - 5) : dot].rsplit(None, 1)[-1].casefold().strip(".")
                if not nxt or not nxt[0].isupper() or word in _ABBREV or len(word) <= 1:
                    continue
            _append(out, text, pos, b.end(), para_idx)
            pos = b.end()
        _append(out, text, pos, line_end, para_idx)
    return out


def _append(out: list[Sentence], text: str, start: int, end: int, para: int) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        out.append(Sentence(start, end, para))


def sentence_at(starts: list[int], pos: int) -> int:
    """Index of the sentence holding character ``pos``, given the sentences' starts in order."""
    return max(0, bisect_right(starts, pos) - 1)
