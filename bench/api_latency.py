"""API latency on a generated store: p50/p95 per endpoint on SQLite and PostgreSQL.

    .venv/bin/python bench/api_latency.py                       # 100,000 deployments, 1,000,000 evidence rows
    .venv/bin/python bench/api_latency.py --backend sqlite --deployments 10000 --evidence 100000
    COUNTERSIGHT_TEST_POSTGRES_URL=postgresql://postgres@127.0.0.1:5432/test \
        .venv/bin/python bench/api_latency.py --backend postgresql

The store is synthetic (ids, names and quotes are generated: nothing here is a real deployment). It
holds documents, claims (one per deployment-document pair), evidence (spread over the claims),
deployments and deployment-document links, written in bulk. Requests go through the ASGI app
in-process (Starlette's TestClient): the figures are server time without the network.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from countersight.publish.api.app import create_app
from countersight.reference.technologies import technologies
from countersight.store import Store, open_store, schema

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

WORDS = (
    "camera",
    "network",
    "police",
    "city",
    "contract",
    "surveillance",
    "system",
    "biometric",
    "platform",
    "data",
    "centre",
    "recognition",
    "licence",
    "plate",
    "monitoring",
    "agency",
    "ministry",
    "installed",
    "supplied",
    "deal",
    "pilot",
    "project",
    "border",
    "airport",
    "metro",
    "traffic",
    "command",
    "control",
    "analytics",
    "cloud",
)
BATCH = 10_000


def _countries(n: int = 150) -> list[str]:
    import pycountry

    return sorted(c.alpha_3 for c in pycountry.countries)[:n]


def generate(store: Store, n_deployments: int, n_evidence: int, seed: int = 7) -> dict[str, Any]:
    """Fill ``store`` with a synthetic corpus; return ids to query."""
    rng = random.Random(seed)
    countries = _countries()
    techs = list(technologies())
    vendors = [
        (f"Vendor {i:04d}", rng.choice(["CHN", "USA", "JPN", "DEU", "ISR", "FRA", "RUS", "KOR"])) for i in range(400)
    ]
    n_docs = max(1000, n_deployments // 5)
    now = dt.datetime.now(dt.UTC)
    start = dt.date(2012, 1, 1)
    docs = []
    for i in range(n_docs):
        words = " ".join(rng.choice(WORDS) for _ in range(40))
        docs.append(
            {
                "id": f"doc{i:08d}",
                "url": f"https://example.invalid/{i}",
                "path": None,
                "title": f"Synthetic report {i}",
                "publisher": f"Publisher {i % 300}",
                "published": start + dt.timedelta(days=rng.randrange(4700)),
                "language": "en",
                "source_kind": "text",
                "dataset": None,
                "fetched_at": None,
                "ingested_at": now,
                "text": f"Synthetic document {i}. {words}",
                "meta": {},
            }
        )
    claims_per_dep = 2
    ev_per_claim = max(1, n_evidence // (n_deployments * claims_per_dep))
    t0 = time.perf_counter()
    with store.transaction() as conn:
        for i in range(0, len(docs), BATCH):
            conn.execute(schema.documents.insert(), docs[i : i + BATCH])
    deps, links, claims, evidence = [], [], [], []

    def flush(force: bool = False) -> None:
        if not force and len(evidence) < 50_000:
            return
        with store.transaction() as conn:
            for table, rows in (
                (schema.deployments, deps),
                (schema.claims, claims),
                (schema.evidence, evidence),
                (schema.deployment_documents, links),
            ):
                for i in range(0, len(rows), BATCH):
                    conn.execute(table.insert(), rows[i : i + BATCH])
                rows.clear()

    for d in range(n_deployments):
        vendor, home = rng.choice(vendors)
        country, tech = rng.choice(countries), rng.choice(techs)
        dep_id = f"dep-{d:016x}"
        doc_ids = rng.sample(range(n_docs), claims_per_dep)
        dates = sorted(docs[k]["published"] for k in doc_ids)
        conf = round(rng.uniform(0.3, 0.95), 3)
        deps.append(
            {
                "id": dep_id,
                "country": country,
                "technology": tech,
                "vendor": vendor,
                "vendor_country": home,
                "status": "reported",
                "confidence": conf,
                "first_seen": dates[0],
                "last_seen": dates[-1],
                "start_year": None,
                "end_year": None,
                "city": None,
                "agency": None,
                "n_claims": claims_per_dep,
                "n_documents": claims_per_dep,
                "n_publishers": claims_per_dep,
                "attrs": {"sources": ["bench"]},
            }
        )
        for j, k in enumerate(doc_ids):
            doc = docs[k]
            claim_id = f"cl-{d:012x}{j:02x}"
            claims.append(
                {
                    "id": claim_id,
                    "document_id": doc["id"],
                    "source": "bench",
                    "extractor": "bench",
                    "extractor_version": "1",
                    "vendor": vendor,
                    "vendor_raw": vendor,
                    "vendor_country": home,
                    "country": country,
                    "city": None,
                    "agency": None,
                    "technology": tech,
                    "status": "reported",
                    "start_year": None,
                    "end_year": None,
                    "start_date": None,
                    "confidence": conf,
                    "fin_lender": None,
                    "fin_instrument": None,
                    "fin_amount": None,
                    "fin_currency": None,
                    "fin_text": None,
                    "fin_amount_usd_2017": None,
                    "fin_concessional": None,
                    "fin_terms": None,
                    "attrs": {},
                    "deployment_id": dep_id,
                    "created_at": now,
                }
            )
            links.append(
                {
                    "deployment_id": dep_id,
                    "document_id": doc["id"],
                    "country": country,
                    "published": doc["published"],
                    "publisher": doc["publisher"],
                    "status": "reported",
                    "confidence": conf,
                    "n_claims": 1,
                }
            )
            for e in range(ev_per_claim):
                quote = f"{vendor} {' '.join(rng.choice(WORDS) for _ in range(12))} {country}"
                evidence.append(
                    {
                        "id": f"ev-{d:010x}{j:02x}{e:04x}",
                        "claim_id": claim_id,
                        "document_id": doc["id"],
                        "quote": quote,
                        "start": 0,
                        "end": len(quote),
                        "page": None,
                        "dataset": None,
                        "sheet": None,
                        "row": None,
                        "column": None,
                    }
                )
        flush()
    flush(force=True)
    if store.dialect == "postgresql":
        with store.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("ANALYZE"))
    else:
        with store.transaction() as conn:
            conn.exec_driver_sql("ANALYZE")
    return {
        "seconds": time.perf_counter() - t0,
        "countries": countries,
        "vendors": [v for v, _ in vendors],
        "n_docs": n_docs,
        "deployments": n_deployments,
        "evidence": n_deployments * claims_per_dep * ev_per_claim,
    }


def _percentiles(samples: list[float]) -> tuple[float, float, float]:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, int(round(0.95 * len(ordered))) - 1)]
    return statistics.median(ordered), p95, ordered[-1]


def measure(store: Store, info: dict[str, Any], requests: int, seed: int = 11) -> list[tuple[str, float, float, float]]:
    """p50, p95 and max (ms) per endpoint over ``requests`` varied requests each."""
    rng = random.Random(seed)
    client = TestClient(create_app(store), raise_server_exceptions=True)
    n_dep = info["deployments"]
    first = client.get("/api/deployments", params={"limit": 50}).json()
    cursor = first["next_cursor"]
    t0 = time.perf_counter()
    client.get("/api/countries")
    cold_index = (time.perf_counter() - t0) * 1000
    cases: dict[str, Callable[[], str]] = {
        "GET /api/deployments?limit=50": lambda: "/api/deployments?limit=50",
        "GET /api/deployments?cursor=(page 2)": lambda: f"/api/deployments?limit=50&cursor={cursor}",
        "GET /api/deployments?country=X": lambda: f"/api/deployments?country={rng.choice(info['countries'])}",
        "GET /api/deployments?sort=-confidence": lambda: "/api/deployments?sort=-confidence&limit=50",
        "GET /api/deployments?technology&supplier_country": lambda: (
            f"/api/deployments?technology={rng.choice(list(technologies()))}&supplier_country=CHN"
        ),
        "GET /api/deployments?vendor=X&min_confidence": lambda: (
            f"/api/deployments?vendor={rng.choice(info['vendors'])}&min_confidence=0.5"
        ),
        "GET /api/deployments?financed=false": lambda: "/api/deployments?financed=false&limit=50",
        "GET /api/deployments?lender=X": lambda: "/api/deployments?lender=China+Eximbank&limit=50",
        "GET /api/deployments/{id}": lambda: f"/api/deployments/dep-{rng.randrange(n_dep):016x}",
        "GET /api/documents/{id}": lambda: f"/api/documents/doc{rng.randrange(info['n_docs']):08d}",
        "GET /api/countries (cached)": lambda: "/api/countries",
        "GET /api/countries/{iso3}": lambda: f"/api/countries/{rng.choice(info['countries'])}",
        "GET /api/vendors": lambda: "/api/vendors?limit=100",
        "GET /api/vendors/{name}": lambda: f"/api/vendors/{rng.choice(info['vendors'])}",
        "GET /api/search?q=word": lambda: f"/api/search?q={rng.choice(WORDS)}+{rng.choice(WORDS)}",
        "GET /api/health": lambda: "/api/health",
    }
    out = [("GET /api/countries (first call: live index computed)", cold_index, cold_index, cold_index)]
    for name, url in cases.items():
        client.get(url())  # warm-up
        samples = []
        for _ in range(requests):
            u = url()
            t = time.perf_counter()
            r = client.get(u)
            samples.append((time.perf_counter() - t) * 1000)
            if r.status_code != 200:
                raise SystemExit(f"{u}: {r.status_code} {r.text[:200]}")
        out.append((name, *_percentiles(samples)))
    return out


@contextmanager
def postgres_database(admin_url: str, keep: bool) -> Iterator[str]:
    """A fresh PostgreSQL database for the bench (dropped afterwards unless ``keep``)."""
    url = make_url(admin_url.replace("postgresql://", "postgresql+psycopg://", 1))
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    name = f"cs_bench_{uuid.uuid4().hex[:8]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        if not keep:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _existing(store: Store) -> dict[str, Any] | None:
    """What :func:`generate` returns, for a store it filled before (``--sqlite-path`` reuse)."""
    n = store.count(schema.deployments)
    if not n:
        return None
    return {
        "seconds": 0.0,
        "countries": _countries(),
        "vendors": [f"Vendor {i:04d}" for i in range(400)],
        "n_docs": store.count(schema.documents),
        "deployments": n,
        "evidence": store.count(schema.evidence),
    }


def run(url: str, args: argparse.Namespace) -> None:
    store = open_store(url)
    info = _existing(store) or generate(store, args.deployments, args.evidence)
    print(
        f"\n{store.dialect}: {info['deployments']:,} deployments, {info['evidence']:,} evidence rows, "
        f"{info['n_docs']:,} documents in {info['seconds']:.0f} s"
    )
    print(f"{'endpoint':58} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}")
    for name, p50, p95, worst in measure(store, info, args.requests):
        print(f"{name:58} {p50:8.1f} {p95:8.1f} {worst:8.1f}")
    store.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--deployments", type=int, default=100_000)
    parser.add_argument("--evidence", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=50, help="requests per endpoint")
    parser.add_argument("--keep", action="store_true", help="keep the generated databases")
    parser.add_argument("--sqlite-path", type=Path, help="SQLite file to fill, or to reuse when already filled")
    args = parser.parse_args(argv)
    if args.backend in ("sqlite", "both") and args.sqlite_path:
        run(f"sqlite:///{args.sqlite_path.resolve()}", args)
    elif args.backend in ("sqlite", "both"):
        folder = Path(tempfile.mkdtemp(prefix="cs-bench-"))
        run(f"sqlite:///{folder / 'bench.db'}", args)
        if not args.keep:
            for f in folder.iterdir():
                f.unlink()
            folder.rmdir()
        else:
            print(f"kept {folder / 'bench.db'}")
    if args.backend in ("postgresql", "both"):
        pg = os.environ.get("COUNTERSIGHT_BENCH_POSTGRES_URL") or os.environ.get("COUNTERSIGHT_TEST_POSTGRES_URL")
        if not pg:
            print("PostgreSQL skipped: set COUNTERSIGHT_TEST_POSTGRES_URL", file=sys.stderr)
            return 0
        with postgres_database(pg, args.keep) as url:
            run(url, args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
