"""HTML pages: the main text without navigation, cookie banners, sidebars and footers.

Extraction uses resiliparse's main-content heuristics after pruning elements whose class or
id names them as boilerplate. Chosen over trafilatura by measurement
(``bench/html_extractors.py``; figures in docs/sources.md): the same article recall, about 7x
the speed, which the WARC throughput targets need.
"""

from __future__ import annotations

import datetime as dt
import functools
import re

from resiliparse.extract.html2text import extract_plain_text
from resiliparse.parse.html import HTMLTree

from countersight.errors import InputError
from countersight.ids import content_hash
from countersight.model import Document
from countersight.sources.base import (
    Limits,
    check_document_size,
    dateline_date,
    decode_text,
    parse_date,
    unsafe_url_reason,
    url_date,
)

_META_CHARSET = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]{1,40})""", re.I)

# Elements that are boilerplate wherever they appear; matched on class/id substrings.
_BOILERPLATE_WORDS = (
    "cookie",
    "consent",
    "newsletter",
    "subscribe",
    "related",
    "share",
    "social",
    "promo",
    "advert",
    "banner",
    "sidebar",
    "comment",
    "breadcrumb",
    "paywall",
    "popup",
)
_BOILERPLATE_SELECTOR = ", ".join(
    ["nav", "footer", "aside", "form", "noscript", "iframe", "script", "style"]
    + [f'[class*="{w}"], [id*="{w}"]' for w in _BOILERPLATE_WORDS]
)
# Never prune these even when a class matches (e.g. <body class="has-sidebar">).
_KEEP = {"html", "body", "main", "article"}

_PUBLISHED_META = (
    "article:published_time",
    "og:published_time",
    "datepublished",
    "date",
    "pubdate",
    "publishdate",
    "dc.date",
    "dc.date.issued",
    "dcterms.created",
    "sailthru.date",
    "parsely-pub-date",
    "citation_publication_date",
    "citation_date",
)


def sniff_charset(data: bytes) -> str | None:
    """The charset a page declares in a ``<meta>`` tag near its start, if any."""
    m = _META_CHARSET.search(data[:4096])
    return m.group(1).decode("ascii") if m else None


@functools.cache
def _depth_selector(depth: int) -> str:
    return " > ".join(["*"] * depth)


def check_depth(tree: HTMLTree, name: str, limits: Limits) -> None:
    """Refuse markup nested deeper than ``limits.max_html_depth`` elements (e.g. 100,000 nested
    divs), which would make text extraction run for hours."""
    # A chain of child selectors matches only an element that deep; lexbor stops at the first.
    if tree.document is not None and tree.document.query_selector(_depth_selector(limits.max_html_depth)):
        raise InputError(f"HTML nested deeper than {limits.max_html_depth} elements; refused", path=name)


def _meta(tree: HTMLTree) -> dict[str, str]:
    found: dict[str, str] = {}
    head = tree.head
    if head is None:
        return found
    for node in head.query_selector_all("meta"):
        key = (
            (
                node.getattr("property")
                or node.getattr("name")
                or node.getattr("itemprop")
                or node.getattr("http-equiv")
                or ""
            )
            .strip()
            .lower()
        )
        content = (node.getattr("content") or "").strip()
        if key and content and key not in found:
            found[key] = content
    return found


def page_url(tree: HTMLTree, meta: dict[str, str]) -> str | None:
    """The address a saved page states for itself: ``<link rel="canonical">``, else ``og:url``
    (absolute public http(s) addresses only)."""
    candidates = []
    head = tree.head
    if head is not None:
        for node in head.query_selector_all("link"):
            if "canonical" in (node.getattr("rel") or "").lower().split():
                candidates.append((node.getattr("href") or "").strip())
    candidates += [meta.get("og:url", ""), meta.get("twitter:url", "")]
    for href in candidates:
        if href.lower().startswith(("http://", "https://")) and unsafe_url_reason(href) is None:
            return href[:2000]
    return None


def html_document(
    data: bytes,
    name: str,
    limits: Limits,
    *,
    path: str | None = None,
    url: str | None = None,
    declared_charset: str | None = None,
    fetched_at: dt.datetime | None = None,
    kind: str = "html",
) -> Document:
    """A document from an HTML page's bytes (title, publisher, date and language from its head)."""
    text_html, encoding = decode_text(data, name, declared_charset or sniff_charset(data))
    check_document_size(text_html, name, limits)
    try:
        tree = HTMLTree.parse(text_html)
    except (ValueError, RuntimeError) as exc:
        raise InputError(f"cannot parse HTML: {exc}", path=name) from exc
    check_depth(tree, name, limits)
    meta = _meta(tree)
    title = meta.get("og:title") or (tree.title or "").strip() or None
    publisher = meta.get("og:site_name") or meta.get("publisher") or meta.get("application-name")
    url = url or page_url(tree, meta)
    published = next((d for k in _PUBLISHED_META if (d := parse_date(meta.get(k)))), None)
    if published is None and tree.body is not None:
        stamp = tree.body.query_selector("time[datetime]")
        published = parse_date(stamp.getattr("datetime")) if stamp is not None else None
    date_from = "metadata" if published is not None else None
    if published is None and (published := url_date(url)) is not None:
        date_from = "url"
    html_el = tree.document.query_selector("html") if tree.document is not None else None
    language = (html_el.getattr("lang") if html_el is not None else None) or meta.get("content-language")
    if language:
        language = language.strip().split(",")[0].replace("_", "-").lower()[:16] or None
    body = tree.body
    if body is not None:
        for node in body.query_selector_all(_BOILERPLATE_SELECTOR):
            if node.tag not in _KEEP and node.parent is not None:
                node.decompose()
    text = extract_plain_text(tree, main_content=True, preserve_formatting=True, list_bullets=False, alt_texts=False)
    text = re.sub(r"\n{3,}", "\n\n", text).strip()
    if not text:
        # Main-content heuristics can drop a page that is all "boilerplate"; retry on everything.
        text = extract_plain_text(
            tree, main_content=False, preserve_formatting=True, list_bullets=False, alt_texts=False
        ).strip()
    if not text:
        raise InputError("no text in HTML page", path=name)
    if published is None and (published := dateline_date(text)) is not None:
        date_from = "dateline"
    return Document(
        id=content_hash(text),
        text=text,
        url=url,
        path=path,
        title=title[:500] if title else None,
        publisher=publisher,
        published=published,
        language=language,
        source_kind=kind,
        fetched_at=fetched_at,
        meta={"encoding": encoding, **({"date_from": date_from} if date_from else {})},
    )
