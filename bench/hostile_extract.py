"""Benchmark: extraction time per character on claim-dense (hostile) text, 10 KB to 1 MB.

Generates one long document of supply sentences (every sentence names a vendor, a technology,
recipients and a loan), in one paragraph and in many, and times ``extract_claims`` at each size:

- with the candidate cap lifted, to show the work per character stays flat (linear time);
- as shipped (cap and the ingest pipeline's time budget), to show a 1 MB hostile document is cut
  within its budget as a recorded failure instead of stalling a run;
- the 0.2.1 rules alone (``model=None``) beside them.

    .venv/bin/python bench/hostile_extract.py [--max-kb 1024]
"""

from __future__ import annotations

import argparse
import random
import sys
import time

from countersight.extract import ExtractionBudgetError, extract_claims
from countersight.extract import candidates as cand
from countersight.extract.model import bundled
from countersight.ingest import EXTRACT_SECONDS, Deadline
from countersight.model import Document

VENDORS = ["Huawei", "ZTE", "Hikvision", "Dahua", "NEC", "IDEMIA", "Cellebrite", "Axis"]
COUNTRIES = ["Kenya", "Uganda", "Zambia", "Ecuador", "Serbia", "Pakistan", "Bolivia", "Ghana", "Peru", "Laos"]
TECH = ["CCTV cameras", "facial recognition cameras", "a safe city system", "licence plate readers"]


def hostile_text(n_chars: int, paragraphs: bool, seed: int = 5) -> str:
    """Supply sentences until ``n_chars``; one paragraph, or a paragraph every four sentences."""
    rng = random.Random(seed)
    out: list[str] = []
    size = 0
    i = 0
    while size < n_chars:
        a, b, c = rng.sample(COUNTRIES, 3)
        s = (
            f"{rng.choice(VENDORS)} installed {rng.choice(TECH)} in {a}, {b} and {c} for the police, "
            f"financed by a ${rng.randint(5, 900)} million loan from China Exim Bank."
        )
        out.append(s)
        size += len(s) + 1
        i += 1
        if paragraphs and i % 4 == 0:
            out.append("\n\n")
    return " ".join(out)[:n_chars]


def run(text: str, model: object, budget: Deadline | None) -> tuple[float, str]:
    doc = Document(id="hostile", text=text)
    t0 = time.perf_counter()
    try:
        n = len(extract_claims(doc, model=model, budget=budget))  # type: ignore[arg-type]
        what = f"{n} claims"
    except ExtractionBudgetError as exc:
        what = f"cut: {str(exc)[:60]}"
    return time.perf_counter() - t0, what


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--max-kb", type=int, default=1024)
    args = parser.parse_args(argv)
    model = bundled()
    extract_claims(Document(id="warm", text="Huawei installed CCTV cameras in Kenya."))  # build the gazetteer
    sizes = [s for s in (10, 30, 100, 300, 1024) if s <= args.max_kb]
    shipped_cap = cand.MAX_CANDIDATES
    for paragraphs in (False, True):
        print(f"\n{'many paragraphs' if paragraphs else 'one paragraph'}:")
        print(
            f"{'KB':>6} {'uncapped s':>11} {'us/char':>8}  {'shipped s':>10}  {'rules s':>8} {'us/char':>8}  "
            "shipped result"
        )
        for kb in sizes:
            text = hostile_text(kb * 1024, paragraphs)
            cand.MAX_CANDIDATES = 10**9
            free, _ = run(text, model, None)
            cand.MAX_CANDIDATES = shipped_cap
            shipped, what = run(text, model, Deadline.after(EXTRACT_SECONDS))
            rules, _ = run(text, None, None)
            print(
                f"{kb:>6} {free:>11.2f} {free / len(text) * 1e6:>8.1f}  {shipped:>10.2f}  {rules:>8.2f} "
                f"{rules / len(text) * 1e6:>8.1f}  {what}"
            )
    print(
        f"\nshipped: at most {shipped_cap} candidate pairs and {EXTRACT_SECONDS:.0f} s per document "
        "(ingest and the API); a document over either is a recorded failure"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
