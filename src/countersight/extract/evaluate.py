"""Score ``extract_claims`` against a gold directory (``NNN.txt`` passages + ``gold.jsonl``).

Issue 3 scoring: micro P/R/F1 over (supplier, recipient) pairs per document, where the
supplier is the first word of the vendor's canonical name after dropping legal suffixes
(case-insensitive), or the vendor's home country when the text names no company;
technology accuracy on matched pairs (gold ``technology`` or ``technology_alternatives``);
triple (supplier, recipient, technology) F1. Claims are matched to gold pairs exactly as the
held-out sets are scored (``compare``).
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


# A scoring key: (form, supplier, recipient country); the form is "v" for a company, "c" for a
# country named as the supplier.
Key = tuple[str, str, str]
# A claim as the scoring reads it: vendor, vendor country, recipient country, technology.
Predicted = tuple[str | None, str | None, str, str | None]


@dataclass
class Comparison:
    """One passage's claims against its gold pairs, keyed by (form, supplier, recipient)."""

    gold: dict[Key, set[str | None]]
    predicted: dict[Key, set[str | None]]
    matched: set[Key]
    false: set[Key]


def _gold_key(dep: GoldDeployment) -> Key:
    """A gold deployment's key: the company when one is named, else the supplier country."""
    vendor = dep.vendor_canonical or dep.vendor
    if vendor:
        return ("v", supplier_key(vendor, None), dep.country)
    return ("c", supplier_key(None, dep.vendor_country), dep.country)


def _claim_keys(vendor: str | None, vendor_country: str | None, country: str) -> list[Key]:
    """A claim's keys: its company and its supplier country, either of which may match."""
    keys: list[Key] = []
    if vendor:
        keys.append(("v", supplier_key(vendor, None), country))
    if vendor_country:
        keys.append(("c", supplier_key(None, vendor_country), country))
    return keys


def compare(deployments: Sequence[GoldDeployment], claims: Sequence[Predicted]) -> Comparison:
    """Match claims to gold pairs as the held-out sets are scored (``../shared/tools/score.py``):
    a claim naming a company and its home country may match either form of a gold pair; a
    company form not in the gold is false, and a country form only when no claim names a company
    for the same recipient."""
    gold: dict[Key, set[str | None]] = {}
    for dep in deployments:
        gold.setdefault(_gold_key(dep), set()).update({dep.technology, *dep.technology_alternatives})
    predicted: dict[Key, set[str | None]] = {}
    for vendor, vendor_country, country, technology in claims:
        for k in _claim_keys(vendor, vendor_country, country):
            predicted.setdefault(k, set()).add(technology)
    companies_for = {k[2] for k in predicted if k[0] == "v"}
    false = {k for k in predicted if k not in gold and (k[0] == "v" or k[2] not in companies_for)}
    return Comparison(gold, predicted, set(gold) & set(predicted), false)


def _pairs(keys: Iterable[Key]) -> list[list[str]]:
    return sorted([k[1], k[2]] for k in keys)


def score_passages(
    rows: Iterable[tuple[str, str, Sequence[GoldDeployment]]], model: Model | None | Literal["bundled"] = "bundled"
) -> Score:
    """Score the extractor on (id, text, gold deployments) passages, as ``compare`` matches."""
    score = Score()
    for pid, text, deployments in rows:
        doc = Document(id=hashlib.sha256(text.encode()).hexdigest(), text=text)
        claims = extract_claims(doc, model=model)
        cmp = compare(deployments, [(c.vendor, c.vendor_country, c.country, c.technology) for c in claims])
        status: dict[Key, str] = {}
        for c in claims:
            keys = _claim_keys(c.vendor, c.vendor_country, c.country)
            for k in keys:
                status.setdefault(k, str(c.status))
            right = any(k in cmp.gold for k in keys)
            score.judged.append((c.confidence, str(c.attrs.get("rule") or c.attrs.get("how", "")), right))
        gold_status: dict[Key, set[str]] = {}
        for dep in deployments:
            if dep.status:
                gold_status.setdefault(_gold_key(dep), set()).add(dep.status)
        score.tp += len(cmp.matched)
        score.fp += len(cmp.false)
        score.fn += len(set(cmp.gold) - cmp.matched)
        score.tech_ok += sum(1 for k in cmp.matched if cmp.gold[k] & cmp.predicted[k])
        judged = [k for k in cmp.matched if k in gold_status]
        score.status_n += len(judged)
        score.status_ok += sum(1 for k in judged if status[k] in gold_status[k])
        score.per_doc[pid] = {"missed": _pairs(set(cmp.gold) - cmp.matched), "false": _pairs(cmp.false)}
    return score
