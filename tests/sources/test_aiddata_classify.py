"""The AidData classifier and normalisers (sources/aiddata_classify.py): tiers against the
hand-checked tiers of the subset files, flow types to instruments, statuses, amounts stated in
titles, concessionality and the operating agency."""

from __future__ import annotations

import csv

import pytest

from countersight.sources.aiddata_classify import (
    GOV_ICT,
    POLICING,
    SURVEILLANCE,
    amount_in_title,
    claim_status,
    classify,
    coded_tier,
    concessional,
    instrument,
    operating_agency,
    rules,
    technology_terms,
)
from countersight.sources.aigs import bundled

SUBSETS = (
    "finance/aiddata_huawei_finance_gcdf2_surveillance.csv",
    "finance/aiddata_gcdf2_geocoded_surveillance.csv",
    "finance/aiddata_military_finance_gcdf2_surveillance.csv",
)


def _rows(name: str) -> list[dict[str, str]]:
    with bundled(name).open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.mark.parametrize("name", SUBSETS)
def test_classifier_agrees_with_every_coded_tier(name: str) -> None:
    rows = _rows(name)
    mismatches = [
        (r["AidData TUFF Project ID"], classify(r["Title"], r.get("Description", "")).tier, r["surveillance_tier"])
        for r in rows
        if classify(r["Title"], r.get("Description", "")).tier != coded_tier(r["surveillance_tier"])
    ]
    assert rows and mismatches == []


def test_classifier_on_the_whole_huawei_file() -> None:
    coded = {r["AidData TUFF Project ID"]: coded_tier(r["surveillance_tier"]) for r in _rows(SUBSETS[0])}
    full = _rows("finance/aiddata_huawei_finance_gcdf2.csv")
    ours = {r["AidData TUFF Project ID"]: classify(r["Title"], r["Description"]).tier for r in full}
    # Surveillance or not: full agreement (the six tier-1 rows and nothing else).
    assert {p for p, t in ours.items() if t == 1} == {p for p, t in coded.items() if t == 1}
    # Exact tiers: two rows outside the subset carry a policing / government-ICT word the subset's
    # hand check left out (an earthquake "command center", a relief donation via the interior ministry).
    differing = sorted(p for p, t in ours.items() if t != coded.get(p))
    assert len(full) == 165 and differing == ["41043", "87627"]


def test_rules_instrument_and_title_amounts() -> None:
    assert amount_in_title("China Eximbank provides RMB 850 million government concessional loan") == (
        850_000_000.0,
        "CNY",
        "RMB 850 million",
    )
    assert amount_in_title("provides $8.36 million government concessional loan")[:2] == (8_360_000.0, "USD")
    assert amount_in_title("donates computers to schools") is None
    assert instrument("Loan", True, "x") == "concessional loan"
    assert instrument("Loan", None, "x") == "loan"
    assert instrument("Export Buyer's Credit", None, "preferential buyer's credit for Safe City") == (
        "preferential buyer's credit"
    )
    assert instrument("Scholarships/training in the donor country", True, "x") == "technical assistance"
    assert classify("Huawei donates 40 computers", "used by the police").tier == 2


def test_the_rules_file_has_every_part() -> None:
    r = rules()
    assert "concessional loan" in r["instruments"] and r["technology_priority"][-1] == "other"
    assert all(rule["instrument"] in r["instruments"] for rule in r["flow_types"])


def test_tiers_and_technologies_of_invented_titles() -> None:
    cls = classify("Supply of facial recognition cameras for the safe city of Lusaka", "and a data centre")
    assert cls.tier == SURVEILLANCE and cls.technology == "safe_city"
    assert cls.technologies[0] == "safe_city" and "facial_recognition" in cls.technologies
    # A weak term alone does not make a title about surveillance.
    assert classify("Cameras for the national museum").tier is None
    assert classify("New data centre for the tax office").tier == GOV_ICT
    assert classify("Vehicles for the gendarmerie").tier == POLICING
    assert classify("A bridge over the river").technologies == ()
    assert ("security camera", "video_surveillance") in technology_terms("one security camera", weak=False)


def test_cells_normalised() -> None:
    assert coded_tier("1_surveillance_core") == 1 and coded_tier("") is None
    assert concessional("Yes", None) is True and concessional("vague", None) is None
    assert concessional(None, "ODA-like") is True and concessional("", "OOF-like") is None
    assert claim_status("Pipeline: Pledge") == "planned" and claim_status(" Cancelled ") == "cancelled"
    assert claim_status("Paused forever") is None
    assert instrument("Barter", None, "x") == "other"
    assert amount_in_title("EUR 2.5 billion for cameras") == (2_500_000_000.0, "EUR", "EUR 2.5 billion")


def test_operating_agency_skips_generic_borrowers() -> None:
    assert operating_agency(["Ministry of Interior"], [], set()) == "Ministry of Interior"
    receiving = ["Government of Zambia", "Ministry of Finance"]
    assert operating_agency(receiving, ["Huawei", "Zambia Police Service"], {"Huawei"}) == "Zambia Police Service"
    assert operating_agency(["Government of Zambia"], ["Acme Contractors Ltd"], set()) is None
