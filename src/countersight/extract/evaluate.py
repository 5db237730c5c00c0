"""Score ``extract_claims`` against a gold directory (``NNN.txt`` passages + ``gold.jsonl``).

Issue 3 scoring: micro P/R/F1 over (supplier, recipient) pairs per document, where the
supplier is the first word of the vendor's canonical name after dropping legal suffixes
(case-insensitive), or the vendor's home country when the text names no company;
technology accuracy on matched pairs (gold ``technology`` or ``technology_alternatives``);
triple (supplier, recipient, technology) F1.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from countersight.errors import CountersightError
from countersight.extract import extract_claims
from countersight.extract.gold import GoldDeployment
from countersight.extract.model import Model
from countersight.model import Document

_SUFFIXES = {
    "co",
    "ltd",
    "inc",
    "llc",
    "plc",
    "sa",
    "ag",
    "gmbh",
    "corp",
    "corporation",
    "limited",
    "group",
    "company",
    "technology",
    "technologies",
    "holdings",
}


def supplier_key(vendor: str | None, vendor_country: str | None) -> str:
    """The comparison key of a supplier: first word of the vendor name, else its country."""
    if vendor:
        words = [w for w in re.split(r"[^\w]+", vendor.casefold()) if w]
        kept = [w for w in words if w not in _SUFFIXES]
        return (kept or words or [vendor.casefold()])[0]
    return (vendor_country or "").casefold()


@dataclass
class Score:
    """Counts and per-document misses/false claims."""

    tp: int = 0
    fp: int = 0
    fn: int = 0
    tech_ok: int = 0
    status_ok: int = 0
    status_n: int = 0  # matched pairs whose gold states a status
    per_doc: dict[str, dict[str, list[list[str]]]] = field(default_factory=dict)
    # Per extracted claim: (confidence, rule, whether its pair is in the gold).
    judged: list[tuple[float, str, bool]] = field(default_factory=list)

    def calibration(self) -> list[dict[str, Any]]:  # JSON: rows of the eval report
        """Claims by confidence: how many, how many right (pair in gold), the share right."""
        rows: dict[float, list[int]] = {}
        for conf, _rule, ok in self.judged:
            row = rows.setdefault(round(conf, 2), [0, 0])
            row[0] += 1
            row[1] += int(ok)
        return [
            {"confidence": c, "claims": n, "right": r, "share_right": round(r / n, 3)}
            for c, (n, r) in sorted(rows.items(), reverse=True)
        ]

    def reliability(self) -> list[dict[str, Any]]:  # JSON: rows of the eval report
        """Claims in confidence bins of 0.1: mean confidence against the share right."""
        bins: dict[int, list[tuple[float, bool]]] = {}
        for conf, _rule, ok in self.judged:
            bins.setdefault(min(9, int(conf * 10)), []).append((conf, ok))
        return [
            {
                "bin": f"{b / 10:.1f}-{(b + 1) / 10:.1f}",
                "claims": len(v),
                "mean_confidence": round(sum(c for c, _ in v) / len(v), 3),
                "share_right": round(sum(ok for _, ok in v) / len(v), 3),
            }
            for b, v in sorted(bins.items())
        ]

    def brier(self) -> float | None:
        """Mean squared gap between a claim's confidence and whether it was right."""
        if not self.judged:
            return None
        return round(sum((c - ok) ** 2 for c, _r, ok in self.judged) / len(self.judged), 4)

    def as_dict(self) -> dict[str, Any]:  # JSON: the report `eval --format json` prints
        """Precision, recall, F1 for pairs and triples, technology accuracy, details."""

        def prf(tp: int, fp: int, fn: int) -> dict[str, float]:
            p = tp / (tp + fp) if tp + fp else 0.0
            r = tp / (tp + fn) if tp + fn else 0.0
            return {
                "precision": round(p, 3),
                "recall": round(r, 3),
                "f1": round(2 * p * r / (p + r), 3) if p + r else 0.0,
            }

        return {
            "pairs": {**prf(self.tp, self.fp, self.fn), "tp": self.tp, "fp": self.fp, "fn": self.fn},
            "technology_accuracy": round(self.tech_ok / self.tp, 3) if self.tp else 0.0,
            "status_accuracy": round(self.status_ok / self.status_n, 3) if self.status_n else None,
            "status_judged": self.status_n,
            "triples": prf(self.tech_ok, self.fp + self.tp - self.tech_ok, self.fn + self.tp - self.tech_ok),
            "calibration": self.calibration(),
            "reliability": self.reliability(),
            "brier": self.brier(),
            "documents": self.per_doc,
        }


def evaluate(gold_dir: str | Path, model: Model | None | Literal["bundled"] = "bundled") -> Score:
    """Run the extractor over every gold passage of a directory and score it."""
    root = Path(gold_dir)
    gold_file = root / "gold.jsonl"
    if not gold_file.is_file():
        raise CountersightError(f"no gold.jsonl in {root}")
    rows = []
    for line in gold_file.read_text("utf-8").splitlines():
        if not line.strip():
            continue
        g = json.loads(line)
        gold = [GoldDeployment.from_json(d) for d in g.get("deployments", [])]
        rows.append((str(g["id"]), (root / f"{g['id']}.txt").read_text("utf-8"), gold))
    return score_passages(rows, model)


def score_passages(
    rows: Iterable[tuple[str, str, Sequence[GoldDeployment]]], model: Model | None | Literal["bundled"] = "bundled"
) -> Score:
    """Score the extractor on (id, text, gold deployments) passages."""
    score = Score()
    for pid, text, deployments in rows:
        gold: dict[tuple[str, str], set[str | None]] = {}
        gold_status: dict[tuple[str, str], set[str]] = {}
        for dep in deployments:
            key = (supplier_key(dep.vendor_canonical or dep.vendor, dep.vendor_country), dep.country)
            gold.setdefault(key, set()).update({dep.technology, *dep.technology_alternatives})
            if dep.status:
                gold_status.setdefault(key, set()).add(dep.status)
        doc = Document(id=hashlib.sha256(text.encode()).hexdigest(), text=text)
        pred: dict[tuple[str, str], str | None] = {}
        pred_status: dict[tuple[str, str], str] = {}
        for c in extract_claims(doc, model=model):
            keys = [(supplier_key(c.vendor, c.vendor_country), c.country)]
            if c.vendor and c.vendor_country:
                keys.append((supplier_key(None, c.vendor_country), c.country))
            # A claim naming a vendor and its home country matches either form of the gold.
            key = next((k for k in keys if k in gold), keys[0])
            pred.setdefault(key, c.technology)
            pred_status.setdefault(key, str(c.status))
            score.judged.append((c.confidence, str(c.attrs.get("rule") or c.attrs.get("how", "")), key in gold))
        matched = set(gold) & set(pred)
        score.tp += len(matched)
        score.fp += len(set(pred) - set(gold))
        score.fn += len(set(gold) - set(pred))
        score.tech_ok += sum(1 for k in matched if pred[k] in gold[k])
        judged = [k for k in matched if k in gold_status]
        score.status_n += len(judged)
        score.status_ok += sum(1 for k in judged if pred_status[k] in gold_status[k])
        score.per_doc[pid] = {
            "missed": sorted(list(k) for k in set(gold) - set(pred)),
            "false": sorted(list(k) for k in set(pred) - set(gold)),
        }
    return score
