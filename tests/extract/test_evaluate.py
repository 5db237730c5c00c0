"""The eval scorer on a tiny fixture written for the project."""

import json
from pathlib import Path

from countersight.extract.evaluate import compare, evaluate, supplier_key
from countersight.extract.gold import GoldDeployment


def test_supplier_key_drops_legal_suffixes() -> None:
    assert supplier_key("Huawei Technologies Co., Ltd.", None) == "huawei"
    assert supplier_key(None, "CHN") == "chn"


def test_scorer_counts_pairs_and_triples(tmp_path: Path) -> None:
    (tmp_path / "001.txt").write_text("Huawei installed CCTV cameras in Kenya in 2018.", "utf-8")
    gold = {
        "id": "001",
        "deployments": [
            {"vendor": "Huawei", "country": "KEN", "technology": "video_surveillance"},
            {"vendor": "ZTE", "country": "KEN", "technology": "safe_city"},
        ],
    }
    (tmp_path / "gold.jsonl").write_text(json.dumps(gold) + "\n", "utf-8")
    result = evaluate(tmp_path).as_dict()
    assert result["pairs"]["tp"] == 1 and result["pairs"]["fn"] == 1 and result["pairs"]["fp"] == 0
    assert result["technology_accuracy"] == 1.0
    assert result["documents"]["001"]["missed"] == [["zte", "KEN"]]
    (row,) = result["calibration"]
    assert row["claims"] == 1 and row["right"] == 1 and row["share_right"] == 1.0


def test_claims_are_matched_as_the_held_out_sets_are_scored() -> None:
    """A company claim names its home country too: it may match a country-only gold pair, and
    its company form is then a false pair; a country claim beside a company claim for the same
    recipient is not counted against the extractor."""
    country_only = [GoldDeployment(country="ECU", vendor_country="CHN", technology="safe_city")]
    cmp = compare(country_only, [("Huawei", "CHN", "ECU", "safe_city")])
    assert cmp.matched == {("c", "chn", "ECU")} and cmp.false == {("v", "huawei", "ECU")}
    company = [GoldDeployment(country="KEN", vendor="Huawei", technology="safe_city")]
    cmp = compare(company, [("Huawei", "CHN", "KEN", "safe_city"), (None, "CHN", "KEN", "safe_city")])
    assert cmp.matched == {("v", "huawei", "KEN")} and cmp.false == set()
    # Alone, a wrong country claim is false.
    assert compare(company, [(None, "CHN", "UGA", None)]).false == {("c", "chn", "UGA")}
    # The technology: the gold label or an accepted alternative.
    alt = [GoldDeployment(country="KEN", vendor="Huawei", technology="safe_city", technology_alternatives=("other",))]
    cmp = compare(alt, [("Huawei Technologies", None, "KEN", "other")])
    assert cmp.predicted == {("v", "huawei", "KEN"): {"other"}} and cmp.matched == {("v", "huawei", "KEN")}
