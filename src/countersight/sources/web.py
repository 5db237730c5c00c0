"""Fetched web pages: the article text with trafilatura (main content, without navigation and
boilerplate), its title, publisher, date and language; plain-text responses as they are. The
resiliparse reader (:mod:`countersight.sources.html`) is the fallback when trafilatura finds no
article (a page that is all "boilerplate" to it)."""

from __future__ import annotations

import datetime as dt
import logging
from typing import TypedDict

import trafilatura

from countersight.errors import InputError
from countersight.ids import content_hash
from countersight.model import Document
from countersight.sources.base import Limits, check_document_size, decode_text, parse_date
from countersight.sources.html import html_document, sniff_charset

log = logging.getLogger(__name__)


class ArchiveMeta(TypedDict):
    """Where follow archived a fetched response, kept in the document's meta (a JSON column)."""

    warc_file: str
    warc_offset: int
    follow_source: str


def web_document(
    data: bytes,
    url: str,
    content_type: str,
    limits: Limits,
    *,
    charset: str | None = None,
    fetched_at: dt.datetime | None = None,
    meta: ArchiveMeta | None = None,
) -> Document:
    """A document from a fetched response body (HTML or plain text); ``meta`` joins its meta."""
    extra = dict(meta or {})
    if content_type == "text/plain":
        text, encoding = decode_text(data, url, charset)
        text = text.strip()
        if not text:
            raise InputError("empty text response", path=url)
        check_document_size(text, url, limits)
        return Document(
            id=content_hash(text),
            text=text,
            url=url,
            source_kind="web",
            fetched_at=fetched_at,
            meta={"encoding": encoding, **extra},
        )
    html, encoding = decode_text(data, url, charset or sniff_charset(data))
    check_document_size(html, url, limits)
    try:
        result = trafilatura.bare_extraction(html, url=url, with_metadata=True, include_comments=False)
    except Exception as exc:  # noqa: BLE001 - trafilatura raises many kinds on hostile markup
        log.info("%s: trafilatura failed (%s); using the resiliparse reader", url, exc)
        result = None
    text = (getattr(result, "text", None) or "").strip() if result is not None else ""
    if not text:
        doc = html_document(data, url, limits, url=url, declared_charset=charset, fetched_at=fetched_at, kind="web")
        return Document(
            id=doc.id,
            text=doc.text,
            url=url,
            title=doc.title,
            publisher=doc.publisher,
            published=doc.published,
            language=doc.language,
            source_kind="web",
            fetched_at=fetched_at,
            meta={**doc.meta, "extractor": "resiliparse", **extra},
        )
    check_document_size(text, url, limits)
    title = (getattr(result, "title", None) or "").strip() or None
    return Document(
        id=content_hash(text),
        text=text,
        url=url,
        title=title[:500] if title else None,
        publisher=(getattr(result, "sitename", None) or "").strip() or None,
        published=parse_date(getattr(result, "date", None)),
        language=(getattr(result, "language", None) or None),
        source_kind="web",
        fetched_at=fetched_at,
        meta={"encoding": encoding, "extractor": "trafilatura", **extra},
    )
