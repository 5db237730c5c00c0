"""Fetched web pages (sources/web.py): the article text by trafilatura, the resiliparse reader
when it finds none, plain-text responses as they are, and where follow archived the response
kept in the document's meta."""

from __future__ import annotations

import datetime as dt

import pytest

from countersight.errors import InputError
from countersight.ids import content_hash
from countersight.sources.base import Limits
from countersight.sources.web import ArchiveMeta, web_document
from source_fixtures import ARTICLE, BOILERPLATE, article_html

LIMITS = Limits()
WHEN = dt.datetime(2024, 5, 6, 7, 8, tzinfo=dt.UTC)
ARCHIVE = ArchiveMeta(warc_file="follow-1.warc.gz", warc_offset=123, follow_source="wire")


def test_an_article_page() -> None:
    url = "https://daily.example/2019/05/14/nairobi"
    doc = web_document(article_html().encode(), url, "text/html", LIMITS, fetched_at=WHEN, meta=ARCHIVE)
    for sentence in ARTICLE:
        assert sentence in doc.text
    assert not any(junk in doc.text for junk in BOILERPLATE)
    assert doc.id == content_hash(doc.text) and doc.url == url and doc.source_kind == "web"
    assert doc.title == "Nairobi safe city contract" and doc.published == dt.date(2019, 5, 14)
    assert doc.fetched_at == WHEN and doc.meta["extractor"] == "trafilatura"
    assert {k: doc.meta[k] for k in ARCHIVE} == dict(ARCHIVE)


def test_plain_text_responses() -> None:
    doc = web_document(
        "  Cameras were installed in Lusaka.\n".encode("cp1252"),
        "https://a.example/t",
        "text/plain",
        LIMITS,
        charset="cp1252",
    )
    assert doc.text == "Cameras were installed in Lusaka." and doc.meta == {"encoding": "cp1252"}
    with pytest.raises(InputError, match="empty text response"):
        web_document(b"   \n", "https://a.example/blank", "text/plain", LIMITS)


def test_a_page_trafilatura_finds_no_article_in_falls_back(monkeypatch: pytest.MonkeyPatch) -> None:
    import trafilatura

    def no_article(*_a: object, **_k: object) -> None:
        return None

    monkeypatch.setattr(trafilatura, "bare_extraction", no_article)
    doc = web_document(article_html().encode(), "https://daily.example/a", "text/html", LIMITS, meta=ARCHIVE)
    assert ARTICLE[0] in doc.text and doc.meta["extractor"] == "resiliparse"
    assert doc.source_kind == "web" and doc.url == "https://daily.example/a" and doc.meta["warc_offset"] == 123
