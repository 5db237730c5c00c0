"""Features of a candidate pair: what a reader would look at, named so that the model file and the
explanations share one vocabulary (sentences written for the project)."""

from __future__ import annotations

from countersight.extract import _homes
from countersight.extract.candidates import analyse, candidates
from countersight.extract.features import deal_side, doc_stats, features

RulePairs = dict[tuple[tuple[str, str], str], set[int]]


def _features(text: str, rule_pairs: RulePairs | None = None) -> dict[tuple[str, str, str], list[str]]:
    """Features by (supplier, recipient country, recipient surface), computed from a fresh reading."""
    a = analyse(text, _homes())
    cands = candidates(a)
    st = doc_stats(a, cands, rule_pairs or {}, {})
    return {(c.supplier.value, c.country, c.recipient.surface): features(a, c, st) for c in cands}


def test_a_feature_vector_is_deterministic() -> None:
    text = "The Chinese firm Huawei installed CCTV cameras in Lima, Peru.\n\nThe police praised the system."
    first, second = _features(text), _features(text)
    assert first == second
    assert all(len(f) == len(set(f)) for f in first.values())


def test_a_supply_sentence_naming_the_recipient_after_a_locative() -> None:
    f = _features("Huawei sold CCTV cameras to Kenya.")[("Huawei", "KEN", "Kenya")]
    for name in ("sk=vendor", "rk=country", "win=same", "order=sr", "r_locative", "sent_supply", "sent_tech"):
        assert name in f
    assert "sent_negative" not in f and "recipient_is_home" not in f
    assert "sp=none" in f  # no sentence score given


def test_the_supplier_origin_is_marked_as_such() -> None:
    """'The Chinese firm Huawei': China is Huawei's home, qualifying it, not a buyer."""
    f = _features("The Chinese firm Huawei installed CCTV cameras in Lima, Peru.")[("Huawei", "CHN", "Chinese")]
    assert {"recipient_is_home", "r_company_after", "r_origin_adjacent", "order=rs"} <= set(f)
    lima = _features("The Chinese firm Huawei installed CCTV cameras in Lima, Peru.")[("Huawei", "PER", "Lima")]
    assert {"r_in_list", "list_size=2", "rk=city"} <= set(lima) and "recipient_is_home" not in lima


def test_a_word_that_introduces_a_name_is_no_origin() -> None:
    """'Kenya called for ...': "called" introduces a name only before one ("a firm called Xyz")."""
    f = _features("Kenya called for bids after Huawei installed CCTV cameras.")[("Huawei", "KEN", "Kenya")]
    assert "r_company_after" not in f
    firm = _features("A Kenya firm said Huawei installed CCTV cameras.")[("Huawei", "KEN", "Kenya")]
    assert "r_company_after" in firm


def test_sanctions_and_other_products_are_visible_to_the_scorer() -> None:
    sanctioned = _features("Hikvision was sanctioned over cameras in Kenya.")[("Hikvision", "KEN", "Kenya")]
    assert "sent_negative" in sanctioned and "between_negative" in sanctioned
    text = "Huawei sold CCTV cameras to Kenya.\n\nHuawei also sold 5G base stations to Peru."
    peru = _features(text)[("Huawei", "PER", "Peru")]
    assert "sent_product_no_tech" in peru and "sent_tech" not in peru
    assert "s_count=2" in peru  # Huawei is named twice nearby


def test_the_rules_finding_the_pair_is_a_feature() -> None:
    text = "Huawei sold CCTV cameras to Kenya."
    with_rule = _features(text, {(("v", "Huawei"), "KEN"): {0}})[("Huawei", "KEN", "Kenya")]
    elsewhere = _features(text, {(("v", "Huawei"), "KEN"): {3}})[("Huawei", "KEN", "Kenya")]
    without = _features(text)[("Huawei", "KEN", "Kenya")]
    assert {"rule_pair", "rule_pair_here"} <= set(with_rule)
    assert "rule_pair" in elsewhere and "rule_pair_here" not in elsewhere
    assert "rule_pair" not in without


def test_a_supplier_among_many_firms_is_marked() -> None:
    """A ban list or a market survey names many firms in one sentence; a deal seldom does."""
    text = "The United States banned cameras made by Hikvision, Dahua and Huawei."
    f = _features(text)[("Dahua", "USA", "United States")]
    assert {"s_in_list", "sent_suppliers=3"} <= set(f)
    single = _features("Huawei sold CCTV cameras to Kenya.")[("Huawei", "KEN", "Kenya")]
    assert "sent_suppliers=1" in single and "s_in_list" not in single


def test_another_place_or_firm_between_the_two_is_marked() -> None:
    text = "Huawei sold CCTV cameras to Kenya, and then ZTE sold CCTV cameras to Peru."
    far = _features(text)[("Huawei", "PER", "Peru")]
    assert {"between_other_country", "between_other_supplier"} <= set(far)
    near = _features(text)[("Huawei", "KEN", "Kenya")]
    assert "between_other_country" not in near and "between_other_supplier" not in near
    assert "sent_countries=2" in near
    # The same firm again is not "another" ("Huawei said Huawei ..."), read from the first one.
    again = "Huawei said Huawei sold CCTV cameras to Kenya."
    a = analyse(again, _homes())
    cands = candidates(a)
    st = doc_stats(a, cands, {}, {})
    first = next(c for c in cands if c.supplier.start == 0 and c.country == "KEN")
    assert "between_other_supplier" not in features(a, first, st)


def test_which_side_of_the_deal_a_subject_takes() -> None:
    """'China has sold' makes the subject the seller, 'Kenya bought' and 'Ugandan police
    purchased' the buyer; a passive ('was sold') or a verb either side uses ('installed') says
    neither."""
    text = "Among the countries China has sold the technology to are Venezuela and Iran."
    assert deal_side(text, text.index(" has sold"), len(text)) == "sell"
    for sentence, subject, side in [
        ("Kenya bought CCTV cameras from Huawei.", "Kenya", "buy"),
        ("Kenya's government reportedly purchased CCTV cameras from Huawei.", "Kenya", "buy"),
        ("Ugandan police purchased CCTV cameras from Huawei.", "Ugandan", "buy"),
        ("La policía de Chile adquirió cámaras de Hikvision.", "Chile", "buy"),
        ("Hikvision vendió cámaras a Ecuador.", "Hikvision", "sell"),
        ("Huawei won the contract in Serbia.", "Huawei", "sell"),
        ("Huawei installed cameras in Serbia.", "Huawei", ""),
        ("Hikvision was sold cheaply.", "Hikvision", ""),
        ("Huawei, a vendor of cameras.", "Huawei", ""),
    ]:
        end = sentence.index(subject) + len(subject)
        assert deal_side(sentence, end, len(sentence)) == side, sentence
    sells = _features("Israel sold spyware to Mexico.")[("ISR", "MEX", "Mexico")]
    assert "s_sells" in sells and "r_buys" not in sells
    buys = _features("Mexico bought spyware from Israel.")[("ISR", "MEX", "Mexico")]
    assert "r_buys" in buys and "s_sells" not in buys
    reversed_ = _features("Mexico bought spyware from Israel.")[("MEX", "ISR", "Israel")]
    assert "s_buys" in reversed_
