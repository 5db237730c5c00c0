"""Benchmark: extraction quality on a labeled corpus, dev and a blind split side by side.

The protocol every figure in docs/extraction.md is measured with, as one command. The corpus's
``train`` passages are cut in two by a hash of their id: a blind part (``--blind-percent``, 30 by
default), never tuned on, and a fit part the model is trained on; ``dev`` is the corpus's dev
split, on which choices are made. For each seed the model is trained on fit
(``countersight.extract.training.train``, as ``countersight train`` does) and scored on dev and on
blind, plain and framed: each positive passage between two negative passages, chosen as the
held-out scorer's ``--hard`` chooses them (the sorted negatives, the i-th and the (i+3)-th), so
that each negative is read many times, as in a long article. The seed decides the framing of
the training passages and the folds of the stacked sentence scorer, and one seed's dev figure
is off the mean by 0.025 (standard deviation, pair F1); two means of four seeds of the same code
differed by 0.025 on dev framed. So the mean over eight seeds is the figure to compare, with the
``sd`` row beside it (the mean's own error is about sd / 3), and the gap between dev and blind is
the figure to watch. The rules alone (``--model none``) are scored in the same run.

Scoring is ``countersight.extract.evaluate.score_passages`` by default, which matches claims to
gold pairs as the held-out scorer does (the same figures for seeds 13 and 7, rules included);
``--scorer FILE`` scores with an external script of the held-out scorer's interface instead
(``FILE GOLD_DIR --cmd CMD --json [--hard]``), running ``countersight extract`` on files.
``--by-language`` adds plain pair F1 per language over dev and blind together (built-in
scoring), with the number of gold pairs behind each figure. ``--bootstrap N`` adds, for each set,
the learned extractor's pair F1 less the rules' (the seeds' counts pooled) with a 95% interval
from N resamples of the passages: the seeds say how much training moves a figure, this how much
the choice of 70 or 80 passages does. The corpus texts are read where they
are and are never copied into the repository.

``--cv K`` answers a different question, with less noise: whether a change ranks pairs better.
It cross-validates over fit and dev together (289 passages, K folds by a hash of seed and id;
blind stays untouched), pools the pairs of every fold, and reports average precision (over the
gold pairs; a pair no candidate reaches counts as missed), the pair F1 of the best single cut,
the pair F1 at each model's own threshold, and the rules' pair F1 on the same folds, plain and
framed (each positive among its own fold's negatives). Dev and blind are 69 and 78 passages: a
change can gain 0.03 on one and lose as much on the other, and the cross-validation over four
times the passages is what decides (docs/extraction.md). ``--against REPORT.json`` (an earlier
``--json`` report of the same kind, say of the code before a change) adds each figure's mean
difference seed by seed and the number of seeds better: the same seed means the same splits,
folds and framing, so a paired difference shows far smaller effects than two runs' spreads.

    .venv/bin/python bench/extract_quality.py ../shared/data/corpus/passages [--seeds 13 7 21 42 1 2 3 4]
        [--blind-percent 30] [--salt blind3] [--scorer ../shared/tools/score.py] [--by-language]
        [--bootstrap 2000] [--json]
    .venv/bin/python bench/extract_quality.py ../shared/data/corpus/passages --cv 5 --seeds 1 2 3 4
        [--json > before.json] [--against before.json]

Needs scikit-learn (the ``train`` extra). About 15 s per seed on one core with the built-in scorer
(two minutes for the default eight), twice that with ``--scorer``, about a minute per seed with
``--cv 5``;
Ctrl-C reports the seeds done.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

from countersight.extract import _homes
from countersight.extract.evaluate import Score, score_passages
from countersight.extract.fitting import FAMILIES
from countersight.extract.learned import best_candidates, prepare
from countersight.extract.model import Model
from countersight.extract.training import Passage, candidate_keys, gold_key, read_corpus, train

# Between the passages of a framed text, as the held-out scorer joins them.
FRAME_JOIN = "\n\n"
SETS: tuple[tuple[str, bool], ...] = (("dev", False), ("dev", True), ("blind", False), ("blind", True))


def _gold_lines(root: Path) -> dict[str, tuple[str, dict[str, object]]]:
    """Each passage's gold line, as written and parsed, by id."""
    out = {}
    for line in (root / "gold.jsonl").read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            out[str(row["id"])] = (line, row)
    return out


def cannot_train_on(corpus: Path) -> str | None:
    """Why a bench cannot train on this corpus directory (no gold.jsonl, no scikit-learn), or None."""
    if not (corpus / "gold.jsonl").is_file():
        return f"no gold.jsonl in {corpus}"
    try:
        import sklearn  # noqa: F401
    except ImportError:
        return "training needs scikit-learn: pip install 'countersight[train]'"
    return None


def corpus_splits(root: Path, blind_percent: int, salt: str) -> dict[str, list[str]]:
    """Passage ids of dev (the corpus's own split), blind and fit (the rest of train, by hash)."""
    out: dict[str, list[str]] = {"dev": [], "blind": [], "fit": []}
    for pid, (_line, row) in _gold_lines(root).items():
        if row.get("split") == "dev":
            out["dev"].append(pid)
        elif int(hashlib.sha256((pid + salt).encode()).hexdigest(), 16) % 100 < blind_percent:
            out["blind"].append(pid)
        else:
            out["fit"].append(pid)
    return out


def frame_parts(passages: Sequence[Passage]) -> list[tuple[Passage, Passage | None, Passage | None]]:
    """Each passage with the two negatives that frame it, chosen as the held-out scorer's
    ``--hard`` chooses them (None for a negative, which stays alone, as it does there)."""
    ordered = sorted(passages, key=lambda p: p.id)
    negatives = [p for p in ordered if not p.gold]
    if len(negatives) < 2:
        return [(p, None, None) for p in ordered]
    return [
        (p, negatives[i % len(negatives)], negatives[(i + 3) % len(negatives)]) if p.gold else (p, None, None)
        for i, p in enumerate(ordered)
    ]


def framed(passages: Sequence[Passage]) -> list[Passage]:
    """Each positive passage between two negatives (``frame_parts``); negatives stay in, alone."""
    return [
        Passage(p.id, a.text + FRAME_JOIN + p.text + FRAME_JOIN + b.text, p.lang, p.gold)
        if a is not None and b is not None
        else p
        for p, a, b in frame_parts(passages)
    ]


Counts = tuple[int, int, int]  # a passage's pair true positives, false positives, false negatives


def passage_scores(passages: Sequence[Passage], model: Model | None, hard: bool) -> list[Score]:
    """Each passage scored alone with countersight's own evaluation (each framed document when
    ``hard``): their sum is the set's score, and ``--bootstrap`` resamples them."""
    rows = framed(passages) if hard else passages
    return [score_passages([(p.id, p.text, list(p.gold))], model) for p in rows]


def _pooled(scores: Sequence[Score]) -> dict[str, Any]:
    """The scores of passages scored one by one, summed, as ``Score.as_dict`` gives them."""
    total = Score(
        tp=sum(s.tp for s in scores),
        fp=sum(s.fp for s in scores),
        fn=sum(s.fn for s in scores),
        tech_ok=sum(s.tech_ok for s in scores),
    )
    pooled: dict[str, Any] = total.as_dict()
    return pooled


def figures(scores: Sequence[Score]) -> dict[str, float]:
    """Pair and triple F1 and pair precision of passages scored one by one, pooled."""
    r = _pooled(scores)
    return {"pair_f1": r["pairs"]["f1"], "triple_f1": r["triples"]["f1"], "precision": r["pairs"]["precision"]}


def counts(scores: Sequence[Score]) -> list[Counts]:
    """Each passage's pair counts (what the bootstrap resamples)."""
    return [(s.tp, s.fp, s.fn) for s in scores]


def pooled_counts(runs: Sequence[Sequence[Counts]]) -> list[Counts]:
    """Each passage's counts summed over several runs of the same passages (the seeds)."""
    return [(sum(c[0] for c in row), sum(c[1] for c in row), sum(c[2] for c in row)) for row in zip(*runs, strict=True)]


def _pooled_f1(rows: Sequence[Counts], draw: Sequence[int]) -> float:
    tp = sum(rows[i][0] for i in draw)
    fp = sum(rows[i][1] for i in draw)
    fn = sum(rows[i][2] for i in draw)
    return 2 * tp / (2 * tp + fp + fn) if tp else 0.0


def bootstrap_difference(a: Sequence[Counts], b: Sequence[Counts], samples: int, seed: int = 0) -> dict[str, float]:
    """Pair F1 of ``a`` less that of ``b`` (per-passage counts of the same passages, in the same
    order), with a 95% interval from resampling the passages with replacement (paired: a draw
    takes both readings of each passage it draws) and the share of draws in which ``a`` is
    better. Which passages happen to be in a set of 70 or 80 moves F1 more than the training
    seed does; this says how much."""
    if len(a) != len(b) or not a:
        raise ValueError("the two readings must count the same, non-empty list of passages")
    rng = random.Random(seed)
    n = len(a)
    every = range(n)
    diffs = []
    for _ in range(samples):
        draw = [rng.randrange(n) for _ in every]
        diffs.append(_pooled_f1(a, draw) - _pooled_f1(b, draw))
    diffs.sort()
    return {
        "difference": round(_pooled_f1(a, every) - _pooled_f1(b, every), 3),
        "low": round(diffs[int(0.025 * samples)], 3),
        "high": round(diffs[max(0, int(0.975 * samples) - 1)], 3),
        "better_share": round(sum(d > 0 for d in diffs) / samples, 3),
    }


def external_score(scorer: Path, split_dir: Path, model_arg: str, hard: bool) -> dict[str, float]:
    """Pair and triple F1 from an external scorer script run on a split directory."""
    exe = Path(sys.executable).with_name("countersight")
    program = str(exe) if exe.exists() else (shutil.which("countersight") or "countersight")
    cmd = f"{shlex.quote(program)} extract --format jsonl --model {shlex.quote(model_arg)}"
    args = [sys.executable, str(scorer), str(split_dir), "--cmd", cmd, "--json", *(["--hard"] if hard else [])]
    done = subprocess.run(args, capture_output=True, text=True, check=False)
    lines = [ln for ln in done.stdout.splitlines() if ln.startswith("{")]
    if not lines:
        raise SystemExit(f"error: the scorer gave no result: {(done.stderr or done.stdout).strip()[-300:]}")
    r = json.loads(lines[-1])
    return {"pair_f1": r["f1"], "triple_f1": r["triple_f1"], "precision": r["precision"]}


def link_split(root: Path, ids: list[str], dest: Path) -> Path:
    """A gold directory of the split: the corpus's gold lines and symbolic links to its texts."""
    dest.mkdir(parents=True, exist_ok=True)
    gold = _gold_lines(root)
    (dest / "gold.jsonl").write_text("".join(gold[pid][0] + "\n" for pid in ids), encoding="utf-8")
    for pid in ids:
        (dest / f"{pid}.txt").symlink_to((root / f"{pid}.txt").resolve())
    return dest


def by_language(passages: Sequence[Passage], scores: Sequence[Score]) -> dict[str, dict[str, float]]:
    """Plain pair F1 per language on the given passages (dev and blind together), pooled from
    each passage's own score (``scores``, in the passages' order), with the number of gold pairs
    behind each figure."""
    out = {}
    for lang in sorted({p.lang for p in passages}):
        r = _pooled([s for p, s in zip(passages, scores, strict=True) if p.lang == lang])["pairs"]
        out[lang] = {"pair_f1": r["f1"], "gold_pairs": float(r["tp"] + r["fn"])}
    return out


def ranking(scored: Sequence[tuple[float, bool]], gold_pairs: int) -> dict[str, float]:
    """How well confidences rank the predicted pairs, whatever the threshold: average precision
    over the gold pairs (a gold pair no candidate reaches counts as missed) and the pair F1 of
    the best single cut (a cut takes every pair at its confidence; among equal confidences the
    wrong pairs count first, so that the order of the input does not matter)."""
    order = sorted(scored, key=lambda t: (-t[0], t[1]))
    tp = fp = 0
    ap = best = 0.0
    for i, (conf, right) in enumerate(order):
        tp += right
        fp += not right
        if right:
            ap += tp / (tp + fp)
        if i + 1 == len(order) or order[i + 1][0] != conf:
            best = max(best, 2 * tp / (tp + fp + gold_pairs))
    return {"ap": ap / gold_pairs if gold_pairs else 0.0, "best_cut_f1": best}


def scored_pairs(
    passages: Sequence[Passage], model: Model, homes: dict[str, str | None]
) -> tuple[list[tuple[float, bool]], int]:
    """Each (supplier, country) pair a passage's candidates form, with the confidence of its best
    candidate and whether it is a gold pair, and the number of gold pairs. As
    ``training.pair_level`` (which calibration reads, and which stays as it is), except that a
    gold pair counts once: a second form of it (the vendor's name and its home country) is left
    out, neither right nor wrong, as the scorer counts it."""
    out: list[tuple[float, bool]] = []
    gold_pairs = 0
    for p in passages:
        gold = {gold_key(d) for d in p.gold}
        gold_pairs += len(gold)
        prep = prepare(p.text, None, homes, model.sentence)
        if prep is None:
            continue
        found: set[tuple[str, str]] = set()
        for margin, i in sorted(best_candidates(prep, model.pair).values(), key=lambda t: -t[0]):
            hits = candidate_keys(prep, i) & gold
            if hits and hits <= found:
                continue
            found |= hits
            out.append((model.calibration(margin), bool(hits)))
    return out, gold_pairs


def cv_folds(ids: Sequence[str], folds: int, seed: int) -> dict[str, int]:
    """A passage's fold: a hash of the seed and its id."""
    return {pid: int(hashlib.sha256(f"cv{seed}:{pid}".encode()).hexdigest(), 16) % folds for pid in ids}


def fold_models(
    passages: Sequence[Passage], folds: int, seed: int, homes: dict[str, str | None], family: str = "trees"
) -> Iterator[tuple[list[Passage], Model]]:
    """Each fold's held-out passages with the model trained on the other folds (``cv_folds``)."""
    fold_of = cv_folds([p.id for p in passages], folds, seed)
    for k in range(folds):
        held = [p for p in passages if fold_of[p.id] == k]
        if held:
            yield held, train([p for p in passages if fold_of[p.id] != k], homes, seed=seed, family=family)


def cross_validated(
    passages: Sequence[Passage], folds: int, seed: int, homes: dict[str, str | None], family: str = "trees"
) -> dict[str, dict[str, float]]:
    """Train on all folds but one, score the one left out (plain, and framed among its own
    negatives), and pool the pairs of every fold: ranking quality and pair F1 at each model's
    own threshold. Pairs are keyed as training keys them (``training.gold_key``), so pair F1
    can differ slightly from the scorer's."""
    scored: dict[str, list[tuple[float, bool]]] = {"plain": [], "framed": []}
    counts: dict[str, Counter[str]] = {"plain": Counter(), "framed": Counter()}
    for held, model in fold_models(passages, folds, seed, homes, family):
        for name, rows in (("plain", held), ("framed", framed(held))):
            pairs, gold = scored_pairs(rows, model, homes)
            scored[name] += pairs
            accepted = [right for conf, right in pairs if conf >= model.threshold]
            rules = score_passages([(p.id, p.text, list(p.gold)) for p in rows], None)
            counts[name].update(
                gold=gold,
                tp=sum(accepted),
                fp=len(accepted) - sum(accepted),
                rules_tp=rules.tp,
                rules_fp=rules.fp,
                rules_fn=rules.fn,
            )

    def f1(tp: int, fp: int, fn: int) -> float:
        return 2 * tp / (2 * tp + fp + fn) if tp else 0.0

    out = {}
    for name, n in counts.items():
        out[name] = {
            **ranking(scored[name], n["gold"]),
            "f1_at_threshold": f1(n["tp"], n["fp"], n["gold"] - n["tp"]),
            "rules_f1": f1(n["rules_tp"], n["rules_fp"], n["rules_fn"]),
        }
    return out


def _across(
    tables: list[dict[str, dict[str, float]]], stat: Callable[[list[float]], float]
) -> dict[str, dict[str, float]]:
    """One statistic of each cell over several runs' tables of the same shape."""
    return {key: {m: round(stat([t[key][m] for t in tables]), 3) for m in cells} for key, cells in tables[0].items()}


def _key(split: str, hard: bool) -> str:
    return f"{split}/framed" if hard else split


def _line(name: str, scores: dict[str, dict[str, float]]) -> str:
    cells = [scores[_key(s, h)] for s, h in SETS]
    return f"{name:<12} " + "  ".join(f"{c['pair_f1']:.3f} / {c['triple_f1']:.3f}" for c in cells)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("corpus", type=Path, help="corpus directory: ID.txt passages and gold.jsonl with a split field")
    ap.add_argument("--seeds", type=int, nargs="+", default=[13, 7, 21, 42, 1, 2, 3, 4])
    ap.add_argument("--blind-percent", type=int, default=30)
    ap.add_argument("--salt", default="blind3", help="hash salt of the blind split (changing it draws another)")
    ap.add_argument("--scorer", type=Path, help="external scorer script (the held-out scorer's interface)")
    ap.add_argument("--json", action="store_true", help="print the results as one JSON object")
    ap.add_argument(
        "--by-language", action="store_true", help="also plain pair F1 per language, dev and blind together"
    )
    ap.add_argument(
        "--cv",
        type=int,
        metavar="K",
        help="instead: K-fold cross-validation over fit and dev (blind untouched), ranking quality and F1 pooled",
    )
    ap.add_argument(
        "--family", choices=FAMILIES, default="trees", help="the pair scorer's model family (default: trees)"
    )
    ap.add_argument(
        "--bootstrap",
        type=int,
        metavar="N",
        help="also the learned extractor's pair F1 less the rules', on each set, with a 95%% interval from N "
        "resamples of the passages (the seeds' counts pooled)",
    )
    ap.add_argument(
        "--against",
        type=Path,
        metavar="JSON",
        help="an earlier --json report of the same kind: add each figure's mean paired difference per seed "
        "and how many seeds are better",
    )
    args = ap.parse_args(argv)
    before = None
    if args.against is not None:
        try:
            before = read_report(args.against, "cv" if args.cv else "table")
        except ValueError as e:
            print(f"error: --against {args.against}: {e}", file=sys.stderr)
            return 2
        if not any(f"seed {seed}" in before for seed in args.seeds):
            print(f"error: --against {args.against}: none of these seeds is in it", file=sys.stderr)
            return 2
    if args.cv is not None and args.cv < 2:
        print("error: --cv needs at least 2 folds", file=sys.stderr)
        return 2
    if args.cv and (args.scorer or args.by_language or args.bootstrap):
        print(
            "error: --cv reports its own figures; --scorer, --by-language and --bootstrap are for the dev/blind table",
            file=sys.stderr,
        )
        return 2
    if args.bootstrap is not None and (args.bootstrap < 100 or args.scorer):
        print("error: --bootstrap needs at least 100 resamples, and the built-in scorer", file=sys.stderr)
        return 2
    problem = cannot_train_on(args.corpus)
    if problem:
        print(f"error: {problem}", file=sys.stderr)
        return 2
    ids = corpus_splits(args.corpus, args.blind_percent, args.salt)
    for name, members in ids.items():
        if not members:
            print(f"error: no {name} passages in {args.corpus} (dev: 'split': 'dev' in gold.jsonl)", file=sys.stderr)
            return 2
    by_id = {p.id: p for p in read_corpus([args.corpus])}
    parts = {k: [by_id[i] for i in v] for k, v in ids.items()}
    print(
        f"fit {len(parts['fit'])}, blind {len(parts['blind'])}, dev {len(parts['dev'])} passages; "
        f"pair F1 / triple F1 on: dev, dev framed, blind, blind framed",
        file=sys.stderr,
    )
    homes = _homes()
    if args.cv:
        return _cv_main(parts["fit"] + parts["dev"], args.cv, args.seeds, homes, args.json, before, args.family)
    results: dict[str, dict[str, dict[str, float]]] = {}
    languages: dict[str, dict[str, dict[str, float]]] = {}
    # Per-passage scores of each set, kept for --bootstrap: the rules', and each seed's.
    rules_scores: dict[str, list[Score]] = {}
    seed_scores: list[dict[str, list[Score]]] = []
    with tempfile.TemporaryDirectory(prefix="cs-quality-") as tmp:
        dirs = {k: link_split(args.corpus, ids[k], Path(tmp) / k) for k in ("dev", "blind")} if args.scorer else {}

        held = parts["dev"] + parts["blind"]

        def score(model: Model | None, model_arg: str, name: str) -> dict[str, list[Score]]:
            """Each set's figures into ``results`` (and ``languages`` when asked) under ``name``;
            returns (built-in scorer) each passage's score behind them."""
            out, each = {}, {}
            for s, hard in SETS:
                key = _key(s, hard)
                if args.scorer:
                    out[key] = external_score(args.scorer, dirs[s], model_arg, hard)
                else:
                    each[key] = passage_scores(parts[s], model, hard)
                    out[key] = figures(each[key])
            results[name] = out
            if args.by_language:
                # The plain sets' own passage scores when there are any: the passages are read once.
                plain = each[_key("dev", False)] + each[_key("blind", False)] if each else None
                languages[name] = by_language(held, plain or passage_scores(held, model, False))
            return each

        try:
            rules_scores = score(None, "none", "rules")
            print(_line("rules", results["rules"]), file=sys.stderr)
            for seed in args.seeds:
                t0 = time.monotonic()
                model = train(parts["fit"], homes, seed=seed, family=args.family)
                path = Path(tmp) / f"model-{seed}.json"
                path.write_text(model.to_json(), encoding="utf-8")
                seed_scores.append(score(model, str(path), f"seed {seed}"))
                took = time.monotonic() - t0
                print(_line(f"seed {seed}", results[f"seed {seed}"]) + f"   ({took:.0f} s)", file=sys.stderr)
        except KeyboardInterrupt:
            print("interrupted: the mean covers the seeds done", file=sys.stderr)
    seeds = [results[k] for k in results if k.startswith("seed ")]
    if seeds:
        results["mean"] = _across(seeds, statistics.fmean)
        if len(seeds) > 1:
            # The spread of one seed's figure: the mean's own error is about this over sqrt(seeds).
            results["sd"] = _across(seeds, statistics.stdev)
    runs = [languages[k] for k in languages if k.startswith("seed ")]
    if runs:
        languages["mean"] = _across(runs, statistics.fmean)  # gold pairs are the same in every run
    compared = paired(results, before) if before is not None else None
    against_rules = (
        {
            cell: bootstrap_difference(
                pooled_counts([counts(run[cell]) for run in seed_scores]), counts(rows), args.bootstrap
            )
            for cell, rows in rules_scores.items()
        }
        if args.bootstrap and seed_scores
        else {}
    )
    if args.json:
        report = {"splits": {k: len(v) for k, v in ids.items()}, "results": results}
        extra: dict[str, Any] = {"by_language": languages} if languages else {}
        if against_rules:
            extra["learned_less_rules"] = against_rules
        print(json.dumps({**report, **extra, **({"paired": compared} if compared else {})}, indent=1))
        return 0
    print("             dev           dev framed    blind         blind framed   (pair F1 / triple F1)")
    for name, scores in results.items():
        print(_line(name, scores))
    if compared:
        cells = [_key(s, h) for s, h in SETS]
        print(f"against {args.against.name}, paired over {_seeds(compared)}: mean difference (seeds better)")
        for metric in ("pair_f1", "triple_f1"):
            print(f"{metric:<12} " + "  ".join(_paired_cell(compared, c, metric) for c in cells))
    if against_rules:
        print(f"learned less rules, pair F1 (the seeds' counts pooled; 95% interval of {args.bootstrap} resamples):")
        for cell, b in against_rules.items():
            print(
                f"{cell:<13} {b['difference']:+.3f} [{b['low']:+.3f}, {b['high']:+.3f}]"
                f"  learned better in {b['better_share']:.0%} of resamples"
            )
    if languages:
        langs = list(next(iter(languages.values())))
        print("plain pair F1 by language, dev and blind together (gold pairs):")
        print(
            " " * 13 + "  ".join(f"{lang} ({int(languages['rules'][lang]['gold_pairs'])})".ljust(9) for lang in langs)
        )
        for name, row in languages.items():
            print(f"{name:<12} " + "  ".join(f"{row[lang]['pair_f1']:.3f}".ljust(9) for lang in langs))
    return 0


def _cv_line(name: str, scores: dict[str, dict[str, float]]) -> str:
    cells = [scores[k] for k in ("plain", "framed")]
    return f"{name:<8} " + "   ".join(
        f"{c['ap']:.3f} {c['best_cut_f1']:.3f} {c['f1_at_threshold']:.3f} {c['rules_f1']:.3f}" for c in cells
    )


def _cv_main(
    passages: list[Passage],
    folds: int,
    seeds: list[int],
    homes: dict[str, str | None],
    as_json: bool,
    before: dict[str, dict[str, dict[str, float]]] | None = None,
    family: str = "trees",
) -> int:
    """The ``--cv`` report: one row per seed, the mean and the spread."""
    print(
        f"{folds}-fold cross-validation over fit and dev ({len(passages)} passages); blind untouched", file=sys.stderr
    )
    header = "          plain: AP    best  at-thr rules   framed: AP best  at-thr rules"
    print(header, file=sys.stderr)
    results: dict[str, dict[str, dict[str, float]]] = {}
    try:
        for seed in seeds:
            t0 = time.monotonic()
            results[f"seed {seed}"] = cross_validated(passages, folds, seed, homes, family)
            took = time.monotonic() - t0
            print(_cv_line(f"seed {seed}", results[f"seed {seed}"]) + f"   ({took:.0f} s)", file=sys.stderr)
    except KeyboardInterrupt:
        print("interrupted: the mean covers the seeds done", file=sys.stderr)
    runs = list(results.values())
    if runs:
        results["mean"] = _across(runs, statistics.fmean)
        if len(runs) > 1:
            results["sd"] = _across(runs, statistics.stdev)
    compared = paired(results, before) if before is not None else None
    if as_json:
        report = {"folds": folds, "passages": len(passages), "results": results}
        print(json.dumps({"cv": {**report, **({"paired": compared} if compared else {})}}, indent=1))
        return 0
    print(header)
    for name, scores in results.items():
        print(_cv_line(name, scores))
    if compared:
        print(f"paired over {_seeds(compared)}: mean difference (seeds better)")
        for cell in ("plain", "framed"):
            metrics = ("ap", "best_cut_f1", "f1_at_threshold", "rules_f1")
            print(f"{cell:<8} " + "  ".join(f"{m} {_paired_cell(compared, cell, m)}" for m in metrics))
    return 0


def read_report(path: Path, kind: str) -> dict[str, dict[str, dict[str, float]]]:
    """The per-seed results of an earlier ``--json`` report: ``kind`` "cv" or "table" (dev and
    blind); ValueError, in one line, when the file is not such a report."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
        raise ValueError(f"not a readable JSON report ({type(e).__name__})") from None
    body = data.get("cv") if isinstance(data, dict) and kind == "cv" else data
    results = body.get("results") if isinstance(body, dict) else None
    cells = {"plain", "framed"} if kind == "cv" else {_key(s, h) for s, h in SETS}
    other = "--cv" if kind != "cv" else "dev/blind"
    if not isinstance(results, dict):
        raise ValueError(f"no per-seed results of this kind (a {other} report?)")
    seeds = [v for k, v in results.items() if k.startswith("seed ")]
    # Checked before the run, so that a wrong file does not fail at its end.
    if not seeds or not all(
        isinstance(v, dict)
        and set(v) == cells
        and all(isinstance(m, dict) and all(isinstance(x, int | float) for x in m.values()) for m in v.values())
        for v in seeds
    ):
        raise ValueError(f"no per-seed results of this kind (a {other} report?)")
    return results


def paired(
    results: dict[str, dict[str, dict[str, float]]], before: dict[str, dict[str, dict[str, float]]]
) -> dict[str, Any] | None:  # JSON: the "paired" entry of the report
    """Each figure's difference from an earlier run, seed by seed (same seeds: same splits, folds
    and framing, so the difference is far less noisy than either run's spread), as the mean
    difference and the number of seeds better; None when no seed is in both."""
    seeds = [k for k in results if k.startswith("seed ") and k in before]
    if not seeds:
        return None
    diff: dict[str, dict[str, float]] = {}
    better: dict[str, dict[str, int]] = {}
    for cell, metrics in results[seeds[0]].items():
        shared = [m for m in metrics if all(m in before[s].get(cell, {}) for s in seeds)]
        deltas = {m: [results[s][cell][m] - before[s][cell][m] for s in seeds] for m in shared}
        diff[cell] = {m: round(statistics.fmean(d), 3) for m, d in deltas.items()}
        better[cell] = {m: sum(x > 0 for x in d) for m, d in deltas.items()}
    return {"seeds": len(seeds), "difference": diff, "seeds_better": better}


def _seeds(compared: dict[str, Any]) -> str:
    n = compared["seeds"]
    return f"{n} seed" + ("" if n == 1 else "s")


def _paired_cell(compared: dict[str, Any], cell: str, metric: str) -> str:
    return f"{compared['difference'][cell][metric]:+.3f} ({compared['seeds_better'][cell][metric]}/{compared['seeds']})"


if __name__ == "__main__":
    raise SystemExit(main())
