"""Stage one of the learned extractor: which (supplier, recipient) pairs are scored, in which
window, and how a hostile document is refused (sentences written for the project)."""

from __future__ import annotations

import pytest

from countersight.extract import _homes
from countersight.extract import lexicon as lx
from countersight.extract.candidates import (
    HEADLINE_SENTENCES,
    MAX_CANDIDATES,
    ExtractionBudgetError,
    analyse,
    candidates,
    country_supplier_cue,
)
from countersight.extract.orgs import ORG


def _pairs(text: str) -> list[tuple[str, str, str]]:
    return [(c.supplier.value, c.country, c.window) for c in candidates(analyse(text, _homes()))]


def test_a_supplier_is_paired_with_recipients_of_its_sentence_and_neighbours() -> None:
    assert _pairs("Huawei installed CCTV cameras in Nairobi, Kenya.") == [
        ("Huawei", "KEN", "same"),  # the city
        ("Huawei", "KEN", "same"),  # the country
    ]
    assert _pairs("The police chief of Kenya spoke on Monday. Huawei installed CCTV cameras for the police.") == [
        ("Huawei", "KEN", "prev")
    ]


def test_the_headline_and_nearby_paragraphs_are_read_too() -> None:
    headline = "Kenya buys cameras\n\nThe police chief spoke on Monday. Huawei installed CCTV cameras for the police."
    a = analyse(headline, _homes())
    assert a.headline == 0
    assert _pairs(headline) == [("Huawei", "KEN", "headline")]
    far = "Police bought cameras.\n\nHuawei installed CCTV cameras.\n\nMore text here.\n\nKenya is in Africa."
    assert _pairs(far) == [("Huawei", "KEN", "nearby")]
    # Deeper in the story than the lede, the headline is only a nearby paragraph.
    filler = " ".join(f"The chief spoke on day {n}." for n in range(HEADLINE_SENTENCES))
    deep = f"Kenya buys cameras\n\n{filler} Huawei installed CCTV cameras for the police."
    assert _pairs(deep) == [("Huawei", "KEN", "nearby")]


def test_a_country_supplier_is_paired_only_within_its_sentence_and_never_with_itself() -> None:
    text = "China has sold facial recognition to Ecuador. Peru was named next."
    found = candidates(analyse(text, _homes()))
    assert [(c.supplier_key, c.country, c.window) for c in found] == [
        (("c", "CHN"), "ECU", "same"),
        (("c", "ECU"), "CHN", "same"),  # the scorer, not the candidates, tells the direction
    ]


def test_organisations_outside_the_registry_become_candidates() -> None:
    text = "A local integrator called Vexaro Systems installed 300 CCTV cameras for the police in Quito."
    a = analyse(text, _homes())
    orgs = [m for m in a.mentions if m.kind == ORG]
    assert [m.value for m in orgs] == ["Vexaro Systems"]
    assert a.org_cue[orgs[0].start] == "suffix"
    assert any(
        c.supplier.kind == ORG and c.supplier_key == ("v", "Vexaro Systems") and c.country == "ECU"
        for c in candidates(a)
    )


def test_a_claim_dense_hostile_text_is_refused_with_its_reason() -> None:
    text = ("Huawei sold CCTV cameras to " + ", ".join(["Kenya", "Uganda", "Zambia", "Ghana"] * 400) + ". ") * 5
    with pytest.raises(ExtractionBudgetError, match=f"over {MAX_CANDIDATES} candidate pairs"):
        candidates(analyse(text, _homes()))


class _Spent:
    def exceeded(self) -> bool:
        return True


def test_a_spent_budget_stops_the_pairing() -> None:
    a = analyse("Huawei installed CCTV cameras in Kenya.", _homes())
    with pytest.raises(ExtractionBudgetError, match="time budget"):
        candidates(a, _Spent())


@pytest.mark.parametrize(
    ("text", "surface", "cue"),
    [
        ("China has sold cameras to Ecuador.", "China", "subject"),
        ("Chinese companies installed cameras in Lusaka.", "Chinese", "firms_supply"),
        ("Chinese cameras watch Quito.", "Chinese", "goods"),
        ("Kenya bought cameras made in Germany.", "Germany", "made_in"),
        ("They bought cameras from China.", "China", "source"),
        ("China has sold cameras to Ecuador.", "Ecuador", ""),
    ],
)
def test_how_a_country_is_named_as_a_supplier(text: str, surface: str, cue: str) -> None:
    a = analyse(text, _homes())
    (m,) = [m for m in a.mentions if m.surface == surface and m.kind in (lx.COUNTRY, lx.DEMONYM)]
    assert country_supplier_cue(text, a.sentences[0], m) == cue


def test_chinese_firms_installed_reads_as_its_firms() -> None:
    """The English noun 'firms' is no supply verb (the Spanish stem 'firm' once matched it)."""
    text = "Chinese firms installed cameras in Lusaka."
    a = analyse(text, _homes())
    assert country_supplier_cue(text, a.sentences[0], a.mentions[0]) == "firms_supply"
