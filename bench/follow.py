"""Benchmark: ``follow --once`` against a loopback site of many articles on many hosts.

Serves ``--articles`` generated news pages (bench/extract_speed.py's generator) spread over
``--hosts`` host names (``host000.bench.test`` ...), each host with a robots.txt and an RSS feed of
its articles, from one threaded HTTP server on 127.0.0.1. The host names are never looked up in
DNS: the harness gives follow an httpx transport that sends every request to the loopback server
(the Host header keeps the name) and a resolver that answers 127.0.0.1 (allowed by the loopback
setting, as in the tests). Then it runs follow once into a fresh SQLite store and prints pages/s,
the wall time, peak RSS of this process, and what the store holds; a second run measures the cost of
polling an unchanged web (every feed answers 304).

    .venv/bin/python bench/follow.py [--articles 10000] [--hosts 200] [--concurrency 64] [--workdir DIR]

Politeness is kept (one request at a time per host) but the per-host delay is 0 here: with the
default 1 s delay, 200 hosts cap the rate at 200 pages/s whatever the machine.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
from extract_speed import Vocabulary, generate, page

from countersight.config import Settings
from countersight.follow import follow
from countersight.store import open_store, schema


def build_site(articles: int, hosts: int, seed: int) -> dict[str, dict[str, bytes]]:
    """Pages per host name: ``/robots.txt``, ``/feed.xml`` and ``/a/N.html``."""
    site: dict[str, dict[str, bytes]] = {}
    items: dict[str, list[str]] = {}
    for i, title, text, _ in generate(articles, seed, Vocabulary.load()):
        host = f"host{i % hosts:03d}.bench.test"
        site.setdefault(host, {})[f"/a/{i}.html"] = page(title, text, i).encode()
        items.setdefault(host, []).append(f"<item><title>{i}</title><link>http://{host}/a/{i}.html</link></item>")
    for host, entries in items.items():
        site[host]["/robots.txt"] = b"User-agent: *\nAllow: /\n"
        site[host]["/feed.xml"] = (
            f'<?xml version="1.0"?><rss version="2.0"><channel><title>{host}</title><link>http://{host}/</link>'
            f"<description>bench</description>{''.join(entries)}</channel></rss>"
        ).encode()
    return site


@contextmanager
def serve(site: dict[str, dict[str, bytes]]) -> Iterator[int]:
    """Serve the site on a loopback port (ETag from the path: a second run gets 304s)."""

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: object) -> None:
            pass

        def do_GET(self) -> None:  # noqa: N802 - the http.server API
            host = (self.headers.get("Host") or "").split(":")[0]
            body = site.get(host, {}).get(self.path)
            etag = f'"{hash((host, self.path)) & 0xFFFFFFFF:x}"'
            if body is None:
                self.send_response(404)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            if self.headers.get("If-None-Match") == etag:
                self.send_response(304)
                self.send_header("ETag", etag)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            ctype = {"/robots.txt": "text/plain", "/feed.xml": "application/rss+xml"}.get(self.path, "text/html")
            self.send_response(200)
            self.send_header("Content-Type", ctype + "; charset=utf-8")
            self.send_header("ETag", etag)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    server.request_queue_size = 512
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()


class LoopbackTransport(httpx.AsyncBaseTransport):
    """Sends every request to the loopback server; the URL (and Host header) keep the host name."""

    def __init__(self, port: int, connections: int):
        self.port = port
        self.inner = httpx.AsyncHTTPTransport(
            limits=httpx.Limits(max_connections=connections, max_keepalive_connections=connections)
        )

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        request.url = request.url.copy_with(host="127.0.0.1", port=self.port)
        return await self.inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self.inner.aclose()


async def loopback_resolver(host: str) -> list[str]:
    """Every bench host name is 127.0.0.1 (no DNS)."""
    return ["127.0.0.1"]


def peak_rss_mb() -> float:
    """Peak resident memory of this process (server threads included), in MB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--hosts", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=64)
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--workdir", type=Path, default=None)
    args = parser.parse_args()
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="cs-bench-follow-"))
    workdir.mkdir(parents=True, exist_ok=True)
    t0 = time.monotonic()
    site = build_site(args.articles, args.hosts, args.seed)
    print(
        f"site: {args.articles:,} articles on {len(site)} hosts, built in {time.monotonic() - t0:.1f} s; "
        f"rss {peak_rss_mb():.0f} MB; load {', '.join(f'{x:.2f}' for x in os.getloadavg())}"
    )
    url = f"sqlite:///{workdir / 'follow.db'}"
    settings = Settings(
        database_url=url,
        archive_dir=workdir / "archive",
        fetch_delay=0.0,
        fetch_timeout=30.0,
        fetch_concurrency=args.concurrency,
        fetch_allow_loopback=True,
    )
    store = open_store(url)
    from countersight.follow.sources import new_source
    from countersight.store.sources import add_sources

    add_sources(store, [new_source(f"http://{h}/feed.xml", "rss", 3600, name=h) for h in sorted(site)])
    with serve(site) as port:
        for label in ("first run", "second run (unchanged)"):
            transport = LoopbackTransport(port, args.concurrency)
            started = time.monotonic()
            stats = follow(store, settings, once=True, transport=transport, resolver=loopback_resolver)
            seconds = time.monotonic() - started
            asyncio.run(transport.aclose())
            summary = stats.summary()
            failed = summary.pop("failed")
            print(
                f"{label}: {seconds:.1f} s, {summary['fetched'] / seconds:.1f} pages/s, "
                f"{summary['items'] / seconds:.1f} items/s, peak rss {peak_rss_mb():.0f} MB"
            )
            print("  " + json.dumps({**summary, "failed": len(failed)}))
            for f in failed[:5]:
                print(f"  failed: {f['url']}: {f['error']}")
            # Subsequent runs poll every source again.
            with store.transaction() as conn:
                conn.execute(schema.feed_sources.update().values(next_due=None))
    print(
        f"store: {store.stats()['documents']:,} documents, {store.stats()['claims']:,} claims; archive "
        f"{sum(p.stat().st_size for p in (workdir / 'archive').glob('*')) / 1e6:.1f} MB in {workdir}"
    )
    sys.stdout.flush()


if __name__ == "__main__":
    main()
