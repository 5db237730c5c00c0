"""Text safety: one sanitiser for text entering the store, and the output-side guards for the
places text leaves it (XML feeds, CSV cells, terminals, HTML pages).

Documents are hostile input: a control character breaks every XML consumer, a bidi override
makes a link read ``…/exe.png`` while it points to ``…gnp.exe``, a leading ``=`` turns a CSV cell
into a spreadsheet formula, an ESC sequence rewrites a reviewer's terminal. Pure functions, no I/O.
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from typing import TypeVar

from countersight.model import Document, ReviewEvent

# Removed on the way in: C0 controls but tab and newline, DEL and C1 controls, bidi embeddings,
# overrides, isolates and marks (they reorder what readers see), invisible characters (zero-width
# space, word joiner, invisible operators, BOM, soft hyphen, Mongolian vowel separator, tag
# characters used to smuggle hidden text), lone surrogates and non-characters. ZWJ and ZWNJ
# (U+200C/U+200D) stay: Persian, Indic scripts and emoji need them and they reorder nothing.
_UNSAFE = (
    "\x00-\x08\x0b-\x1f\x7f-\x9f\u00ad\u061c\u180e\u200b\u200e\u200f\u202a-\u202e"
    "\u2060-\u2064\u2066-\u2069\ufeff\ufff9-\ufffb\ud800-\udfff\ufffe\uffff\U000e0000-\U000e007f"
)
_UNSAFE_RE = re.compile(f"[{_UNSAFE}]")
_ASCII_CONTROLS = dict.fromkeys([*range(0x00, 0x09), *range(0x0B, 0x20), 0x7F])
# What can reorder or hide text when shown (a subset of the above, for output-side marking).
_BIDI_INVISIBLE_RE = re.compile(
    "[\u00ad\u061c\u180e\u200b\u200e\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff\U000e0000-\U000e007f]"
)
# Characters XML 1.0 forbids (a document containing one is not well-formed).
_NOT_XML_RE = re.compile("[^\x09\x0a\x0d\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
# Terminal escape sequences: CSI (ESC [ ... final), OSC (ESC ] ... BEL or ESC \), other ESC x;
# and the 8-bit CSI/OSC introducers.
_ESCAPE_RE = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b\x9c]*(?:\x07|\x9c|\x1b\\)?|\x1b[@-_]?"
    r"|\x9b[0-?]*[ -/]*[@-~]|\x9d[^\x07\x1b\x9c]*(?:\x07|\x9c|\x1b\\)?"
)
# Cells a spreadsheet would evaluate (OWASP "CSV injection"): these first characters.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

T = TypeVar("T")


def clean_text(value: str) -> str:
    """``value`` in NFC with control, bidi-override and invisible characters removed (tab and
    newline kept). Idempotent; returns ``value`` itself when it is already clean."""
    if value.isascii():
        # The common case, on the ingest hot path: str.translate is several times faster than
        # a regex search over the whole text, and ASCII needs no normalisation.
        out = value.translate(_ASCII_CONTROLS)
        return value if len(out) == len(value) else out
    if _UNSAFE_RE.search(value):
        value = _UNSAFE_RE.sub("", value)
    if not value.isascii() and not unicodedata.is_normalized("NFC", value):
        value = unicodedata.normalize("NFC", value)
    return value


def clean_value(value: T) -> T:
    """:func:`clean_text` over a string, or over every string inside lists and dicts (keys too)."""
    if isinstance(value, str):
        return clean_text(value)  # type: ignore[return-value]
    if isinstance(value, list | tuple):
        return type(value)(clean_value(v) for v in value)
    if isinstance(value, dict):
        return {clean_value(k): clean_value(v) for k, v in value.items()}  # type: ignore[return-value]
    return value


def clean_document(doc: Document) -> Document:
    """``doc`` with its text and descriptive fields sanitised (the same object when clean).

    Run before extraction, so that evidence offsets point into the stored text."""
    text, meta = clean_text(doc.text), clean_value(doc.meta)
    url, title, publisher, language = (clean_value(v) for v in (doc.url, doc.title, doc.publisher, doc.language))
    old = (doc.text, doc.url, doc.title, doc.publisher, doc.language, doc.meta)
    if (text, url, title, publisher, language, meta) == old:
        return doc
    return dataclasses.replace(doc, text=text, url=url, title=title, publisher=publisher, language=language, meta=meta)


def clean_review_event(ev: ReviewEvent) -> ReviewEvent:
    """``ev`` with its actor, reason, source and changed values sanitised (the same object when clean)."""
    actor, reason = clean_text(ev.actor), clean_text(ev.reason)
    source, changes = clean_value(ev.source), clean_value(ev.changes)
    if (actor, reason, source, changes) == (ev.actor, ev.reason, ev.source, ev.changes):
        return ev
    return dataclasses.replace(ev, actor=actor, reason=reason, source=source, changes=changes)


def xml_safe(value: str) -> str:
    """``value`` without the characters XML 1.0 forbids (for feeds built from stored text,
    including rows stored before the sanitiser existed)."""
    return _NOT_XML_RE.sub("", value) if _NOT_XML_RE.search(value) else value


def terminal_safe(value: str) -> str:
    """``value`` without escape sequences, control characters (but newline and tab) and bidi or
    invisible characters: safe to print to a terminal."""
    value = _ESCAPE_RE.sub("", value)
    return _UNSAFE_RE.sub("", value)


def formula_safe(value: str) -> str:
    """A CSV text cell a spreadsheet will not evaluate: a leading ``= + - @`` tab or CR gets a
    ``'`` in front (OWASP's advice; the apostrophe is hidden by spreadsheets)."""
    return "'" + value if value.startswith(FORMULA_START) else value


def visible_unicode(value: str) -> str:
    """``value`` with bidi controls and invisible characters replaced by a visible ``⟦U+202E⟧``
    marker, so that what a page shows cannot differ from what the text holds."""
    if not _BIDI_INVISIBLE_RE.search(value):
        return value
    return _BIDI_INVISIBLE_RE.sub(lambda m: f"⟦U+{ord(m.group()):04X}⟧", value)
