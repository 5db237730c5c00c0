"""The project's own extraction test passages (tests/data/extract_eval, and the blind set
tests/data/extract_blind written without reading the rules): the files follow the dev-set format, and
``countersight eval`` scores every passage. No F1 threshold is asserted here;
quality is measured with ``countersight eval`` (docs/extraction.md)."""

from __future__ import annotations

import json
from pathlib import Path

import pycountry
import pytest

from countersight.publish.cli import main
from countersight.reference.loader import load_yaml
from countersight.reference.vendors import resolve_org
from paths import TEST_DATA

DATA = TEST_DATA
EVAL_DIRS = [DATA / "extract_eval", DATA / "extract_blind"]
STATUSES = {"reported", "planned", "cancelled", "denied"}


def _gold(eval_dir: Path) -> list[dict]:
    return [json.loads(line) for line in (eval_dir / "gold.jsonl").read_text("utf-8").splitlines() if line.strip()]


@pytest.mark.parametrize("eval_dir", EVAL_DIRS, ids=lambda d: d.name)
def test_passages_follow_the_devset_format(eval_dir: Path) -> None:
    gold = _gold(eval_dir)
    ids = [g["id"] for g in gold]
    assert len(ids) >= 40 and len(set(ids)) == len(ids)
    assert sorted(p.stem for p in eval_dir.glob("*.txt")) == sorted(ids)
    assert sum(1 for g in gold if not g["deployments"]) >= 10  # negatives: no claim expected
    technologies = {t["id"] for t in load_yaml("technologies.yaml")}
    for g in gold:
        assert {"id", "url", "title", "published", "deployments", "notes"} <= set(g), g["id"]
        text = (eval_dir / f"{g['id']}.txt").read_text("utf-8")
        for dep in g["deployments"]:
            where = f"{g['id']}: {dep}"
            assert dep["evidence"] in text, where
            assert dep.get("financing_evidence", dep["evidence"]) in text, where
            assert pycountry.countries.get(alpha_3=dep["country"]) is not None, where
            assert dep["technology"] in technologies, where
            assert set(dep.get("technology_alternatives", [])) <= technologies, where
            assert dep["status"] in STATUSES, where
            if dep["vendor_canonical"] is None:
                assert dep["vendor_country"], where  # a country as supplier
            else:
                org = resolve_org(dep["vendor_canonical"])
                assert org is not None and org.name == dep["vendor_canonical"], where
                assert org.home_country == dep["vendor_country"], where


@pytest.mark.parametrize("eval_dir", EVAL_DIRS, ids=lambda d: d.name)
def test_eval_scores_every_passage(eval_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["eval", str(eval_dir), "--format", "json"]) == 0
    result = json.loads(capsys.readouterr().out)
    gold = _gold(eval_dir)
    assert set(result["documents"]) == {g["id"] for g in gold}
    for doc in result["documents"].values():
        assert set(doc) == {"missed", "false"}
        for pair in doc["missed"] + doc["false"]:
            assert len(pair) == 2 and len(pair[1]) == 3  # (supplier key, recipient ISO3)
    pairs = result["pairs"]
    assert {"precision", "recall", "f1", "tp", "fp", "fn"} <= set(pairs)
    assert {"precision", "recall", "f1"} <= set(result["triples"])
    # Every gold (supplier, recipient) pair is either found or listed as missed.
    n_gold = sum(
        len({(d["vendor_canonical"] or d["vendor_country"], d["country"]) for d in g["deployments"]}) for g in gold
    )
    assert pairs["tp"] + pairs["fn"] == n_gold
    assert pairs["fn"] == sum(len(d["missed"]) for d in result["documents"].values())
    assert pairs["fp"] == sum(len(d["false"]) for d in result["documents"].values())
    assert sum(row["claims"] for row in result["calibration"]) >= pairs["tp"] + pairs["fp"]


def test_the_train_help_names_the_default_regularisation(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The help text states the pair scorer's default C, which lives in fitting.PAIR_C."""
    from countersight.extract.fitting import PAIR_C

    monkeypatch.setenv("COLUMNS", "200")
    try:
        main(["train", "--help"])
    except SystemExit as exc:  # --help ends the command
        assert exc.code in (0, None)
    assert f"(default: {PAIR_C})" in capsys.readouterr().out
