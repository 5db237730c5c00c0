"""Plain text and Markdown: the whole file is one document; the first line is its title."""

from __future__ import annotations

from countersight.errors import InputError
from countersight.ids import content_hash
from countersight.model import Document
from countersight.sources.base import Limits, check_document_size, decode_text


def text_document(data: bytes, name: str, limits: Limits, path: str | None = None,
                  kind: str = "text") -> Document:
    """A document from the bytes of a ``.txt`` or ``.md`` file."""
    text, encoding = decode_text(data, name)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    check_document_size(text, name, limits)
    if not text.strip():
        raise InputError("empty: no text", path=name)
    first = next((line.strip() for line in text.splitlines() if line.strip()), "")
    title = first.lstrip("#").strip()[:300] or None
    return Document(id=content_hash(text), text=text, path=path, title=title, source_kind=kind,
                    meta={"encoding": encoding})
