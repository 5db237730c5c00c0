"""The HTML reader (sources/html.py): the article's text without boilerplate, the charset it
declares, the address and date a saved page states, and markup nested too deep refused."""

from __future__ import annotations

import datetime as dt

import pytest

from countersight.errors import InputError
from countersight.sources.base import Limits
from countersight.sources.html import html_document, sniff_charset
from source_fixtures import ARTICLE, BOILERPLATE, article_html

LIMITS = Limits()


def test_html_main_text_without_boilerplate() -> None:
    doc = html_document(article_html().encode(), "page.html", LIMITS, path="page.html")
    for sentence in ARTICLE:
        assert sentence in doc.text
    for junk in BOILERPLATE + ["Home", "window.dataLayer"]:
        assert junk not in doc.text, junk
    assert doc.title == "Nairobi safe city contract"
    assert doc.publisher == "Example Daily"
    assert doc.published == dt.date(2019, 5, 14) and doc.meta["date_from"] == "metadata"
    assert doc.language == "en"
    assert doc.source_kind == "html" and doc.path == "page.html"


def test_html_declared_legacy_charset() -> None:
    html = article_html(
        ["La policía de Quito instaló cámaras de reconocimiento facial en la ciudad."],
        lang="es",
        charset="windows-1252",
    )
    data = html.encode("cp1252")
    assert sniff_charset(data) == "windows-1252"
    doc = html_document(data, "latin.htm", LIMITS)
    assert "La policía de Quito instaló cámaras" in doc.text
    assert doc.language == "es" and doc.meta["encoding"] == "cp1252"


def test_saved_html_canonical_address_and_dates() -> None:
    page = (
        '<html><head><title>T</title><link rel="canonical" href="https://news.example.org/a/1">'
        '<meta property="og:url" content="https://other.example.org/x">'
        '<meta property="article:published_time" content="2022-03-04T10:00:00Z"></head>'
        "<body><article><p>Cameras were installed in the city by the vendor.</p></article></body></html>"
    )
    doc = html_document(page.encode(), "a.html", LIMITS)
    assert doc.url == "https://news.example.org/a/1" and doc.published == dt.date(2022, 3, 4)
    og_only = (
        '<html><head><meta property="og:url" content="https://news.example.org/2021/07/08/story"></head>'
        "<body><article><p>Cameras were installed in the city by the vendor.</p></article></body></html>"
    )
    b = html_document(og_only.encode(), "b.html", LIMITS)
    assert b.url == "https://news.example.org/2021/07/08/story" and b.published == dt.date(2021, 7, 8)
    assert b.meta["date_from"] == "url"
    local = og_only.replace("https://news.example.org/2021/07/08/story", "http://127.0.0.1/2021/07/08/x")
    assert html_document(local.encode(), "c.html", LIMITS).url is None  # a private address is never kept
    # An address handed in (a fetch, an archive record) wins over what the page says.
    given = html_document(page.encode(), "d.html", LIMITS, url="https://given.example/p", kind="web")
    assert given.url == "https://given.example/p" and given.source_kind == "web"


def test_deep_nesting_and_empty_pages_are_refused() -> None:
    deep = "<html><body>" + "<div>" * 40 + "text" + "</div>" * 40 + "</body></html>"
    with pytest.raises(InputError, match="nested deeper than 30"):
        html_document(deep.encode(), "deep.html", Limits(max_html_depth=30))
    assert "text" in html_document(deep.encode(), "deep.html", Limits(max_html_depth=60)).text
    with pytest.raises(InputError, match="no text"):
        html_document(b"<html><body><div></div></body></html>", "empty.html", LIMITS)
