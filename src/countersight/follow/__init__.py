"""Follow the web: poll the due sources, discover their items, fetch them politely, archive every
response (WARC/1.1), extract the article text, set syndicated copies aside, ingest the new
documents through the ingest path (extraction, one transaction per document with its fetch
state) and resolve the claims they brought.

State lives in the store (sources' next poll, each URL's validators and archive location), so a
stopped or killed run resumes where it was; ``once`` returns after every due source was polled.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from typing import Any

import httpx
from sqlalchemy import select

from countersight.config import Settings
from countersight.errors import CountersightError, FetchError
from countersight.follow.archive import WarcWriter, new_warc_name, repair
from countersight.follow.discover import Item, feed_items, gkg_items, sitemap_items
from countersight.follow.fetch import (
    FEED_TYPES,
    GKG_TYPES,
    PAGE_TYPES,
    SITEMAP_TYPES,
    Fetched,
    Fetcher,
    Resolver,
    RobotsDisallowed,
)
from countersight.ingest import Extractor, default_extractor
from countersight.model import Document
from countersight.resolve import syndication
from countersight.sources.base import Limits
from countersight.sources.web import web_document
from countersight.store import Store, schema
from countersight.store import ingest_state as state
from countersight.store import sources as sstore
from countersight.store.sources import FeedSource, FetchState
from countersight.textsafe import clean_document

log = logging.getLogger(__name__)

MAX_LISTED_FAILURES = 10_000
MAX_SITEMAP_DEPTH = 2
SUMMARY_KEYS = (
    "sources",
    "items",
    "fetched",
    "not_modified",
    "robots_skipped",
    "duplicates",
    "failed",
    "claims",
    "deployments",
)


@dataclass
class FollowStats:
    """Counts of a follow run; :meth:`summary` is the JSON the CLI prints (exactly
    :data:`SUMMARY_KEYS`)."""

    sources: int = 0
    items: int = 0
    fetched: int = 0
    not_modified: int = 0
    robots_skipped: int = 0
    duplicates: int = 0
    failed: list[dict[str, str]] = field(default_factory=list)
    claims: int = 0
    deployments: int = 0
    interrupted: bool = False
    claim_ids: list[str] = field(default_factory=list)

    def fail(self, url: str, error: str) -> None:
        """Record one failed URL with its reason."""
        if len(self.failed) < MAX_LISTED_FAILURES:
            self.failed.append({"url": url, "error": error})

    def summary(self) -> dict[str, Any]:
        """The run summary: sources polled, items seen, fetched, not modified, skipped by robots,
        duplicates, failures ``[{url, error}]``, new claims, new deployments."""
        return {
            "sources": self.sources,
            "items": self.items,
            "fetched": self.fetched,
            "not_modified": self.not_modified,
            "robots_skipped": self.robots_skipped,
            "duplicates": self.duplicates,
            "failed": list(self.failed),
            "claims": self.claims,
            "deployments": self.deployments,
        }


def _resolve_touched(store: Store, claim_ids: Iterable[str]) -> None:
    """Bring the deployments of ``claim_ids`` up to date: the incremental resolution of the
    claims no deployment holds yet (only the deployments sharing their merge keys are re-merged),
    the same one every other write uses."""
    from countersight.resolution import resolve_pending

    if list(claim_ids):
        resolve_pending(store)


def _unresolved_claims(store: Store) -> list[str]:
    """Claims without a deployment (e.g. stored by a run killed before it resolved)."""
    c = schema.claims
    with store.engine.connect() as conn:
        return list(conn.execute(select(c.c.id).where(c.c.deployment_id.is_(None)).limit(100_000)).scalars())


class Follower:
    """One follow run over a store (see :func:`follow`)."""

    def __init__(
        self,
        store: Store,
        settings: Settings,
        *,
        extractor: Extractor | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        resolver: Resolver | None = None,
        stop: threading.Event | None = None,
        progress: Callable[[FollowStats], None] | None = None,
    ):
        self.store, self.settings = store, settings
        self.extract = extractor or default_extractor()
        self.transport, self.resolver = transport, resolver
        self.stop = stop or threading.Event()
        self.progress = progress
        self.stats = FollowStats()
        self.limits = Limits.from_settings(settings)
        self.archive_dir = settings.archive_path()
        self._warc: WarcWriter | None = None
        self._slots = asyncio.Semaphore(max(1, settings.fetch_concurrency))
        # Sources polled at once: each holds its item list, so this bounds memory with thousands of sources.
        self._source_slots = asyncio.Semaphore(max(1, settings.fetch_concurrency))
        self._unresolved: list[str] = []
        self._resolved = 0
        self._commit = asyncio.Lock()

    # -- archive ---------------------------------------------------------------------------

    def _writer(self) -> WarcWriter:
        if self._warc is None:
            self._warc = WarcWriter(self.archive_dir / new_warc_name(dt.datetime.now(dt.UTC)))
            with self.store.transaction() as conn:
                sstore.set_warc_committed(self.store, conn, self._warc.path.name, self._warc.size)
        return self._warc

    def _archive(self, fetched: Fetched) -> tuple[str, int]:
        writer = self._writer()
        offset = writer.write_exchange(
            fetched.url, fetched.request_head, fetched.response_head, fetched.raw_body, fetched.fetched_at
        )
        return writer.path.name, offset

    # -- the run ---------------------------------------------------------------------------

    async def run(self, once: bool, source_name: str | None) -> FollowStats:
        """Poll due sources until stopped (or once each), resolving what each round added."""
        repaired = repair(self.archive_dir, sstore.warc_committed(self.store))
        if repaired:
            log.warning("archives repaired after an interrupted run: %s", ", ".join(repaired))
        before = self.store.count(schema.deployments)
        # Claims a killed run stored but never resolved are resolved with this run's.
        self._unresolved = _unresolved_claims(self.store)
        try:
            async with Fetcher(self.settings, transport=self.transport, resolver=self.resolver) as fetcher:
                while not self.stop.is_set():
                    due = sstore.due_sources(self.store, dt.datetime.now(dt.UTC), source_name)
                    await asyncio.gather(*(self._poll(fetcher, s) for s in due))
                    self._resolve_new()  # what users see is current after every round, not at exit
                    if once or source_name is not None:
                        break
                    await self._sleep_until_due()
        finally:
            if self._warc is not None:
                self._warc.close()
            self.stats.interrupted = self.stop.is_set()
            self._resolve_new()
            self.stats.deployments = max(0, self.store.count(schema.deployments) - before)
        return self.stats

    def _resolve_new(self) -> None:
        """Resolve the claims stored since the last call (and those found unresolved at start)."""
        fresh = [*self._unresolved, *self.stats.claim_ids[self._resolved :]]
        self._unresolved, self._resolved = [], len(self.stats.claim_ids)
        _resolve_touched(self.store, fresh)

    async def _sleep_until_due(self) -> None:
        upcoming = [s.next_due for s in sstore.list_sources(self.store) if not s.paused and s.next_due]
        now = dt.datetime.now(dt.UTC)
        wait = 60.0
        if upcoming:
            soonest = min(d if d.tzinfo else d.replace(tzinfo=dt.UTC) for d in upcoming)
            wait = max(0.5, min(wait, (soonest - now).total_seconds()))
        for _ in range(int(wait * 4)):
            if self.stop.is_set():
                return
            await asyncio.sleep(0.25)

    async def _poll(self, fetcher: Fetcher, source: FeedSource) -> None:
        async with self._source_slots:
            if not self.stop.is_set():
                await self._poll_source(fetcher, source)

    async def _poll_source(self, fetcher: Fetcher, source: FeedSource) -> None:
        error: str | None = None
        self.stats.sources += 1
        try:
            if source.kind == "page":
                await self._items(fetcher, source, [Item(source.url)])
            else:
                pending: list[tuple[sstore.FetchValues, tuple[str, int]]] = []
                items = await self._discover(fetcher, source, source.url, 0, pending)
                await self._items(fetcher, source, items)
                if not self.stop.is_set():
                    # The source's validators only once all its items are handled: a run stopped or
                    # killed before that polls the source in full again (items done are then 304s).
                    for row, warc in pending:
                        await self._write(row, warc=(warc[0], self._writer().size))
        except (FetchError, CountersightError) as exc:
            error = exc.message
            self.stats.fail(source.url, exc.message)
        if not self.stop.is_set():
            sstore.mark_polled(self.store, source, dt.datetime.now(dt.UTC), error)
        if self.progress is not None:
            self.progress(self.stats)

    async def _discover(
        self,
        fetcher: Fetcher,
        source: FeedSource,
        url: str,
        depth: int,
        pending: list[tuple[sstore.FetchValues, tuple[str, int]]],
    ) -> list[Item]:
        """The items a source's document points at; [] when it is unchanged since the last poll.
        Its fetch state goes to ``pending`` (committed by the caller once the items are handled)."""
        accept = {"sitemap": SITEMAP_TYPES, "gdelt-gkg": GKG_TYPES}.get(source.kind, FEED_TYPES)
        known = sstore.fetch_states(self.store, [url]).get(url)
        try:
            fetched = await fetcher.get(
                url,
                etag=known.etag if known else None,
                last_modified=known.last_modified if known else None,
                accept=accept,
            )
        except RobotsDisallowed:
            self.stats.robots_skipped += 1
            return []
        if fetched.status == 304:
            self.stats.not_modified += 1
            return []
        body = fetched.body(self.settings.fetch_max_bytes)
        warc = self._archive(fetched)
        if source.kind == "sitemap":
            items = list(sitemap_items(body, fetched.url))
        elif source.kind == "gdelt-gkg":
            items = list(gkg_items(body, fetched.url))
        else:
            items = list(feed_items(body, fetched.url))
        pending.append(
            (
                sstore.fetch_row(
                    url,
                    source.id,
                    "done",
                    http_status=fetched.status,
                    etag=fetched.headers.get("etag"),
                    last_modified=fetched.headers.get("last-modified"),
                    warc_file=warc[0],
                    warc_offset=warc[1],
                    fetched_at=fetched.fetched_at,
                ),
                warc,
            )
        )
        out: list[Item] = []
        for item in items:
            if item.sitemap:
                if depth < MAX_SITEMAP_DEPTH:
                    try:
                        out += await self._discover(fetcher, source, item.url, depth + 1, pending)
                    except (FetchError, CountersightError) as exc:
                        self.stats.fail(item.url, exc.message)
            else:
                out.append(item)
        return out

    async def _items(self, fetcher: Fetcher, source: FeedSource, items: list[Item]) -> None:
        """Fetch the items concurrently across hosts (one at a time per host, in the fetcher), at
        most ``fetch_concurrency`` in flight."""
        tasks: set[asyncio.Task[None]] = set()
        for item in dict.fromkeys(items):
            if self.stop.is_set():
                break
            await self._slots.acquire()
            task = asyncio.create_task(self._item(fetcher, source, item))
            tasks.add(task)
            task.add_done_callback(self._finished(tasks))
        if tasks:
            await asyncio.gather(*tasks)

    def _finished(self, tasks: set[asyncio.Task[None]]) -> Callable[[asyncio.Task[None]], None]:
        def done(task: asyncio.Task[None]) -> None:
            tasks.discard(task)
            self._slots.release()

        return done

    async def _item(self, fetcher: Fetcher, source: FeedSource, item: Item) -> None:
        self.stats.items += 1
        url = item.url
        known = sstore.fetch_states(self.store, [url]).get(url)
        if known is not None and known.status == "done":
            if item.lastmod and known.lastmod and item.lastmod <= known.lastmod:
                self.stats.not_modified += 1  # the sitemap says unchanged: not even a request
                return
            if not (known.etag or known.last_modified) and not item.lastmod:
                self.stats.not_modified += 1  # fetched before, no validator to ask with: kept as is
                return
        try:
            fetched = await fetcher.get(
                url,
                etag=known.etag if known else None,
                last_modified=known.last_modified if known else None,
                accept=PAGE_TYPES,
            )
        except RobotsDisallowed:
            self.stats.robots_skipped += 1
            return
        except FetchError as exc:
            self.stats.fail(url, exc.message)
            await self._write(
                sstore.fetch_row(url, source.id, "failed", error=exc.message, fetched_at=dt.datetime.now(dt.UTC))
            )
            return
        if fetched.status == 304:
            self.stats.not_modified += 1
            return
        self.stats.fetched += 1
        try:
            await self._store_page(source, item, fetched, known)
        except CountersightError as exc:
            self.stats.fail(url, exc.message)

    async def _store_page(self, source: FeedSource, item: Item, fetched: Fetched, known: FetchState | None) -> None:
        url = item.url
        warc = self._archive(fetched)
        row: dict[str, Any] = {
            "http_status": fetched.status,
            "etag": fetched.headers.get("etag"),
            "last_modified": fetched.headers.get("last-modified"),
            "lastmod": item.lastmod,
            "warc_file": warc[0],
            "warc_offset": warc[1],
            "fetched_at": fetched.fetched_at,
        }
        try:
            body = fetched.body(self.settings.fetch_max_bytes)
            document = await asyncio.to_thread(
                web_document,
                body,
                url,
                fetched.content_type,
                self.limits,
                charset=fetched.charset,
                fetched_at=fetched.fetched_at,
                meta={"warc_file": warc[0], "warc_offset": warc[1], "follow_source": source.name},
            )
        except CountersightError as exc:
            await self._write(
                sstore.fetch_row(url, source.id, "failed", error=exc.message, **row),
                warc=(warc[0], self._writer().size),
            )
            raise
        if source.language and not document.language:
            document = _with_language(document, source.language)
        # Sanitised as ingest does, before the signature and extraction: evidence offsets point
        # into the text the store keeps.
        document = clean_document(document)
        await self._ingest(source, url, document, row, warc)

    async def _write(self, fetch: sstore.FetchValues, **kw: Any) -> dict[str, int]:
        """Commit one URL's outcome (:func:`sstore.commit_fetch`) off the event loop, so that a
        commit waiting for a database lock never stalls the fetches in flight (their timeouts)."""
        return await asyncio.to_thread(sstore.commit_fetch, self.store, fetch, **kw)

    async def _ingest(
        self, source: FeedSource, url: str, document: Document, row: dict[str, Any], warc: tuple[str, int]
    ) -> None:
        """Store one fetched document: an exact or near duplicate is kept as a copy (no claims of
        its own: copies must not count twice); anything else goes through extraction."""
        sig = await asyncio.to_thread(syndication.signature, document.text)
        async with self._commit:  # one at a time: two copies fetched together must not both be originals
            await self._ingest_locked(source, url, document, row, warc, sig)

    async def _ingest_locked(
        self,
        source: FeedSource,
        url: str,
        document: Document,
        row: dict[str, Any],
        warc: tuple[str, int],
        sig: tuple[int, ...],
    ) -> None:
        size = (warc[0], self._writer().size)
        if state.existing_document_ids(self.store, [document.id]):
            self.stats.duplicates += 1
            await self._write(sstore.fetch_row(url, source.id, "done", document_id=document.id, **row), warc=size)
            return
        bands = syndication.band_keys(sig)
        match = syndication.best_match(sig, sstore.story_candidates(self.store, bands))
        story = {
            "document_id": document.id,
            "story_id": match[1] if match else document.id,
            "signature": syndication.to_hex(sig),
        }
        claims: list[Any] = []
        if match is not None:
            self.stats.duplicates += 1
            document = _with_meta(document, {"copy_of": match[0], "similarity": round(match[2], 3)})
        else:
            try:
                claims = await asyncio.to_thread(self.extract, document)
            except Exception as exc:  # noqa: BLE001 - one page must never stop a run (as in ingest)
                # Over its time budget, or an extractor bug: a failure of this URL with its reason.
                error = f"extraction failed: {exc.__class__.__name__}: {exc}"
                log.debug("extraction failed on %s", url, exc_info=True)
                await self._write(sstore.fetch_row(url, source.id, "failed", error=error, **row), warc=size)
                raise CountersightError(error, path=url) from exc
        counts = await self._write(
            sstore.fetch_row(url, source.id, "done", document_id=document.id, **row),
            document=document,
            claims=claims,
            story=story,
            bands=bands,
            warc=size,
        )
        self.stats.claims += counts["claims"]
        self.stats.claim_ids += [c.id for c in claims]


def _with_meta(document: Document, extra: dict[str, Any]) -> Document:
    return replace(document, meta={**document.meta, **extra})


def _with_language(document: Document, language: str) -> Document:
    return replace(document, language=language)


def follow(
    store: Store,
    settings: Settings,
    *,
    once: bool = False,
    source: str | None = None,
    extractor: Extractor | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
    resolver: Resolver | None = None,
    stop: threading.Event | None = None,
    progress: Callable[[FollowStats], None] | None = None,
) -> FollowStats:
    """Run follow (see the module docstring) and return its counts. ``stop`` (set by a SIGINT
    handler) ends it after the items in flight; ``transport``/``resolver`` let tests and benchmarks
    serve many host names from loopback."""
    follower = Follower(
        store, settings, extractor=extractor, transport=transport, resolver=resolver, stop=stop, progress=progress
    )
    return asyncio.run(follower.run(once, source))
