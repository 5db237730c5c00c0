"""What the rules read around a supply sentence: recipients against supplier origins, countries
acting as suppliers, "the company" of earlier sentences, and recipients from the sentences,
headline or story around (sentences written for the project)."""

from __future__ import annotations

from countersight.extract import _homes
from countersight.extract import lexicon as lx
from countersight.extract import rule_context as rc
from countersight.extract.sentences import split


def _doc(text: str, title: str | None = None) -> rc._Doc:
    ms = lx.find_mentions(text)
    return rc._Doc(text, split(text), ms, [m.start for m in ms], _homes(), lx.find_mentions(title) if title else [])


def _recipients(text: str, exclude: set[str] | None = None) -> list[tuple[str, str | None]]:
    doc = _doc(text)
    sent = doc.sentences[0]
    return rc._recipients(doc, sent, doc.in_span(sent.start, sent.end), exclude or set())


def test_the_supplier_origin_is_not_a_recipient() -> None:
    assert _recipients("Japanese firm NEC installed cameras in Lima.") == [("PER", "Lima")]
    assert _recipients("China's ZTE sold cameras to Kenya's police.", {"CHN"}) == [("KEN", None)]


def test_a_list_after_a_locative_gives_every_member() -> None:
    assert _recipients("Huawei sold cameras in Kampala, Nairobi, Egypt and Zambia.") == [
        ("UGA", "Kampala"),
        ("KEN", "Nairobi"),
        ("EGY", None),
        ("ZMB", None),
    ]


def test_venues_and_nationalities_that_buy_nothing_are_not_recipients() -> None:
    assert _recipients("Huawei showed cameras at a trade conference in Dubai.") == []
    assert _recipients("Huawei cameras serve Kenyan journalists and the Ugandan government.") == [("UGA", None)]


def test_the_supplier_home_is_a_recipient_only_when_tied_to_a_buyer() -> None:
    assert _recipients("Hikvision installed cameras in China.", {"CHN"}) == []
    assert _recipients("Palantir sold software to the Los Angeles Police Department.", {"USA"}) == [
        ("USA", "Los Angeles")
    ]


def test_countries_named_as_suppliers() -> None:
    for text in (
        "China has sold facial recognition to Ecuador.",
        "Chinese firms installed cameras in Lusaka.",
        "Ecuador bought cameras from China.",
        "Beijing supplied cameras to Bolivia.",  # a capital stands for its government
    ):
        doc = _doc(text)
        sent = doc.sentences[0]
        assert rc._country_suppliers(doc, sent, doc.in_span(sent.start, sent.end)) == ["CHN"], text


def test_the_company_is_the_one_vendor_just_named() -> None:
    assert rc._antecedent(_doc("Huawei won the tender in Chad. The company's cameras went to Mali."), 1) == ["Huawei"]
    assert rc._antecedent(_doc("Huawei and ZTE won the tender. The company's cameras went to Mali."), 1) == []


def test_the_most_specific_technology_comes_first() -> None:
    ms = lx.find_mentions("CCTV cameras with facial recognition on a safe city platform")
    assert rc._techs(ms) == ["facial_recognition", "safe_city", "video_surveillance"]


def test_recipients_from_the_context_in_order_of_closeness() -> None:
    text = "Zambia's government is expanding police surveillance in Lusaka. Huawei supplied the cameras."
    doc = _doc(text)
    assert rc._context_recipients(doc, 1, None, {"CHN"}, "Huawei") == (
        [("ZMB", "Lusaka")],
        doc.sentences[0],
        "neighbour",
    )
    titled = _doc("Huawei supplied the cameras.", title="Cameras for Ghana")
    assert rc._context_recipients(titled, 0, None, {"CHN"}, "Huawei") == ([("GHA", None)], None, "headline")
    local = _doc("Huawei supplied the cameras.\n\nTanzania votes in October.")
    assert rc._context_recipients(local, 0, None, {"CHN"}, "Huawei") == ([("TZA", None)], None, "only_country")
    two = _doc("Huawei supplied the cameras.\n\nTanzania and Kenya vote in October.")
    assert rc._context_recipients(two, 0, None, {"CHN"}, "Huawei") == ([], None, "focus")


def test_an_unrelated_paragraph_lends_no_context() -> None:
    doc = _doc("Huawei sold cameras.\n\nDahua opened an office in Poland.\n\nCCTV spreads in Kenya.")
    first, other_vendor, tech = doc.sentences
    assert not rc._related(doc, first, other_vendor, ["Huawei"])  # another vendor's story
    assert rc._related(doc, other_vendor, tech, ["Dahua"])  # adjacent, about the technology, no other vendor
    assert not rc._related(doc, first, tech, ["Huawei"])  # two paragraphs away
