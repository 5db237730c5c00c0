"""Tests for the rule-based extractor interface (sentences written for the project)."""

from countersight.extract import EXTRACTOR_NAME, EXTRACTOR_VERSION, claim_to_contract, extract_claims
from countersight.model import Document


def _doc(text: str) -> Document:
    return Document(id="doc-test", text=text)


def test_list_of_recipients_yields_one_claim_each_with_exact_offsets() -> None:
    text = "Weather was mild. Huawei installed a safe city system in Kenya and Uganda in 2019."
    claims = extract_claims(_doc(text))
    assert sorted(c.country for c in claims) == ["KEN", "UGA"]
    for c in claims:
        ev = c.evidence[0]
        assert text[ev.start : ev.end] == ev.quote
        assert c.vendor == "Huawei" and c.technology == "safe_city" and c.start_year == 2019
        assert c.source == "extract" and c.extractor == EXTRACTOR_NAME


def test_ids_are_deterministic() -> None:
    text = "Huawei installed facial recognition cameras in Kenya."
    assert [c.id for c in extract_claims(_doc(text))] == [c.id for c in extract_claims(_doc(text))]


def test_sanctions_sentence_gives_no_claim() -> None:
    assert extract_claims(_doc("Huawei was sanctioned after it sold CCTV in Kenya.")) == []


def test_contract_shape() -> None:
    claims = extract_claims(_doc("Huawei installed CCTV cameras in Kenya in 2018."))
    row = claim_to_contract(claims[0])
    assert set(row) == {
        "vendor", "vendor_country", "country", "city", "agency", "technology", "status",
        "financing", "year", "confidence", "evidence", "extractor",
    }
    assert row["extractor"] == f"{EXTRACTOR_NAME}/{EXTRACTOR_VERSION}"
    assert row["evidence"]["text"] == "Huawei installed CCTV cameras in Kenya in 2018."


def test_status_cancelled_and_denied() -> None:
    cancelled = extract_claims(
        _doc("The ministry cancelled the contract under which ZTE installed CCTV in Peru.")
    )
    denied = extract_claims(_doc("Huawei denied that it installed facial recognition cameras in Peru."))
    assert [c.status for c in cancelled] == ["cancelled"]
    assert [c.status for c in denied] == ["denied"]


def test_page_from_pdf_page_ranges() -> None:
    text = "Cover page text.\nHuawei installed CCTV cameras in Kenya."
    doc = Document(id="d-pdf", text=text, meta={"pages": [[0, 17], [17, len(text)]]})
    assert [c.evidence[0].page for c in extract_claims(doc)] == [2]
