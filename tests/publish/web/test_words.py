"""The dashboard's words (publish/web/words.py): coded dataset cells said as sentences, and the
glossary of the codes its tables show."""

from __future__ import annotations

import pytest

from countersight.publish.web.words import cell_sentence, dataset_labels, glossary, term_text


@pytest.mark.parametrize("mark", ["x", "1", "X", " yes ", "✓"])
def test_a_ticked_cell_is_said_as_ticked(mark: str) -> None:
    evidence = {"column": "Facial Recognition", "dataset": "aigs-2022", "quote": mark}
    assert cell_sentence(evidence) == "Facial Recognition: ticked in the AIGS 2022 sheet"


def test_another_value_is_quoted_with_its_sheet() -> None:
    evidence = {"column": "Regime", "dataset": "aigs-2019", "quote": "Closed\n autocracy"}
    assert cell_sentence(evidence) == "Regime: Closed autocracy (in the AIGS 2019 sheet)"


def test_text_evidence_and_unlabelled_datasets_are_quotes() -> None:
    assert cell_sentence({"quote": "cameras in Quito"}) is None
    assert cell_sentence({"column": "Lender", "dataset": "no-such-dataset", "quote": "x"}) is None
    assert dataset_labels()["aigs-2019"] == "AIGS 2019"


def test_the_glossary_explains_codes_on_one_line() -> None:
    sections = glossary()
    assert {"regime", "confidence", "status"} <= set(sections)
    assert term_text("regime", "CA").startswith("Closed autocracy.")
    assert "\n" not in term_text("regime", "EA")
    assert term_text("regime", None) == "" and term_text("regime", "ZZ") == "" and term_text("nothing", "CA") == ""
