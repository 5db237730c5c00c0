"""The eval scorer on a tiny fixture written for the project."""

import json
from pathlib import Path

from countersight.extract.evaluate import evaluate, supplier_key


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
