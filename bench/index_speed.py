"""Benchmark: the country index over a store of synthetic claims (default 1,000,000).

Builds (once; reused when the file exists) a SQLite store of synthetic documents and claims drawn
from synthetic deployments, resolves it, then times ``compute_index`` live, ``--as-of`` and an
edition, the way ``countersight index`` runs them. Prints the figures.

    .venv/bin/python bench/index_speed.py [--claims 1000000] [--db /tmp/cs-bench.db] [--rebuild]
    .venv/bin/python bench/index_speed.py --db postgresql://postgres@127.0.0.1:5432/csbench

Targets (issue 4): live index < 5 s, --as-of < 10 s for 1,000,000 claims.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import time
from pathlib import Path

from countersight.ids import content_hash, stable_id
from countersight.model import Claim, Document, Evidence
from countersight.reads import compute_index
from countersight.reference.countries import territories
from countersight.reference.vendors import registry
from countersight.resolution import resolve_store
from countersight.store import Store, open_store

TECHNOLOGIES = [
    "safe_city",
    "facial_recognition",
    "smart_policing",
    "social_media_monitoring",
    "video_surveillance",
    "license_plate_recognition",
    "spyware",
    "biometric_id",
]
STATUSES = ["reported"] * 16 + ["planned"] * 2 + ["cancelled", "denied"]


def _countries() -> list[str]:
    import pycountry

    return sorted({c.alpha_3 for c in pycountry.countries} | set(territories()))


def build(store: Store, n_claims: int, seed: int = 4) -> None:
    """Fill ``store`` with ``n_claims`` synthetic claims (4 per document) from ~n/20 deployments."""
    rng = random.Random(seed)
    countries = _countries()
    vendors = [(o.name, o.home_country) for o in registry() if o.kind == "vendor"]
    n_deps = max(10, n_claims // 20)
    deployments = []
    for _ in range(n_deps):
        vendor, home = rng.choice(vendors)
        city = rng.choice([None, None, f"City {rng.randrange(40)}"])
        deployments.append((rng.choice(countries), vendor, home, rng.choice(TECHNOLOGIES), city))
    publishers = [f"Publisher {i}" for i in range(800)]
    start = dt.date(2008, 1, 1).toordinal()
    span = dt.date(2025, 12, 31).toordinal() - start
    per_doc = 4
    docs: list[Document] = []
    claims: list[Claim] = []
    t0 = time.perf_counter()
    for d in range(n_claims // per_doc):
        text = f"Synthetic report {d} for the countersight index benchmark."
        doc = Document(
            id=content_hash(text),
            text=text,
            url=f"https://bench.example/{d}",
            publisher=rng.choice(publishers),
            published=dt.date.fromordinal(start + rng.randrange(span)),
            source_kind="text",
        )
        docs.append(doc)
        for k in range(per_doc):
            country, vendor, home, tech, city = deployments[
                min(int(rng.paretovariate(0.6)) - 1, n_deps - 1) if rng.random() < 0.2 else rng.randrange(n_deps)
            ]
            ev = Evidence(doc.id, text, 0, len(text))
            claims.append(
                Claim(
                    id=stable_id("cl", ["bench", d, k]),
                    country=country,
                    evidence=(ev,),
                    extractor="bench",
                    extractor_version="1",
                    source="bench",
                    vendor=vendor,
                    vendor_raw=vendor,
                    vendor_country=home,
                    city=city,
                    technology=tech,
                    status=rng.choice(STATUSES),  # type: ignore[arg-type]
                    confidence=round(rng.uniform(0.3, 0.9), 2),
                )
            )
        if len(claims) >= 100_000:
            store.add(docs, claims)
            docs, claims = [], []
            print(f"  stored {(d + 1) * per_doc:,} claims ({time.perf_counter() - t0:.0f} s)", flush=True)
    store.add(docs, claims)


def _time(label: str, fn: object, repeat: int = 3) -> float:
    best = float("inf")
    result = None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()  # type: ignore[operator]
        best = min(best, time.perf_counter() - t0)
    print(f"{label:<44} {best:7.2f} s  ({len(result):,} rows)", flush=True)  # type: ignore[arg-type]
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--claims", type=int, default=1_000_000)
    parser.add_argument("--db", default="/tmp/cs-bench.db", help="SQLite path or a PostgreSQL URL")
    parser.add_argument("--rebuild", action="store_true")
    args = parser.parse_args()
    url = args.db if "://" in args.db else f"sqlite:///{args.db}"
    if args.rebuild and "://" not in args.db:
        for suffix in ("", "-wal", "-shm"):
            Path(args.db + suffix).unlink(missing_ok=True)
    store = open_store(url)
    stats = store.stats()
    if stats["claims"] < args.claims:
        print(f"building {args.claims:,} synthetic claims in {store.url}", flush=True)
        t0 = time.perf_counter()
        build(store, args.claims)
        print(f"built in {time.perf_counter() - t0:.0f} s", flush=True)
    if store.stats()["deployments"] == 0:
        t0 = time.perf_counter()
        report = resolve_store(store)
        print(
            f"resolved {report.claims:,} claims into {report.deployments:,} deployments "
            f"({report.documents:,} links) in {time.perf_counter() - t0:.0f} s",
            flush=True,
        )
    stats = store.stats()
    print(
        f"store: {stats['documents']:,} documents, {stats['claims']:,} claims, "
        f"{stats['deployments']:,} deployments ({store.dialect})"
    )
    live = _time("index --edition live", lambda: compute_index(store))
    as_of = _time("index --edition live --as-of 2016-06-30", lambda: compute_index(store, as_of=dt.date(2016, 6, 30)))
    _time("index --edition live --country KEN", lambda: compute_index(store, country="KEN"))
    print(
        f"targets: live < 5 s: {'met' if live < 5 else 'NOT met'}; --as-of < 10 s: {'met' if as_of < 10 else 'NOT met'}"
    )


if __name__ == "__main__":
    main()
