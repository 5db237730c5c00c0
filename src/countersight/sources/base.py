"""What every reader shares: limits, the result record, safe byte reading and text decoding.

Readers never load a file above ``Limits.max_file_bytes`` and never decode bytes by guessing
silently: the encoding used is recorded in ``Document.meta["encoding"]`` and undecodable input
is refused with an :class:`~countersight.errors.InputError` naming the file and reason.
"""

from __future__ import annotations

import codecs
import datetime as dt
import ipaddress
import re
import socket
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO
from urllib.parse import urlsplit

import charset_normalizer

from countersight.config import Settings
from countersight.errors import InputError
from countersight.model import Document

MAX_RECORD_BYTES = 50 * 1024 * 1024
DOCUMENT_PATHS = ("relative", "name", "none")


@dataclass(frozen=True, slots=True)
class Limits:
    """Bounds that keep hostile or oversized input from exhausting memory or time."""

    max_file_bytes: int = 200 * 1024 * 1024
    # Longer than any article or report; a 50 MB single line is not a document.
    max_document_chars: int = 10_000_000
    # One WARC record's payload, and how much a compressed record may inflate to.
    max_record_bytes: int = 50 * 1024 * 1024  # = MAX_RECORD_BYTES
    max_inflate_ratio: int = 200
    # Browsers cap the DOM at 512 levels too; text extraction slows superlinearly with depth.
    max_html_depth: int = 512
    # One PDF stream once inflated (a content stream of a page is rarely above a few MB).
    max_pdf_stream_bytes: int = 32 * 1024 * 1024
    # What documents record of their file: "relative" (to the directory named), "name" or "none".
    document_paths: str = "relative"

    @classmethod
    def from_settings(cls, settings: Settings) -> Limits:
        """Limits from the runtime settings (``COUNTERSIGHT_MAX_FILE_BYTES``)."""
        if settings.document_paths not in DOCUMENT_PATHS:
            raise InputError(
                f"COUNTERSIGHT_DOCUMENT_PATHS must be one of {', '.join(DOCUMENT_PATHS)}, "
                f"not {settings.document_paths!r}"
            )
        return cls(
            max_file_bytes=settings.max_file_bytes,
            max_record_bytes=min(settings.max_file_bytes, MAX_RECORD_BYTES),
            document_paths=settings.document_paths,
        )


@dataclass(frozen=True, slots=True)
class ReadResult:
    """One outcome of reading: a document, or the reason an input (or archive record) failed.

    ``source`` is the path as given (or ``-``); ``record`` the offset of the record inside an
    archive (None for whole files).
    """

    source: str
    record: int | None
    document: Document | None = None
    error: str | None = None
    # Set (with the reason) for a file that is not a document (data, images): passed over, not failed.
    skipped: str | None = None


def read_bytes(path: Path, limits: Limits, display: str | None = None) -> bytes:
    """A file's bytes, refused (never read) when larger than ``limits.max_file_bytes``."""
    name = display or str(path)
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror or exc}", path=name) from exc
    if size > limits.max_file_bytes:
        raise InputError(
            f"file is {size:,} bytes, above the limit of {limits.max_file_bytes:,} (COUNTERSIGHT_MAX_FILE_BYTES)",
            path=name,
        )
    try:
        with path.open("rb") as fh:
            return read_limited(fh, limits.max_file_bytes, name)
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror or exc}", path=name) from exc


def read_limited(fh: BinaryIO, limit: int, name: str) -> bytes:
    """Read a stream to its end, refusing it once it passes ``limit`` bytes."""
    data = fh.read(limit + 1)
    if len(data) > limit:
        raise InputError(f"input is larger than the limit of {limit:,} bytes (COUNTERSIGHT_MAX_FILE_BYTES)", path=name)
    return data


_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# C0 controls other than tab, newline, carriage return and form feed: text has almost none.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


def decode_text(data: bytes, name: str, declared: str | None = None) -> tuple[str, str]:
    """Decode bytes to text; return ``(text, encoding)``.

    Order: a byte-order mark, the declared charset (HTTP header, meta tag) when it decodes
    cleanly, strict UTF-8, then charset detection. Binary content and bytes no encoding
    explains are refused rather than decoded with replacement characters.
    """
    if b"\x00" in data[:8192] and not data.startswith(
        (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE, codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)
    ):
        raise InputError("binary content (NUL bytes), not text", path=name)
    text: str | None = None
    encoding = ""
    for bom, enc in _BOMS:
        if data.startswith(bom):
            try:
                text, encoding = data.decode(enc), enc
            except UnicodeDecodeError as exc:
                raise InputError(f"invalid {enc} after byte-order mark at byte {exc.start}", path=name) from exc
            break
    if text is None and declared:
        try:
            enc = codecs.lookup(declared).name
            text, encoding = data.decode(enc), enc
        except (LookupError, UnicodeDecodeError):
            text = None  # a wrong declaration is common on the web: fall through to detection
    if text is None:
        try:
            text, encoding = data.decode("utf-8"), "utf-8"
        except UnicodeDecodeError as exc:
            best = charset_normalizer.from_bytes(data).best()
            if best is None or best.chaos > 0.2:
                raise InputError(
                    f"not valid UTF-8 (byte {exc.start}) and no other encoding fits; refusing to guess", path=name
                ) from exc
            text, encoding = str(best), best.encoding
    if text and len(_CONTROL.findall(text[:8192])) > max(8, len(text[:8192]) // 50):
        raise InputError("binary content (control characters), not text", path=name)
    return text, encoding


def check_document_size(text: str, name: str, limits: Limits) -> None:
    """Refuse a text longer than any document we handle (e.g. a 50 MB single line)."""
    if len(text) > limits.max_document_chars:
        raise InputError(
            f"text is {len(text):,} characters, above the per-document limit of {limits.max_document_chars:,}",
            path=name,
        )


def unsafe_url_reason(url: str) -> str | None:
    """Why a link found in an input must not be kept (never fetched either), or None when it is a
    public ``http(s)`` URL: other schemes (``file:``, ``javascript:``) and hosts that are loopback,
    private, link-local (cloud metadata) or reserved addresses are refused. Host names are not
    resolved (that would be network access); IP literals in any notation and ``localhost`` are.
    Relative links have no host and pass."""
    try:
        parts = urlsplit(url.strip())
        host = (parts.hostname or "").rstrip(".")
    except ValueError:
        return "malformed URL"
    if not parts.scheme and not parts.netloc:
        return None  # relative: no host to reach
    if parts.scheme and parts.scheme.lower() not in ("http", "https"):
        return f"scheme {parts.scheme!r} is not http(s)"
    if not host:
        return "no host"
    if host == "localhost" or host.endswith(".localhost"):
        return "local host name"
    try:
        address: ipaddress.IPv4Address | ipaddress.IPv6Address = ipaddress.ip_address(host)
    except ValueError:
        try:
            # Legacy IPv4 forms browsers accept (2130706433, 0x7f.1, 127.1); a parser, no lookup.
            address = ipaddress.IPv4Address(socket.inet_aton(host))
        except OSError:
            return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    if not address.is_global or address.is_multicast:
        return f"non-public address {address}"
    return None


_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_MONTHS = {
    m: i
    for i, m in enumerate(
        (
            "january",
            "february",
            "march",
            "april",
            "may",
            "june",
            "july",
            "august",
            "september",
            "october",
            "november",
            "december",
        ),
        start=1,
    )
}
_MONTH = r"(January|February|March|April|May|June|July|August|September|October|November|December)"
# "2 February 2024", "February 2, 2024" and ISO dates, as a dateline at the top of a text states them.
_DATELINE = re.compile(
    rf"\b(?:(\d{{1,2}})\s+{_MONTH}\s+(\d{{4}})|{_MONTH}\s+(\d{{1,2}}),?\s+(\d{{4}})|(\d{{4}})-(\d{{2}})-(\d{{2}}))\b",
    re.I,
)
# /2024/02/02/, /2024-02-02 and /20240202/ in a URL's path (news sites date their addresses).
_URL_DATE = re.compile(r"/((?:19|20)\d{2})[/-](\d{1,2})[/-](\d{1,2})(?:[/._-]|$)|/((?:19|20)\d{2})(\d{2})(\d{2})/")
DATELINE_CHARS = 400


def _date(year: str, month: str | int, day: str) -> dt.date | None:
    try:
        m = month if isinstance(month, int) else (_MONTHS.get(month.lower()) or int(month))
        return dt.date(int(year), m, int(day))
    except ValueError:
        return None


def dateline_date(text: str) -> dt.date | None:
    """The date a text's dateline states in its first :data:`DATELINE_CHARS` characters
    ("Nairobi, 2 February 2024 --"), else None: a date the document gives, never the reading day."""
    for m in _DATELINE.finditer(text[:DATELINE_CHARS]):
        day = _date(m[3], m[2], m[1]) if m[1] else _date(m[6], m[4], m[5]) if m[4] else _date(m[7], m[8], m[9])
        if day is not None:
            return day
    return None


def url_date(url: str | None) -> dt.date | None:
    """The date in a URL's path (``/2024/02/02/``, ``/2024-02-02-title``, ``/20240202/``), else None."""
    if not url:
        return None
    path = urlsplit(url).path
    for m in _URL_DATE.finditer(path):
        day = _date(m[1], m[2], m[3]) if m[1] else _date(m[4], m[5], m[6])
        if day is not None:
            return day
    return None


def parse_date(value: str | None) -> dt.date | None:
    """The date in an ISO-8601-like string (``2021-03-04``, ``2021-03-04T10:00:00Z``), else None."""
    if not value:
        return None
    m = _DATE.search(value)
    if not m:
        return None
    try:
        return dt.date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError:
        return None
