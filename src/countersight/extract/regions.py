"""Regions: the first-level subdivisions of countries (states, provinces, regions, departments;
ISO 3166-2 through pycountry) as places of their country, so that local news naming "Jujuy",
"Texas" or "Sicilia" and no country can still name its recipient.

A region name is often another word too (a surname, "Meta", "Delta", "Norte"), and local news names
regions in a few set ways, so a region is read only in a place frame: after a preposition of place
("in Texas", "en Jujuy", "nel Veneto"), after "<Place>, " ("Fresno, California"), or before a
possessive or a region noun ("Texas's", "Kerala state"). The frame words are data
(``region_frame`` in ``data/lexicon.yaml``), and so are the names never read (``region_stop``).
"""

from __future__ import annotations

import functools
import re
from collections import defaultdict

import pycountry

from countersight.reference.loader import load_yaml
from countersight.reference.names import without_accents

# Words of a subdivision's official name that say what kind of unit it is, not which: news
# writes "Guangdong" and "Xinjiang", ISO 3166-2 "Guangdong Sheng" and "Xinjiang Uygur Zizhiqu".
_TYPE_WORDS = frozenset(
    {
        "Sheng",
        "Shi",
        "Zizhiqu",
        "Uygur",
        "Huizu",
        "Zhuangzu",
        "oblast'",
        "oblast",
        "oblysy",
        "kray",
        "Respublika",
        "novads",
        "Novads",
        "län",
        "apskritis",
        "voblasć",
        "okrug",
        "županija",
        "kraj",
        "Kommunia",
    }
)
_NAME = re.compile(r"[^\W\d_][\w'’ .-]*[^\W\d_]")
MIN_LENGTH = 4


def _forms(raw: str) -> set[str]:
    """The names an ISO 3166-2 entry is written as in news: "Catalunya [Cataluña]" is both,
    "(Region V)" and type words dropped, "Asturias, Principado de" (an inverted name) none."""
    m = re.fullmatch(r"(.*?)\s*\[(.*)\]", raw)
    out: set[str] = set()
    for part in (m.group(1), m.group(2)) if m else (raw,):
        part = re.sub(r"\s*\(.*?\)|\s*†", "", part).strip()
        words = part.split()
        while len(words) > 1 and words[-1] in _TYPE_WORDS:
            words.pop()
        name = " ".join(words)
        if "," in name or not _NAME.fullmatch(name) or not name[0].isupper():
            continue
        out.add(name)
        plain = without_accents(name)
        # Without its accents only where that is not a shorter word ("Pará" is not "Para").
        if plain != name and len(plain) > MIN_LENGTH:
            out.add(plain)
    return out


@functools.cache
def region_table() -> dict[str, str]:
    """Region name as written -> ISO3 of its country: names of one country only (not "Central",
    "La Rioja"), at least four letters, not in ``region_stop``."""
    stop = frozenset(load_yaml("lexicon.yaml")["region_stop"])
    countries: defaultdict[str, set[str]] = defaultdict(set)
    for sub in pycountry.subdivisions:
        if sub.parent_code is not None:
            continue
        country = pycountry.countries.get(alpha_2=sub.country_code)
        if country is None:
            continue
        for name in _forms(sub.name):
            countries[name].add(country.alpha_3)
    return {
        name: next(iter(codes))
        for name, codes in countries.items()
        if len(codes) == 1 and len(name) >= MIN_LENGTH and name not in stop
    }


@functools.cache
def _frame() -> tuple[re.Pattern[str], re.Pattern[str]]:
    data = load_yaml("lexicon.yaml")["region_frame"]
    words = sorted({w for ws in data["before"].values() for w in ws}, key=len, reverse=True)
    nouns = sorted({w for ws in data["nouns"].values() for w in ws}, key=len, reverse=True)
    word = "|".join(re.escape(w) for w in words)
    noun = "|".join(re.escape(n) for n in nouns)
    # "of" alone frames "the state of Kerala"; the place before a comma keeps its capital letter.
    before = re.compile(rf"(?:(?<!\w)(?:{word})|(?<!\w)(?-i:[A-Z])[\w.'’-]*,)[ \u00a0]+$", re.I)
    after = re.compile(rf"(?:['’]s\b|[ \u00a0]+(?:{noun})\b)", re.I)
    return before, after


def placed(text: str, start: int, end: int) -> bool:
    """Whether the region name at text[start:end] stands in a place frame."""
    before, after = _frame()
    return bool(before.search(text, max(0, start - 40), start) or after.match(text, end))
