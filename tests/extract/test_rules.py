"""The 0.2 rules (``extract/rules.py``, ``model=None``), kept for comparison with the learned
extractor: how a claim is assembled and how sure it is, and what the rules find end to end
(sentences written for the project)."""

from __future__ import annotations

import functools

from countersight.extract import RULES_NAME as EXTRACTOR_NAME
from countersight.extract import _homes, claim_to_contract, rules
from countersight.extract import extract_claims as _extract
from countersight.extract.sentences import split
from countersight.model import Document

extract_claims = functools.partial(_extract, model=None)


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


def test_draft_claims_assembles_a_claim_from_one_supply_sentence() -> None:
    text = "Huawei installed CCTV cameras in Nairobi, Kenya, in 2019."
    (draft,) = rules.draft_claims(text, None, _homes())
    assert (draft.vendor, draft.vendor_country, draft.country, draft.city) == ("Huawei", "CHN", "KEN", "Nairobi")
    assert (draft.technology, draft.status, draft.year) == ("video_surveillance", "reported", 2019)
    assert (draft.how, draft.confidence, draft.context) == ("sentence", rules.CONFIDENCE["sentence"], None)
    assert draft.sentence == split(text)[0]


def test_confidence_records_how_the_claim_was_assembled() -> None:
    weak = rules.draft_claims("The police in Kenya used Hikvision cameras.", None, _homes())
    assert [(d.how, d.confidence) for d in weak] == [("sentence", rules.CONFIDENCE["sentence"] - rules.WEAK_PENALTY)]
    text = (
        "Zambia's government is expanding police surveillance in Lusaka. "
        "Huawei supplied the 1,000 cameras for the first phase."
    )
    (neighbour,) = rules.draft_claims(text, None, _homes())
    assert (neighbour.how, neighbour.confidence) == ("neighbour", rules.CONFIDENCE["neighbour"])
    assert neighbour.context == split(text)[0]
    (headline,) = rules.draft_claims("Hikvision installed CCTV cameras for the police.", "Peru buys cameras", _homes())
    assert (headline.country, headline.how, headline.confidence) == ("PER", "headline", rules.CONFIDENCE["headline"])


def test_no_claim_without_a_supplier_a_technology_or_a_recipient() -> None:
    assert rules.draft_claims("The police in Kenya installed new benches.", None, _homes()) == []
    assert rules.draft_claims("Huawei installed the system in Kenya.", None, _homes()) == []
    assert rules.draft_claims("Huawei installed CCTV cameras.", None, _homes()) == []
    assert rules.draft_claims("Hikvision cameras are popular in Kenya.", None, _homes()) == []  # no supply


def test_sanctions_sentence_gives_no_claim() -> None:
    assert extract_claims(_doc("Huawei was sanctioned after it sold CCTV in Kenya.")) == []


def test_status_cancelled_and_denied() -> None:
    cancelled = extract_claims(_doc("The ministry cancelled the contract under which ZTE installed CCTV in Peru."))
    denied = extract_claims(_doc("Huawei denied that it installed facial recognition cameras in Peru."))
    assert [c.status for c in cancelled] == ["cancelled"]
    assert [c.status for c in denied] == ["denied"]


def _rows(text: str) -> list[tuple[object, ...]]:
    return sorted((c.vendor, c.vendor_country, c.country, c.technology, c.status) for c in extract_claims(_doc(text)))


def test_country_as_supplier_with_a_list_of_recipients() -> None:
    text = "China has sold facial recognition systems to Ecuador and Venezuela, according to the report."
    assert _rows(text) == [
        (None, "CHN", "ECU", "facial_recognition", "reported"),
        (None, "CHN", "VEN", "facial_recognition", "reported"),
    ]


def test_demonym_firms_as_supplier_and_cities_as_recipients() -> None:
    claims = extract_claims(_doc("Chinese firms have installed surveillance cameras in Harare and Lusaka."))
    assert sorted((c.vendor_country, c.country, c.city) for c in claims) == [
        ("CHN", "ZMB", "Lusaka"),
        ("CHN", "ZWE", "Harare"),
    ]


def test_mixed_list_of_cities_and_countries_before_the_vendor() -> None:
    text = "Installed in Kampala, Nairobi, Egypt and Zambia, Huawei's safe city systems cover millions."
    assert [r[2] for r in _rows(text)] == ["EGY", "KEN", "UGA", "ZMB"]


def test_origin_demonym_is_not_the_recipient() -> None:
    text = "Japanese firm NEC supplied the live facial recognition system used by the Metropolitan Police in London."
    (claim,) = extract_claims(_doc(text))
    assert (claim.vendor, claim.country, claim.city, claim.agency) == (
        "NEC",
        "GBR",
        "London",
        "Metropolitan Police",
    )


def test_buyer_demonym_is_the_recipient() -> None:
    text = "The Kenyan police bought facial recognition cameras from Hikvision last year."
    assert _rows(text) == [("Hikvision", "CHN", "KEN", "facial_recognition", "reported")]


def test_financing_lender_instrument_amount() -> None:
    text = (
        "The Safe City project in Islamabad was built by Huawei and financed with a $124.7 million "
        "concessional loan from China Exim Bank."
    )
    (claim,) = extract_claims(_doc(text))
    assert claim.country == "PAK" and claim.city == "Islamabad" and claim.technology == "safe_city"
    fin = claim.financing
    assert fin is not None
    assert (fin.lender, fin.instrument, fin.amount, fin.currency) == (
        "Export-Import Bank of China",
        "concessional loan",
        124_700_000.0,
        "USD",
    )
    assert claim_to_contract(claim)["financing"]["lender"] == "Export-Import Bank of China"


def test_contract_value_is_not_financing() -> None:
    (claim,) = extract_claims(
        _doc("Uganda signed a $126 million deal with Huawei in 2019 for CCTV cameras in Kampala.")
    )
    assert claim.financing is None and claim.start_year == 2019 and claim.city == "Kampala"


def test_planned_denied_cancelled() -> None:
    assert (
        _rows("Huawei plans to install 5,000 cameras in Belgrade under an agreement with Serbia's interior ministry.")[
            0
        ][4]
        == "planned"
    )
    assert _rows("ZTE denied that it had supplied surveillance equipment to Venezuela.") == [
        ("ZTE", "CHN", "VEN", "video_surveillance", "denied")
    ]
    assert (
        _rows("Ecuador cancelled the contract with CEIEC for the ECU-911 surveillance cameras in 2021.")[0][4]
        == "cancelled"
    )


def test_domestic_deployment_tied_to_a_police_department() -> None:
    text = "Palantir provided predictive policing software to the Los Angeles Police Department."
    (claim,) = extract_claims(_doc(text))
    assert (claim.vendor, claim.country, claim.agency) == ("Palantir", "USA", "Los Angeles Police Department")


def test_spanish_french_portuguese() -> None:
    assert _rows("La empresa china Hikvision instaló cámaras de videovigilancia en Quito, Ecuador.") == [
        ("Hikvision", "CHN", "ECU", "video_surveillance", "reported")
    ]
    assert _rows(
        "La société chinoise Huawei a fourni un système de vidéosurveillance à la ville de Dakar au Sénégal."
    ) == [("Huawei", "CHN", "SEN", "video_surveillance", "reported")]
    assert _rows("A Huawei forneceu câmeras de reconhecimento facial para a polícia de Angola.") == [
        ("Huawei", "CHN", "AGO", "facial_recognition", "reported")
    ]


def test_market_and_product_news_give_no_claim() -> None:
    assert extract_claims(_doc("Hikvision reported record revenue from cameras in Europe and the United States.")) == []
    assert extract_claims(_doc("Dahua launched a new thermal camera in Germany on Tuesday.")) == []
    assert extract_claims(_doc("The US added Hikvision to the Entity List over cameras sold in Xinjiang.")) == []


def test_recipient_from_the_previous_sentence_is_cited_too() -> None:
    text = (
        "Zambia's government is expanding police surveillance in Lusaka. "
        "Huawei supplied the 1,000 cameras for the first phase."
    )
    (claim,) = extract_claims(_doc(text))
    assert claim.country == "ZMB" and len(claim.evidence) == 2
    assert claim.evidence[1].quote.startswith("Zambia's government")
    assert claim.confidence < 0.9


def test_unrelated_paragraph_does_not_lend_its_country() -> None:
    text = (
        "Huawei supplied 1,000 surveillance cameras for the first phase of the project.\n\n"
        "Separately, Dahua unveiled a new camera range at a trade fair in Germany, and "
        "Hikvision opened an office in Poland."
    )
    assert extract_claims(_doc(text)) == []


def test_unknown_vendor_introduced_by_its_origin_is_kept_under_its_name() -> None:
    text = "A Chinese company called Shenzhen Xinyu installed CCTV in Harare, Zimbabwe."
    assert _rows(text) == [("Shenzhen Xinyu", "CHN", "ZWE", "video_surveillance", "reported")]
    text = "Israeli spyware maker Paragon sold its tools to the government of Italy."
    assert _rows(text) == [("Paragon", "ISR", "ITA", "spyware", "reported")]


def _pairs(text: str) -> set[tuple[str | None, str]]:
    return {(c.vendor, c.country) for c in extract_claims(_doc(text))}


def test_goods_received_from_a_vendor() -> None:
    text = "The Zambian police took delivery of licence plate readers from Dahua in March."
    assert _pairs(text) == {("Dahua", "ZMB")}
    assert _pairs("The Ghanaian army received thermal cameras from Hikvision last week.") == {("Hikvision", "GHA")}


def test_buyer_after_by_is_the_recipient_and_a_lender_after_by_is_not() -> None:
    assert _pairs("Dahua cameras were installed by the Bolivian police in La Paz in 2020.") == {("Dahua", "BOL")}
    financed = extract_claims(_doc("ZTE built a CCTV network in Quito, financed by the Chinese government."))
    assert {(c.vendor, c.country) for c in financed} == {("ZTE", "ECU")}


def test_conference_venue_is_not_a_recipient() -> None:
    text = (
        "At a trade conference in Dubai, Hikvision said its facial recognition cameras are used by the police in Peru."
    )
    assert _pairs(text) == {("Hikvision", "PER")}


def test_city_spellings_from_geonames() -> None:
    # Spellings other than geonames' main name: New York (New York City), Ulaanbaatar, Kiev.
    assert _pairs("The New York Police Department bought ShotSpotter gunshot sensors last year.") == {
        ("ShotSpotter", "USA")
    }
    assert _pairs("Hanwha Techwin installed traffic cameras in Ulaanbaatar.") == {("Hanwha Techwin", "MNG")}
    assert _pairs("Motorola Solutions supplied CCTV cameras in Kiev in 2017.") == {("Motorola Solutions", "UKR")}


def test_the_company_refers_to_the_vendor_just_named() -> None:
    text = (
        "Idemia won a biometric voter registration tender in Chad last year. The Malian electoral "
        "commission has used the same company's fingerprint kits since 2018."
    )
    claims = {(c.vendor, c.country): c for c in extract_claims(_doc(text))}
    assert set(claims) == {("IDEMIA", "TCD"), ("IDEMIA", "MLI")}
    # Resolved through the previous sentence: less sure than a named vendor.
    assert claims[("IDEMIA", "MLI")].confidence < claims[("IDEMIA", "TCD")].confidence
    two = "Huawei and ZTE bid for the project. The company's cameras were installed in Lusaka."
    # Two vendors before "the company": no antecedent, so that sentence yields no claim of its own.
    assert all(not c.evidence[0].quote.startswith("The company") for c in extract_claims(_doc(two)))


def test_past_delivery_then_a_plan_is_reported_and_pt_vai_is_planned() -> None:
    done = extract_claims(_doc("Hikvision installed 500 CCTV cameras in Lima in 2019, and the city plans to add more."))
    assert [c.status for c in done] == ["reported"]
    plan = extract_claims(_doc("O governo de Moçambique vai adquirir câmeras da Hikvision para Maputo."))
    assert [(c.country, c.status) for c in plan] == [("MOZ", "planned")]


def test_a_local_story_naming_its_country_once() -> None:
    text = (
        "The electoral commission received 4,000 voter identification kits at the airport on Friday.\n\n"
        "The kits were imported by the French firm IDEMIA, the chairman said.\n\n"
        "Tanzania votes in October."
    )
    (claim,) = extract_claims(_doc(text))
    assert (claim.vendor, claim.country, claim.attrs["rule"]) == ("IDEMIA", "TZA", "only_country")
    assert claim.confidence <= 0.5
    # A sanctioning country is not the buyer; a sentence set in the vendor's home is domestic.
    sanctioned = "Hikvision, which the United States sanctioned in 2019, supplied cameras to schools in Hangzhou."
    assert _pairs(sanctioned) == set()


def test_vendors_other_business_is_not_a_deployment() -> None:
    text = (
        "Huawei installed facial recognition cameras across Nairobi last year, the police said.\n\n"
        "Huawei also signed a deal with an operator in Malaysia to build its 5G core network.\n\n"
        "Airbus delivered two aircraft to a carrier in Colombia."
    )
    assert _pairs(text) == {("Huawei", "KEN")}


def test_diversified_vendor_needs_the_technology_in_its_own_paragraph() -> None:
    text = (
        "Cameras and facial recognition are spreading across the region, analysts say.\n\n"
        "Orange agreed to buy a rival business in Senegal, the company said."
    )
    assert _pairs(text) == set()
    assert _pairs("Orange installed CCTV cameras for the police in Dakar.") == {("Orange", "SEN")}


def test_a_capital_as_supplier_and_a_former_name_is_not_a_supplier() -> None:
    beijing = extract_claims(_doc("Beijing supplied facial recognition systems to Ecuador and Bolivia."))
    assert {(c.vendor, c.vendor_country, c.country) for c in beijing} == {(None, "CHN", "ECU"), (None, "CHN", "BOL")}
    former = "IDEMIA, formerly known as Safran Identity and Security, supplied biometric kits to Guinea."
    assert _pairs(former) == {("IDEMIA", "GIN")}
