"""The learned extractor's model file: plain JSON weights, read without scikit-learn or network.

Four models share one file: the sentence scorer (does this sentence state a deployment? logistic
regression over its words), the pair scorer (over the features of a candidate pair, the sentence
score among them: gradient-boosted trees of depth two, stored as the sum they add up to, weights
of single features and of pairs of features), the technology classifier and the status classifier
(multinomial logistic regression). The pair score is mapped to a calibrated probability by a monotone table fitted on
held-out predictions (Platt scaling), so a claim's confidence estimates the share of such claims
that are right. ``FORMAT`` changes when the file's layout does; ``version`` names the trained
model and goes into every claim.
"""

from __future__ import annotations

import functools
import json
import math
from bisect import bisect_right
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from countersight.errors import CountersightError

FORMAT = 2
BUNDLED = "extractor.json"


class ModelError(CountersightError):
    """A model file that is missing, corrupt or of another format."""


def _sigmoid(x: float) -> float:
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)
    return e / (1.0 + e)


@dataclass(frozen=True)
class Linear:
    """A binary scorer over named features: log-odds = bias + the weights of the features present
    + the weights of the conjunctions (``terms``: sets of two or more features) all of whose
    features are present. Without terms it is a logistic regression; boosted trees over binary
    features are exactly such a sum (``fitting.expand_trees``)."""

    weights: dict[str, float]
    bias: float
    terms: dict[tuple[str, ...], float] = field(default_factory=dict)

    @functools.cached_property
    def _by_first(self) -> dict[str, tuple[tuple[tuple[str, ...], float], ...]]:
        """Each conjunction filed under its first feature: a candidate looks up only its own."""
        out: dict[str, list[tuple[tuple[str, ...], float]]] = {}
        for t, w in self.terms.items():
            out.setdefault(t[0], []).append((t[1:], w))
        return {f: tuple(v) for f, v in out.items()}

    def _terms_present(self, present: set[str]) -> list[tuple[str, tuple[str, ...], float]]:
        """The conjunctions all of whose features are present: (first feature, the rest, weight)."""
        by_first = self._by_first
        # On the hot path (every candidate pair): the conjunctions of depth-two trees are pairs,
        # each tested by one lookup rather than a generator and all().
        return [
            (f, rest, w)
            for f in present
            for rest, w in by_first.get(f, ())
            if (rest[0] in present if len(rest) == 1 else all(g in present for g in rest))
        ]

    def margin(self, feats: list[str]) -> float:
        """Log-odds of the positive class. A feature named twice counts once, as in training
        (binary features): a sentence that repeats a word is not more of a deployment for it."""
        w = self.weights
        present = set(feats)
        score = self.bias + sum(w.get(f, 0.0) for f in present)
        return score + sum([w for _, _, w in self._terms_present(present)]) if self.terms else score

    def prob(self, feats: list[str]) -> float:
        """Uncalibrated probability."""
        return _sigmoid(self.margin(feats))

    def contributions(self, feats: list[str]) -> dict[str, float]:
        """What each present feature adds to the log-odds: its weight plus an equal share of each
        conjunction it completes (the Shapley value of the sum against no features: the shares add
        up to the margin less the bias)."""
        present = set(feats)
        out = {f: self.weights[f] for f in present if f in self.weights}
        for first, rest, w in self._terms_present(present):
            for f in (first, *rest):
                out[f] = out.get(f, 0.0) + w / (1 + len(rest))
        return out

    def explain(self, feats: list[str], k: int = 6) -> list[tuple[str, float]]:
        """The ``k`` features that moved the score most, with what each added."""
        # Ties broken by name: the same claim explains itself the same way in every process.
        ranked = sorted(self.contributions(feats).items(), key=lambda t: (-abs(t[1]), t[0]))
        return [(f, round(w, 3)) for f, w in ranked[:k] if abs(w) > 1e-9]


@dataclass(frozen=True)
class Multiclass:
    """A multinomial logistic regression over named features."""

    labels: tuple[str, ...]
    weights: dict[str, tuple[float, ...]]
    bias: tuple[float, ...]

    def probs(self, feats: list[str]) -> dict[str, float]:
        """Probability of each label."""
        z = list(self.bias)
        for f in set(feats):
            row = self.weights.get(f)
            if row is not None:
                z = [a + b for a, b in zip(z, row, strict=True)]
        top = max(z)
        e = [math.exp(v - top) for v in z]
        total = sum(e)
        return {lab: v / total for lab, v in zip(self.labels, e, strict=True)}

    def predict(self, feats: list[str]) -> str:
        """The most probable label."""
        p = self.probs(feats)
        return max(p, key=lambda k: p[k])


@dataclass(frozen=True)
class Calibration:
    """A monotone map from raw score to probability, tabulated and interpolated linearly."""

    x: tuple[float, ...]
    y: tuple[float, ...]

    def __call__(self, raw: float) -> float:
        if not self.x:
            return raw
        i = bisect_right(self.x, raw) - 1
        if i < 0:
            return self.y[0]
        if i >= len(self.x) - 1:
            return self.y[-1]
        x0, x1, y0, y1 = self.x[i], self.x[i + 1], self.y[i], self.y[i + 1]
        return y0 if x1 == x0 else y0 + (y1 - y0) * (raw - x0) / (x1 - x0)


@dataclass(frozen=True)
class Model:
    """A trained extractor: pair scorer, calibration, decision threshold and label classifiers."""

    version: str
    pair: Linear
    sentence: Linear
    calibration: Calibration
    threshold: float
    technology: Multiclass
    status: Multiclass
    meta: dict[str, Any]  # JSON: the model file's free-form metadata (corpus, seed, date)

    def to_json(self) -> str:
        """The model file's text (stable key order, so the same training gives the same bytes)."""

        def linear(m: Linear) -> dict[str, Any]:  # JSON: the model file
            body = {"bias": round(m.bias, 6), "weights": {f: round(w, 6) for f, w in sorted(m.weights.items())}}
            if m.terms:
                body["terms"] = [[list(t), round(w, 6)] for t, w in sorted(m.terms.items())]
            return body

        def multi(m: Multiclass) -> dict[str, Any]:  # JSON: the model file
            return {
                "labels": list(m.labels),
                "bias": [round(b, 6) for b in m.bias],
                "weights": {f: [round(v, 6) for v in row] for f, row in sorted(m.weights.items())},
            }

        body = {
            "format": FORMAT,
            "version": self.version,
            "threshold": round(self.threshold, 6),
            "pair": linear(self.pair),
            "sentence": linear(self.sentence),
            "calibration": {
                "x": [round(v, 6) for v in self.calibration.x],
                "y": [round(v, 6) for v in self.calibration.y],
            },
            "technology": multi(self.technology),
            "status": multi(self.status),
            "meta": self.meta,
        }
        return json.dumps(body, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def from_json(text: str, origin: str) -> Model:
    """Parse a model file; a corrupt file or another format is a :class:`ModelError`."""
    try:
        body = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ModelError(f"model file is not valid JSON ({exc.msg})", path=origin) from None
    if not isinstance(body, dict) or "format" not in body:
        raise ModelError("not a countersight model file (no 'format')", path=origin)
    if body["format"] != FORMAT:
        raise ModelError(
            f"model file format {body['format']!r}, this countersight reads format {FORMAT}: "
            "retrain with 'countersight train'",
            path=origin,
        )
    try:

        def linear(m: dict[str, Any]) -> Linear:  # JSON: as read from the model file
            terms = {tuple(sorted(str(f) for f in t)): float(w) for t, w in m.get("terms", [])}
            if any(len(t) < 2 for t in terms):
                raise ValueError("a conjunction names fewer than two features")
            return Linear({f: float(w) for f, w in m["weights"].items()}, float(m["bias"]), terms)

        def multi(m: dict[str, Any]) -> Multiclass:  # JSON: as read from the model file
            return Multiclass(
                tuple(m["labels"]),
                {f: tuple(float(v) for v in row) for f, row in m["weights"].items()},
                tuple(float(b) for b in m["bias"]),
            )

        return Model(
            version=str(body["version"]),
            pair=linear(body["pair"]),
            sentence=linear(body["sentence"]),
            calibration=Calibration(tuple(body["calibration"]["x"]), tuple(body["calibration"]["y"])),
            threshold=float(body["threshold"]),
            technology=multi(body["technology"]),
            status=multi(body["status"]),
            meta=dict(body.get("meta") or {}),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise ModelError(f"model file is incomplete or malformed ({type(exc).__name__}: {exc})", path=origin) from None


def load(path: str | Path) -> Model:
    """A model file from disk."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ModelError("model file not found", path=str(p)) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ModelError(f"cannot read model file ({exc})", path=str(p)) from None
    return from_json(text, str(p))


@functools.cache
def bundled() -> Model:
    """The model that ships with countersight (``countersight/data/models/extractor.json``)."""
    ref = resources.files("countersight") / "data" / "models" / BUNDLED
    return from_json(ref.read_text(encoding="utf-8"), f"countersight/data/models/{BUNDLED}")
