"""The PDF reader (sources/pdf.py): text page by page with each page's offsets, the title and
date from the document information; encrypted, corrupt and non-PDF bytes refused."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from pypdf import PdfReader, PdfWriter

from countersight.errors import InputError
from countersight.sources.base import Limits
from countersight.sources.pdf import page_of, pdf_document
from source_fixtures import make_pdf

LIMITS = Limits()


def test_pdf_pages_and_offsets() -> None:
    data = make_pdf(
        [["First page about Serbia."], ["Huawei cameras in Belgrade.", "Second line."]], title="Safe city report"
    )
    doc = pdf_document(data, "report.pdf", LIMITS, path="report.pdf")
    assert doc.title == "Safe city report" and doc.path == "report.pdf"
    assert doc.published == dt.date(2021, 3, 4)
    pages = doc.meta["pages"]
    assert len(pages) == 2
    start = doc.text.index("Huawei cameras in Belgrade")
    assert page_of(doc, start) == 2
    assert page_of(doc, doc.text.index("First page")) == 1
    assert page_of(doc, len(doc.text) + 10) is None
    assert doc.text[pages[0][0] : pages[0][1]].strip() == "First page about Serbia."


def test_encrypted_pdf_refused() -> None:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(make_pdf([["Secret text."]]))))
    writer.encrypt(user_password="s3cret", owner_password="owner")
    locked = io.BytesIO()
    writer.write(locked)
    with pytest.raises(InputError, match="encrypted") as exc:
        pdf_document(locked.getvalue(), "locked.pdf", LIMITS)
    assert exc.value.path == "locked.pdf"


def test_corrupt_and_non_pdf_refused() -> None:
    with pytest.raises(InputError, match="PDF") as exc:
        pdf_document(make_pdf([["Some text here."]])[:120], "broken.pdf", LIMITS)
    assert "broken.pdf" in str(exc.value)
    with pytest.raises(InputError, match="no %PDF header"):
        pdf_document(b"<html>not a pdf</html>", "fake.pdf", LIMITS)
