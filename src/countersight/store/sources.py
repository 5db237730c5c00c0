"""The followed sources and what follow remembers between runs: sources (name, URL, kind, period),
per-URL fetch state (validators, archive location, document), WARC files' committed sizes and
syndication groups. Every write of a fetched document goes through :func:`commit_fetch`: the
document, its claims, its fetch state and the archive's committed size in one transaction."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TypedDict

from sqlalchemy import Connection, RowMapping, delete, select, update

from countersight.errors import InputError, NotFoundError
from countersight.ids import stable_id
from countersight.model import Claim, Document
from countersight.records import StoryCopy
from countersight.store import schema
from countersight.store.bulk import insert_rows
from countersight.store.db import Store
from countersight.textsafe import clean_text, clean_value

SOURCE_KINDS = ("rss", "atom", "sitemap", "page", "gdelt-gkg")


@dataclass(frozen=True, slots=True)
class FeedSource:
    """A source follow polls: its address, kind, period and state."""

    id: str
    name: str
    url: str
    kind: str
    every_seconds: int
    language: str | None = None
    paused: bool = False
    note: str | None = None
    added_at: dt.datetime | None = None
    next_due: dt.datetime | None = None
    last_polled: dt.datetime | None = None
    last_error: str | None = None


@dataclass(frozen=True, slots=True)
class FetchState:
    """What follow knows about one URL from an earlier fetch."""

    url: str
    status: str
    etag: str | None = None
    last_modified: str | None = None
    lastmod: str | None = None
    document_id: str | None = None
    warc_file: str | None = None
    warc_offset: int | None = None
    fetched_at: dt.datetime | None = None
    error: str | None = None


class FetchValues(TypedDict):
    """The parameters of one ``fetched_urls`` upsert: what follow remembers of a URL."""

    id: str
    url: str
    source_id: str | None
    status: str
    http_status: int | None
    etag: str | None
    last_modified: str | None
    lastmod: str | None
    document_id: str | None
    warc_file: str | None
    warc_offset: int | None
    fetched_at: dt.datetime | None
    error: str | None


def source_id(url: str) -> str:
    """The deterministic id of a source (from its URL)."""
    return stable_id("src", [url.strip()])


def url_id(url: str) -> str:
    """The deterministic id of a fetched URL."""
    return stable_id("url", [url])


def _row_source(r: RowMapping) -> FeedSource:
    return FeedSource(
        id=r["id"],
        name=r["name"],
        url=r["url"],
        kind=r["kind"],
        every_seconds=r["every_seconds"],
        language=r["language"],
        paused=bool(r["paused"]),
        note=r["note"],
        added_at=r["added_at"],
        next_due=r["next_due"],
        last_polled=r["last_polled"],
        last_error=r["last_error"],
    )


def add_sources(store: Store, sources: Sequence[FeedSource]) -> list[FeedSource]:
    """Store sources; those whose URL or name is already followed are left as they are. Returns the
    sources added."""
    t = schema.feed_sources
    added = []
    with store.transaction() as conn:
        names = set(conn.execute(select(t.c.name)).scalars())
        ids = set(conn.execute(select(t.c.id)).scalars())
        for s in sources:
            if s.kind not in SOURCE_KINDS:
                raise InputError(f"unknown source kind {s.kind!r} (one of {', '.join(SOURCE_KINDS)})")
            if s.id in ids or s.name in names:
                continue
            conn.execute(
                t.insert().values(
                    id=s.id,
                    name=clean_text(s.name),
                    url=clean_text(s.url),
                    kind=s.kind,
                    every_seconds=s.every_seconds,
                    language=clean_value(s.language),
                    paused=s.paused,
                    note=clean_value(s.note),
                    added_at=s.added_at or dt.datetime.now(dt.UTC),
                    next_due=None,
                    last_polled=None,
                    last_error=None,
                )
            )
            names.add(s.name)
            ids.add(s.id)
            added.append(s)
    return added


def list_sources(store: Store) -> list[FeedSource]:
    """Every followed source, by name."""
    t = schema.feed_sources
    with store.engine.connect() as conn:
        return [_row_source(r) for r in conn.execute(select(t).order_by(t.c.name)).mappings()]


def find_source(store: Store, name_or_url: str) -> FeedSource:
    """A source by name, URL or id; :class:`NotFoundError` when none matches."""
    t = schema.feed_sources
    with store.engine.connect() as conn:
        row = (
            conn.execute(
                select(t).where((t.c.name == name_or_url) | (t.c.url == name_or_url) | (t.c.id == name_or_url))
            )
            .mappings()
            .first()
        )
    if row is None:
        raise NotFoundError(f"no source named {name_or_url!r} (see: countersight sources list)")
    return _row_source(row)


def remove_source(store: Store, name_or_url: str) -> FeedSource:
    """Stop following a source (what it brought stays in the store)."""
    source = find_source(store, name_or_url)
    with store.transaction() as conn:
        conn.execute(delete(schema.feed_sources).where(schema.feed_sources.c.id == source.id))
    return source


def set_paused(store: Store, name_or_url: str, paused: bool) -> FeedSource:
    """Pause or resume a source."""
    source = find_source(store, name_or_url)
    with store.transaction() as conn:
        conn.execute(update(schema.feed_sources).where(schema.feed_sources.c.id == source.id).values(paused=paused))
    return find_source(store, source.id)


def due_sources(store: Store, now: dt.datetime, name: str | None = None) -> list[FeedSource]:
    """Sources not paused whose next poll is due (never polled, or ``next_due`` passed); with
    ``name``, that source only (due or not, paused or not: asked for by name)."""
    if name is not None:
        return [find_source(store, name)]
    due = []
    for s in list_sources(store):
        if s.paused:
            continue
        nd = s.next_due
        if nd is not None and nd.tzinfo is None:
            nd = nd.replace(tzinfo=dt.UTC)  # SQLite gives naive date-times back
        if nd is None or nd <= now:
            due.append(s)
    return due


def mark_polled(store: Store, source: FeedSource, now: dt.datetime, error: str | None) -> None:
    """Record a finished poll: when, its error (if any), and when it is next due."""
    with store.transaction() as conn:
        conn.execute(
            update(schema.feed_sources)
            .where(schema.feed_sources.c.id == source.id)
            .values(
                last_polled=now,
                last_error=clean_value(error),
                next_due=now + dt.timedelta(seconds=source.every_seconds),
            )
        )


def fetch_states(store: Store, urls: Iterable[str]) -> dict[str, FetchState]:
    """Earlier fetch state of each of ``urls`` that has one."""
    t = schema.fetched_urls
    ids = {url_id(u): u for u in urls}
    out: dict[str, FetchState] = {}
    keys = list(ids)
    with store.engine.connect() as conn:
        for i in range(0, len(keys), 500):
            for r in conn.execute(select(t).where(t.c.id.in_(keys[i : i + 500]))).mappings():
                url = ids[r["id"]]  # as asked for (the stored URL is the sanitised one)
                out[url] = FetchState(
                    url=url,
                    status=r["status"],
                    etag=r["etag"],
                    last_modified=r["last_modified"],
                    lastmod=r["lastmod"],
                    document_id=r["document_id"],
                    warc_file=r["warc_file"],
                    warc_offset=r["warc_offset"],
                    fetched_at=r["fetched_at"],
                    error=r["error"],
                )
    return out


def fetch_row(
    url: str,
    source: str | None,
    status: str,
    *,
    http_status: int | None = None,
    etag: str | None = None,
    last_modified: str | None = None,
    lastmod: str | None = None,
    document_id: str | None = None,
    warc_file: str | None = None,
    warc_offset: int | None = None,
    fetched_at: dt.datetime | None = None,
    error: str | None = None,
) -> FetchValues:
    """A ``fetched_urls`` row. The URL and the error (which quotes the remote server) are sanitised
    as shown text; the id hashes the URL as fetched, and the validators stay verbatim (sent back
    to the server and compared, never shown)."""
    return {
        "id": url_id(url),
        "url": clean_text(url),
        "source_id": source,
        "status": status,
        "http_status": http_status,
        "etag": etag,
        "last_modified": last_modified,
        "lastmod": lastmod,
        "document_id": document_id,
        "warc_file": warc_file,
        "warc_offset": warc_offset,
        "fetched_at": fetched_at,
        "error": clean_value(error),
    }


def commit_fetch(
    store: Store,
    fetch: FetchValues,
    *,
    document: Document | None = None,
    claims: Sequence[Claim] = (),
    story: Mapping[str, str] | None = None,
    bands: Sequence[str] = (),
    warc: tuple[str, int] | None = None,
) -> dict[str, int]:
    """Write one fetched URL's outcome in one transaction: its document and claims (ids already
    stored are kept), its syndication group (``story``: the ``document_stories`` row, document id,
    story id and signature), its fetch state and the WARC file's committed size."""
    with store.transaction() as conn:
        counts = store.add([document] if document is not None else [], claims, conn=conn)
        if story is not None:
            store.insert_ignore(conn, schema.document_stories, [story])
            store.insert_ignore(
                conn, schema.story_bands, [{"band_key": b, "document_id": story["document_id"]} for b in bands]
            )
        insert_rows(conn, schema.fetched_urls, [fetch], ["id"])
        if warc is not None:
            set_warc_committed(store, conn, warc[0], warc[1])
    return counts


def set_warc_committed(store: Store, conn: Connection, name: str, size: int) -> None:
    """Record that ``name`` holds at least ``size`` committed bytes (never less than recorded:
    commits may finish out of order)."""
    t = schema.warc_files
    grown = conn.execute(
        update(t).where((t.c.name == name) & (t.c.committed_bytes < size)).values(committed_bytes=size)
    ).rowcount
    if not grown:
        store.insert_ignore(conn, t, [{"name": name, "committed_bytes": size, "created_at": dt.datetime.now(dt.UTC)}])


def warc_committed(store: Store) -> dict[str, int]:
    """Committed size of every WARC file follow has written."""
    t = schema.warc_files
    with store.engine.connect() as conn:
        return {r.name: int(r.committed_bytes) for r in conn.execute(select(t.c.name, t.c.committed_bytes))}


def story_candidates(store: Store, bands: Sequence[str]) -> dict[str, tuple[str, str]]:
    """Documents sharing any LSH band with a new text: document id -> (story id, signature hex)."""
    if not bands:
        return {}
    b, s = schema.story_bands, schema.document_stories
    with store.engine.connect() as conn:
        q = select(s.c.document_id, s.c.story_id, s.c.signature).where(
            s.c.document_id.in_(select(b.c.document_id).where(b.c.band_key.in_(list(bands))))
        )
        return {r.document_id: (r.story_id, r.signature) for r in conn.execute(q)}


def story_copies(store: Store, document_ids: Iterable[str]) -> dict[str, list[StoryCopy]]:
    """For each of ``document_ids``, the other documents of its story (syndicated copies), with
    their URL, title, publisher and date."""
    s, d = schema.document_stories, schema.documents
    wanted = list(dict.fromkeys(document_ids))
    out: dict[str, list[StoryCopy]] = {}
    if not wanted:
        return out
    with store.engine.connect() as conn:
        stories: dict[str, str] = {}
        for i in range(0, len(wanted), 500):
            stories.update(
                {
                    r.document_id: r.story_id
                    for r in conn.execute(
                        select(s.c.document_id, s.c.story_id).where(s.c.document_id.in_(wanted[i : i + 500]))
                    )
                }
            )
        if not stories:
            return out
        members: dict[str, list[StoryCopy]] = {}
        q = (
            select(s.c.story_id, d.c.id, d.c.url, d.c.title, d.c.publisher, d.c.published)
            .join(d, d.c.id == s.c.document_id)
            .where(s.c.story_id.in_(sorted(set(stories.values()))))
            .order_by(d.c.id)
        )
        for r in conn.execute(q):
            members.setdefault(r.story_id, []).append(StoryCopy(r.id, r.url, r.title, r.publisher, r.published))
    for doc_id, story in stories.items():
        copies = [m for m in members.get(story, []) if m.document_id != doc_id]
        if copies:
            out[doc_id] = copies
    return out


def document_archive(store: Store, key: str) -> list[FetchState]:
    """Archived fetches of a document id or URL, newest first."""
    t = schema.fetched_urls
    with store.engine.connect() as conn:
        q = (
            select(t)
            .where(((t.c.document_id == key) | (t.c.url == key)) & t.c.warc_file.is_not(None))
            .order_by(t.c.fetched_at.desc())
        )
        return [
            FetchState(
                url=r["url"],
                status=r["status"],
                etag=r["etag"],
                last_modified=r["last_modified"],
                lastmod=r["lastmod"],
                document_id=r["document_id"],
                warc_file=r["warc_file"],
                warc_offset=r["warc_offset"],
                fetched_at=r["fetched_at"],
                error=r["error"],
            )
            for r in conn.execute(q).mappings()
        ]


def archived_at(store: Store, document_ids: Iterable[str]) -> dict[str, dt.datetime | None]:
    """When each of ``document_ids`` that has an archived copy was (last) fetched."""
    t = schema.fetched_urls
    wanted = list(dict.fromkeys(document_ids))
    out: dict[str, dt.datetime | None] = {}
    with store.engine.connect() as conn:
        for i in range(0, len(wanted), 500):
            q = (
                select(t.c.document_id, t.c.fetched_at)
                .where(t.c.document_id.in_(wanted[i : i + 500]) & t.c.warc_file.is_not(None))
                .order_by(t.c.fetched_at)
            )
            for doc_id, when in conn.execute(q):
                out[doc_id] = when
    return out


@dataclass(frozen=True, slots=True)
class ArchivedCopy:
    """Where a fetched document's archived copy lies: which WARC file, at which offset, fetched when."""

    document_id: str
    url: str
    fetched_at: dt.datetime | None
    warc_file: str
    warc_offset: int | None


def archived_copies(store: Store) -> list[ArchivedCopy]:
    """Every archived copy of a stored document, by document and URL."""
    t = schema.fetched_urls
    q = (
        select(t.c.document_id, t.c.url, t.c.fetched_at, t.c.warc_file, t.c.warc_offset)
        .where(t.c.warc_file.is_not(None) & t.c.document_id.is_not(None))
        .order_by(t.c.document_id, t.c.url)
    )
    with store.engine.connect() as conn:
        return [ArchivedCopy(*r) for r in conn.execute(q)]
