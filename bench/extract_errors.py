"""Benchmark: where the learned extractor loses its pairs, out of fold.

``extract_quality.py`` says how good extraction is; this says where the rest goes, so that the
next change aims at the largest share. Cross-validation over fit and dev as ``extract_quality.py
--cv`` runs it (the same folds, framing and training; blind untouched), and every gold pair of
every held-out passage is given its fate:

- **accepted**: a claim names it;
- **scored below the threshold**: a candidate reaches it, by the window of its best candidate
  (the same sentence, a neighbour, the headline, the paragraph, the nearby paragraphs);
- **no candidate**: the passage is not read (it names no surveillance technology or no place),
  the supplier is never found, the recipient country is never named in a form the gazetteer
  knows, or both are found but never in one window.

Every false claim is counted where it was made: in the labeled passage, or (framed) in the
negative passages around it, and then whether that negative makes the same false claim when it is
read alone. In the framed reading each negative frames several positives, so one false claim of
a negative counts as many times (docs/extraction.md).

    .venv/bin/python bench/extract_errors.py ../shared/data/corpus/passages [--cv 5] [--seeds 1 2] [--json]

Needs scikit-learn (the ``train`` extra); about three minutes per seed on one core (five models
trained, as ``--cv`` trains them); Ctrl-C reports the seeds done.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import extract_quality as Q  # the sibling script: bench/ is on the path of a script run from it

from countersight.extract import _homes
from countersight.extract import lexicon as lx
from countersight.extract.candidates import RECIPIENT_KINDS, SUPPLIER_KINDS
from countersight.extract.evaluate import supplier_key
from countersight.extract.gold import GoldDeployment
from countersight.extract.learned import Prepared, best_candidates, prepare
from countersight.extract.model import Model
from countersight.extract.orgs import ORG
from countersight.extract.training import Passage, candidate_keys, gold_key, read_corpus

# Windows named as a reader says them.
WINDOWS = {
    "same": "same sentence",
    "prev": "neighbour",
    "next": "neighbour",
    "headline": "headline",
    "paragraph": "paragraph",
    "nearby": "nearby paragraphs",
}
NOT_READ = "passage not read"
NO_SUPPLIER = "supplier not found"
NO_RECIPIENT = "recipient not found"
NEITHER = "neither supplier nor recipient found"
NO_WINDOW = "never in one window"


def _found(prep: Prepared) -> tuple[set[str], set[str]]:
    """The supplier keys (vendor and home-country forms) and recipient countries a document names."""
    a = prep.analysis
    suppliers: set[str] = set()
    recipients: set[str] = set()
    for m in a.mentions:
        if m.kind in (lx.VENDOR, ORG):
            suppliers.add(supplier_key(m.value, None))
            home = a.homes.get(m.value) if m.kind == lx.VENDOR else None
            if home:
                suppliers.add(supplier_key(None, home))
        elif m.kind in SUPPLIER_KINDS:
            suppliers.add(supplier_key(None, m.value))
        if m.kind in RECIPIENT_KINDS:
            recipients.add(m.value)
    return suppliers, recipients


def fates(
    text: str,
    gold: Sequence[GoldDeployment],
    model: Model,
    homes: dict[str, str | None],
    parts: Sequence[tuple[int, int]],
) -> tuple[Counter[str], list[tuple[int, str, str]]]:
    """Each gold pair's fate in one document (a Counter of "accepted", "below: WINDOW" and "none:
    REASON"), and its false claims as (part, supplier key, country): ``parts`` are the character
    spans of the passages the document joins (one for a plain passage), and a claim's part is the
    one holding its supplier's sentence."""
    keys = {gold_key(d) for d in gold}
    out: Counter[str] = Counter()
    prep = prepare(text, None, homes, model.sentence)
    if prep is None:
        out[f"none: {NOT_READ}"] += len(keys)
        return out, []
    best = best_candidates(prep, model.pair)
    reached: dict[tuple[str, str], tuple[float, str]] = {}
    false: list[tuple[int, str, str]] = []
    found: set[tuple[str, str]] = set()
    # Best first, as the scorer counts: a second form of a gold pair already found is neither right nor wrong.
    for (supplier, country), (margin, i) in sorted(best.items(), key=lambda t: -t[1][0]):
        conf = model.calibration(margin)
        hits = candidate_keys(prep, i) & keys
        window = WINDOWS.get(prep.candidates[i].window, prep.candidates[i].window)
        for k in hits:
            if k not in reached or conf > reached[k][0]:
                reached[k] = (conf, window)
        if conf < model.threshold or (hits and hits <= found):
            continue
        found |= hits
        if not hits:
            start = prep.analysis.sentences[prep.candidates[i].s_sent].start
            part = next((n for n, (lo, hi) in enumerate(parts) if lo <= start < hi), len(parts) - 1)
            false.append((part, f"{supplier[0]}:{supplier[1]}", country))
    suppliers, recipients = _found(prep)
    for k in keys:
        if k in reached:
            conf, window = reached[k]
            out["accepted" if conf >= model.threshold else f"below: {window}"] += 1
        elif k[0] not in suppliers:
            out[f"none: {NO_SUPPLIER if k[1] in recipients else NEITHER}"] += 1
        elif k[1] not in recipients:
            out[f"none: {NO_RECIPIENT}"] += 1
        else:
            out[f"none: {NO_WINDOW}"] += 1
    return out, false


def fold_errors(held: Sequence[Passage], model: Model, homes: dict[str, str | None]) -> dict[str, Counter[str]]:
    """The fates and false claims of one fold's held-out passages, plain and framed."""
    plain: Counter[str] = Counter()
    by_id: dict[str, Counter[str]] = {}  # each passage read alone: a negative stays alone framed too
    alone: set[tuple[str, str, str]] = set()
    for p in held:
        got, false = fates(p.text, p.gold, model, homes, [(0, len(p.text))])
        got["false: in the passage"] += len(false)
        by_id[p.id] = got
        plain.update(got)
        alone |= {(p.id, s, c) for _part, s, c in false}
    framed: Counter[str] = Counter()
    join = len(Q.FRAME_JOIN)
    for p, a, b in Q.frame_parts(held):
        if a is None or b is None:
            framed.update(by_id[p.id])
            continue
        text = a.text + Q.FRAME_JOIN + p.text + Q.FRAME_JOIN + b.text
        lo = len(a.text) + join
        hi = lo + len(p.text)
        got, false = fates(text, p.gold, model, homes, [(0, lo), (lo, hi), (hi, len(text))])
        framed.update(got)
        for part, s, c in false:
            if part == 1:
                framed["false: in the passage"] += 1
            else:
                around = a if part == 0 else b
                own = (around.id, s, c) in alone
                framed["false: around it, as when read alone" if own else "false: around it"] += 1
    return {"plain": plain, "framed": framed}


def cross_validated_errors(
    passages: Sequence[Passage], folds: int, seed: int, homes: dict[str, str | None]
) -> dict[str, Counter[str]]:
    """``fold_errors`` summed over the folds of one seed (the folds and models of ``extract_quality.py --cv``)."""
    total: dict[str, Counter[str]] = {"plain": Counter(), "framed": Counter()}
    for held, model in Q.fold_models(passages, folds, seed, homes):
        for name, counts in fold_errors(held, model, homes).items():
            total[name].update(counts)
    return total


def report(counts: dict[str, Counter[str]]) -> list[str]:
    """The breakdown as lines: gold pairs by fate, false claims by place, plain and framed."""
    lines = [f"{'':<44} {'plain':>14} {'framed':>14}"]

    def row(label: str, key: str, prefix: bool = False, share: bool = True) -> None:
        cells = []
        for name in ("plain", "framed"):
            c = counts[name]
            n = sum(v for k, v in c.items() if k.startswith(key)) if prefix else c[key]
            total = sum(v for k, v in c.items() if not k.startswith("false"))
            cells.append(f"{n:>6}" + (f" ({n / total:4.0%})" if share and total else "       "))
        lines.append(f"{label:<44} " + " ".join(f"{x:>14}" for x in cells))

    gold = {name: sum(v for k, v in c.items() if not k.startswith("false")) for name, c in counts.items()}
    lines.append(f"{'gold pairs':<44} {gold['plain']:>14} {gold['framed']:>14}")
    row("  accepted", "accepted")
    row("  scored below the threshold", "below:", prefix=True)
    for w in dict.fromkeys(WINDOWS.values()):
        row(f"    best candidate: {w}", f"below: {w}")
    row("  no candidate", "none:", prefix=True)
    for reason in (NOT_READ, NO_SUPPLIER, NEITHER, NO_RECIPIENT, NO_WINDOW):
        row(f"    {reason}", f"none: {reason}")
    row("false claims", "false:", prefix=True, share=False)
    row("  in the labeled passage", "false: in the passage", share=False)
    row("  in the negatives around it", "false: around", prefix=True, share=False)
    row("    the negative's own, read alone", "false: around it, as when read alone", share=False)
    return lines


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("corpus", type=Path, help="corpus directory: ID.txt passages and gold.jsonl with a split field")
    ap.add_argument("--cv", type=int, default=5, metavar="K", help="folds (default 5)")
    ap.add_argument("--seeds", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--blind-percent", type=int, default=30)
    ap.add_argument("--salt", default="blind3", help="hash salt of the blind split (as extract_quality.py)")
    ap.add_argument("--json", action="store_true", help="print the counts as one JSON object")
    args = ap.parse_args(argv)
    if args.cv < 2:
        print("error: --cv needs at least 2 folds", file=sys.stderr)
        return 2
    problem = Q.cannot_train_on(args.corpus)
    if problem:
        print(f"error: {problem}", file=sys.stderr)
        return 2
    ids = Q.corpus_splits(args.corpus, args.blind_percent, args.salt)
    by_id = {p.id: p for p in read_corpus([args.corpus])}
    passages = [by_id[i] for i in ids["fit"] + ids["dev"]]
    if not passages:
        print(f"error: no fit or dev passages in {args.corpus}", file=sys.stderr)
        return 2
    homes = _homes()
    total: dict[str, Counter[str]] = {"plain": Counter(), "framed": Counter()}
    done = []
    print(f"{args.cv}-fold cross-validation over fit and dev ({len(passages)} passages)", file=sys.stderr)
    try:
        for seed in args.seeds:
            t0 = time.monotonic()
            for name, counts in cross_validated_errors(passages, args.cv, seed, homes).items():
                total[name].update(counts)
            done.append(seed)
            print(f"seed {seed} done ({time.monotonic() - t0:.0f} s)", file=sys.stderr)
    except KeyboardInterrupt:
        print("interrupted: the counts cover the seeds done", file=sys.stderr)
    if args.json:
        print(json.dumps({"seeds": done, "folds": args.cv, "counts": {k: dict(v) for k, v in total.items()}}))
        return 0
    print(f"out of fold, summed over seeds {' '.join(map(str, done)) or '(none)'}")
    print("\n".join(report(total)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
