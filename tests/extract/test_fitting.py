"""Fitting the classifiers: boosted trees as the exact sum they compute, and the calibration map."""

from __future__ import annotations

import pytest

from countersight.extract.fitting import TREES, _vectorize, expand_trees, fit_calibration, fit_trees


def test_trees_are_expanded_into_the_sum_they_compute() -> None:
    # Root splits on a; without a, on b; with a, on c. Leaves: 1, 2 (no a), 3, 4 (a).
    names: list[str | None] = ["a", "b", None, None, "c", None, None]
    left, right = [1, 2, -1, -1, 5, -1, -1], [4, 3, -1, -1, 6, -1, -1]
    values = [0.0, 0.0, 1.0, 2.0, 0.0, 3.0, 4.0]
    scorer = expand_trees([(names, left, right, values), ([None], [-1], [-1], [0.5])])

    def walk(present: set[str]) -> float:
        node = 0
        while left[node] >= 0:
            node = right[node] if names[node] in present else left[node]
        return values[node] + 0.5

    for present in ({""}, {"a"}, {"b"}, {"c"}, {"a", "b"}, {"a", "c"}, {"b", "c"}, {"a", "b", "c"}):
        assert scorer.margin(sorted(present)) == pytest.approx(walk(present))
    assert set(scorer.terms) == {("a", "b"), ("a", "c")}


def test_boosted_trees_score_as_scikit_learn_does() -> None:
    """The stored sum gives the forest's own log-odds (its decision function) on every row."""
    import numpy as np
    from sklearn.ensemble import GradientBoostingClassifier

    rng = np.random.default_rng(5)
    rows = [[f"f{j}" for j in range(12) if rng.random() < 0.3] for _ in range(400)]
    y = [int(("f1" in r) != ("f2" in r and "f3" in r)) for r in rows]
    scorer = fit_trees(rows, y, seed=2)
    x, _ = _vectorize(rows)
    labels = np.asarray(y)
    weight = np.where(labels == 1, 0.5 / labels.mean(), 0.5 / (1 - labels.mean()))
    forest = GradientBoostingClassifier(**TREES, random_state=2).fit(x, labels, sample_weight=weight)
    expected = forest.decision_function(x)
    assert [scorer.margin(r) for r in rows] == pytest.approx(list(expected), abs=1e-9)
    assert scorer.terms  # the interaction is learned as a pair of features


def test_calibration_is_monotone_and_absent_without_both_classes() -> None:
    """After the training test in this file: scikit-learn is imported by then."""
    calibration = fit_calibration([-2.0, -1.0, 0.0, 1.0, 2.0, 3.0], [0, 0, 1, 0, 1, 1])
    assert calibration(-2.0) < calibration(0.5) < calibration(3.0)
    assert fit_calibration([1.0, 2.0], [1, 1]) == fit_calibration([], [])  # one class: no table
