"""The extraction quality bench: its splits, its framing (the held-out scorer's) and one run."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from countersight.extract.gold import GoldDeployment
from countersight.extract.training import Passage
from paths import TEST_DATA, bench_module

BENCH = bench_module("extract_quality")


def _corpus(root: Path, dev_every: int = 4, other_lang_every: int = 0) -> Path:
    """The project's fixture passages with every fourth one marked dev, the rest train (and, if
    asked, every n-th labeled with another language: the breakdown goes by the label)."""
    root.mkdir()
    rows = [json.loads(ln) for ln in (TEST_DATA / "extract_eval" / "gold.jsonl").read_text().splitlines() if ln]
    with (root / "gold.jsonl").open("w", encoding="utf-8") as out:
        for i, row in enumerate(rows):
            lang = "xx" if other_lang_every and i % other_lang_every == 1 else "en"
            out.write(json.dumps({**row, "split": "dev" if i % dev_every == 0 else "train", "lang": lang}) + "\n")
            (root / f"{row['id']}.txt").symlink_to(TEST_DATA / "extract_eval" / f"{row['id']}.txt")
    return root


def test_dev_is_the_corpus_split_and_blind_a_stable_hash_share_of_train(tmp_path: Path) -> None:
    root = _corpus(tmp_path / "c")
    ids = BENCH.corpus_splits(root, 30, "blind3")
    rows = [json.loads(ln) for ln in (root / "gold.jsonl").read_text().splitlines()]
    assert ids["dev"] == [r["id"] for r in rows if r["split"] == "dev"]
    assert sorted(ids["blind"] + ids["fit"]) == sorted(r["id"] for r in rows if r["split"] == "train")
    assert ids["blind"] and ids["fit"] and not set(ids["blind"]) & set(ids["fit"])
    assert BENCH.corpus_splits(root, 30, "blind3") == ids
    assert BENCH.corpus_splits(root, 30, "another salt")["blind"] != ids["blind"]


def test_framing_puts_each_positive_between_the_negatives_the_held_out_scorer_picks() -> None:
    dep = GoldDeployment(country="KEN", vendor="Huawei")
    ps = [
        Passage(pid, pid.upper(), "en", (dep,) if pid.startswith("p") else ()) for pid in ("n1", "n2", "n3", "p1", "p2")
    ]
    out = {p.id: p for p in BENCH.framed(ps)}
    # sorted: n1 n2 n3 p1 p2; p1 is 4th (i=3): negatives[0] and negatives[0]; p2 (i=4): [1] and [1]
    assert out["p1"].text == "N1\n\nP1\n\nN1" and out["p2"].text == "N2\n\nP2\n\nN2"
    assert out["n1"].text == "N1" and out["p1"].gold == (dep,)
    assert BENCH.framed(ps[2:]) == ps[2:]  # fewer than two negatives: nothing to frame with


def test_each_seed_is_reported_with_the_mean_and_spread_beside_the_rules(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = _corpus(tmp_path / "c")
    assert BENCH.main([str(root), "--seeds", "13", "7", "--json"]) == 0
    results = json.loads(capsys.readouterr().out)["results"]
    assert set(results) == {"rules", "seed 13", "seed 7", "mean", "sd"}
    for scores in results.values():
        assert set(scores) == {"dev", "dev/framed", "blind", "blind/framed"}
        assert all(0.0 <= v <= 1.0 for s in scores.values() for v in s.values())
    for key, cell in results["mean"].items():
        one, two = results["seed 13"][key]["pair_f1"], results["seed 7"][key]["pair_f1"]
        assert cell["pair_f1"] == pytest.approx((one + two) / 2, abs=0.001)
        assert results["sd"][key]["pair_f1"] == pytest.approx(abs(one - two) / 2**0.5, abs=0.001)
    assert results["rules"]["dev"]["pair_f1"] > 0.5  # the rules were written on these passages


def test_a_corpus_without_dev_passages_is_refused_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert BENCH.main([str(TEST_DATA / "extract_eval"), "--seeds", "13"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("error: no dev passages") and "\n" not in err


def test_by_language_splits_dev_and_blind_gold_pairs_by_language(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = _corpus(tmp_path / "c", other_lang_every=3)
    assert BENCH.main([str(root), "--seeds", "13", "--by-language", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    langs = report["by_language"]
    assert set(langs) == {"rules", "seed 13", "mean"}
    ids = BENCH.corpus_splits(root, 30, "blind3")
    rows = {json.loads(ln)["id"]: json.loads(ln) for ln in (root / "gold.jsonl").read_text().splitlines()}
    held = [rows[i] for i in ids["dev"] + ids["blind"]]
    assert set(langs["rules"]) == {"en", "xx"} == {r["lang"] for r in held}
    pairs = sum(
        len({(d.get("vendor") or d.get("vendor_country"), d["country"]) for d in r["deployments"]}) for r in held
    )
    assert sum(cell["gold_pairs"] for cell in langs["rules"].values()) == pairs
    assert langs["mean"] == langs["seed 13"]


def test_ranking_is_average_precision_over_gold_pairs_and_the_best_single_cut() -> None:
    # Three gold pairs, one never reached; two pairs tie at 0.8 (the wrong one counts first).
    scored = [(0.8, True), (0.9, True), (0.3, False), (0.8, False)]
    r = BENCH.ranking(scored, gold_pairs=3)
    assert r["ap"] == pytest.approx((1 + 2 / 3) / 3)
    assert r["best_cut_f1"] == pytest.approx(2 * 2 / (2 + 1 + 3))  # the cut at 0.8: 2 right, 1 wrong
    assert BENCH.ranking(list(reversed(scored)), gold_pairs=3) == r
    assert BENCH.ranking([], gold_pairs=0) == {"ap": 0.0, "best_cut_f1": 0.0}


def test_cv_folds_are_a_stable_hash_of_seed_and_id() -> None:
    ids = [f"p{i}" for i in range(40)]
    folds = BENCH.cv_folds(ids, 5, 13)
    assert set(folds) == set(ids) and set(folds.values()) == set(range(5))
    assert BENCH.cv_folds(ids, 5, 13) == folds and BENCH.cv_folds(ids, 5, 7) != folds


def test_cross_validation_pools_fit_and_dev_and_leaves_blind_alone(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from countersight.extract.evaluate import score_passages
    from countersight.extract.training import read_corpus

    root = _corpus(tmp_path / "c")
    assert BENCH.main([str(root), "--cv", "2", "--seeds", "13", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)["cv"]
    ids = BENCH.corpus_splits(root, 30, "blind3")
    assert report["folds"] == 2 and report["passages"] == len(ids["fit"]) + len(ids["dev"])
    assert set(report["results"]) == {"seed 13", "mean"}
    cells = report["results"]["seed 13"]
    assert set(cells) == {"plain", "framed"}
    for cell in cells.values():
        assert set(cell) == {"ap", "best_cut_f1", "f1_at_threshold", "rules_f1"}
        assert all(0.0 <= v <= 1.0 for v in cell.values())
    # Plain passages are scored one by one: pooled over the folds, the rules' F1 is the whole set's.
    held = [p for p in read_corpus([root]) if p.id in set(ids["fit"] + ids["dev"])]
    assert cells["plain"]["rules_f1"] == pytest.approx(
        score_passages([(p.id, p.text, list(p.gold)) for p in held], None).as_dict()["pairs"]["f1"]
    )
    assert cells["plain"]["ap"] > 0.0


def test_cross_validation_needs_two_folds(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert BENCH.main([str(_corpus(tmp_path / "c")), "--cv", "1", "--seeds", "13"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err[-1] == "error: --cv needs at least 2 folds"


def test_cross_validation_refuses_the_options_of_the_dev_and_blind_table(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = str(_corpus(tmp_path / "c"))
    for extra in (["--scorer", "score.py"], ["--by-language"], ["--bootstrap", "500"]):
        assert BENCH.main([root, "--cv", "5", *extra]) == 2
        err = capsys.readouterr().err.strip()
        assert err.startswith("error: --cv reports its own figures") and "\n" not in err


def test_the_bootstrap_resamples_passages_in_pairs() -> None:
    # "a" finds one more pair than "b" in each of the first four passages; the fifth is the same.
    a = [(1, 0, 0)] * 4 + [(0, 1, 1)]
    b = [(0, 0, 1)] * 4 + [(0, 1, 1)]
    got = BENCH.bootstrap_difference(a, b, 500, seed=1)
    assert got["difference"] == pytest.approx(8 / 10, abs=0.001)  # F1 8/10 against 0
    assert 0 < got["low"] <= got["difference"] <= got["high"] <= 1
    assert got["better_share"] > 0.99  # "a" fails to win only by drawing the fifth passage five times (a tie)
    assert BENCH.bootstrap_difference(a, b, 500, seed=1) == got  # a fixed seed: the same interval
    same = BENCH.bootstrap_difference(a, a, 200)
    assert same == {"difference": 0.0, "low": 0.0, "high": 0.0, "better_share": 0.0}
    with pytest.raises(ValueError):
        BENCH.bootstrap_difference(a, b[:4], 200)


def test_a_run_with_the_bootstrap_reports_learned_less_rules_per_set(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = _corpus(tmp_path / "c")
    assert BENCH.main([str(root), "--seeds", "13", "--bootstrap", "200", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    against = report["learned_less_rules"]
    assert set(against) == {"dev", "dev/framed", "blind", "blind/framed"}
    for cell, b in against.items():
        # One seed: the pooled counts are that seed's, so the difference is the table's.
        table = report["results"]["seed 13"][cell]["pair_f1"] - report["results"]["rules"][cell]["pair_f1"]
        assert b["difference"] == pytest.approx(table, abs=0.002)
        assert b["low"] <= b["difference"] <= b["high"] and 0 <= b["better_share"] <= 1
    assert BENCH.main([str(root), "--seeds", "13", "--bootstrap", "10"]) == 2
    assert (
        capsys.readouterr()
        .err.strip()
        .endswith("error: --bootstrap needs at least 100 resamples, and the built-in scorer")
    )


def test_paired_differences_are_taken_seed_by_seed() -> None:
    before = {"seed 1": {"plain": {"ap": 0.30}}, "seed 2": {"plain": {"ap": 0.40}}, "mean": {"plain": {"ap": 0.35}}}
    after = {"seed 1": {"plain": {"ap": 0.33}}, "seed 2": {"plain": {"ap": 0.39}}, "seed 3": {"plain": {"ap": 0.9}}}
    # Seed 3 is not in the earlier run, and the mean is no seed: neither counts.
    assert BENCH.paired(after, before) == {
        "seeds": 2,
        "difference": {"plain": {"ap": pytest.approx(0.01)}},
        "seeds_better": {"plain": {"ap": 1}},
    }
    assert BENCH.paired({"seed 9": after["seed 1"]}, before) is None


def test_a_run_against_an_earlier_report_gives_paired_differences(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = _corpus(tmp_path / "c")
    assert BENCH.main([str(root), "--cv", "2", "--seeds", "13", "--json"]) == 0
    earlier = json.loads(capsys.readouterr().out)
    # The same code against itself: every difference is nought and no seed is better.
    (tmp_path / "before.json").write_text(json.dumps(earlier), encoding="utf-8")
    assert (
        BENCH.main([str(root), "--cv", "2", "--seeds", "13", "--json", "--against", str(tmp_path / "before.json")]) == 0
    )
    report = json.loads(capsys.readouterr().out)["cv"]
    assert report["results"]["seed 13"] == earlier["cv"]["results"]["seed 13"]
    assert report["paired"]["seeds"] == 1
    assert all(v == 0.0 for cell in report["paired"]["difference"].values() for v in cell.values())
    assert all(v == 0 for cell in report["paired"]["seeds_better"].values() for v in cell.values())
    # A worse earlier run: every ranking figure is better now, by exactly the amount taken off.
    worse = json.loads(json.dumps(earlier))
    worse["cv"]["results"]["seed 13"]["plain"]["ap"] -= 0.25
    (tmp_path / "worse.json").write_text(json.dumps(worse), encoding="utf-8")
    assert BENCH.main([str(root), "--cv", "2", "--seeds", "13", "--against", str(tmp_path / "worse.json")]) == 0
    out = capsys.readouterr().out
    assert "paired over 1 seed:" in out and "ap +0.250 (1/1)" in out


@pytest.mark.parametrize(
    ("content", "args", "message"),
    [
        ("{not json", ["--cv", "2"], "not a readable JSON report (JSONDecodeError)"),
        (
            '{"results": {"seed 13": {"dev": {}}}}',
            ["--cv", "2"],
            "no per-seed results of this kind (a dev/blind report?)",
        ),
        (
            '{"cv": {"results": {"seed 13": {"plain": {}, "framed": {}}}}}',
            [],
            "no per-seed results of this kind (a --cv report?)",
        ),
        (
            '{"cv": {"results": {"seed 13": {}}}}',
            ["--cv", "2"],
            "no per-seed results of this kind (a dev/blind report?)",
        ),
        ('{"cv": {"results": {"seed 7": {"plain": {}, "framed": {}}}}}', ["--cv", "2"], "none of these seeds is in it"),
    ],
)
def test_an_earlier_report_of_another_kind_is_refused_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str, args: list[str], message: str
) -> None:
    report = tmp_path / "before.json"
    report.write_text(content, encoding="utf-8")
    root = str(_corpus(tmp_path / "c"))
    assert BENCH.main([root, *args, "--seeds", "13", "--against", str(report)]) == 2
    err = capsys.readouterr().err.strip()
    assert err == f"error: --against {report}: {message}"
