"""Building sources to follow and reading archived copies back (follow/sources.py): the kind an
address most likely is, addresses refused, the curated starter list, and an archived response
read back from its WARC file as text and body."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml

from countersight.config import Settings
from countersight.errors import InputError, NotFoundError
from countersight.follow.archive import WarcWriter
from countersight.follow.sources import archived_copy, guess_kind, new_source, starter_sources
from countersight.ids import content_hash
from countersight.model import Document
from countersight.store import Store
from countersight.store import sources as sstore
from paths import ROOT

WHEN = dt.datetime(2024, 2, 3, 4, 5, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    "url, kind",
    [
        ("https://a.example/sitemap.xml", "sitemap"),
        ("https://a.example/news-sitemap.xml.gz", "sitemap"),
        ("http://data.example/20240101.gkg.csv.zip", "gdelt-gkg"),
        ("https://a.example/feed.atom", "atom"),
        ("https://a.example/rss", "rss"),
    ],
)
def test_guess_kind(url: str, kind: str) -> None:
    assert guess_kind(url) == kind


def test_new_source() -> None:
    s = new_source(" https://www.news.example/world/feed/ ", None, 900, "EN")
    assert (s.url, s.kind, s.every_seconds, s.language, s.name) == (
        "https://www.news.example/world/feed/",
        "rss",
        900,
        "en",
        "news.example/world/feed",
    )
    assert s.id == new_source("https://www.news.example/world/feed/", "atom", 60).id  # the id is the address's
    with pytest.raises(InputError, match="not an http"):
        new_source("ftp://files.example/feed", None, 60)
    with pytest.raises(InputError, match="--kind"):
        new_source("https://a.example/f", "newsletter", 60)


def test_starter_list_matches_its_file() -> None:
    data = yaml.safe_load((ROOT / "src/countersight/data/starter_sources.yaml").read_text())
    assert data["date"] and data["sources"]
    for entry in data["sources"]:
        assert entry["why"].strip() and entry["found_in"], entry["name"]
        assert entry["url"].startswith("https://")
    starters = starter_sources()
    assert [s.name for s in starters] == [e["name"] for e in data["sources"]]
    assert all(s.note for s in starters)


def test_archived_copy_reads_the_response_back(store: Store, tmp_path: Path) -> None:
    settings = Settings(database_url="sqlite://", archive_dir=tmp_path / "archive")
    url = "https://daily.example/2024/02/03/cameras"
    page = (
        "<html><head><title>Cameras</title></head><body><article>"
        "<p>The council bought cameras for the market square.</p></article></body></html>"
    )
    writer = WarcWriter(settings.archive_path() / "follow-test.warc.gz")
    offset = writer.write_exchange(
        url,
        b"GET /2024/02/03/cameras HTTP/1.1\r\nHost: daily.example\r\n\r\n",
        b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n\r\n",
        page.encode(),
        WHEN,
    )
    writer.close()
    text = "The council bought cameras for the market square."
    doc = Document(id=content_hash(text), text=text, url=url, source_kind="web")
    row = sstore.fetch_row(
        url, None, "done", document_id=doc.id, warc_file="follow-test.warc.gz", warc_offset=offset, fetched_at=WHEN
    )
    sstore.commit_fetch(store, row, document=doc)

    for key in (doc.id, url):
        copy = archived_copy(store, settings, key)
        assert (copy.url, copy.document_id, copy.warc_file, copy.warc_offset) == (
            url,
            doc.id,
            "follow-test.warc.gz",
            offset,
        )
        assert copy.status == 200 and copy.content_type == "text/html"
        assert "market square" in copy.text and copy.body == page
        assert copy.warc_record_id and copy.warc_record_id.startswith("<urn:uuid:")
    with pytest.raises(NotFoundError, match="no archived copy"):
        archived_copy(store, settings, "https://daily.example/never-fetched")
    # A fetch state naming a file outside the archive folder is never opened.
    outside = "https://daily.example/outside"
    sstore.commit_fetch(
        store, sstore.fetch_row(outside, None, "done", warc_file="../elsewhere.warc.gz", warc_offset=0, fetched_at=WHEN)
    )
    with pytest.raises(NotFoundError, match="outside the archive folder"):
        archived_copy(store, settings, outside)
