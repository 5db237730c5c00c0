"""Benchmark: incremental resolution (what every write now runs) against the full rebuild.

Builds a store of ``--claims`` synthetic claims (deterministic: registry vendors with a skewed
popularity, 150 countries, the technology ids, a few cities; three claims per document, the
documents dated over ten years), resolves it in full once, then measures:

- ``resolve_store`` (the full rebuild, ``countersight resolve``) on the resolved store;
- ``resolve_pending`` after one new article of three claims (drawn like the others, so the popular
  vendors' keys are the likely ones): what an ingest, an import or an API submission now costs;
- ``resolve_pending`` after a batch of 200 new articles (an ingest batch).

It prints wall seconds and how many claims each run re-merged, and checks that the incremental
result equals a full rebuild's (a full run after it changes nothing).

    .venv/bin/python bench/resolve_incremental.py [--claims 1000000] [--db sqlite:///path.db]

Without ``--db`` the store is a SQLite file in a temporary directory (removed afterwards). A
PostgreSQL URL (an empty database) works too.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pycountry

from countersight.ids import content_hash, stable_id
from countersight.model import Claim, Document, Evidence
from countersight.reference.technologies import technologies
from countersight.reference.vendors import registry
from countersight.resolution import resolve_pending, resolve_store
from countersight.store import Store, open_store

CLAIMS_PER_DOCUMENT = 3


def country_codes() -> list[str]:
    """150 ISO 3166 alpha-3 codes (pycountry, which the project's country table is built on)."""
    return sorted(c.alpha_3 for c in pycountry.countries)[:150]


def articles(n_docs: int, seed: int, tag: str = "") -> Iterator[tuple[Document, list[Claim]]]:
    """``n_docs`` synthetic documents with three claims each (text written here, not sourced)."""
    rng = random.Random(seed)
    vendors = [o.name for o in registry() if o.kind == "vendor"]
    weights = [1.0 / (i + 1) for i in range(len(vendors))]  # a few vendors sell most
    techs = list(technologies())
    countries = country_codes()
    cities = [None, None, "Capital", "Port City", "North City"]
    start = dt.date(2014, 1, 1)
    for i in range(n_docs):
        text = f"Synthetic article {tag}{i} about surveillance contracts (benchmark data)."
        doc = Document(
            id=content_hash(text),
            text=text,
            url=f"https://bench.example.org/{tag}{i}",
            publisher=f"Publisher {rng.randrange(400)}",
            published=start + dt.timedelta(days=rng.randrange(3650)),
            source_kind="text",
        )
        claims = []
        for k in range(CLAIMS_PER_DOCUMENT):
            vendor = rng.choices(vendors, weights)[0]
            tech = rng.choice(techs)
            country = rng.choice(countries)
            ev = Evidence(document_id=doc.id, quote=text[:40], start=0, end=40)
            claims.append(
                Claim(
                    id=stable_id("cl", [doc.id, k]),
                    country=country,
                    evidence=(ev,),
                    extractor="bench",
                    extractor_version="1",
                    source="bench",
                    vendor=vendor,
                    vendor_raw=vendor,
                    technology=tech,
                    city=rng.choice(cities),
                    confidence=0.6,
                )
            )
        yield doc, claims


def fill(store: Store, n_claims: int, seed: int) -> None:
    """Write the synthetic claims in batches of 10,000 documents (no resolution)."""
    batch_docs: list[Document] = []
    batch_claims: list[Claim] = []
    for doc, claims in articles(n_claims // CLAIMS_PER_DOCUMENT, seed):
        batch_docs.append(doc)
        batch_claims += claims
        if len(batch_docs) >= 10_000:
            store.add(batch_docs, batch_claims)
            batch_docs, batch_claims = [], []
    if batch_docs:
        store.add(batch_docs, batch_claims)


def timed(label: str, fn: object) -> object:
    t0 = time.perf_counter()
    result = fn()  # type: ignore[operator]
    seconds = time.perf_counter() - t0
    claims = getattr(result, "claims", None)
    print(
        f"{label:<58} {seconds:9.2f} s" + (f"   {claims:>9,} claims merged" if claims is not None else ""), flush=True
    )
    return result


def run(url: str, n_claims: int, seed: int) -> None:
    store = open_store(url)
    timed(f"write {n_claims:,} claims (no resolution)", lambda: fill(store, n_claims, seed))
    timed("first full resolution", lambda: resolve_store(store))
    timed("resolve_store (full rebuild) on the resolved store", lambda: resolve_store(store))
    ((doc, claims),) = list(articles(1, seed + 1, tag="new-"))
    store.add([doc], claims)
    timed("resolve_pending after 1 new article (3 claims)", lambda: resolve_pending(store))
    timed("resolve_pending with nothing pending", lambda: resolve_pending(store))
    batch = list(articles(200, seed + 2, tag="batch-"))
    store.add([d for d, _ in batch], [c for _, cs in batch for c in cs])
    timed("resolve_pending after 200 new articles (600 claims)", lambda: resolve_pending(store))
    check = timed("full rebuild afterwards (must change nothing)", lambda: resolve_store(store))
    changed = {k: v for k, v in check.written.items() if v}  # type: ignore[attr-defined]
    print("incremental equals full:", "yes" if not changed else f"NO, the full run changed {changed}")
    store.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--claims", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--db", help="database URL of an empty store (default: a temporary SQLite file)")
    args = parser.parse_args(argv)
    if args.db:
        run(args.db, args.claims, args.seed)
        return 0
    with tempfile.TemporaryDirectory(prefix="cs-bench-resolve-") as tmp:
        run(f"sqlite:///{Path(tmp) / 'bench.db'}", args.claims, args.seed)
    return 0


if __name__ == "__main__":
    sys.exit(main())
