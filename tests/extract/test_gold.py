"""The corpus label record: read from gold.jsonl as written, the fields training and scoring use."""

from __future__ import annotations

import pytest

from countersight.extract.gold import GoldDeployment
from countersight.extract.training import gold_key


def test_gold_deployment_from_json_reads_the_label() -> None:
    dep = GoldDeployment.from_json(
        {
            "vendor": "Huawei Technologies",
            "vendor_canonical": "Huawei",
            "vendor_country": "CHN",
            "country": "KEN",
            "technology": "safe_city",
            "technology_alternatives": ["video_surveillance"],
            "status": "",
            "evidence": "Huawei built the system.",
            "notes": "ignored",
        }
    )
    assert dep.vendor_canonical == "Huawei" and dep.country == "KEN"
    assert dep.technology_alternatives == ("video_surveillance",)
    assert dep.status is None  # an empty label is no label
    assert gold_key(dep)[1] == "KEN"


def test_gold_deployment_supplier_country_when_no_vendor() -> None:
    dep = GoldDeployment.from_json({"vendor_country": "CHN", "country": "VEN"})
    assert dep.vendor is None and gold_key(dep) == gold_key(GoldDeployment(country="VEN", vendor_country="CHN"))
    assert gold_key(dep) != gold_key(GoldDeployment(country="VEN", vendor="ZTE"))


def test_gold_deployment_needs_a_country() -> None:
    with pytest.raises(KeyError):
        GoldDeployment.from_json({"vendor": "ZTE"})
