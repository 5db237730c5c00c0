"""Cue words per language (``data/cues.yaml``) compiled into one matcher per kind of cue.

The learned extractor's features ask "is there a supply verb between these two mentions?",
"is the recipient preceded by a locative preposition?": these matchers answer them for every
language at once, so a stem of one language must not be the start of a common word of another
("firm" for firmó read every English "firm" as a supply verb; tests/extract/test_cues.py holds the
supply stems to a list of such words).
"""

from __future__ import annotations

import functools
import re

import ahocorasick

from countersight.reference.loader import load_yaml

# The kinds found in every sentence in one pass (``cue_starts``). ``naming`` and ``not_firm`` are
# read only on an organisation name and its neighbours, through ``matcher``: in the pass they
# would be work on every sentence that nothing reads.
KINDS = ("supply", "negative", "planned", "cancelled", "denied", "locative", "origin", "government", "company")


@functools.cache
def _data() -> dict[str, object]:
    data: dict[str, object] = load_yaml("cues.yaml")  # YAML: data/cues.yaml as loaded
    return data


def _entry(stem: str, whole: bool) -> tuple[str, bool]:
    """A cue entry as (lower-cased word, whole word only): a trailing ``$`` asks for the whole
    word ("ban$" is "ban", not "bank" or "Bangladesh")."""
    stem = stem.strip().lower()
    return (stem[:-1], True) if stem.endswith("$") else (stem, whole)


def _pattern(stems: list[str], whole: bool) -> re.Pattern[str]:
    entries = sorted({_entry(s, whole) for s in stems if s.strip()}, key=lambda e: len(e[0]), reverse=True)
    alts = [re.escape(w).replace(r"\ ", r"\s+") + (r"\b" if w_whole else r"\w*") for w, w_whole in entries]
    return re.compile(r"(?<!\w)(?:" + "|".join(alts) + ")", re.I)


@functools.cache
def matcher(kind: str) -> re.Pattern[str]:
    """Words of this kind in any language: stems for verbs and nouns, whole words for
    prepositions (``locative``) and for entries ending in ``$``."""
    by_lang: dict[str, list[str]] = _data()[kind]  # type: ignore[assignment]
    stems = [s for words in by_lang.values() for s in words]
    return _pattern(stems, whole=kind == "locative")


@functools.cache
def legal_suffixes() -> frozenset[str]:
    """Words that end company names ("Ltd", "SAS", "Technologies")."""
    words: list[str] = _data()["legal_suffixes"]  # type: ignore[assignment]
    return frozenset(w.casefold() for w in words)


@functools.cache
def not_names() -> frozenset[str]:
    """Capitalised words that are not organisation names."""
    words: list[str] = _data()["not_names"]  # type: ignore[assignment]
    return frozenset(w.casefold() for w in words)


def present(kind: str, text: str) -> bool:
    """Whether ``text`` holds a cue of this kind."""
    return bool(kinds_in(text)[kind])


@functools.lru_cache(maxsize=8192)
def kinds_in(text: str) -> dict[str, list[int]]:
    """Every kind's cue starts in ``text`` (cached: the sentence, status and pair features ask
    of the same sentence)."""
    return cue_starts(text)


_SPACE = re.compile(r"\s")
_SPACE_RUN = re.compile(r"\s\s")


def _is_word(ch: str) -> bool:
    """What ``\\w`` matches in a str pattern."""
    return ch.isalnum() or ch == "_"


@functools.cache
def _automaton(kinds: tuple[str, ...] = KINDS) -> ahocorasick.Automaton:
    """These kinds' cue words, lower-cased, in one automaton: word -> [(kind, length, whole)]."""
    by_word: dict[str, list[tuple[str, int, bool]]] = {}
    for kind in kinds:
        by_lang: dict[str, list[str]] = _data()[kind]  # type: ignore[assignment]
        for stem, whole in {_entry(s, kind == "locative") for words in by_lang.values() for s in words if s.strip()}:
            by_word.setdefault(stem, []).append((kind, len(stem), whole))
    auto = ahocorasick.Automaton()
    for word, entries in by_word.items():
        auto.add_word(word, entries)
    auto.make_automaton()
    return auto


def cue_starts(
    text: str, start: int = 0, end: int | None = None, kinds: tuple[str, ...] = KINDS
) -> dict[str, list[int]]:
    """Where the cues of each kind (every one in ``KINDS`` by default) start in
    ``text[start:end]``: for each kind, exactly the starts ``matcher(kind).finditer(text,
    start, end)`` gives, found in one pass over the text instead of one regular-expression
    scan per kind (the scans were a fifth of the learned extractor's time)."""
    end = len(text) if end is None else end
    chunk = text[start:end]
    low = chunk.lower()
    if len(low) != len(chunk) or _SPACE_RUN.search(chunk):
        # Lower-casing that changes lengths, or whitespace runs inside multi-word cues: the
        # automaton's offsets would not be the text's; the expressions read these exactly.
        return {k: [m.start() for m in matcher(k).finditer(text, start, end)] for k in kinds}
    by_kind: dict[str, dict[int, list[tuple[int, bool]]]] = {}
    for last, entries in _automaton(kinds).iter(_SPACE.sub(" ", low)):
        for kind, n, whole in entries:
            by_kind.setdefault(kind, {}).setdefault(last - n + 1, []).append((n, whole))
    out: dict[str, list[int]] = {k: [] for k in kinds}
    size = len(chunk)
    for kind, at in by_kind.items():
        free = 0  # finditer resumes after the previous match
        for s in sorted(at):
            g = start + s
            if s < free or (g > 0 and _is_word(text[g - 1])):
                continue
            for n, whole in sorted(at[s], reverse=True):  # the pattern tries the longest word first
                e = s + n
                if whole:
                    if _is_word(chunk[e - 1]) == (e < size and _is_word(chunk[e])):
                        continue  # no word boundary after it
                else:
                    while e < size and _is_word(chunk[e]):
                        e += 1
                out[kind].append(g)
                free = e
                break
    return out
