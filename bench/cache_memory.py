"""Benchmark: the server's memory under many distinct ``as_of`` requests (issue 18, item 2).

Builds the demo store (or uses ``--db``), starts the API in a subprocess (uvicorn, one process),
then asks ``/api/countries?as_of=...`` for ``--requests`` distinct days (3,000 by default: every
day from ``--start``, 2019-10-01, on: after the AIGS 2019 edition, so that every answer is a full
index) and samples the server's resident memory (RSS) as it goes. Each day is a cache miss (the
live index is replayed), the worst case for the cache: before the cache was bounded, every day
stayed in memory (214 -> 685 MiB in the security review).

    .venv/bin/python bench/cache_memory.py [--requests 3000] [--entries 64] [--start 2019-10-01] [--db URL]

``--entries`` is the server's cache bound (``create_app(cache_entries=...)``); pass a number
larger than ``--requests`` to see the unbounded behaviour for comparison.
"""

from __future__ import annotations

import argparse
import datetime as dt
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
import psutil

SERVER = (
    "import sys, uvicorn\n"
    "from countersight.publish.api.app import create_app\n"
    "uvicorn.run(create_app(sys.argv[1], cache_entries=int(sys.argv[2]), dashboard=False),\n"
    "            host='127.0.0.1', port=int(sys.argv[3]), log_level='warning')\n"
)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def mib(process: psutil.Process) -> float:
    return process.memory_info().rss / 2**20


def run(url: str, n_requests: int, entries: int, first: dt.date) -> None:
    port = free_port()
    server = subprocess.Popen([sys.executable, "-c", SERVER, url, str(entries), str(port)])
    try:
        base = f"http://127.0.0.1:{port}"
        with httpx.Client(base_url=base, timeout=60) as client:
            for _ in range(200):
                try:
                    client.get("/api/health")
                    break
                except httpx.TransportError:
                    time.sleep(0.1)
            proc = psutil.Process(server.pid)
            client.get("/api/countries")
            start_rss = peak = mib(proc)
            print(f"cache bound {entries} entries; RSS after the first request: {start_rss:.0f} MiB", flush=True)
            t0 = time.perf_counter()
            for i in range(n_requests):
                day = first + dt.timedelta(days=i)
                r = client.get("/api/countries", params={"as_of": day.isoformat()})
                r.raise_for_status()
                if (i + 1) % 250 == 0 or i + 1 == n_requests:
                    rss = mib(proc)
                    peak = max(peak, rss)
                    print(
                        f"  {i + 1:>5} distinct as_of  RSS {rss:7.0f} MiB  "
                        f"({(time.perf_counter() - t0) / (i + 1) * 1000:.0f} ms/request)",
                        flush=True,
                    )
            print(
                f"RSS start {start_rss:.0f} MiB, peak {peak:.0f} MiB, growth {peak - start_rss:.0f} MiB "
                f"over {n_requests} distinct as_of requests"
            )
    finally:
        server.terminate()
        server.wait(timeout=30)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--entries", type=int, default=64)
    parser.add_argument("--start", type=dt.date.fromisoformat, default=dt.date(2019, 10, 1))
    parser.add_argument("--db", help="database URL (default: the demo store built in a temporary directory)")
    args = parser.parse_args(argv)
    if args.db:
        run(args.db, args.requests, args.entries, args.start)
        return 0
    from countersight.demo import build_demo
    from countersight.store import open_store

    with tempfile.TemporaryDirectory(prefix="cs-bench-cache-") as tmp:
        url = f"sqlite:///{Path(tmp) / 'demo.db'}"
        store = open_store(url)
        build_demo(store)
        store.close()
        run(url, args.requests, args.entries, args.start)
    return 0


if __name__ == "__main__":
    sys.exit(main())
