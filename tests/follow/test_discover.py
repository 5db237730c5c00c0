"""What sources point at (follow/discover.py): feed links resolved against the feed, sitemap URLs
with lastmod and nested sitemaps, GDELT GKG rows filtered by theme or organisation, hostile XML
refused."""

from __future__ import annotations

import io
import zipfile

import pytest

from countersight.errors import InputError
from countersight.follow.discover import feed_items, gkg_items, sitemap_items


def test_feed_items_resolve_relative_links() -> None:
    rss = (
        b'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title><link>http://a.example/</link>'
        b"<description>d</description><item><title>One</title><link>/news/1.html</link></item>"
        b"<item><title>Two</title><link>https://b.example/2</link></item><item><title>none</title></item>"
        b"</channel></rss>"
    )
    items = list(feed_items(rss, "https://a.example/feed.xml"))
    assert [i.url for i in items] == ["https://a.example/news/1.html", "https://b.example/2"]
    assert items[0].title == "One"


def test_feed_with_entities_refused() -> None:
    bomb = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><rss><channel><title>&a;</title></channel></rss>'
    with pytest.raises(InputError, match="entit"):
        list(feed_items(bomb, "https://a.example/feed.xml"))


def test_sitemap_and_index() -> None:
    urlset = (
        b'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        b"<url><loc>https://a.example/x</loc><lastmod>2024-01-03</lastmod></url>"
        b"<url><loc>https://a.example/y</loc></url></urlset>"
    )
    items = list(sitemap_items(urlset, "https://a.example/sitemap.xml"))
    assert [(i.url, i.lastmod, i.sitemap) for i in items] == [
        ("https://a.example/x", "2024-01-03", False),
        ("https://a.example/y", None, False),
    ]
    index = (
        b'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><sitemap>'
        b"<loc>https://a.example/s1.xml</loc></sitemap></sitemapindex>"
    )
    (nested,) = sitemap_items(index, "https://a.example/sitemap.xml")
    assert nested.sitemap and nested.url == "https://a.example/s1.xml"
    with pytest.raises(InputError):
        list(sitemap_items(b"<urlset><url>", "https://a.example/bad.xml"))


def _gkg_row(url: str, themes: str, orgs: str) -> str:
    cells = [""] * 27
    cells[0], cells[1], cells[3], cells[4], cells[7], cells[13] = "1", "20240102", "src", url, themes, orgs
    return "\t".join(cells)


def test_gkg_rows_filtered_by_theme_or_vendor() -> None:
    rows = "\n".join(
        [
            _gkg_row("https://news.example/1", "TAX_FNCACT;SURVEILLANCE", ""),
            _gkg_row("https://news.example/2", "ECON_STOCKMARKET", "hikvision;city council"),
            _gkg_row("https://news.example/3", "ECON_STOCKMARKET", "city council"),
            _gkg_row("file:///etc/passwd", "SURVEILLANCE", ""),
        ]
    )
    assert [i.url for i in gkg_items(rows.encode(), "http://data.example/x.gkg.csv")] == [
        "https://news.example/1",
        "https://news.example/2",
    ]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("x.gkg.csv", rows)
    assert len(list(gkg_items(buffer.getvalue(), "http://data.example/x.gkg.csv.zip"))) == 2
