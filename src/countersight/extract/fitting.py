"""Fitting the learned extractor's classifiers with scikit-learn (the ``train`` extra), each
returned as the plain weights the model file stores: logistic regressions, boosted trees as the
sum they compute, the multinomial label classifiers and the calibration map."""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

from countersight.errors import InputError
from countersight.extract.model import Calibration, Linear, Multiclass

# Inverse L2 regularisation of the linear pair scorer (``family="linear"``): chosen on dev, means
# over four seeds (0.08, 0.15, 0.3, 0.6; docs/extraction.md).
PAIR_C = 0.15
# The pair scorer's model families: boosted trees (the default) and logistic regression.
FAMILIES = ("trees", "linear")
# Boosted trees of the pair scorer: depth two (each tree reads at most three features, so the
# forest is a sum over features and pairs of features), chosen by cross-validation against depth
# three (docs/extraction.md).
TREES = {"n_estimators": 300, "max_depth": 2, "learning_rate": 0.1, "subsample": 0.8, "min_samples_leaf": 20}


def _vectorize(rows: list[list[str]], vocab: dict[str, int] | None = None) -> tuple[Any, dict[str, int]]:
    from scipy.sparse import csr_matrix

    if vocab is None:
        vocab = {f: i for i, f in enumerate(sorted({f for r in rows for f in r}))}
    data, ind, ptr = [], [], [0]
    for r in rows:
        cols = sorted({vocab[f] for f in r if f in vocab})
        ind.extend(cols)
        data.extend([1.0] * len(cols))
        ptr.append(len(ind))
    return csr_matrix((data, ind, ptr), shape=(len(rows), len(vocab))), vocab


def fit_linear(x_rows: list[list[str]], y: list[int], c: float, seed: int) -> Linear:
    """L2-regularised logistic regression, class-balanced."""
    from sklearn.linear_model import LogisticRegression

    x, vocab = _vectorize(x_rows)
    clf = LogisticRegression(C=c, class_weight="balanced", max_iter=5000, random_state=seed, solver="liblinear")
    clf.fit(x, y)
    names = sorted(vocab, key=vocab.__getitem__)
    return Linear(
        {n: float(w) for n, w in zip(names, clf.coef_[0], strict=True) if abs(w) > 1e-6}, float(clf.intercept_[0])
    )


def expand_trees(trees: Iterable[tuple[list[str | None], list[int], list[int], list[float]]]) -> Linear:
    """Regression trees over binary features (each node: the feature it splits on, or None at a
    leaf; left child = feature absent, right = present; the leaf's value) as the sum they compute:
    a leaf reached by "a present, b absent" adds its value times a·(1 - b) = a - a·b, so the forest
    is a bias, weights of single features and weights of conjunctions. Exact, and evaluated in a
    few dictionary lookups per candidate instead of a walk down every tree."""
    total: dict[frozenset[str], float] = {}
    for names, left, right, value in trees:
        stack: list[tuple[int, dict[frozenset[str], float]]] = [(0, {frozenset(): 1.0})]
        while stack:
            node, poly = stack.pop()
            f = names[node]
            if f is None or left[node] < 0:
                for mono, coef in poly.items():
                    total[mono] = total.get(mono, 0.0) + coef * value[node]
                continue
            present = {mono | {f}: coef for mono, coef in poly.items()}
            absent = dict(poly)
            for mono, coef in present.items():
                absent[mono] = absent.get(mono, 0.0) - coef
            stack.append((left[node], absent))
            stack.append((right[node], present))
    bias = total.pop(frozenset(), 0.0)
    weights = {next(iter(m)): w for m, w in total.items() if len(m) == 1 and abs(w) > 1e-9}
    terms = {tuple(sorted(m)): w for m, w in total.items() if len(m) > 1 and abs(w) > 1e-9}
    return Linear(dict(sorted(weights.items())), bias, dict(sorted(terms.items())))


def fit_trees(x_rows: list[list[str]], y: list[int], seed: int) -> Linear:
    """Gradient-boosted trees (``TREES``), class-balanced, as the sum they compute."""
    import numpy as np
    from sklearn.ensemble import GradientBoostingClassifier

    x, vocab = _vectorize(x_rows)
    names = sorted(vocab, key=vocab.__getitem__)
    labels = np.asarray(y)
    share = float(labels.mean())
    weight = np.where(labels == 1, 0.5 / share, 0.5 / (1.0 - share))
    clf = GradientBoostingClassifier(**TREES, random_state=seed)
    clf.fit(x, labels, sample_weight=weight)
    rate = float(TREES["learning_rate"])
    trees = []
    for est in clf.estimators_[:, 0]:
        t = est.tree_
        trees.append(
            (
                [names[int(f)] if f >= 0 else None for f in t.feature],
                [int(v) for v in t.children_left],
                [int(v) for v in t.children_right],
                [rate * float(v) for v in t.value[:, 0, 0]],
            )
        )
    scorer = expand_trees(trees)
    # The forest's starting point (the prior log-odds) is scikit-learn's; read it off an empty row.
    start = float(clf.decision_function(x[:1] * 0)[0]) - scorer.margin([])
    return Linear(scorer.weights, scorer.bias + start, scorer.terms)


def fit_pair(x_rows: list[list[str]], y: list[int], family: str, c: float, seed: int) -> Linear:
    """The pair scorer of a model family."""
    if family == "trees":
        return fit_trees(x_rows, y, seed)
    if family == "linear":
        return fit_linear(x_rows, y, c, seed)
    raise InputError(f"unknown model family {family!r}; choose from {', '.join(FAMILIES)}")


def fit_multiclass(
    x_rows: list[list[str]], y: list[str], c: float, seed: int, labels: tuple[str, ...] | None = None
) -> Multiclass:
    """Multinomial logistic regression; a single seen label gives a constant classifier."""
    from sklearn.linear_model import LogisticRegression

    seen = tuple(sorted(set(y)))
    if len(seen) < 2:
        only = seen[0] if seen else (labels or ("other",))[0]
        return Multiclass((only,), {}, (0.0,))
    x, vocab = _vectorize(x_rows)
    clf = LogisticRegression(C=c, max_iter=5000, random_state=seed)
    clf.fit(x, y)
    names = sorted(vocab, key=vocab.__getitem__)
    classes = tuple(str(k) for k in clf.classes_)
    coef = clf.coef_ if len(classes) > 2 else [-clf.coef_[0] / 2, clf.coef_[0] / 2]
    bias = clf.intercept_ if len(classes) > 2 else [-clf.intercept_[0] / 2, clf.intercept_[0] / 2]
    weights = {n: tuple(float(coef[k][j]) for k in range(len(classes))) for j, n in enumerate(names)}
    weights = {n: row for n, row in weights.items() if any(abs(v) > 1e-6 for v in row)}
    return Multiclass(classes, weights, tuple(float(b) for b in bias))


def fit_calibration(raw: list[float], y: list[int], points: int = 200) -> Calibration:
    """A logistic map (Platt scaling) from raw pair margins (held-out) to the share of right
    pairs, tabulated on a fine grid. Smooth, unlike isotonic steps, so that the decision
    threshold can fall between any two pairs."""
    from sklearn.linear_model import LogisticRegression

    if len(set(y)) < 2 or not raw:
        return Calibration((), ())
    platt = LogisticRegression(C=1e6, max_iter=1000).fit([[r] for r in raw], y)
    a, b = float(platt.coef_[0][0]), float(platt.intercept_[0])
    lo, hi = min(raw), max(raw)
    xs = [lo + (hi - lo) * i / (points - 1) for i in range(points)]
    return Calibration(tuple(xs), tuple(1.0 / (1.0 + math.exp(-(a * x + b))) for x in xs))
