"""Cue words per language (``data/cues.yaml``) compiled into one matcher per kind of cue.

The learned extractor's features ask "is there a supply verb between these two mentions?",
"is the recipient preceded by a locative preposition?": these matchers answer them for every
language at once (the stems of the six languages rarely collide).
"""

from __future__ import annotations

import functools
import re

from countersight.reference.loader import load_yaml

KINDS = ("supply", "negative", "planned", "cancelled", "denied", "locative", "origin", "government", "company")


@functools.cache
def _data() -> dict[str, object]:
    return load_yaml("cues.yaml")


def _pattern(stems: list[str], whole: bool) -> re.Pattern[str]:
    alts = sorted({re.escape(s.strip()).replace(r"\ ", r"\s+") for s in stems if s.strip()}, key=len, reverse=True)
    tail = r"\b" if whole else r"\w*"
    return re.compile(r"(?<!\w)(?:" + "|".join(alts) + ")" + tail, re.I)


@functools.cache
def matcher(kind: str) -> re.Pattern[str]:
    """Words of this kind in any language: stems for verbs and nouns, whole words for
    prepositions (``locative``)."""
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


@functools.lru_cache(maxsize=8192)
def present(kind: str, text: str) -> bool:
    """Whether ``text`` holds a cue of this kind (cached: the sentence, status and pair features
    ask it of the same sentence)."""
    return matcher(kind).search(text) is not None
