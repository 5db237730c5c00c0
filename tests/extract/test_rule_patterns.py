"""The rules' regular expressions: supply language in four languages, the sentences that name no
buyer, amounts, and the words that make a country an origin, a place or a list member."""

from __future__ import annotations

import pytest

from countersight.extract.rule_patterns import (
    _AMOUNT,
    _CURRENCY,
    _LIST_GAP,
    _LOCATIVE,
    _NEGATIVE,
    _ORIGIN_GAP,
    _SUPPLY_STRONG,
    _SUPPLY_WEAK,
    _VENUE,
)


@pytest.mark.parametrize(
    "sentence",
    [
        "Huawei installed the cameras.",
        "La empresa suministró cámaras.",
        "La société a fourni des caméras.",
        "A empresa forneceu câmeras.",
        "The police took delivery of the cameras.",
        "The army received drones from Dahua.",
    ],
)
def test_supply_language_in_four_languages(sentence: str) -> None:
    assert _SUPPLY_STRONG.search(sentence)


def test_weak_supply_language_is_not_strong() -> None:
    assert _SUPPLY_WEAK.search("The police used the platform.")
    assert not _SUPPLY_STRONG.search("The police used the platform.")


@pytest.mark.parametrize(
    "sentence",
    [
        "Hikvision was sanctioned last year.",
        "Dahua added to the Entity List.",
        "Hikvision reported record revenue.",
        "Dahua launched a new camera.",
    ],
)
def test_sentences_that_name_no_buyer(sentence: str) -> None:
    assert _NEGATIVE.search(sentence)


@pytest.mark.parametrize(
    ("text", "number", "multiplier", "currency"),
    [
        ("a $124.7 million loan", "124.7", "million", "USD"),
        ("KES 3,200 million", "3,200", "million", "KES"),
        ("€40m in all", "40", "m", "EUR"),
        ("2.5 billion yuan", "2.5", "billion", "CNY"),
    ],
)
def test_amounts_with_their_currency(text: str, number: str, multiplier: str, currency: str) -> None:
    m = _AMOUNT.search(text)
    assert m is not None
    assert (m.group("num") or m.group("num2"), m.group("mult") or m.group("mult2")) == (number, multiplier)
    assert _CURRENCY[(m.group("cur") or m.group("cur2")).casefold()] == currency


def test_the_words_around_a_country_mention() -> None:
    assert _ORIGIN_GAP.match(" telecom giant ")  # "the Chinese telecom giant Huawei"
    assert _ORIGIN_GAP.match("'s ")  # "China's ZTE"
    assert not _ORIGIN_GAP.match(" sold cameras to ")
    assert _LOCATIVE.search("cameras installed in ") and _LOCATIVE.search("cámaras en la ciudad de ")
    assert _VENUE.search("at a trade fair held in ")
    assert _LIST_GAP.match(", and ") and _LIST_GAP.match(" y ") and not _LIST_GAP.match(" sold to ")
