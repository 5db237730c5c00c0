"""Cue words: the one-pass automaton finds exactly what the per-kind expressions find."""

from __future__ import annotations

import pycountry
from hypothesis import given, settings
from hypothesis import strategies as st

from countersight.extract import cues
from countersight.extract import lexicon as lx


def _words() -> list[str]:
    data = cues._data()
    out: set[str] = set()
    for kind in cues.KINDS:
        by_lang: dict[str, list[str]] = data[kind]  # type: ignore[assignment]
        out.update(w.strip().rstrip("$") for words in by_lang.values() for w in words if w.strip())
    return sorted(out)


WORDS = _words()
# Pieces that make the edges matter: word characters glued to a cue, whitespace runs inside a
# multi-word cue, apostrophes, a character whose lower case is longer than itself.
PIECES = [" ", "\n", ", ", ".", "'", "-", "x", "_", "9", "é", "The ", "Ltd"]
# These two send a text to the expressions (offsets the automaton cannot keep).
FALLBACK = ["  ", "İ"]
cue = st.one_of(
    st.sampled_from(WORDS).map(lambda w: w.upper() if len(w) % 3 == 0 else w.capitalize()),
    st.sampled_from(WORDS),
)
piece = st.one_of(cue, st.sampled_from(PIECES))


def _expected(text: str, start: int, end: int) -> dict[str, list[int]]:
    return {k: [m.start() for m in cues.matcher(k).finditer(text, start, end)] for k in cues.KINDS}


@settings(max_examples=400, deadline=None)
@given(
    st.lists(piece, min_size=1, max_size=30),
    st.integers(0, 40),
    st.integers(0, 40),
    st.lists(st.tuples(st.integers(0, 30), st.sampled_from(FALLBACK)), max_size=1),
)
def test_cue_starts_match_the_expressions(parts: list[str], a: int, b: int, odd: list[tuple[int, str]]) -> None:
    for at, chars in odd:
        parts.insert(min(at, len(parts)), chars)
    text = "".join(parts)
    start, end = min(a, len(text)), min(len(text), max(a, b) + 5)
    assert cues.cue_starts(text, start, end) == _expected(text, start, end)
    assert {k: cues.present(k, text) for k in cues.KINDS} == {
        k: cues.matcher(k).search(text) is not None for k in cues.KINDS
    }


REFERENCE = "tech_reference"
REFERENCES = sorted(
    {w.strip().rstrip("$") for words in cues._data()[REFERENCE].values() for w in words}  # type: ignore[attr-defined]
)
reference = st.sampled_from(REFERENCES).map(lambda w: w.capitalize() if len(w) % 2 else w)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(reference, cue, st.sampled_from(PIECES)), min_size=1, max_size=20), st.integers(0, 30))
def test_cue_starts_of_one_kind_outside_the_pass_match_its_expression(parts: list[str], a: int) -> None:
    """The references back to a technology ("the technology", "l'outil") are looked up alone
    (``kinds``), through an automaton of their own: the same starts as their expression."""
    text = "".join(parts)
    start = min(a, len(text))
    expected = [m.start() for m in cues.matcher(REFERENCE).finditer(text, start)]
    assert cues.cue_starts(text, start, kinds=(REFERENCE,)) == {REFERENCE: expected}


def test_cue_starts_in_words() -> None:
    text = "Officials said the firm sold cameras to Kenya, but it didn't install them in Nairobi."
    found = cues.cue_starts(text)
    assert found == _expected(text, 0, len(text))
    assert text.index("sold") in found["supply"] and text.index("in Nairobi") in found["locative"]
    assert found["denied"] == [text.index("didn't")] and not found["cancelled"]
    # A cue glued to a word is not a cue; the lookbehind reads before the range's start.
    assert cues.cue_starts("resold", 2) == {k: [] for k in cues.KINDS}


ENGLISH_NOT_SUPPLY = [
    "firm",
    "firms",
    "vendor",
    "vendors",
    "significant",
    "signal",
    "signs",
    "comprehensive",
    "compromise",
    "done",
    "Donald",
    "USA",
    "USAID",
    "usable",
    "dotted",
    "donor",
    "window",
    "winter",
    "wonder",
    "users",
    "useful",
    "commissioner",
    "données",
    "vendredi",
    "livre",
]
# Stems of the other kinds that started everyday words of another sense: "ban" read every
# "Bangladesh" and "bank" as a ban, "expo" every "export", "will" every "William".
NOT_CUES = {
    "negative": [
        "Bangladesh",
        "Bangalore",
        "bank",
        "Stockholm",
        "export",
        "exposed",
        "awarded",
        "utilizar",
        "processor",
        "actions",
    ],
    # English "procure" started the prosecutor of three languages (procureur, procurador).
    "supply": ["procureur", "procurador", "procuraduría", "procurar"],
    "planned": ["William", "willing", "mounted", "value", "various", "garantir", "plants"],
    "denied": ["negative", "nieto"],
    "cancelled": ["scraped", "scraping"],
}


def test_no_supply_stem_of_another_language_starts_a_common_english_word() -> None:
    """The stems of six languages are matched in every text: one that starts an everyday English word
    (es 'firm', fr 'sign', es/fr 'don', 'vend', 'compr', 'usa') made that word a supply verb."""
    assert [w for w in ENGLISH_NOT_SUPPLY if cues.kinds_in(w)["supply"]] == []
    assert cues.kinds_in("signed")["supply"] and cues.kinds_in("firmó")["supply"]
    assert cues.kinds_in("vendió")["supply"] and cues.kinds_in("vendu")["supply"]


def test_no_cue_stem_starts_a_word_of_another_sense() -> None:
    """A stem ending in "$" in data/cues.yaml matches only the whole word; the other forms are
    listed, and both matchers (expressions and automaton) read it so."""
    for kind, words in NOT_CUES.items():
        assert [w for w in words if cues.kinds_in(w)[kind]] == [], kind
        assert [w for w in words if cues.matcher(kind).search(w)] == [], kind
    for kind, word in [
        ("negative", "ban"),
        ("negative", "bans"),
        ("negative", "banned"),
        ("planned", "will"),
        ("negative", "expo"),
        ("supply", "export"),
        ("supply", "use"),
        ("supply", "used"),
    ]:
        assert cues.kinds_in(f"a {word}.")[kind] == [2], (kind, word)
        assert cues.matcher(kind).search(f"a {word}."), (kind, word)


def test_the_deal_side_stems_start_no_everyday_word_of_another_sense() -> None:
    """``sell`` and ``buy`` are read right after a mention ("Huawei vendor", "Kenya's important
    ...") in every language: no stem may start such a word."""
    words = [
        "vendor",
        "vendors",
        "vendredi",
        "important",
        "comprehensive",
        "compromise",
        "commander",
        "ordinary",
        "useful",
        "users",
        "offered",
        "winter",
        "wonder",
        "donor",
        "shipping",
        "imports",
    ]
    for kind in ("sell", "buy"):
        assert [w for w in words if cues.matcher(kind).match(w)] == [], kind
    assert cues.matcher("sell").match("vendió") and cues.matcher("buy").match("compró")


def test_no_cue_stem_starts_a_country_name() -> None:
    """Cues are matched without case in every language: Portuguese "irá" (will) read Spanish
    "Irán" as a plan, and the company noun "unit" every "United States". Only the listed words
    (Spanish "china", Chinese; "estado" and "état", a state) are both."""
    names = {c.name for c in pycountry.countries} | {name for name, _ in lx.territory_names()}
    allowed = {"origin": {"China"}, "government": {"Estados Unidos", "États-Unis", "État de la Cité du Vatican"}}
    for kind in (*cues.KINDS, "sell", "buy"):
        hits = {n for n in names if cues.matcher(kind).match(n)}
        assert hits <= allowed.get(kind, set()), kind
