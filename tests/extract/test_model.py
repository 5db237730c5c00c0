"""The learned extractor's model file: the linear scorers, the calibration, the JSON round trip,
and a missing, corrupt or other-format file as a one-line error."""

from __future__ import annotations

import json
import math
import random
from pathlib import Path

import pytest

from countersight.errors import CountersightError
from countersight.extract.model import FORMAT, Calibration, Linear, ModelError, Multiclass, bundled, from_json, load
from countersight.publish.cli import main


def test_linear_scores_sum_the_weights_of_known_features() -> None:
    scorer = Linear({"a": 1.0, "b": -2.0}, 0.5)
    assert scorer.margin(["a", "b", "unknown"]) == -0.5
    # Training reads features as present or absent: a word a sentence repeats counts once.
    assert scorer.margin(["a", "a", "b"]) == -0.5
    assert scorer.prob([]) == pytest.approx(1 / (1 + math.exp(-0.5)))
    assert Linear({"b": -2000.0}, 0.5).prob(["b"]) == 0.0  # far below zero without overflow


def test_explain_breaks_ties_by_name_whatever_the_order() -> None:
    """Equal weights are listed by name, so a claim's reasons are the same in every process
    (set order changes with the hash seed)."""
    scorer = Linear({"b": 0.5, "a": -0.5, "c": 0.5, "d": 0.1}, 0.0)
    expected = [("a", -0.5), ("b", 0.5), ("c", 0.5)]
    assert scorer.explain(["c", "b", "a", "d"], k=3) == expected
    assert scorer.explain(["a", "d", "b", "c"], k=3) == expected


def test_conjunctions_add_their_weight_only_when_all_their_features_are_present() -> None:
    scorer = Linear({"a": 1.0, "b": -0.5}, 0.25, {("a", "b"): 2.0, ("a", "b", "c"): -1.0, ("c", "d"): 4.0})
    assert scorer.margin(["a"]) == 1.25
    assert scorer.margin(["b", "a", "a"]) == pytest.approx(2.75)  # a repeated feature counts once
    assert scorer.margin(["a", "b", "c"]) == pytest.approx(1.75)
    assert scorer.margin(["c", "x"]) == 0.25


def test_margin_is_the_sum_over_every_conjunction_present_whatever_its_length() -> None:
    """The scoring loop's shortcut for two-feature conjunctions gives the plain definition's sum."""
    rng = random.Random(5)
    names = [f"f{i}" for i in range(12)]
    terms = {tuple(sorted(rng.sample(names, rng.choice((2, 2, 3, 4))))): rng.uniform(-2, 2) for _ in range(40)}
    scorer = Linear({n: rng.uniform(-1, 1) for n in names[:8]}, -0.3, terms)
    for _ in range(200):
        feats = rng.sample(names, rng.randint(0, len(names)))
        expected = scorer.bias + sum(scorer.weights.get(f, 0.0) for f in set(feats))
        expected += sum(w for t, w in terms.items() if set(t) <= set(feats))
        assert scorer.margin(feats) == pytest.approx(expected)


def test_contributions_share_each_conjunction_and_add_up_to_the_margin() -> None:
    """Each present feature gets its weight and an equal share of each conjunction it completes
    (the Shapley value of the sum), so the reasons add up to the score less the bias."""
    scorer = Linear({"a": 1.0, "b": -0.5}, 0.25, {("a", "b"): 2.0, ("a", "b", "c"): -1.5, ("c", "d"): 4.0})
    feats = ["a", "b", "c"]
    parts = scorer.contributions(feats)
    assert parts == pytest.approx({"a": 1.5, "b": 0.0, "c": -0.5})
    assert sum(parts.values()) == pytest.approx(scorer.margin(feats) - scorer.bias)
    assert scorer.explain(feats) == [("a", 1.5), ("c", -0.5)]  # nothing added: not a reason


def test_multiclass_probabilities_sum_to_one_and_pick_the_most_probable() -> None:
    status = Multiclass(("planned", "reported"), {"cue=planned": (2.0, -2.0)}, (0.0, 1.0))
    probs = status.probs(["cue=planned", "cue=other"])
    assert sum(probs.values()) == pytest.approx(1.0)
    assert status.predict(["cue=planned"]) == "planned" and status.predict([]) == "reported"


def test_calibration_interpolates_inside_its_table_and_clamps_outside() -> None:
    table = Calibration((0.0, 1.0, 2.0), (0.1, 0.5, 0.9))
    assert table(0.5) == pytest.approx(0.3) and table(1.5) == pytest.approx(0.7)
    assert (table(-5.0), table(9.0)) == (0.1, 0.9)
    assert Calibration((), ())(0.42) == 0.42  # no table: the raw score


def test_the_bundled_model_round_trips_to_the_same_bytes(tmp_path: Path) -> None:
    model = bundled()
    assert model.version.startswith(f"learned-{FORMAT}.") and 0.0 < model.threshold < 1.0
    assert model.pair.terms and not model.sentence.terms  # boosted trees as pairs of features
    text = model.to_json()
    path = tmp_path / "model.json"
    path.write_text(text, encoding="utf-8")
    again = load(path)
    assert again == model and again.to_json() == text


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "model file not found"),
        ("{not json", "not valid JSON"),
        ('{"hello": 1}', "not a countersight model file"),
        ("[1, 2]", "not a countersight model file"),
        ('{"format": 999}', "format 999"),
        ('{"format": 1, "version": "learned-1.x"}', "format 1, this countersight reads format 2"),
        ('{"format": 2, "version": "x"}', "incomplete or malformed"),
    ],
)
def test_bad_model_files_are_one_line_errors(
    tmp_path: Path, content: str | None, message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "model.json"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    with pytest.raises(ModelError, match=message) as caught:
        load(path)
    assert caught.value.path == str(path)
    doc = tmp_path / "a.txt"
    doc.write_text("Huawei installed CCTV cameras in Kenya.", encoding="utf-8")
    code = main(["extract", "--model", str(path), str(doc)])
    err = capsys.readouterr().err.strip()
    assert code != 0 and message in err and len(err.splitlines()) == 1
    assert issubclass(ModelError, CountersightError)


def test_an_unreadable_model_file_is_a_model_error(tmp_path: Path) -> None:
    binary = tmp_path / "model.bin"
    binary.write_bytes(b"\xff\xfe\x00 not text")
    with pytest.raises(ModelError, match="cannot read model file"):
        load(binary)
    with pytest.raises(ModelError, match="cannot read model file"):
        load(tmp_path)  # a directory
    with pytest.raises(ModelError, match="incomplete or malformed"):
        from_json('{"format": 2, "version": "v", "threshold": "high"}', "inline")


def test_a_conjunction_of_one_feature_is_a_malformed_file(tmp_path: Path) -> None:
    body = json.loads(bundled().to_json())
    body["pair"]["terms"].append([["sk=vendor"], 1.0])
    path = tmp_path / "model.json"
    path.write_text(json.dumps(body), encoding="utf-8")
    with pytest.raises(ModelError, match="fewer than two features"):
        load(path)
