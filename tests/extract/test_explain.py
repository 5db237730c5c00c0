"""Feature names in a reviewer's words: every feature the shipped model weighs reads as a
sentence, conjunctions and bucketed counts included."""

from __future__ import annotations

from countersight.extract.explain import describe
from countersight.extract.model import bundled


def test_plain_features_read_as_sentences() -> None:
    assert describe("r_locative") == "the recipient follows 'in', 'to', 'for' ..."
    assert describe("sent_denied") == "the sentence reports a denial"


def test_bucketed_features_name_their_bound() -> None:
    assert describe("tok=3") == "words between supplier and recipient: up to 3"
    assert describe("org_cue=suffix") == "organisation found by: a legal form ending its name ('… Ltd', '… SAS')"
    assert describe("order=sr") == "order in the sentence: supplier first"
    assert describe("order=rs") == "order in the sentence: recipient first"


def _pair_features() -> set[str]:
    """Every feature the shipped pair scorer weighs, alone or in a pair of features."""
    pair = bundled().pair
    return set(pair.weights) | {f for t in pair.terms for f in t}


def test_conjunctions_join_their_parts_in_words() -> None:
    said = describe("win=same&sk=company")
    assert said == "supplier and recipient are in the same sentence and the supplier is a company"


def test_every_cue_value_of_the_shipped_model_is_described_in_words() -> None:
    """'organisation found by: list' told a reviewer little: each cue's value reads as words."""
    for feature in _pair_features():
        prefix, _, value = feature.partition("=")
        if prefix in ("org_cue", "cs_cue") and "&" not in feature:
            assert not describe(feature).endswith(": " + value), feature


def test_an_unknown_feature_is_shown_as_it_is() -> None:
    assert describe("no_such_feature") == "no_such_feature"


def test_every_feature_of_the_shipped_model_is_described_in_words() -> None:
    assert [f for f in _pair_features() if describe(f) == f] == []
