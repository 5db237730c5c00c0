"""References back to a technology term ("the technology", "el sistema", "ce logiciel"), read as
that term by the learned extractor (``extract/references.py``; sentences written for the project)."""

from __future__ import annotations

import pytest

from countersight.extract import candidates, extract_claims
from countersight.extract import lexicon as lx
from countersight.extract.candidates import analyse
from countersight.extract.references import REACH, with_references
from countersight.extract.sentences import split
from countersight.model import Document


def _added(text: str) -> list[tuple[str, str]]:
    """(surface, technology) of each reference read in ``text``."""
    mentions = lx.find_mentions(text)
    out, refers = with_references(text, mentions, split(text))
    added = [m for m in out if m not in mentions]
    assert sorted(refers) == [m.start for m in added]  # each reference knows where its term starts
    return [(m.surface, m.value) for m in added]


def _tech(text: str) -> str:
    (value,) = {m.value for m in lx.find_mentions(text) if m.kind == lx.TECH}
    return value


def test_a_reference_takes_the_technology_named_before_it() -> None:
    first = "Chinese firms export facial recognition systems."
    text = f"{first} Among the countries China has sold the technology to are Iran and Zimbabwe."
    assert _added(text) == [("the technology", _tech(first))]
    out, refers = with_references(text, lx.find_mentions(text), split(text))
    (m,) = [m for m in out if m.surface == "the technology"]
    assert text[m.start : m.end] == "the technology" and m.kind == lx.TECH
    assert text[refers[m.start] :].startswith("facial recognition")


def test_the_nearest_term_before_the_reference_is_the_one_it_names() -> None:
    text = "Police used facial recognition. Later the city bought spyware. The software was from a local firm."
    assert _added(text) == [("The software", _tech("spyware"))]


def test_references_in_each_language() -> None:
    cases = {
        "La policía compró cámaras de reconocimiento facial. El sistema fue instalado por Huawei.": "El sistema",
        "La mairie a acheté un logiciel espion. Ce logiciel a été fourni par une société israélienne.": "Ce logiciel",
        "A prefeitura comprou câmeras de reconhecimento facial. O sistema foi instalado em 2020.": "O sistema",
        "Die Polizei nutzt Gesichtserkennung. Die Software wurde aus China geliefert.": "Die Software",
        "Il comune ha comprato telecamere a riconoscimento facciale. Il sistema è di Hikvision.": "Il sistema",
    }
    for text, surface in cases.items():
        read = _added(text)
        assert [s for s, _ in read] == [surface], text
        before = [m for m in lx.find_mentions(text) if m.kind == lx.TECH and m.end <= text.index(surface)]
        assert read[0][1] == before[-1].value, text  # the term named last before it


def test_no_term_close_enough_before_it_no_reference() -> None:
    # The term comes after the reference: nothing to refer back to.
    assert _added("The technology was sold to Iran. It is facial recognition.") == []
    # No term in the text at all (the passage is not read either).
    assert _added("Among the countries China has sold the technology to are Iran and Zimbabwe.") == []
    # More than REACH sentences between the term and the reference.
    filler = " ".join(f"Sentence {i} says nothing." for i in range(REACH + 1))
    assert _added(f"Police bought facial recognition. {filler} The technology came from abroad.") == []
    near = " ".join(f"Sentence {i} says nothing." for i in range(REACH - 1))
    assert _added(f"Police bought facial recognition. {near} The technology came from abroad.") != []


def test_a_reference_inside_a_term_or_a_name_the_gazetteer_read_is_not_added() -> None:
    # "el software" starts the term "software espía", which the gazetteer reads itself.
    text = "El gobierno compró reconocimiento facial y el software espía Pegasus."
    assert _added(text) == []
    spans = [(m.start, m.end) for m in lx.find_mentions(text)]
    assert any(text[a:b] == "software espía" for a, b in spans)


def test_the_learned_extractor_reads_references_and_the_rules_do_not(monkeypatch: pytest.MonkeyPatch) -> None:
    text = "Chinese firms export facial recognition systems. China has sold the technology to Iran."
    a = analyse(text, {})
    (ref,) = [m for m in a.mentions if m.kind == lx.TECH and m.surface == "the technology"]
    assert a.refers == {ref.start: text.index("facial recognition")}
    # The rules' own reading is the gazetteer's alone (kept for comparison with 0.2.1): with the
    # references switched off, the rules read the text as before and the learned path cannot.
    assert "the technology" not in {m.surface for m in lx.find_mentions(text)}

    def off(*_: object) -> None:
        raise AssertionError("references read")

    monkeypatch.setattr(candidates, "with_references", off)
    doc = Document(id="doc-ref", text=text)
    assert {(c.vendor_country, c.country) for c in extract_claims(doc, model=None)} == {("CHN", "IRN")}
    with pytest.raises(AssertionError, match="references read"):
        extract_claims(doc)
