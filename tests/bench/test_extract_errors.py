"""The error breakdown bench: each gold pair's fate, each false claim's place."""

from __future__ import annotations

import dataclasses
import json
from collections import Counter
from pathlib import Path

import pytest

from countersight.extract import _homes
from countersight.extract.gold import GoldDeployment
from countersight.extract.model import Calibration, Linear, Model, bundled
from countersight.extract.training import Passage, gold_key
from paths import TEST_DATA, bench_module

BENCH = bench_module("extract_errors")


def _same_sentence_model() -> Model:
    """Every pair of one sentence is a claim, no other (raw score = probability, threshold 0.5)."""
    return dataclasses.replace(
        bundled(), pair=Linear({"win=same": 3.0}, -2.0), calibration=Calibration((), ()), threshold=0.5
    )


def _dep(vendor: str, country: str) -> GoldDeployment:
    return GoldDeployment(country=country, vendor=vendor)


PASSAGE = (
    "Hikvision installed surveillance cameras in Kenya last year. Huawei sold phones in Egypt.\n\n"
    "Dahua signed a contract with the ministry.\n\n"
    "The ministry of Uganda praised the new system."
)


def test_each_gold_pair_gets_one_fate_and_each_false_claim_its_place() -> None:
    gold = [_dep("Hikvision", "KEN"), _dep("Dahua", "UGA"), _dep("Hikvision", "ZMB"), _dep("Axis", "TZA")]
    fates, false = BENCH.fates(PASSAGE, gold, _same_sentence_model(), _homes(), [(0, len(PASSAGE))])
    assert fates == Counter(
        {
            "accepted": 1,  # Hikvision, Kenya: one sentence
            "below: nearby paragraphs": 1,  # Dahua, Uganda: two paragraphs apart
            "none: recipient not found": 1,  # Zambia is never named
            "none: neither supplier nor recipient found": 1,  # nor is Axis, nor Tanzania
        }
    )
    assert false == [(0, "v:Huawei", "EGY")]


def test_a_supplier_found_without_its_country_and_a_pair_never_in_one_window() -> None:
    text = "Axis cameras are on sale in Kenya.\n\nSurveillance news.\n\nThe Nairobi county praised Dahua."
    gold = [_dep("Axis", "KEN"), _dep("Hikvision", "KEN")]
    fates, _false = BENCH.fates(text, gold, _same_sentence_model(), _homes(), [(0, len(text))])
    assert fates["none: supplier not found"] == 1  # Kenya is named, Hikvision is not
    assert fates["accepted"] == 1
    assert BENCH.fates("No place named here.", gold, _same_sentence_model(), _homes(), [(0, 20)])[0] == Counter(
        {"none: passage not read": 2}
    )


def test_framed_false_claims_are_told_apart_by_the_passage_they_come_from() -> None:
    positive = Passage("p1", "Hikvision installed surveillance cameras in Kenya.", "en", (_dep("Hikvision", "KEN"),))
    loud = Passage("n1", "Huawei sold surveillance cameras in Egypt.", "en", ())
    quiet = Passage("n2", "The weather in Peru was mild.", "en", ())
    out = BENCH.fold_errors([positive, loud, quiet], _same_sentence_model(), _homes())
    assert out["plain"]["accepted"] == 1 and out["plain"]["false: in the passage"] == 1  # n1 alone
    framed = out["framed"]  # p1 between n1 and n2; n1 and n2 alone too
    assert framed["accepted"] == 1
    assert framed["false: around it, as when read alone"] == 1
    assert framed["false: in the passage"] == 1  # n1, read alone
    lines = BENCH.report(out)
    assert any(ln.startswith("    the negative's own, read alone") and ln.split()[-1] == "1" for ln in lines)


def test_the_breakdown_adds_up_to_the_gold_pairs_of_fit_and_dev(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = tmp_path / "c"
    root.mkdir()
    rows = [json.loads(ln) for ln in (TEST_DATA / "extract_eval" / "gold.jsonl").read_text().splitlines() if ln]
    with (root / "gold.jsonl").open("w", encoding="utf-8") as out:
        for i, row in enumerate(rows):
            out.write(json.dumps({**row, "split": "dev" if i % 4 == 0 else "train", "lang": "en"}) + "\n")
            (root / f"{row['id']}.txt").symlink_to(TEST_DATA / "extract_eval" / f"{row['id']}.txt")
    assert BENCH.main([str(root), "--cv", "2", "--seeds", "13", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["seeds"] == [13] and report["folds"] == 2
    ids = BENCH.Q.corpus_splits(root, 30, "blind3")
    by_id = {r["id"]: r for r in rows}
    expected = sum(
        len({gold_key(GoldDeployment.from_json(d)) for d in by_id[i]["deployments"]}) for i in ids["fit"] + ids["dev"]
    )
    for name in ("plain", "framed"):
        counts = report["counts"][name]
        assert sum(v for k, v in counts.items() if not k.startswith("false")) == expected
        assert counts["accepted"] > 0
    assert not any(k.startswith("false: around") for k in report["counts"]["plain"])


def test_bad_arguments_are_refused_in_one_line(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert BENCH.main([str(tmp_path), "--cv", "1"]) == 2
    assert capsys.readouterr().err.strip() == "error: --cv needs at least 2 folds"
    assert BENCH.main([str(tmp_path)]) == 2
    assert capsys.readouterr().err.strip().startswith("error: no gold.jsonl")
