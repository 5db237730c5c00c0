"""Plain text and Markdown: the whole file is one document; the first line is its title.

A text may start with a front-matter header between ``---`` lines (``url:``, ``title:``,
``published:``, ``publisher:``, ``language:``): the header is metadata, not text. Without a
``published:`` line the date is the one a dateline at the top states, else the URL's, else unknown.
"""

from __future__ import annotations

import re

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

FRONT_MATTER_KEYS = ("url", "title", "published", "publisher", "language")
_FRONT = re.compile(r"\A---[ \t]*\n(.*?)\n---[ \t]*(?:\n|\Z)", re.S)
_LINE = re.compile(r"^([A-Za-z_]+)[ \t]*:[ \t]*(.*?)[ \t]*$")


def front_matter(text: str) -> tuple[dict[str, str], str]:
    """The known ``key: value`` lines of a leading ``---`` header (quotes stripped) and the text
    after it; ``({}, text)`` when the text has no header. Unknown keys are ignored."""
    m = _FRONT.match(text)
    if not m:
        return {}, text
    found: dict[str, str] = {}
    for line in m.group(1).splitlines():
        kv = _LINE.match(line.strip())
        if kv is None:
            if line.strip() and not line.strip().startswith("#"):
                return {}, text  # not a metadata header (e.g. a Markdown rule): keep it as text
            continue
        key, value = kv.group(1).lower(), kv.group(2).strip().strip("\"'")
        if key in FRONT_MATTER_KEYS and value:
            found[key] = value
    return found, text[m.end() :]


def text_document(data: bytes, name: str, limits: Limits, path: str | None = None, kind: str = "text") -> Document:
    """A document from the bytes of a ``.txt`` or ``.md`` file."""
    text, encoding = decode_text(data, name)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    header, text = front_matter(text)
    check_document_size(text, name, limits)
    if not text.strip():
        raise InputError("empty: no text", path=name)
    meta: dict[str, object] = {"encoding": encoding}
    url = header.get("url")
    if url and (reason := unsafe_url_reason(url)):
        meta["url_refused"] = reason
        url = None
    first = next((line.strip() for line in text.splitlines() if line.strip()), "")
    title = header.get("title") or first.lstrip("#").strip()[:300] or None
    published = parse_date(header.get("published"))
    if published is not None:
        meta["date_from"] = "front matter"
    elif (published := dateline_date(text)) is not None:
        meta["date_from"] = "dateline"
    elif (published := url_date(url)) is not None:
        meta["date_from"] = "url"
    language = (header.get("language") or "").lower()[:16] or None
    return Document(
        id=content_hash(text),
        text=text,
        path=path,
        url=url,
        title=title[:500] if title else None,
        publisher=header.get("publisher"),
        published=published,
        language=language,
        source_kind=kind,
        meta=meta,
    )
