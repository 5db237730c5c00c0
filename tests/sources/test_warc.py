"""The WARC reader (sources/warc.py): the HTML responses of an archive as documents with their
record offsets, byte ranges that partition the records, records done before skipped, damage and
oversized records reported."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from countersight.sources.base import Limits
from countersight.sources.warc import gzip_member, is_gzip, split_ranges, warc_record_bytes, warc_records
from source_fixtures import article_html, write_warc

LIMITS = Limits()


def test_warc_html_records(tmp_path: Path) -> None:
    path = tmp_path / "crawl.warc.gz"
    pages = [
        (f"https://news.example/{i}", article_html([f"Paragraph number {i} about Quito."], title=f"T{i}"))
        for i in range(4)
    ]
    image = gzip_member(warc_record_bytes("https://news.example/logo.png", "PNG", content_type="image/png"))
    missing = gzip_member(warc_record_bytes("https://news.example/404", "<p>gone</p>", status=404))
    offsets = write_warc(path, pages, extra=[image, missing])
    results = list(warc_records(path, "crawl.warc.gz", LIMITS))
    assert [r.record for r in results] == offsets  # the image and the 404 are passed over
    docs = [r.document for r in results]
    assert all(d is not None for d in docs)
    assert [d.url for d in docs if d] == [u for u, _ in pages]
    assert all(d.fetched_at == dt.datetime(2024, 3, 1, 10, tzinfo=dt.UTC) for d in docs if d)
    assert docs[2] and docs[2].published == dt.date(2019, 5, 14)  # from the page, not the crawl date
    assert docs[2] and "Paragraph number 2 about Quito." in docs[2].text
    assert docs[0] and docs[0].meta["warc_offset"] == offsets[0] and docs[0].source_kind == "warc"
    assert docs[0] and docs[0].meta["warc_record_id"].startswith("<urn:uuid:")


def test_crawl_date_stands_in_for_a_page_without_one(tmp_path: Path) -> None:
    path = tmp_path / "undated.warc"
    write_warc(path, [("https://news.example/u", "<p>Cameras were installed at the border post.</p>")], gz=False)
    [result] = warc_records(path, "undated.warc", LIMITS)
    assert result.document is not None and result.document.published == dt.date(2024, 3, 1)
    assert result.document.meta["published_from"] == "warc-date"


def test_warc_uncompressed_and_byte_ranges_partition_records(tmp_path: Path) -> None:
    for gz in (True, False):
        path = tmp_path / ("c.warc.gz" if gz else "c.warc")
        offsets = write_warc(path, [(f"https://x.example/{i}", f"<p>page {i} text</p>") for i in range(9)], gz=gz)
        assert is_gzip(path) == gz
        size = path.stat().st_size
        cuts = [0, 1, size // 3, size // 3 + 1, 2 * size // 3, size]
        seen = []
        for a, b in zip(cuts, cuts[1:], strict=False):
            seen += [r.record for r in warc_records(path, path.name, LIMITS, start=a, end=b)]
        assert seen == offsets  # every record exactly once, whatever the cut points
        skipped = [r.record for r in warc_records(path, path.name, LIMITS, skip={offsets[1], offsets[5]})]
        assert skipped == [o for o in offsets if o not in (offsets[1], offsets[5])]
        ranges = split_ranges(path, size // 4 + 1)
        assert ranges[0][0] == 0 and ranges[-1][1] == size and len(ranges) == 4
        assert sum(len(list(warc_records(path, path.name, LIMITS, start=a, end=b))) for a, b in ranges) == 9


def test_damaged_and_oversized_records_are_reported(tmp_path: Path) -> None:
    path = tmp_path / "big.warc.gz"
    write_warc(path, [("https://x.example/big", "<p>" + "word " * 400 + "</p>")])
    [result] = warc_records(path, "big.warc.gz", Limits(max_record_bytes=1000))
    assert result.document is None and result.error and "above the limit" in result.error
    torn = tmp_path / "torn.warc.gz"
    data = path.read_bytes()
    torn.write_bytes(data + data[: len(data) // 2])  # a second member cut in the middle
    results = list(warc_records(torn, "torn.warc.gz", LIMITS))
    assert results[0].document is not None and results[-1].error is not None
    notes = tmp_path / "notes.warc"
    notes.write_bytes(b"these are notes, not an archive\n")
    [failure] = warc_records(notes, "notes.warc", LIMITS)
    assert failure.document is None and (failure.error or "").startswith("notes.warc: damaged WARC")
