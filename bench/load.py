"""API under load while an ingest writes: requests/s, p50/p95/p99 and errors, on SQLite and PostgreSQL.

    .venv/bin/python bench/load.py                                    # both backends, defaults below
    .venv/bin/python bench/load.py --backend sqlite --clients 200 --requests 10000 --max-seconds 120
    COUNTERSIGHT_TEST_POSTGRES_URL=postgresql://postgres@127.0.0.1:5432/test \\
        .venv/bin/python bench/load.py --backend postgresql

Per backend: a synthetic store is generated (bench/api_latency.py's generator; a fresh PostgreSQL
database, dropped afterwards), ``countersight serve`` runs it with uvicorn on 127.0.0.1 (a free port),
``countersight ingest`` writes a generated ``.warc.gz`` corpus into the same store, and ``--clients``
concurrent httpx clients read list and detail endpoints until ``--requests`` are done or
``--max-seconds`` pass. The ingest is stopped with SIGINT (a clean, resumable stop) when the load
ends. Loopback only; everything it starts is stopped, and a run is bounded in count and time. Any
non-200 answer, timeout or connection error counts as an error.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from api_latency import WORDS, generate, postgres_database

from countersight.reference.technologies import technologies
from countersight.sources.warc import gzip_member, warc_record_bytes
from countersight.store import open_store

BIN = Path(sys.executable).parent
VENDORS = ("Huawei", "Hikvision", "Dahua", "NEC", "ZTE", "SenseTime")
PLACES = ("Kenya", "Uganda", "Serbia", "Pakistan", "Ecuador", "Zambia", "Bolivia", "Laos")


def write_corpus(path: Path, n: int, seed: int = 3) -> None:
    """``n`` generated news pages as one ``.warc.gz``; every fifth reports a deployment."""
    rng = random.Random(seed)
    with path.open("wb") as fh:
        for i in range(n):
            words = " ".join(rng.choice(WORDS) for _ in range(60))
            paras = [f"Load report {i}: the council discussed {words}."]
            if i % 5 == 0:
                paras.append(
                    f"{rng.choice(VENDORS)} installed facial recognition cameras for the police in "
                    f"{rng.choice(PLACES)} in {2010 + i % 14}."
                )
            body = "".join(f"<p>{p}</p>" for p in paras)
            html = (
                f"<!DOCTYPE html><html lang='en'><head><title>Load {i}</title></head>"
                f"<body><article>{body}</article></body></html>"
            )
            fh.write(gzip_member(warc_record_bytes(f"https://load.example/{seed}/{i}", html)))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def process(cmd: list[str], env: dict[str, str], log: Path) -> Iterator[subprocess.Popen[bytes]]:
    """A child process, terminated (then killed) on exit whatever happens."""
    with log.open("wb") as out:
        proc = subprocess.Popen(cmd, env=env, stdout=out, stderr=subprocess.STDOUT)
        try:
            yield proc
        finally:
            if proc.poll() is None:
                proc.terminate()
                try:
                    proc.wait(20)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()


def wait_ready(base: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/api/health", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise SystemExit(f"server at {base} not ready after {seconds:.0f} s")


@dataclass
class Load:
    """What the clients saw."""

    latencies_ms: list[float] = field(default_factory=list)
    by_endpoint: dict[str, list[float]] = field(default_factory=dict)
    errors: dict[str, int] = field(default_factory=dict)
    samples: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def error(self, kind: str, detail: str) -> None:
        self.errors[kind] = self.errors.get(kind, 0) + 1
        if len(self.samples) < 5:
            self.samples.append(detail)


def request_mix(info: dict[str, Any], rng: random.Random) -> list[tuple[str, Callable[[], str]]]:
    """List and detail endpoints, with their share of the requests (by repetition)."""
    techs = list(technologies())
    n_dep, n_docs = info["deployments"], info["n_docs"]
    mix: list[tuple[str, Callable[[], str]]] = [
        ("deployments list", lambda: "/api/deployments?limit=50"),
        ("deployments by country", lambda: f"/api/deployments?country={rng.choice(info['countries'])}&limit=50"),
        ("deployments filtered", lambda: f"/api/deployments?technology={rng.choice(techs)}&supplier_country=CHN"),
        ("deployments sorted", lambda: "/api/deployments?sort=-confidence&limit=50"),
        ("deployment detail", lambda: f"/api/deployments/dep-{rng.randrange(n_dep):016x}"),
        ("deployment detail", lambda: f"/api/deployments/dep-{rng.randrange(n_dep):016x}"),
        ("document detail", lambda: f"/api/documents/doc{rng.randrange(n_docs):08d}"),
        ("vendors list", lambda: "/api/vendors?limit=100"),
        ("vendor detail", lambda: f"/api/vendors/{rng.choice(info['vendors'])}"),
        ("countries list", lambda: "/api/countries"),
        ("country detail", lambda: f"/api/countries/{rng.choice(info['countries'])}"),
        ("search", lambda: f"/api/search?q={rng.choice(WORDS)}+{rng.choice(WORDS)}"),
    ]
    return mix


async def run_clients(
    base: str,
    mix: list[tuple[str, Callable[[], str]]],
    clients: int,
    requests: int,
    max_seconds: float,
    rng: random.Random,
) -> Load:
    """``clients`` concurrent clients sharing ``requests`` requests, stopping at ``max_seconds``."""
    load = Load()
    remaining = [requests]
    deadline = time.monotonic() + max_seconds
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)

    async def client(http: httpx.AsyncClient) -> None:
        while remaining[0] > 0 and time.monotonic() < deadline:
            remaining[0] -= 1
            name, url = rng.choice(mix)
            t = time.perf_counter()
            path = url()
            try:
                r = await http.get(path)
            except httpx.HTTPError as exc:
                load.error(exc.__class__.__name__, f"{path}: {exc!r} after {time.perf_counter() - t:.1f} s")
                continue
            ms = (time.perf_counter() - t) * 1000
            load.latencies_ms.append(ms)
            load.by_endpoint.setdefault(name, []).append(ms)
            if r.status_code != 200:
                load.error(f"HTTP {r.status_code}", f"{path}: {r.status_code} {r.text[:200]}")

    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=60) as http:
        t0 = time.perf_counter()
        await asyncio.gather(*(client(http) for _ in range(clients)))
        load.seconds = time.perf_counter() - t0
    return load


def percentile(ordered: list[float], q: float) -> float:
    return ordered[min(len(ordered) - 1, max(0, int(round(q * len(ordered))) - 1))]


def run(url: str, args: argparse.Namespace, work: Path) -> None:
    store = open_store(url)
    info = generate(store, args.deployments, args.evidence)
    dialect = store.dialect
    store.close()
    corpus = work / "corpus"
    corpus.mkdir()
    write_corpus(corpus / "load.warc.gz", args.ingest_docs)
    env = dict(os.environ, COUNTERSIGHT_DATABASE_URL=url)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    rng = random.Random(5)
    print(
        f"\n{dialect}: {info['deployments']:,} deployments, {info['evidence']:,} evidence rows, "
        f"{info['n_docs']:,} documents; {args.clients} clients, up to {args.requests:,} requests "
        f"or {args.max_seconds:.0f} s; ingest of {args.ingest_docs:,} generated pages alongside"
    )
    # uvicorn as `countersight serve` runs it (same app factory, one process), with a keep-alive longer
    # than the 5 s default: under this overload the client's event loop can take more than 5 s between
    # reading a response and reusing the connection, and the server then closes it under the request.
    server_cmd = [
        sys.executable, "-m", "uvicorn", "countersight.publish.api.app:create_app", "--factory",
        "--host", "127.0.0.1", "--port", str(port), "--timeout-keep-alive", str(args.keep_alive),
        "--log-level", "warning", "--no-access-log",
    ]  # fmt: skip
    ingest_cmd = [str(BIN / "countersight"), "ingest", str(corpus), "--format", "json", "--no-progress"]
    with process(server_cmd, env, work / "server.log"):
        wait_ready(base)
        httpx.get(f"{base}/api/countries", timeout=120)  # the live index is cached after the first call
        with process(ingest_cmd, env, work / "ingest.log") as ingest:
            time.sleep(1.0)  # let the ingest open its store and start writing
            load_before = os.getloadavg()[0]
            load = asyncio.run(
                run_clients(base, request_mix(info, rng), args.clients, args.requests, args.max_seconds, rng)
            )
            ingest_running = ingest.poll() is None
            if ingest_running:
                ingest.send_signal(signal.SIGINT)  # a clean, resumable stop after the current batch
                ingest.wait(60)
        summary = _ingest_summary(work / "ingest.log")
    ordered = sorted(load.latencies_ms)
    transport = sum(v for k, v in load.errors.items() if not k.startswith("HTTP"))
    n_errors = sum(load.errors.values())
    print(
        f"requests {len(ordered) + transport:,} in {load.seconds:.1f} s: {len(ordered) / load.seconds:,.0f} responses/s"
    )
    if ordered:
        print(
            f"latency ms: p50 {statistics.median(ordered):.0f}  p95 {percentile(ordered, 0.95):.0f}  "
            f"p99 {percentile(ordered, 0.99):.0f}  max {ordered[-1]:.0f}"
        )
    print(f"errors: {n_errors}" + (f" {load.errors}" if load.errors else ""))
    print(
        f"machine load average (1 min) {load_before:.1f} before, {os.getloadavg()[0]:.1f} after, "
        f"on {os.cpu_count()} CPUs"
    )
    for name, samples in sorted(load.by_endpoint.items()):
        ordered_e = sorted(samples)
        print(
            f"  {name:24} {len(samples):6,} requests  p50 {statistics.median(ordered_e):6.0f}  "
            f"p95 {percentile(ordered_e, 0.95):6.0f}  p99 {percentile(ordered_e, 0.99):6.0f} ms"
        )
    for sample in load.samples:
        print(f"  e.g. {sample}")
    if n_errors:
        print("server log (tail):\n" + (work / "server.log").read_text(errors="replace")[-3000:])
    state = "was still writing when the load ended (stopped with SIGINT)" if ingest_running else "finished first"
    if summary:
        print(
            f"ingest {state}: {summary.get('new', 0):,} new documents, {summary.get('claims', 0):,} claims "
            f"in {summary.get('seconds', 0):.0f} s"
        )
    else:
        print(f"ingest {state}; no summary (see {work / 'ingest.log'})")


def _ingest_summary(log: Path) -> dict[str, Any] | None:
    text = log.read_text(encoding="utf-8", errors="replace")
    start = text.find("{")
    if start == -1:
        return None
    try:
        value = json.loads(text[start:])
    except json.JSONDecodeError:
        return None
    return value if isinstance(value, dict) else None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--deployments", type=int, default=20_000)
    parser.add_argument("--evidence", type=int, default=200_000)
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--requests", type=int, default=10_000, help="total requests (all clients)")
    parser.add_argument("--max-seconds", type=float, default=120.0, help="stop the load after this long")
    parser.add_argument("--ingest-docs", type=int, default=40_000, help="pages in the ingested corpus")
    parser.add_argument("--keep-alive", type=int, default=75, help="server keep-alive timeout, seconds")
    args = parser.parse_args(argv)
    if args.backend in ("sqlite", "both"):
        work = Path(tempfile.mkdtemp(prefix="cs-load-"))
        try:
            run(f"sqlite:///{work / 'load.db'}", args, work)
        finally:
            shutil.rmtree(work, ignore_errors=True)
    if args.backend in ("postgresql", "both"):
        pg = os.environ.get("COUNTERSIGHT_BENCH_POSTGRES_URL") or os.environ.get("COUNTERSIGHT_TEST_POSTGRES_URL")
        if not pg:
            print("PostgreSQL skipped: set COUNTERSIGHT_TEST_POSTGRES_URL", file=sys.stderr)
            return 0
        work = Path(tempfile.mkdtemp(prefix="cs-load-"))
        try:
            with postgres_database(pg, keep=False) as url:
                run(url, args, work)
        finally:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
