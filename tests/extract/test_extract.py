"""The extraction interface (``countersight.extract``): ``extract_claims`` with the learned model or
the rules, evidence with exact offsets, stable ids, the title as context, PDF pages, and the
per-claim JSON contract of ``countersight extract`` (sentences written for the project)."""

from __future__ import annotations

import dataclasses

from countersight.extract import (
    EXTRACTOR_NAME,
    EXTRACTOR_VERSION,
    RULES_NAME,
    RULES_VERSION,
    claim_to_contract,
    extract_claims,
)
from countersight.extract.model import bundled
from countersight.model import Document


def _doc(text: str, title: str | None = None) -> Document:
    return Document(id="doc-test", text=text, title=title)


def test_the_learned_model_is_the_default_and_the_rules_remain_available() -> None:
    text = "Huawei installed CCTV cameras in Kenya in 2018."
    (learned,) = extract_claims(_doc(text))
    (rules,) = extract_claims(_doc(text), model=None)
    assert (learned.extractor, learned.extractor_version) == (EXTRACTOR_NAME, EXTRACTOR_VERSION)
    assert (rules.extractor, rules.extractor_version) == (RULES_NAME, RULES_VERSION)
    assert "model" in learned.attrs and "explain" in learned.attrs
    assert rules.attrs == {"rule": "sentence"}
    # The same pair from the two extractors are two claims, not one overwritten by the other.
    assert learned.id != rules.id
    for claim in (learned, rules):
        ev = claim.evidence[0]
        assert claim.source == "extract" and text[ev.start : ev.end] == ev.quote == text


def test_ids_are_deterministic() -> None:
    text = "Huawei installed facial recognition cameras in Kenya."
    for model in ("bundled", None):
        first = [c.id for c in extract_claims(_doc(text), model=model)]
        assert first and first == [c.id for c in extract_claims(_doc(text), model=model)]


def test_a_title_outside_the_text_lends_its_country_without_evidence_offsets() -> None:
    (claim,) = extract_claims(_doc("Hikvision installed CCTV cameras for the police.", "Peru buys cameras"), model=None)
    assert (claim.vendor, claim.country, claim.attrs["rule"]) == ("Hikvision", "PER", "headline")
    assert len(claim.evidence) == 1  # the title is not part of the text: nothing to cite by offset


def test_a_title_the_text_begins_with_is_read_once_as_its_first_line() -> None:
    text = "Peru buys cameras\n\nHikvision installed CCTV cameras for the police."
    (claim,) = extract_claims(_doc(text, "Peru buys cameras"), model=None)
    assert claim.country == "PER"
    context = claim.evidence[1]
    assert (context.start, context.end, context.quote) == (0, 17, "Peru buys cameras")


def test_page_from_pdf_page_ranges() -> None:
    text = "Cover page text.\nHuawei installed CCTV cameras in Kenya."
    doc = Document(id="d-pdf", text=text, meta={"pages": [[0, 17], [17, len(text)]]})
    assert [c.evidence[0].page for c in extract_claims(doc, model=None)] == [2]
    assert [c.evidence[0].page for c in extract_claims(_doc(text), model=None)] == [None]


def test_contract_shape() -> None:
    (claim,) = extract_claims(_doc("Huawei installed CCTV cameras in Kenya in 2018."), model=None)
    row = claim_to_contract(claim)
    assert set(row) == {
        "vendor",
        "vendor_country",
        "country",
        "city",
        "agency",
        "technology",
        "status",
        "financing",
        "year",
        "confidence",
        "evidence",
        "extractor",
        "model",
        "explain",
    }
    assert row["extractor"] == f"{RULES_NAME}/{RULES_VERSION}"
    assert row["evidence"] == {"text": "Huawei installed CCTV cameras in Kenya in 2018.", "start": 0, "end": 47}
    assert (row["vendor"], row["country"], row["year"], row["model"], row["explain"]) == (
        "Huawei",
        "KEN",
        2018,
        None,
        [],
    )


def test_a_planned_deal_gets_status_planned_by_default() -> None:
    text = "Huawei plans to install facial recognition cameras in Nairobi, Kenya, next year."
    assert [c.status for c in extract_claims(_doc(text), model=None)] == ["planned"]
    assert [c.status for c in extract_claims(_doc(text))] == ["planned"]


def test_a_negated_supply_is_not_reported_by_default() -> None:
    text = "Huawei has not supplied facial recognition cameras to Kenya."
    assert [c.status for c in extract_claims(_doc(text), model=None)] == ["denied"]
    learned = extract_claims(_doc(text))
    assert learned and all(c.status == "denied" for c in learned)
    # "negative" is no denial (the Portuguese and Italian "nega" used to match it).
    positive = "Huawei installed facial recognition cameras in Kenya despite negative press."
    assert [c.status for c in extract_claims(_doc(positive), model=None)] == ["reported"]


def test_a_newspaper_named_after_a_country_is_no_recipient() -> None:
    text = "Huawei installed facial recognition cameras in Harare, Zimbabwe, the Japan Times reported."
    assert [c.country for c in extract_claims(_doc(text))] == ["ZWE"]
    assert [c.country for c in extract_claims(_doc(text), model=None)] == ["ZWE"]


def test_the_issue_seed_sentence_after_a_sentence_naming_the_technology() -> None:
    """Issue 14's seed sentence says "the technology"; after a sentence that names it, the
    reference is read as that technology (``extract/references.py``): China -> each of the four,
    with the technology named before, and no Japan from "the Japan Times". The bundled model
    decides, so a retrained model that no longer accepts these fails here, as the acceptance
    would."""
    text = (
        "Chinese companies are leading exporters of facial recognition systems. Among the countries "
        "China has sold the technology to are Venezuela, Myanmar, Iran, and Zimbabwe, the Japan Times reported."
    )
    claims = extract_claims(_doc(text))
    assert {(c.vendor, c.vendor_country, c.country) for c in claims} == {
        (None, "CHN", iso) for iso in ("VEN", "MMR", "IRN", "ZWE")
    }
    assert {c.technology for c in claims} == {"facial_recognition"}
    first = text.split(". ", 1)[0] + "."
    for c in claims:
        # The claim's sentence, then the sentence that names what "the technology" is.
        assert c.evidence[0].quote.startswith("Among the countries China has sold")
        assert [(e.quote, e.start, e.end) for e in c.evidence[1:]] == [(first, 0, len(first))]
    # A sentence that names the technology itself needs no second sentence for it.
    named = extract_claims(_doc(text.replace("the technology", "facial recognition technology")))
    assert named and all(len(c.evidence) == 1 for c in named)
    # The sentence alone names no technology: nothing says what was sold, and no claim is made.
    assert extract_claims(_doc(text.split(". ", 1)[1])) == []
    # Other wordings of the same two sentences: "has sold" makes China the seller
    # (``features.deal_side``) whatever the context says.
    for context, seed in [
        ("China is exporting AI surveillance technology around the world.", text.split(". ", 1)[1]),
        (
            "According to the Japan Times, Chinese firms are exporting facial recognition systems.",
            "Among the countries China has sold the technology to are Venezuela, Myanmar, Iran, and Zimbabwe.",
        ),
    ]:
        got = {(c.vendor, c.vendor_country, c.country) for c in extract_claims(_doc(f"{context} {seed}"))}
        assert got == {(None, "CHN", iso) for iso in ("VEN", "MMR", "IRN", "ZWE")}, context


def test_a_country_is_the_supplier_only_when_no_company_of_it_is_claimed() -> None:
    """'China supplied ... Huawei installed ...': Huawei's claim names China as its home; a
    second claim for China would be a duplicate (a false pair, as the corpus is labeled)."""
    text = "China supplied facial recognition cameras to Kenya. Huawei installed them in Nairobi, Kenya."
    every = dataclasses.replace(bundled(), threshold=0.0)  # every candidate accepted
    claims = extract_claims(_doc(text), model=every)
    assert ("Huawei", "CHN", "KEN") in {(c.vendor, c.vendor_country, c.country) for c in claims}
    assert (None, "CHN", "KEN") not in {(c.vendor, c.vendor_country, c.country) for c in claims}
    # Without a company from that country, the country stays the supplier.
    alone = extract_claims(_doc("China supplied facial recognition cameras to Kenya."), model=every)
    assert (None, "CHN", "KEN") in {(c.vendor, c.vendor_country, c.country) for c in alone}
