"""Regions (``extract/regions.py``): first-level subdivisions read as places of their country, only
in a place frame (sentences written for the project)."""

from __future__ import annotations

import dataclasses

import pytest

from countersight.extract import _homes, learned, regions
from countersight.extract import lexicon as lx
from countersight.extract.model import bundled


def _regions(text: str) -> list[tuple[str, str]]:
    return [(m.value, m.surface) for m in lx.find_mentions(text) if m.kind == lx.REGION]


def test_region_names_as_news_writes_them_map_to_their_country() -> None:
    table = regions.region_table()
    # ISO 3166-2 writes "Xinjiang Uygur Zizhiqu" and "Guangdong Sheng"; accents may be dropped.
    assert {n: table.get(n) for n in ("Jujuy", "Texas", "Sicilia", "Xinjiang", "Guangdong", "Goiás", "Goias")} == {
        "Jujuy": "ARG",
        "Texas": "USA",
        "Sicilia": "ITA",
        "Xinjiang": "CHN",
        "Guangdong": "CHN",
        "Goiás": "BRA",
        "Goias": "BRA",
    }
    # A name of two countries' regions, a stop word, an unaccented form that is a shorter word.
    assert {table.get(n) for n in ("La Rioja", "Meta", "Rivera", "Para", "Central")} == {None}
    assert table.get("Pará") == "BRA"
    # Letters with no decomposition stay ("Łodzkie", "Đa Nang"): no name loses a letter.
    assert table.get("Łodzkie") == "POL" and "odzkie" not in table
    assert all(name[0].isupper() for name in table)


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("ZTE installed 600 surveillance cameras in Jujuy.", [("ARG", "Jujuy")]),
        ("La provincia de Jujuy firmó con ZTE.", [("ARG", "Jujuy")]),
        ("The Fresno, California police bought plate readers.", [("USA", "California")]),
        ("The state of Kerala bought cameras.", [("IND", "Kerala")]),
        ("Texas's police bought plate readers.", [("USA", "Texas")]),
        ("Kerala state police bought cameras.", [("IND", "Kerala")]),
        ("Le système de vidéosurveillance installé nel Veneto.", [("ITA", "Veneto")]),
    ],
)
def test_a_region_in_a_place_frame_is_a_place(text: str, found: list[tuple[str, str]]) -> None:
    assert _regions(text) == found


@pytest.mark.parametrize(
    "text",
    [
        "Jujuy dijo que las cámaras funcionan.",  # no frame
        "Rivera said the cameras work.",  # a surname, in the stop list
        "The police bought cameras, Texas officials said.",  # a comma after a common word
        "The contract was first reported in Texas Tribune.",  # in a frame, but a newspaper's title
        "Police in Ciudad Autónoma de Buenos Aires bought cameras.",  # the city inside stays the city
    ],
)
def test_a_region_name_outside_a_place_frame_is_not_a_place(text: str) -> None:
    assert _regions(text) == []


def test_a_region_inside_a_longer_name_leaves_the_place_it_holds() -> None:
    found = [(m.kind, m.value, m.surface) for m in lx.find_mentions("Police in Ciudad Autónoma de Buenos Aires.")]
    assert (lx.CITY, "ARG", "Buenos Aires") in found


def test_a_region_names_the_recipient_country_and_no_city() -> None:
    text = "The province of Jujuy hired ZTE to install 600 surveillance cameras and a control centre."
    every = dataclasses.replace(bundled(), threshold=0.0)
    drafts = learned.draft_claims(text, None, _homes(), every)
    assert [(d.vendor, d.country, d.city) for d in drafts] == [("ZTE", "ARG", None)]
    assert drafts[0].extra["explain"]
