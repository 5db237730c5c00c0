"""The learned extractor's model file: plain JSON weights, read without scikit-learn or network.

Four linear models share one file: the sentence scorer (does this sentence state a deployment?
logistic regression over its words), the pair scorer (over the features of a candidate pair, the
sentence score among them), the technology classifier and the status classifier (multinomial logistic
regression). The pair score is mapped to a calibrated probability by a monotone table fitted on
held-out predictions (Platt scaling), so a claim's confidence estimates the share of such claims
that are right. ``FORMAT`` changes when the file's layout does; ``version`` names the trained
model and goes into every claim.
"""

from __future__ import annotations

import functools
import json
import math
from bisect import bisect_right
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from countersight.errors import CountersightError

FORMAT = 1
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
    """A binary logistic regression over named features."""

    weights: dict[str, float]
    bias: float

    def margin(self, feats: list[str]) -> float:
        """Log-odds of the positive class."""
        w = self.weights
        return self.bias + sum(w.get(f, 0.0) for f in feats)

    def prob(self, feats: list[str]) -> float:
        """Uncalibrated probability."""
        return _sigmoid(self.margin(feats))

    def explain(self, feats: list[str], k: int = 6) -> list[tuple[str, float]]:
        """The ``k`` features that moved the score most, with their weights."""
        # Ties broken by name: the same claim explains itself the same way in every process.
        ranked = sorted(
            ((f, self.weights[f]) for f in set(feats) if f in self.weights), key=lambda t: (-abs(t[1]), t[0])
        )
        return [(f, round(w, 3)) for f, w in ranked[:k]]


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
            return {"bias": round(m.bias, 6), "weights": {f: round(w, 6) for f, w in sorted(m.weights.items())}}

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

        def multi(m: dict[str, Any]) -> Multiclass:  # JSON: as read from the model file
            return Multiclass(
                tuple(m["labels"]),
                {f: tuple(float(v) for v in row) for f, row in m["weights"].items()},
                tuple(float(b) for b in m["bias"]),
            )

        return Model(
            version=str(body["version"]),
            pair=Linear({f: float(w) for f, w in body["pair"]["weights"].items()}, float(body["pair"]["bias"])),
            sentence=Linear(
                {f: float(w) for f, w in body["sentence"]["weights"].items()}, float(body["sentence"]["bias"])
            ),
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
