"""Building sources to follow (from an address, the starter list) and reading archived copies back."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from importlib.resources import files
from urllib.parse import urlsplit

import httpx
import yaml

from countersight.config import Settings
from countersight.errors import InputError, NotFoundError
from countersight.follow.archive import read_response
from countersight.sources.base import Limits
from countersight.store import Store
from countersight.store.sources import SOURCE_KINDS, FeedSource, document_archive, source_id
from countersight.textsafe import clean_text


def guess_kind(url: str) -> str:
    """The kind an address most likely is: a sitemap, a GKG file, a feed (the default)."""
    path = urlsplit(url).path.lower()
    if "sitemap" in path and path.endswith((".xml", ".xml.gz")):
        return "sitemap"
    if path.endswith((".gkg.csv", ".gkg.csv.zip")):
        return "gdelt-gkg"
    if path.endswith(".atom"):
        return "atom"
    return "rss"


def new_source(
    url: str,
    kind: str | None,
    every_seconds: int,
    language: str | None = None,
    name: str | None = None,
    note: str | None = None,
) -> FeedSource:
    """A source from its address; refuses addresses that are not http(s) URLs."""
    url = url.strip()
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InputError(f"{url!r} is not an http(s) address")
    kind = kind or guess_kind(url)
    if kind not in SOURCE_KINDS:
        raise InputError(f"--kind {kind!r}: one of {', '.join(SOURCE_KINDS)}")
    default_name = (parts.hostname.removeprefix("www.") + parts.path.rstrip("/"))[:80]
    return FeedSource(
        id=source_id(url),
        name=name or default_name,
        url=url,
        kind=kind,
        every_seconds=every_seconds,
        language=language.lower() if language else None,
        note=note,
    )


def starter_sources() -> list[FeedSource]:
    """The curated starter list (data/starter_sources.yaml): each feed with why it is listed."""
    data = yaml.safe_load(files("countersight").joinpath("data/starter_sources.yaml").read_text("utf-8"))
    return [
        new_source(s["url"], s.get("kind"), int(s.get("every_seconds", 86400)), s.get("language"), s["name"], s["why"])
        for s in data.get("sources") or ()
    ]


@dataclass(frozen=True, slots=True)
class ArchivedCopy:
    """An archived response read back: the URL, the document it became, when it was fetched,
    where it is (WARC file, offset, record id), its HTTP status and type, its text (sanitised)
    and its body (decoded, as archived)."""

    url: str
    document_id: str | None
    fetched_at: dt.datetime | None
    warc_file: str
    warc_offset: int
    status: int
    content_type: str
    text: str
    body: str
    warc_record_id: str | None


def archived_copy(store: Store, settings: Settings, key: str) -> ArchivedCopy:
    """The newest archived copy of a document (by id) or URL: where it is, its body and its text."""
    from countersight.sources.web import web_document

    found = document_archive(store, key)
    if not found:
        raise NotFoundError(f"no archived copy of {key!r} (follow archives what it fetches)")
    latest = found[0]
    assert latest.warc_file is not None and latest.warc_offset is not None
    path = settings.archive_path() / latest.warc_file
    if not path.resolve().is_relative_to(settings.archive_path().resolve()):
        raise NotFoundError(f"archive file {latest.warc_file!r} is outside the archive folder")
    record = read_response(path, latest.warc_offset)
    ctype = record.http_headers.get("content-type", "text/html").split(";")[0].strip().lower()
    from countersight.follow.fetch import Fetched

    body = Fetched(
        url=latest.url,
        status=record.status,
        headers=httpx.Headers(record.http_headers),
        raw_body=record.body,
        request_head=b"",
        response_head=b"",
        fetched_at=latest.fetched_at or dt.datetime.now(dt.UTC),
    ).body(settings.fetch_max_bytes)
    try:
        text = web_document(body, latest.url, ctype, Limits.from_settings(settings)).text
    except InputError as exc:
        text = f"(no text: {exc.message})"
    # The same sanitiser as the stored document's text (controls, bidi overrides, invisible characters).
    text = clean_text(text)
    return ArchivedCopy(
        url=latest.url,
        document_id=latest.document_id,
        fetched_at=latest.fetched_at,
        warc_file=latest.warc_file,
        warc_offset=latest.warc_offset,
        status=record.status,
        content_type=ctype,
        text=text,
        body=body.decode("utf-8", "replace"),
        warc_record_id=record.warc_headers.get("warc-record-id"),
    )
