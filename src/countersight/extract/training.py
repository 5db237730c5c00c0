"""Training the learned extractor from labeled passages (``ID.txt`` + ``gold.jsonl`` directories).

Pipeline-free and deterministic: the same directories and seed give the same model file. Each
passage gives candidate pairs labeled by the gold pairs: a candidate is positive when its pair is
a gold pair and its sentence is the gold evidence (or, when the evidence cannot be found, when
the pair is gold at all); candidates of a gold pair in other sentences are left out (neither
right nor wrong). Positive passages are also seen framed between two negative passages, as in a
long article, so that distance and focus features learn what unrelated text looks like.
Needs scikit-learn (the ``train`` extra); the model file it writes needs nothing.
"""

from __future__ import annotations

import hashlib
import json
import random
import re
from collections.abc import Callable, Iterable
from dataclasses import astuple, dataclass, field
from pathlib import Path
from typing import Any

from countersight.errors import InputError
from countersight.extract.candidates import SUPPLIER_KINDS, analyse
from countersight.extract.evaluate import supplier_key
from countersight.extract.fitting import FAMILIES, PAIR_C, fit_calibration, fit_linear, fit_multiclass, fit_pair
from countersight.extract.gold import GoldDeployment
from countersight.extract.labels import sentence_features, status_features, technology_features
from countersight.extract.learned import Prepared, best_candidates, prepare
from countersight.extract.model import FORMAT, Linear, Model

STATUSES = ("reported", "planned", "cancelled", "denied")
# The boosted scorer's decision threshold, a calibrated probability chosen by cross-validation
# over fit and dev (the best mean of plain and framed pair F1). Chosen per model from its own
# out-of-fold pairs, as the linear scorer's is, it moved by 0.06 from fold to fold and cost 0.02
# of F1 plain and framed (docs/extraction.md).
TREES_THRESHOLD = 0.225


@dataclass(frozen=True)
class Passage:
    """A labeled text: its gold (supplier key, country) pairs with technology, status and evidence."""

    id: str
    text: str
    lang: str
    gold: tuple[GoldDeployment, ...]


@dataclass
class Examples:
    """Feature lists and labels for the three classifiers."""

    pair_x: list[list[str]] = field(default_factory=list)
    pair_y: list[int] = field(default_factory=list)
    pair_doc: list[str] = field(default_factory=list)
    tech_x: list[list[str]] = field(default_factory=list)
    tech_y: list[str] = field(default_factory=list)
    status_x: list[list[str]] = field(default_factory=list)
    status_y: list[str] = field(default_factory=list)


def read_corpus(dirs: Iterable[str | Path]) -> list[Passage]:
    """Labeled passages of one or more gold directories, sorted by id."""
    out: list[Passage] = []
    for d in dirs:
        root = Path(d)
        gold = root / "gold.jsonl"
        if not gold.is_file():
            raise InputError("no gold.jsonl in the directory", path=str(root))
        for n, line in enumerate(gold.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
                text = (root / f"{row['id']}.txt").read_text(encoding="utf-8")
                gold_rows = tuple(GoldDeployment.from_json(dep) for dep in row.get("deployments") or ())
            except (ValueError, KeyError, OSError, AttributeError) as exc:
                raise InputError(f"bad gold record ({exc})", path=str(gold), position=f"line {n}") from None
            out.append(Passage(str(row["id"]), text, str(row.get("lang") or "en"), gold_rows))
    return sorted(out, key=lambda p: p.id)


def gold_key(dep: GoldDeployment) -> tuple[str, str]:
    """The scoring key of a gold deployment: (supplier key, recipient ISO3)."""
    vendor = dep.vendor_canonical or dep.vendor
    return supplier_key(vendor, None if vendor else dep.vendor_country), dep.country


def candidate_keys(prep: Prepared, i: int) -> set[tuple[str, str]]:
    """The scoring keys a candidate's claim would match (vendor form and home-country form)."""
    c = prep.candidates[i]
    kind, value = c.supplier_key
    keys = {(supplier_key(value, None) if kind == "v" else supplier_key(None, value), c.country)}
    home = prep.analysis.homes.get(value) if kind == "v" else None
    if home:
        keys.add((supplier_key(None, home), c.country))
    return keys


def _norm(s: str) -> str:
    return re.sub(r"\W+", " ", s).strip().casefold()


def _evidence_spans(text: str, gold: Iterable[GoldDeployment]) -> dict[tuple[str, str], list[tuple[int, int]]]:
    folded = _norm(text)
    spans: dict[tuple[str, str], list[tuple[int, int]]] = {}
    for dep in gold:
        ev = _norm(dep.evidence or "")
        if len(ev) < 20:
            continue
        pos = folded.find(ev[:60])
        if pos >= 0:
            # Positions in the normalised text approximate the original's; widen by a margin.
            # The margin also takes in the sentences next to the evidence. Labeling the evidence
            # sentence alone was measured worse (docs/extraction.md, "Cross-validation decides").
            ratio = len(text) / max(1, len(folded))
            spans.setdefault(gold_key(dep), []).append((int(pos * ratio) - 40, int((pos + len(ev)) * ratio) + 40))
    return spans


def frame(passages: list[Passage], seed: int, fold_of: dict[str, int] | None = None) -> list[Passage]:
    """Each positive passage placed between two negative passages (deterministic choice); with
    ``fold_of``, negatives of the passage's own fold, so that a model held out from a fold has
    seen none of the text of that fold's framed copies."""
    out = []
    groups: dict[int, list[Passage]] = {}
    for p in passages:
        groups.setdefault(fold_of[p.id] if fold_of else 0, []).append(p)
    every = [p for p in passages if not p.gold]
    for k, group in sorted(groups.items()):
        negatives = [p for p in group if not p.gold]
        if len(negatives) < 2:  # a small corpus: any two negatives rather than no framed copy
            negatives = every
        if len(negatives) < 2:
            continue
        rng = random.Random(seed if fold_of is None else f"{seed}:{k}")
        for p in group:
            if p.gold:
                a, b = rng.sample(negatives, 2)
                out.append(Passage(p.id + "+framed", a.text + "\n\n" + p.text + "\n\n" + b.text, p.lang, p.gold))
    order = {p.id: i for i, p in enumerate(passages)}
    return sorted(out, key=lambda p: order[p.id.removesuffix("+framed")])


def sentence_examples(
    passages: Iterable[Passage], homes: dict[str, str | None]
) -> tuple[list[list[str]], list[int], list[str]]:
    """Sentences that name a supplier, labeled by whether they are a gold evidence sentence."""
    rows: list[list[str]] = []
    y: list[int] = []
    ids: list[str] = []
    for p in passages:
        a = analyse(p.text, homes)
        spans = [span for v in _evidence_spans(p.text, p.gold).values() for span in v]
        for s in a.sentences:
            if not any(m.kind in SUPPLIER_KINDS for m in a.in_span(s.start, s.end)):
                continue
            rows.append(sentence_features(p.text, s.start, s.end))
            y.append(int(any(lo <= s.start < hi or lo < s.end <= hi for lo, hi in spans)))
            ids.append(p.id)
    return rows, y, ids


def examples(
    passages: Iterable[Passage], homes: dict[str, str | None], sentence_for: Callable[[str], Linear]
) -> Examples:
    """Labeled feature lists of every candidate of every passage (``sentence_for`` gives the
    sentence scorer to use for a passage: one that did not train on it)."""
    ex = Examples()
    for p in passages:
        prep = prepare(p.text, None, homes, sentence_for(p.id))
        if prep is None:
            continue
        gold = {gold_key(d): d for d in p.gold}
        spans = _evidence_spans(p.text, p.gold)
        for i, feats in enumerate(prep.features):
            hit = candidate_keys(prep, i) & set(gold)
            if not hit:
                ex.pair_x.append(feats)
                ex.pair_y.append(0)
                ex.pair_doc.append(p.id)
                continue
            key = sorted(hit)[0]
            c = prep.candidates[i]
            sent = prep.analysis.sentences[c.s_sent]
            where = spans.get(key)
            if where and not any(a <= sent.start < b or a < sent.end <= b for a, b in where):
                continue  # the pair is stated elsewhere: this sentence is neither right nor wrong
            ex.pair_x.append(feats)
            ex.pair_y.append(1)
            ex.pair_doc.append(p.id)
            dep = gold[key]
            ex.tech_x.append(technology_features(prep.analysis, c))
            ex.tech_y.append(dep.technology or "other")
            ex.status_x.append(status_features(prep.analysis, c))
            ex.status_y.append(dep.status if dep.status in STATUSES else "reported")
    return ex


def pair_level(prep_rows: list[tuple[Passage, Prepared | None]], pair: Linear) -> tuple[list[float], list[int]]:
    """Best raw margin of every predicted (supplier, country) pair and whether it is gold."""
    raw, y = [], []
    for p, prep in prep_rows:
        if prep is None:
            continue
        gold = {gold_key(d) for d in p.gold}
        for m, i in best_candidates(prep, pair).values():
            raw.append(m)
            y.append(int(bool(candidate_keys(prep, i) & gold)))
    return raw, y


def training_docs(
    passages: list[Passage], seed: int, family: str, folds: int = 5
) -> tuple[list[Passage], dict[str, int]]:
    """The documents ``train`` reads (the passages, then each positive framed between two
    negatives) and each passage's fold."""
    fold_of = {
        pid: int(hashlib.sha256(f"{seed}:{pid}".encode()).hexdigest(), 16) % folds
        for pid in sorted({p.id for p in passages})
    }
    # Trees: framed within folds, so that the out-of-fold margins calibration reads come from
    # models that have not seen the negatives around those passages (trees remember them). The
    # linear scorer keeps its framing across folds: measured both ways, that read better for it
    # (docs/extraction.md), and it reproduces the linear models shipped before.
    return passages + frame(passages, seed, fold_of if family == "trees" else None), fold_of


def inputs_digest(
    passages: Iterable[Passage], homes: dict[str, str | None], *, seed: int = 13, family: str = "trees"
) -> dict[str, str]:
    """Digests of what a model is trained on: ``corpus`` (the passages' ids, texts and labels)
    and ``reading`` (what the code reads from the documents ``train`` reads, the framed copies
    included: the sentence scorer's rows, every candidate pair's keys and features, scored with a
    constant sentence score so that no fitted number enters, and the technology and status
    features of the candidates of a labeled pair). Stored in a model's ``meta``: when the corpus
    is the same and ``reading`` differs, the code now reads the corpus otherwise than when the
    model was trained. Passages are taken in id order, as ``read_corpus`` gives them to ``train``."""
    ps = sorted(passages, key=lambda p: p.id)
    corpus = hashlib.sha256()
    reading = hashlib.sha256()
    for p in ps:
        gold = sorted(json.dumps(astuple(d)) for d in p.gold)
        corpus.update(json.dumps([p.id, p.lang, p.text, gold]).encode())
    # A change that shows only where a negative stands beside a positive (a place the negative
    # names, read with the positive's firms) changes the model too: read the framed copies.
    ps, _folds = training_docs(ps, seed, family)
    rows, y, ids = sentence_examples(ps, homes)
    for row, label, pid in zip(rows, y, ids, strict=True):
        reading.update(json.dumps([pid, label, sorted(row)]).encode())
    constant = Linear({}, 0.0)
    for p in ps:
        prep = prepare(p.text, None, homes, constant)
        rows = [] if prep is None else _candidate_rows(prep, {gold_key(d) for d in p.gold})
        reading.update(json.dumps([p.id, rows]).encode())
    return {"corpus": corpus.hexdigest()[:16], "reading": reading.hexdigest()[:16]}


def _candidate_rows(prep: Prepared, labeled: set[tuple[str, str]]) -> list[list[Any]]:
    """Each candidate's keys and features, with its technology and status features when it is a
    labeled pair's (as ``examples`` trains the label classifiers), in a stable order."""
    rows: list[list[Any]] = []
    for i, feats in enumerate(prep.features):
        keys = candidate_keys(prep, i)
        row: list[Any] = [sorted(keys), sorted(feats)]
        if keys & labeled:
            c = prep.candidates[i]
            row += [sorted(technology_features(prep.analysis, c)), sorted(status_features(prep.analysis, c))]
        rows.append(row)
    return sorted(rows)


def model_version(blob: str) -> str:
    """A version from the content: ``learned-<format>.<hash8>``."""
    return f"learned-{FORMAT}.{hashlib.sha256(blob.encode()).hexdigest()[:8]}"


# Out-of-fold F1 is flat near its best: cuts within this much of it are taken as equally good.
THRESHOLD_PLATEAU = 0.01


def best_threshold(probs: list[float], y: list[int], gold_pairs: int) -> float:
    """The middle of the probability cuts whose pair F1 is within ``THRESHOLD_PLATEAU`` of the
    best (the upper middle of an even count): F1 is flat near its best, and the edge of that
    plateau is where out-of-fold noise decides (docs/extraction.md)."""
    order = sorted(zip(probs, y, strict=True), key=lambda t: -t[0])
    scored: list[tuple[float, float]] = []  # (cut, F1), highest cut first
    tp = fp = 0
    for i, (p, v) in enumerate(order):
        tp += v
        fp += 1 - v
        if i + 1 < len(order) and order[i + 1][0] == p:
            continue  # a cut takes every pair at its probability
        scored.append((p, 2 * tp / (2 * tp + fp + (gold_pairs - tp)) if tp else 0.0))
    if not scored:
        return 1.0
    top = max(f1 for _, f1 in scored)
    near = sorted(cut for cut, f1 in scored if f1 >= top - THRESHOLD_PLATEAU)
    return near[len(near) // 2]


def train(
    passages: list[Passage],
    homes: dict[str, str | None],
    *,
    seed: int = 13,
    c: float = PAIR_C,
    family: str = "trees",
    threshold: float | None = None,
    folds: int = 5,
    progress: Callable[[str], None] | None = None,
    meta: dict[str, Any] | None = None,  # JSON: written into the model file as given
) -> Model:
    """Train the three classifiers, calibrate the pair scores on out-of-fold predictions, and
    return the model (its version is a hash of its weights)."""
    if family not in FAMILIES:
        raise InputError(f"unknown model family {family!r}; choose from {', '.join(FAMILIES)}")
    say = progress or (lambda _m: None)
    docs, fold_of = training_docs(passages, seed, family, folds)

    def fold(pid: str) -> int:
        return fold_of[pid.split("+")[0]]

    say(f"sentence scorer on {len(docs)} passages (framed copies included), {folds} folds")
    s_rows, s_y, s_ids = sentence_examples(docs, homes)
    sentence = fit_linear(s_rows, s_y, 0.5, seed)
    held_out = {
        k: fit_linear(
            [r for r, d in zip(s_rows, s_ids, strict=True) if fold(d) != k],
            [v for v, d in zip(s_y, s_ids, strict=True) if fold(d) != k],
            0.5,
            seed,
        )
        for k in range(folds)
    }
    ex = examples(docs, homes, lambda pid: held_out[fold(pid)])
    say(f"{len(ex.pair_y)} candidate pairs, {sum(ex.pair_y)} positive")
    pair = fit_pair(ex.pair_x, ex.pair_y, family, c, seed)
    # Out-of-fold pair margins for calibration: folds by passage (a framed copy with its original).
    raw_all: list[float] = []
    y_all: list[int] = []
    raw_framed: list[float] = []
    y_framed: list[int] = []
    for k in range(folds):
        rows = [i for i, d in enumerate(ex.pair_doc) if fold(d) != k]
        sub = fit_pair([ex.pair_x[i] for i in rows], [ex.pair_y[i] for i in rows], family, c, seed)
        held = [(p, prepare(p.text, None, homes, held_out[k])) for p in docs if fold(p.id) == k]
        raw, y = pair_level(held, sub)
        raw_all += raw
        y_all += y
        # The decision threshold is chosen on documents as long as real articles: each passage
        # between unrelated ones (negatives alone count too: they are whole articles).
        framed = [(p, prep) for p, prep in held if p.id.endswith("+framed") or not p.gold]
        raw, y = pair_level(framed, sub)
        raw_framed += raw
        y_framed += y
        say(f"calibration fold {k + 1}/{folds}: {len(raw_all)} pairs so far")
    calibration = fit_calibration(raw_all, y_all)
    if threshold is None:
        gold_pairs = sum(len({gold_key(d) for d in p.gold}) for p in docs if p.id.endswith("+framed"))
        own = best_threshold([calibration(r) for r in raw_framed], y_framed, gold_pairs)
        say(f"out-of-fold threshold {own:.3f} (middle of the near-best cuts, framed passages)")
        threshold = TREES_THRESHOLD if family == "trees" else own
        say(f"threshold {threshold:.3f}")
    technology = fit_multiclass(ex.tech_x, ex.tech_y, 1.0, seed)
    status = fit_multiclass(ex.status_x, ex.status_y, 1.0, seed, STATUSES)
    draft = Model("", pair, sentence, calibration, threshold, technology, status, dict(meta or {}))
    return Model(
        model_version(draft.to_json()), pair, sentence, calibration, threshold, technology, status, dict(meta or {})
    )


def cross_validate(
    passages: list[Passage],
    homes: dict[str, str | None],
    *,
    folds: int = 5,
    seed: int = 13,
    c: float = PAIR_C,
    family: str = "trees",
    threshold: float | None = None,
    progress: Callable[[str], None] | None = None,
) -> list[dict[str, Any]]:  # JSON: per-fold rows of the `eval --cv` report
    """Train on all folds but one and score the one left out, for each fold (by passage)."""
    from countersight.extract.evaluate import score_passages

    out = []
    fold_of = {p.id: int(hashlib.sha256(f"cv{seed}:{p.id}".encode()).hexdigest(), 16) % folds for p in passages}
    for k in range(folds):
        train_set = [p for p in passages if fold_of[p.id] != k]
        test_set = [p for p in passages if fold_of[p.id] == k]
        model = train(train_set, homes, seed=seed, c=c, family=family, threshold=threshold)
        score = score_passages([(p.id, p.text, list(p.gold)) for p in test_set], model).as_dict()
        out.append(
            {
                "fold": k + 1,
                "passages": len(test_set),
                "pairs": score["pairs"],
                "triples": score["triples"],
                "brier": score["brier"],
            }
        )
        if progress:
            progress(f"fold {k + 1}/{folds}: pair F1 {score['pairs']['f1']:.3f}")
    return out
