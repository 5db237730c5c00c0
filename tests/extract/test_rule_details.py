"""Claim details the rules read from a sentence: status, buying agency, financing, and companies
the registry does not know (sentences written for the project)."""

from __future__ import annotations

import pytest

from countersight.extract import lexicon as lx
from countersight.extract.rule_details import _status, _unknown_vendors, agency_in, financing_in
from countersight.extract.sentences import split
from countersight.model import Financing


@pytest.mark.parametrize(
    ("sentence", "status"),
    [
        ("Huawei installed cameras in Lima.", "reported"),
        ("Huawei plans to install cameras in Lima.", "planned"),
        ("Cameras are to be installed in Lima by 2025.", "planned"),
        ("O governo vai adquirir câmeras para Maputo.", "planned"),
        ("The ministry cancelled the camera contract.", "cancelled"),
        ("Huawei denied selling cameras to Peru.", "denied"),
        ("Huawei has not supplied cameras to Peru.", "denied"),
        # A past delivery before a plan reports what was delivered.
        ("Hikvision installed 500 cameras in 2019, and the city plans to add more.", "reported"),
    ],
)
def test_status_from_the_sentence(sentence: str, status: str) -> None:
    assert _status(sentence) == status


def test_did_not_supply_is_a_denial() -> None:
    """The plain negation with the base verb is a denial, as the contracted one always was."""
    assert _status("Huawei did not supply cameras to Kenya.") == "denied"
    assert _status("ZTE does not sell the platform to Bolivia.") == "denied"
    assert _status("Huawei didn't supply cameras to Kenya.") == "denied"


def test_agency_is_the_agency_head_with_its_capitalised_words() -> None:
    text = "The Kenya National Police Service bought cameras from Hikvision."
    assert agency_in(text, split(text)[0], lx.find_mentions(text)) == "Kenya National Police Service"
    plain = "The police bought cameras from Hikvision."
    assert agency_in(plain, split(plain)[0], lx.find_mentions(plain)) is None


def _financing(text: str) -> Financing | None:
    ms = lx.find_mentions(text)
    return financing_in(text, split(text), lambda start, end: [m for m in ms if start <= m.start < end])


def test_financing_names_lender_instrument_amount_and_currency() -> None:
    text = "The project was financed with a $12.5 million concessional loan from China Exim Bank."
    assert _financing(text) == Financing(
        lender="Export-Import Bank of China",
        instrument="concessional loan",
        amount=12_500_000.0,
        currency="USD",
        text=text,
    )
    grant = _financing("A grant of 2 million euros paid for the cameras.")
    assert grant is not None and (grant.lender, grant.instrument, grant.amount, grant.currency) == (
        None,
        "grant",
        2_000_000.0,
        "EUR",
    )


def test_a_contract_value_alone_is_not_financing() -> None:
    assert _financing("Uganda signed a $126 million contract with Huawei for cameras.") is None


def test_unknown_companies_introduced_by_their_origin_keep_their_name() -> None:
    text = "The Chinese firm Xyz Vision installed CCTV in Harare. Israeli spyware maker Abc sold tools."
    found = [
        (m.value, m.kind, home, text[m.start : m.end]) for m, home in _unknown_vendors(text, lx.find_mentions(text))
    ]
    assert found == [("Xyz Vision", lx.VENDOR, "CHN", "Xyz Vision"), ("Abc", lx.VENDOR, "ISR", "Abc")]
    vague = "The Chinese firm said it would comply."
    assert _unknown_vendors(vague, lx.find_mentions(vague)) == []  # no name after "firm"
