"""RSS and Atom feeds: each entry is a document (its content, else its summary), with the
entry's link and date. Links are recorded, never fetched; a feed linking to a private or local
address or a non-web scheme (``file:``, ``javascript:``) is refused as hostile.

Feeds are checked with defusedxml before feedparser sees them: entity declarations (the
"billion laughs" expansion bomb) and external references are refused.
"""

from __future__ import annotations

import calendar
import datetime as dt
import logging
import re
from collections.abc import Iterator
from typing import Any
from xml.etree.ElementTree import ParseError

import defusedxml.ElementTree as safe_et
import feedparser
from defusedxml import DefusedXmlException
from resiliparse.extract.html2text import extract_plain_text
from resiliparse.parse.html import HTMLTree

from countersight.errors import InputError
from countersight.ids import content_hash
from countersight.model import Document
from countersight.sources.base import Limits, check_document_size, decode_text, unsafe_url_reason
from countersight.sources.html import check_depth

log = logging.getLogger(__name__)

_ENTITY_DECL = re.compile(r"<!ENTITY", re.I)
_FEED_ROOT = re.compile(
    rb"^\s*(<\?xml[^>]*>\s*)?(<!--.*?-->\s*)*(<!DOCTYPE[^>]*>\s*)?<(rss|feed|rdf:RDF)\b", re.S | re.I
)


def looks_like_feed(data: bytes) -> bool:
    """True when the bytes start like an RSS, Atom or RDF feed."""
    return bool(_FEED_ROOT.match(data[:2048]))


def _check_safe(data: bytes, name: str) -> bool:
    """Refuse entity declarations and external references; return False if not well-formed."""
    text, _ = decode_text(data, name)
    if _ENTITY_DECL.search(text):
        raise InputError("feed declares XML entities (entity-expansion attack); refused", path=name)
    try:
        safe_et.fromstring(data, forbid_dtd=False, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as exc:
        raise InputError(f"unsafe XML refused: {exc.__class__.__name__}", path=name) from exc
    except ParseError as exc:
        log.info("%s: feed is not well-formed XML (%s); trying the lenient parser", name, exc)
        return False
    return True


def _entry_date(entry: Any) -> dt.date | None:
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        stamp = entry.get(key)
        if stamp:
            return dt.datetime.fromtimestamp(calendar.timegm(stamp), dt.UTC).date()
    return None


def _html_to_text(html: str, name: str, limits: Limits) -> str:
    if "<" not in html:
        return html.strip()
    tree = HTMLTree.parse(html)
    check_depth(tree, name, limits)
    return extract_plain_text(
        tree, preserve_formatting=True, main_content=False, list_bullets=False, alt_texts=False
    ).strip()


def feed_documents(data: bytes, name: str, limits: Limits, *, path: str | None = None) -> Iterator[Document]:
    """One document per feed entry that has text."""
    well_formed = _check_safe(data, name)
    # Bytes, never a URL: feedparser fetches when given a string that looks like one.
    parsed = feedparser.parse(data, resolve_relative_uris=False, sanitize_html=True)
    entries = parsed.get("entries") or []
    if not entries:
        reason = parsed.get("bozo_exception") or "no entries"
        raise InputError(f"malformed or empty feed: {reason}", path=name)
    refused = [
        f"entry {i} links to {link!r} ({why})"
        for i, entry in enumerate(entries)
        if (link := entry.get("link")) and (why := unsafe_url_reason(link))
    ]
    if refused:
        more = f" and {len(refused) - 3} more" if len(refused) > 3 else ""
        raise InputError(
            f"feed links to private, local or non-web addresses (never fetched); refused: "
            f"{'; '.join(refused[:3])}{more}",
            path=name,
        )
    channel = parsed.get("feed") or {}
    publisher = (channel.get("title") or "").strip() or None
    language = (channel.get("language") or "").strip().lower()[:16] or None
    produced = 0
    for index, entry in enumerate(entries):
        contents = entry.get("content") or []
        html = contents[0].get("value", "") if contents else entry.get("summary", "")
        text = _html_to_text(html or "", name, limits)
        if not text:
            log.info("%s: entry %d has no text; skipped", name, index)
            continue
        check_document_size(text, name, limits)
        title = (entry.get("title") or "").strip() or None
        produced += 1
        yield Document(
            id=content_hash(text),
            text=text,
            url=entry.get("link") or None,
            path=path,
            title=title,
            publisher=publisher,
            published=_entry_date(entry),
            language=(entry.get("language") or language),
            source_kind="feed",
            meta={"entry": index, "entry_id": entry.get("id"), "feed_well_formed": well_formed},
        )
    if not produced:
        raise InputError("feed entries carry no text", path=name)
