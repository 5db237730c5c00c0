"""Crafted hostile inputs through the real ``countersight ingest`` path, in one run beside good files:
100,000 nested divs, a 50 MB single line, a gzip bomb in a ``.warc.gz``, a billion-laughs feed, a PDF
whose Flate stream inflates to 2 GiB, symlinks (``../`` targets, absolute, a directory) leading outside
the input directory, and feeds linking to private addresses and ``file://``. Each ends as a recorded
failure naming its reason, nothing is fetched (no socket connects), and the good files are stored.

The bombs are written streaming from one compressed megabyte repeated (deflate blocks after a full
flush are independent), so the test stays small in memory; peak RSS is about that of the 50 MB line.
"""

from __future__ import annotations

import json
import re
import socket
import struct
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any, BinaryIO

import pytest
from sqlalchemy import select

from countersight.publish.cli import main
from countersight.sources.warc import gzip_member, warc_record_bytes
from countersight.store import open_store, schema
from hostile_report import tried
from source_fixtures import ARTICLE, article_html, generated_pages, make_pdf, rss_feed, write_warc

MIB = 1 << 20
ZEROS = bytes(MIB)
SECRET = "Zorblax Optics installed secret cameras in Atlantis for the harbour police."


def _zero_blocks(compressor: Any, mib: int) -> Iterator[bytes]:
    """Raw deflate blocks for ``mib`` MiB of zeros: one MiB compressed (about 1 KB), repeated."""
    block = compressor.compress(ZEROS) + compressor.flush(zlib.Z_FULL_FLUSH)
    again = compressor.compress(ZEROS) + compressor.flush(zlib.Z_FULL_FLUSH)
    assert block == again  # after a full flush the compressor's history is empty: blocks repeat
    yield block
    yield again
    for _ in range(mib - 2):
        yield block


def write_gzip_bomb(fh: BinaryIO, prefix: bytes, mib: int) -> None:
    """One valid gzip member: ``prefix`` then ``mib`` MiB of zeros (CRC and size trailer included)."""
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    fh.write(b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff")
    fh.write(c.compress(prefix) + c.flush(zlib.Z_FULL_FLUSH))
    for block in _zero_blocks(c, mib):
        fh.write(block)
    fh.write(c.flush(zlib.Z_FINISH))
    crc = zlib.crc32(prefix)
    for _ in range(mib):
        crc = zlib.crc32(ZEROS, crc)
    fh.write(struct.pack("<II", crc, (len(prefix) + mib * MIB) & 0xFFFFFFFF))


def flate_bomb(mib: int) -> bytes:
    """A zlib stream (PDF FlateDecode) of ``mib`` MiB of zeros, about 1 KB per MiB."""
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    body = b"".join(_zero_blocks(c, mib)) + c.flush(zlib.Z_FINISH)
    adler = ((mib * MIB) % 65521) << 16 | 1  # Adler-32 of n zero bytes: A = 1, B = n mod 65521
    return b"\x78\xda" + body + struct.pack(">I", adler)


def bomb_warc(path: Path, gib: int, declared: int | None = None) -> None:
    """A good record, then a response record whose HTML payload inflates to ``gib`` GiB of zeros;
    ``declared`` is the payload length its headers claim (the true one when None)."""
    size = gib * 1024 * MIB
    claimed = size if declared is None else declared
    http = f"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: {claimed}\r\n\r\n".encode()
    head = (
        "WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: https://bomb.example/\r\n"
        "WARC-Date: 2024-03-01T10:00:00Z\r\nWARC-Record-ID: <urn:uuid:00000000-0000-0000-0000-00000000b0b0>\r\n"
        f"Content-Type: application/http; msgtype=response\r\nContent-Length: {len(http) + claimed}\r\n\r\n"
    ).encode()
    with path.open("wb") as fh:
        page = article_html([f"Report filed before the bomb in {path.name}."], title="Before")
        fh.write(gzip_member(warc_record_bytes(f"https://news.example/before/{path.name}", page)))
        write_gzip_bomb(fh, head + http, gib * 1024)


BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE rss [
<!ENTITY lol "lol">
<!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
<!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
<!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
<!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
<!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
<!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
<!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<rss version="2.0"><channel><title>Laughs</title>
<item><title>&lol9;</title><link>https://wire.example/lol</link><description>&lol9;</description></item>
</channel></rss>"""

PRIVATE_LINKS = {
    "loopback.rss": "http://127.0.0.1:8000/admin",
    "private-net.rss": "http://10.0.0.5/internal",
    "metadata.rss": "http://169.254.169.254/latest/meta-data/iam/",
    "local-file.rss": "file:///etc/passwd",
}


def _good(root: Path) -> int:
    """Write the good inputs; return how many documents they hold."""
    (root / "article.txt").write_text(" ".join(ARTICLE), encoding="utf-8")
    (root / "page.html").write_text(article_html(), encoding="utf-8")
    write_warc(root / "news.warc.gz", generated_pages(3))
    (root / "feed.rss").write_text(
        rss_feed([("One", "https://wire.example/1", "<p>Dahua cameras in Zambia.</p>")]), encoding="utf-8"
    )
    (root / "report.pdf").write_bytes(make_pdf([["NEC supplied biometric systems to Serbia."]]))
    return 1 + 1 + 3 + 1 + 1


def _hostile(root: Path, outside: Path) -> dict[str, str]:
    """Write the hostile inputs; return a pattern each one's failure reason must match, by path."""
    expected: dict[str, str] = {}
    n = 100_000
    (root / "deep.html").write_text(
        "<!DOCTYPE html><html><body>" + "<div>" * n + " ".join(ARTICLE) + "</div>" * n + "</body></html>",
        encoding="utf-8",
    )
    expected["deep.html"] = r"nested deeper than 512 elements"
    with (root / "long-line.txt").open("wb") as fh:
        line = b"surveillance " * (MIB // 13)
        for _ in range(50):
            fh.write(line)
    assert (root / "long-line.txt").stat().st_size > 50_000_000
    expected["long-line.txt"] = r"text is [\d,]+ characters, above the per-document limit of 10,000,000"
    # Honest headers (2 GiB record, refused by size, the inflater stops skipping it), and lying ones
    # (a 5,000-byte record followed by "more records" that are 2 GiB of zeros).
    bomb_warc(root / "bomb.warc.gz", gib=2)
    bomb_warc(root / "bomb-lying.warc.gz", gib=2, declared=5000)
    assert (root / "bomb.warc.gz").stat().st_size < 4 * MIB
    bomb = r"gzip member at byte \d[\d,]* inflates more than 200x \(decompression bomb\); refused"
    expected["bomb.warc.gz"] = rf"(?=.*record of 2,147,483,648 bytes is above the limit of 52,428,800)(?=.*{bomb})"
    # fastwarc finds no record header in the zeros after the short record: the file stops there.
    expected["bomb-lying.warc.gz"] = (
        rf"(?=.*binary content \(NUL bytes\))(?=.*(damaged WARC: Invalid WARC header|{bomb}))"
    )
    (root / "laughs.rss").write_text(BILLION_LAUGHS, encoding="utf-8")
    expected["laughs.rss"] = r"entity-expansion attack"
    (root / "bomb.pdf").write_bytes(make_pdf([["placeholder"]], raw_stream=flate_bomb(2048)))
    assert (root / "bomb.pdf").stat().st_size < 4 * MIB
    expected["bomb.pdf"] = r"PDF decompression limit reached \(possible bomb\)"
    for name, link in PRIVATE_LINKS.items():
        body = f'<p>{ARTICLE[0]}</p><img src="{link}"><iframe src="{link}"></iframe>'
        (root / name).write_text(rss_feed([("Inside", link, body)]), encoding="utf-8")
        expected[name] = r"private, local or non-web addresses \(never fetched\); refused: entry 0 links to"
    # Symlinks leading outside the input directory: a relative ``../`` target, a deeper one, an
    # absolute one and a directory.
    (root / "sub").mkdir()
    (root / "escape.txt").symlink_to(Path("..") / outside.name / "secret.txt")
    (root / "sub" / "deeper.txt").symlink_to(Path("..") / ".." / outside.name / "secret.txt")
    (root / "absolute.txt").symlink_to(outside / "secret.txt")
    (root / "outside-dir").symlink_to(Path("..") / outside.name, target_is_directory=True)
    for link in ("escape.txt", "sub/deeper.txt", "absolute.txt"):
        expected[link] = r"refused: resolves outside the input directory"
    expected["outside-dir"] = r"refused: symlinked directory resolves outside the input directory"
    return expected


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """Record (and refuse) every attempt to resolve a name or open a connection in this process."""
    attempts: list[Any] = []

    def refuse(*args: Any, **kwargs: Any) -> Any:
        attempts.append(args)
        raise OSError("network access attempted during ingest")

    for name in ("connect", "connect_ex"):
        monkeypatch.setattr(socket.socket, name, refuse)
    for name in ("create_connection", "getaddrinfo", "gethostbyname"):
        monkeypatch.setattr(socket, name, refuse)
    return attempts


@pytest.mark.timeout(300)  # a regression (e.g. superlinear nesting) fails instead of hanging
def test_crafted_hostile_inputs_fail_alone_and_the_run_stores_the_good_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], no_network: list[Any]
) -> None:
    root, outside = tmp_path / "in", tmp_path / "outside"
    root.mkdir()
    outside.mkdir()
    (outside / "secret.txt").write_text(SECRET, encoding="utf-8")
    (outside / "other.txt").write_text(SECRET + " Again.", encoding="utf-8")
    good_documents = _good(root)
    expected = _hostile(root, outside)
    db = tmp_path / "store.db"
    monkeypatch.setenv("COUNTERSIGHT_DATABASE_URL", f"sqlite:///{db}")
    monkeypatch.setenv("COUNTERSIGHT_QUARANTINE_DIR", str(tmp_path / "quarantine"))
    monkeypatch.delenv("COUNTERSIGHT_MAX_FILE_BYTES", raising=False)

    code = main(["ingest", str(root), "--format", "json", "--no-progress"])
    summary = json.loads(capsys.readouterr().out)

    assert code == 0, summary
    assert no_network == []
    failed: dict[str, str] = {}
    for f in summary["failed"]:
        name = Path(f["path"]).relative_to(root).as_posix()
        failed[name] = f"{failed[name]} | {f['error']}" if name in failed else f["error"]
    assert set(failed) == set(expected), summary["failed"]
    for name, pattern in expected.items():
        assert re.search(pattern, failed[name], re.S), (name, failed[name])
        assert name.split("/")[-1] in failed[name]  # the reason names the file
    # The good files, and the record before the bomb in the same archive, are stored; nothing else.
    assert summary["new"] == summary["documents"] == good_documents + 2
    store = open_store(f"sqlite:///{db}")
    try:
        with store.engine.connect() as conn:
            texts = conn.execute(select(schema.documents.c.text)).scalars().all()
            urls = set(conn.execute(select(schema.documents.c.url)).scalars().all())
    finally:
        store.close()
    assert len(texts) == good_documents + 2
    assert not any("Zorblax" in t or "lollol" in t for t in texts)
    assert {"https://news.example/before/bomb.warc.gz", "https://news.example/before/bomb-lying.warc.gz"} <= urls
    assert not urls & set(PRIVATE_LINKS.values())
    # Failed regular files are quarantined with their reason; links are never copied (their target is outside).
    reasons = [p.read_text(encoding="utf-8") for p in (tmp_path / "quarantine").glob("*.reason.txt")]
    assert len(reasons) == len([n for n in expected if not (root / n).is_symlink()])
    assert not any(
        SECRET in p.read_text(encoding="utf-8", errors="replace")
        for p in (tmp_path / "quarantine").iterdir()
        if p.stat().st_size < MIB
    )
    tried("crafted (ingest run)", len(expected))
