"""publish/export/archives: ``--include-archives`` copies the WARC files holding the exported
documents' archived copies (only those of the selection, never a file outside the archive folder)
and writes an index of which record is which document."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest

from countersight.config import Settings
from countersight.ids import stable_id
from countersight.publish.export.archives import export_archives
from countersight.store import Store, open_store, schema
from countersight.store.export_queries import Selection
from export_fixture import fill

FETCHED = dt.datetime(2024, 3, 5, 8, 0, tzinfo=dt.UTC)


def _fetched(url: str, document_id: str | None, warc_file: str | None, offset: int = 0) -> dict[str, object]:
    """A fetched_urls row as follow writes it."""
    return {
        "id": stable_id("url", [url]),
        "url": url,
        "source_id": None,
        "status": "done",
        "http_status": 200,
        "etag": None,
        "last_modified": None,
        "lastmod": None,
        "document_id": document_id,
        "warc_file": warc_file,
        "warc_offset": offset,
        "fetched_at": FETCHED,
        "error": None,
    }


@pytest.fixture
def archived(tmp_path: Path) -> tuple[Store, Settings, dict[str, str]]:
    """The test store with the article (KEN) and the dataset row (SRB) archived in two WARC files,
    a fetch that gave no document, and one row naming a file outside the archive folder."""
    store = open_store(f"sqlite:///{tmp_path / 'src.db'}")
    article, row = fill(store)["documents"]
    archive = tmp_path / "archive"
    archive.mkdir()
    (archive / "a.warc.gz").write_bytes(b"warc a")
    (archive / "b.warc.gz").write_bytes(b"warc b")
    (tmp_path / "outside.warc.gz").write_bytes(b"not ours")
    with store.transaction() as conn:
        conn.execute(
            schema.fetched_urls.insert(),
            [
                _fetched("https://news.example.org/nairobi", article, "a.warc.gz", 120),
                _fetched("https://data.example.org/row", row, "b.warc.gz", 0),
                _fetched("https://data.example.org/row?copy", row, "../outside.warc.gz", 7),
                _fetched("https://news.example.org/feed", None, "a.warc.gz", 0),
                _fetched("https://news.example.org/failed", article, None),
            ],
        )
    settings = Settings(database_url=store.url, archive_dir=archive)
    return store, settings, {"KEN": article, "SRB": row}


def _index(dest: Path) -> list[dict[str, str]]:
    with (dest / "index.csv").open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_every_archived_document_is_copied_and_indexed(
    archived: tuple[Store, Settings, dict[str, str]], tmp_path: Path
) -> None:
    store, settings, docs = archived
    dest = tmp_path / "out"
    written = export_archives(store, settings, dest)
    assert sorted(p.name for p in written) == ["a.warc.gz", "b.warc.gz", "index.csv"]
    assert (dest / "a.warc.gz").read_bytes() == b"warc a"
    # A file named outside the archive folder is never copied (the row may predate the checks).
    assert sorted(p.name for p in dest.iterdir()) == ["a.warc.gz", "b.warc.gz", "index.csv"]
    index = _index(dest)
    # Only rows that name both a document and a WARC file, by document then URL.
    assert [(r["document_id"], r["url"]) for r in index] == sorted(
        [
            (docs["KEN"], "https://news.example.org/nairobi"),
            (docs["SRB"], "https://data.example.org/row"),
            (docs["SRB"], "https://data.example.org/row?copy"),
        ]
    )
    nairobi = next(r for r in index if r["url"].endswith("nairobi"))
    assert nairobi["warc_file"] == "a.warc.gz" and nairobi["warc_offset"] == "120"
    assert nairobi["fetched_at"].startswith("2024-03-05T08:00")


def test_a_selection_copies_only_its_documents_archives(
    archived: tuple[Store, Settings, dict[str, str]], tmp_path: Path
) -> None:
    store, settings, docs = archived
    dest = tmp_path / "ken"
    written = export_archives(store, settings, dest, Selection(country="KEN"))
    assert [p.name for p in written] == ["a.warc.gz", "index.csv"]
    assert [(r["document_id"], r["warc_file"]) for r in _index(dest)] == [(docs["KEN"], "a.warc.gz")]
    nothing = export_archives(store, settings, tmp_path / "none", Selection(country="FRA"))
    assert [p.name for p in nothing] == ["index.csv"] and _index(tmp_path / "none") == []
