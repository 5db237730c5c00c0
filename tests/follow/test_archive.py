"""The WARC writer and its repair (follow/archive.py): records FastWARC reads with valid digests,
a record read back by offset, a torn tail truncated to the committed size."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from fastwarc.warc import ArchiveIterator, WarcRecordType

from countersight.follow.archive import WarcWriter, read_response, repair

REQUEST = b"GET /a HTTP/1.1\r\nHost: news.example\r\n\r\n"
RESPONSE = b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n\r\n"
WHEN = dt.datetime(2024, 1, 2, 10, 0, tzinfo=dt.UTC)


def test_records_valid_and_readable_by_offset(tmp_path: Path) -> None:
    writer = WarcWriter(tmp_path / "a.warc.gz")
    first = writer.write_exchange("https://news.example/a", REQUEST, RESPONSE, b"<p>one</p>", WHEN)
    second = writer.write_exchange("https://news.example/b", REQUEST, RESPONSE, b"<p>two</p>", WHEN)
    writer.close()
    kinds = []
    with (tmp_path / "a.warc.gz").open("rb") as fh:
        for record in ArchiveIterator(fh, parse_http=False):
            kinds.append(record.record_type)
            assert record.headers["WARC-Type"] in ("warcinfo", "request", "response")
            if record.record_type == WarcRecordType.response:
                assert record.verify_block_digest(consume=False)
                record.parse_http()
                assert record.verify_payload_digest()
    assert kinds == [
        WarcRecordType.warcinfo,
        WarcRecordType.request,
        WarcRecordType.response,
        WarcRecordType.request,
        WarcRecordType.response,
    ]
    back = read_response(tmp_path / "a.warc.gz", second)
    assert (back.status, back.body) == (200, b"<p>two</p>")
    assert back.warc_headers["warc-target-uri"] == "https://news.example/b"
    assert read_response(tmp_path / "a.warc.gz", first).body == b"<p>one</p>"


def test_repair_truncates_to_committed_size(tmp_path: Path) -> None:
    path = tmp_path / "b.warc.gz"
    writer = WarcWriter(path)
    writer.write_exchange("https://news.example/a", REQUEST, RESPONSE, b"kept", WHEN)
    committed = writer.size
    writer.write_exchange("https://news.example/b", REQUEST, RESPONSE, b"never committed", WHEN)
    writer.close()
    with path.open("ab") as fh:
        fh.write(b"\x1f\x8b\x08\x00torn")
    assert repair(tmp_path, {"b.warc.gz": committed, "missing.warc.gz": 10}) == ["b.warc.gz"]
    assert path.stat().st_size == committed
    with path.open("rb") as fh:
        uris = [r.headers.get("WARC-Target-URI") for r in ArchiveIterator(fh)]
    assert uris == [None, "https://news.example/a", "https://news.example/a"]
    assert repair(tmp_path, {"b.warc.gz": committed}) == []  # nothing left to repair
