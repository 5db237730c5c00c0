"""PDF files: text page by page, with each page's character range kept in
``Document.meta["pages"]`` (``[[start, end], ...]``) so evidence can cite a page number."""

from __future__ import annotations

import io
import logging

from pypdf import PdfReader, apply_configuration
from pypdf.errors import FileNotDecryptedError, LimitReachedError, PyPdfError

from countersight.errors import InputError
from countersight.ids import content_hash
from countersight.model import Document
from countersight.sources.base import Limits, dateline_date, parse_date

log = logging.getLogger(__name__)

MAX_PAGES = 5000


def page_of(document: Document, offset: int) -> int | None:
    """The 1-based page holding character ``offset`` of a PDF document, or None."""
    for number, (start, end) in enumerate(document.meta.get("pages") or (), start=1):
        if start <= offset < end or (offset == end and start == end):
            return number
    return None


def pdf_document(data: bytes, name: str, limits: Limits, *, path: str | None = None) -> Document:
    """A document from a PDF's bytes. Encrypted (without an empty password), corrupt and
    decompression-bomb PDFs are refused with the reason."""
    if not data.lstrip()[:5].startswith(b"%PDF"):
        raise InputError("not a PDF (no %PDF header)", path=name)
    # pypdf's stream limits are a context variable: set per call, never globally.
    with apply_configuration(
        zlib_maximum_output_length=limits.max_pdf_stream_bytes,
        lzw_maximum_output_length=limits.max_pdf_stream_bytes,
        run_length_maximum_output_length=limits.max_pdf_stream_bytes,
    ):
        return _pdf_document(data, name, limits, path)


def _pdf_document(data: bytes, name: str, limits: Limits, path: str | None) -> Document:
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            raise InputError("encrypted PDF (needs a password)", path=name)
        if len(reader.pages) > MAX_PAGES:
            raise InputError(f"PDF has {len(reader.pages):,} pages, above {MAX_PAGES:,}", path=name)
        parts: list[str] = []
        pages: list[list[int]] = []
        pos = 0
        for page in reader.pages:
            text = (page.extract_text() or "").replace("\r\n", "\n").strip()
            if parts:
                pos += 2  # the "\n\n" joining pages
            pages.append([pos, pos + len(text)])
            parts.append(text)
            pos += len(text)
            if pos > limits.max_document_chars:
                raise InputError(
                    f"PDF text passes the per-document limit of {limits.max_document_chars:,} characters", path=name
                )
        info = reader.metadata
        title = str(info.title).strip() if info is not None and info.title else None
        raw = str(info.get("/CreationDate", "")) if info is not None else ""
        digits = raw[2:10] if raw.startswith("D:") else ""
        created = parse_date(f"{digits[:4]}-{digits[4:6]}-{digits[6:8]}") if len(digits) == 8 else None
    except InputError:
        raise
    except FileNotDecryptedError as exc:
        raise InputError("encrypted PDF (needs a password)", path=name) from exc
    except LimitReachedError as exc:
        raise InputError(f"PDF decompression limit reached (possible bomb): {exc}", path=name) from exc
    except PyPdfError as exc:
        raise InputError(f"corrupt PDF: {exc}", path=name) from exc
    except (
        ValueError,
        KeyError,
        TypeError,
        IndexError,
        AttributeError,
        AssertionError,
        OSError,
        RecursionError,
        ZeroDivisionError,
    ) as exc:
        # pypdf raises plain Python errors on many kinds of damage; they all mean "corrupt".
        raise InputError(f"corrupt PDF ({exc.__class__.__name__}: {exc})", path=name) from exc
    text = "\n\n".join(parts)
    if not text.strip():
        raise InputError("PDF has no extractable text (scanned images need OCR)", path=name)
    # The file's creation date, else a dateline the first page states; never the reading day.
    return Document(
        id=content_hash(text),
        text=text,
        path=path,
        title=title,
        published=created or dateline_date(text),
        source_kind="pdf",
        meta={"pages": pages},
    )
