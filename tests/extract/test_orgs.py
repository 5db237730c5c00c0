"""Organisations outside the registry: which cue makes a run of capitalised words a candidate,
and what is not one (sentences written for the project)."""

from __future__ import annotations

import pytest

from countersight.extract import lexicon as lx
from countersight.extract.orgs import ORG, find_orgs


def _orgs(text: str) -> list[tuple[str, str]]:
    taken = [(m.start, m.end) for m in lx.find_mentions(text)]
    found = find_orgs(text, 0, len(text), taken)
    for o in found:
        assert o.mention.kind == ORG and text[o.mention.start : o.mention.end] == o.mention.surface
    return [(o.mention.value, o.cue) for o in found]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Vexaro Systems Ltd installed cameras in Quito.", ("Vexaro Systems Ltd", "suffix")),
        ("La empresa Integradores Andinos SAS instaló cámaras en Bogotá.", ("Integradores Andinos SAS", "suffix")),
        ("The firm Quellor signed a deal in Peru.", ("Quellor", "company_noun")),
        ("Trovix, a company based in Lagos, sold drones.", ("Trovix", "company_noun")),
        ("Zelmora Brix, a small Belgian firm, sold drones.", ("Zelmora Brix", "company_noun")),
        ("Zelmora Brix, a Belgian supplier, sold drones.", ("Zelmora Brix", "company_noun")),
        ("La empresa denominada Quellor vendió cámaras.", ("Quellor", "company_noun")),
        # "firmó" (signed) is a supply verb, not the company noun "firma".
        ("Quellor Brix firmó el contrato con la policía.", ("Quellor Brix", "supply_verb")),
        ("Empresa Quellor instalou câmeras em Recife.", ("Quellor", "company_noun")),
        (
            "A polícia contratou o Consórcio Quellor Brix, uma empresa de Recife.",
            ("Consórcio Quellor Brix", "company_noun"),
        ),
        ("DataWorks sold analytics software to Kenya.", ("DataWorks", "shape")),
        ("The cameras were supplied by Brontek to the police.", ("Brontek", "supply_verb")),
    ],
)
def test_each_cue_finds_an_unknown_organisation(text: str, expected: tuple[str, str]) -> None:
    assert _orgs(text) == [expected]


def test_registry_vendors_and_plain_capitalised_words_are_not_candidates() -> None:
    assert _orgs("Huawei installed cameras in Kenya.") == []  # the gazetteer has it already
    assert _orgs("According to Reuters, the mayor spoke.") == []
    assert _orgs("Officials installed cameras in Lima.") == []
    # "firmado" (signed) is no "firma" (firm), nor "firmly" a "firm".
    assert _orgs("O contrato foi firmado com o Quellor Brix.") == []
    assert _orgs("Officials firmly rejected Quellor Brix.") == []


def test_a_public_body_a_law_or_a_project_is_no_firm() -> None:
    """The buyer or the programme, not a supplier, and nothing for the review queue."""
    assert _orgs("Fayette County installed license plate readers from Brontek.") == [("Brontek", "supply_verb")]
    assert _orgs("A Polícia Militar contratou a empresa Quellor.") == [("Quellor", "company_noun")]
    assert _orgs("The Sharp Eyes Project was built by Brontek.") == [("Brontek", "supply_verb")]
    # Whole words only: "Actus" is no "act", "Programmers" no "program".
    assert _orgs("The firm Actus Quellor signed a deal.") == [("Actus Quellor", "company_noun")]


def test_only_the_given_sentence_is_read() -> None:
    text = "Police met. The firm Quellor signed a deal."
    start = text.index("The")
    taken = [(m.start, m.end) for m in lx.find_mentions(text)]
    assert [o.mention.value for o in find_orgs(text, start, len(text), taken)] == ["Quellor"]
    assert find_orgs(text, 0, start, taken) == []


def _orgs_with_firms(text: str) -> list[tuple[str, str]]:
    ms = lx.find_mentions(text)
    firms = [(m.start, m.end) for m in ms if m.kind == lx.VENDOR]
    found = find_orgs(text, 0, len(text), [(m.start, m.end) for m in ms], firms)
    return [(o.mention.value, o.cue) for o in found]


def test_a_name_in_a_list_of_firms_is_a_firm() -> None:
    # Followed along the list, a short parenthesis after a member included.
    text = "The agency buys services from Huawei, Quellor (based in Lyon), Brontek and Dahua."
    assert _orgs_with_firms(text) == [("Quellor", "list"), ("Brontek", "list")]
    # Without two firms in the list, the same names have no cue: a firm beside a person's name,
    # or a title-case headline, reads as a list too.
    assert _orgs_with_firms("The agency thanked Quellor and Brontek.") == []
    assert _orgs_with_firms("The deal was signed by Huawei, Quellor Brix and the mayor.") == []
