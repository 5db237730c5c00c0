"""Web archives (``.warc``, ``.warc.gz``): each HTML response record is a document, with its URL
and crawl date from the record headers.

Archives are streamed, never loaded whole. Compressed archives are inflated here, member by
member, with caps (:class:`BoundedInflater`): a gzip bomb or a truncated file ends that file
with a clear error, and records read before it are kept. A record is identified by the byte
offset where it starts in the file (the gzip member's offset for ``.warc.gz``), which makes
runs resumable record by record and lets a large archive be split into byte ranges that
different workers read (:func:`warc_records` with ``start``/``end``).
"""

from __future__ import annotations

import datetime as dt
import gzip
import io
import zlib
from collections import deque
from collections.abc import Callable, Container, Iterator
from dataclasses import replace
from pathlib import Path
from typing import BinaryIO

from fastwarc.warc import ArchiveIterator, WarcRecord, WarcRecordType

from countersight.errors import InputError
from countersight.sources.base import Limits, ReadResult, parse_date
from countersight.sources.html import html_document

GZIP_MAGIC = b"\x1f\x8b\x08"
_CHUNK = 1 << 16
_SLACK = 1 << 20  # output any member may produce before the ratio cap applies


class BoundedInflater(io.RawIOBase):
    """A readable stream of the inflated bytes of a multi-member gzip file, from ``start``.

    Each member may inflate to at most ``max_ratio`` times its compressed size (plus 1 MiB):
    past that it is treated as a decompression bomb. A member cut off by the end of the file
    raises :class:`InputError` (truncated archive). ``member_offset(pos)`` maps the inflated
    position where a record starts to the compressed offset of the member it starts.
    """

    def __init__(self, fh: BinaryIO, start: int, name: str, max_ratio: int):
        super().__init__()
        fh.seek(start)
        self._fh, self._name, self._max_ratio = fh, name, max_ratio
        self._pending = b""
        self._pending_pos = start  # compressed offset of _pending[0]
        self._decomp: zlib._Decompress | None = None
        self._member_start = start
        self._member_out = 0
        self._buffer = bytearray()
        self._produced = 0  # inflated bytes produced so far (position after _buffer)
        self._members: deque[tuple[int, int]] = deque()  # (inflated start, compressed start)
        self._eof = False
        # Damage ends the stream instead of raising inside the WARC parser's read-ahead, so the
        # records before it are still delivered; the reader reports it afterwards.
        self.error: InputError | None = None
        self.failed_member: int | None = None

    def readable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._produced - len(self._buffer)

    def member_offset(self, inflated_pos: int) -> int | None:
        """Compressed offset of the member whose first byte is at ``inflated_pos``, else None."""
        while self._members and self._members[0][0] < inflated_pos:
            self._members.popleft()
        if self._members and self._members[0][0] == inflated_pos:
            return self._members[0][1]
        return None

    def readinto(self, buf: bytearray | memoryview) -> int:  # type: ignore[override]
        want = len(buf)
        while len(self._buffer) < want and not self._eof:
            try:
                self._inflate_some()
            except InputError as exc:
                self.error, self.failed_member, self._eof = exc, self._member_start, True
        n = min(want, len(self._buffer))
        buf[:n] = self._buffer[:n]
        del self._buffer[:n]
        return n

    def _inflate_some(self) -> None:
        if not self._pending:
            chunk = self._fh.read(_CHUNK)
            if not chunk:
                if self._decomp is not None:
                    raise InputError(
                        f"truncated gzip data: the member at byte {self._member_start:,} ends early", path=self._name
                    )
                self._eof = True
                return
            self._pending = chunk
        if self._decomp is None:
            if not self._pending.startswith(GZIP_MAGIC[: len(self._pending)]):
                raise InputError(f"not gzip data at byte {self._pending_pos:,}", path=self._name)
            self._member_start, self._member_out = self._pending_pos, 0
            self._decomp = zlib.decompressobj(wbits=31)
            self._members.append((self._produced, self._pending_pos))
        try:
            out = self._decomp.decompress(self._pending, _CHUNK)
        except zlib.error as exc:
            raise InputError(f"corrupt gzip data near byte {self._pending_pos:,}: {exc}", path=self._name) from exc
        rest = self._decomp.unused_data if self._decomp.eof else self._decomp.unconsumed_tail
        self._pending_pos += len(self._pending) - len(rest)
        self._pending = rest
        self._member_out += len(out)
        consumed = self._pending_pos - self._member_start
        if self._member_out > _SLACK + self._max_ratio * consumed:
            raise InputError(
                f"gzip member at byte {self._member_start:,} inflates more than {self._max_ratio}x "
                "(decompression bomb); refused",
                path=self._name,
            )
        if self._decomp.eof:
            self._decomp = None
        self._buffer += out
        self._produced += len(out)


class _OffsetReader(io.RawIOBase):
    """An uncompressed file read from ``start``; ``tell`` counts from ``start``."""

    def __init__(self, fh: BinaryIO, start: int):
        super().__init__()
        fh.seek(start)
        self._fh, self._pos = fh, 0

    def readable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._pos

    def readinto(self, buf: bytearray | memoryview) -> int:  # type: ignore[override]
        data = self._fh.read(len(buf))
        buf[: len(data)] = data
        self._pos += len(data)
        return len(data)


def is_gzip(path: Path) -> bool:
    """True when the file starts with the gzip magic bytes."""
    with path.open("rb") as fh:
        return fh.read(3) == GZIP_MAGIC


def _sync_gzip(fh: BinaryIO, start: int, end: int) -> int | None:
    """The offset of the first gzip member that starts a WARC record in ``[start, end)``."""
    pos = start
    while pos < end:
        fh.seek(pos)
        window = fh.read(min(_CHUNK * 16, end - pos) + 2)
        i = window.find(GZIP_MAGIC)
        while i != -1 and pos + i < end:
            fh.seek(pos + i)
            try:
                head = zlib.decompressobj(wbits=31).decompress(fh.read(4096), 16)
            except zlib.error:
                head = b""
            if head.startswith(b"WARC/"):
                return pos + i
            i = window.find(GZIP_MAGIC, i + 1)
        if len(window) <= 2:
            break
        pos += len(window) - 2
    return None


def _sync_plain(fh: BinaryIO, start: int, end: int) -> int | None:
    """The offset of the first ``WARC/1.x`` record header line in ``[start, end)``."""
    marker = b"\r\n\r\nWARC/1."
    pos = max(0, start - 4)
    while pos < end:
        fh.seek(pos)
        window = fh.read(_CHUNK * 16)
        i = window.find(marker)
        if i != -1:
            found = pos + i + 4
            return found if found < end else None
        if len(window) < len(marker):
            return None
        pos += len(window) - len(marker) + 1
    return None


def split_ranges(path: Path, partition_bytes: int) -> list[tuple[int, int]]:
    """Byte ranges covering the file, ``partition_bytes`` each (readers find record starts)."""
    size = path.stat().st_size
    return [(a, min(a + partition_bytes, size)) for a in range(0, max(size, 1), partition_bytes)]


def warc_records(
    path: Path,
    name: str,
    limits: Limits,
    *,
    start: int = 0,
    end: int | None = None,
    skip: Container[int] = (),
    on_record: Callable[[int], None] | None = None,
) -> Iterator[ReadResult]:
    """Documents of the HTML response records that start in the byte range ``[start, end)``.

    Records whose offset is in ``skip`` (done in an earlier run) are passed over unread.
    Non-HTML and non-200 responses are ignored; a failing record yields a ``ReadResult`` with
    its error and the file goes on; a damaged file stops with an error result after the
    records read so far.
    """
    size = path.stat().st_size
    end = size if end is None else min(end, size)
    try:
        fh = path.open("rb")
    except OSError as exc:
        yield ReadResult(name, None, error=str(InputError(f"cannot read: {exc.strerror}", path=name)))
        return
    found_any = False
    with fh:
        gz = fh.read(3) == GZIP_MAGIC if start == 0 else is_gzip(path)
        first = start if start == 0 else (_sync_gzip(fh, start, end) if gz else _sync_plain(fh, start, end))
        if first is None or first >= end:
            return
        stream: BoundedInflater | _OffsetReader = (
            BoundedInflater(fh, first, name, limits.max_inflate_ratio) if gz else _OffsetReader(fh, first)
        )
        records = ArchiveIterator(
            stream, record_types=WarcRecordType.response, parse_http=True, stream_detect=False, max_header_len=64 * 1024
        )
        try:
            for record in records:
                pos = record.stream_pos
                if isinstance(stream, BoundedInflater):
                    member = stream.member_offset(pos)
                    offset = member
                else:
                    offset = first + pos
                if offset is not None and offset >= end:
                    break
                found_any = True
                if offset is not None and offset in skip:
                    continue
                if (
                    isinstance(stream, BoundedInflater)
                    and stream.error is not None
                    and (offset is None or offset >= (stream.failed_member or 0))
                ):
                    break  # this record lies in the damaged member: its bytes are incomplete
                result = _record_result(record, name, offset, limits)
                if result is not None:
                    if on_record is not None and offset is not None:
                        on_record(offset)
                    yield result
        except InputError as exc:
            yield ReadResult(name, None, error=str(exc))
            return
        except (OSError, ValueError, UnicodeDecodeError) as exc:
            yield ReadResult(name, None, error=f"{name}: damaged WARC: {exc}")
            return
        if isinstance(stream, BoundedInflater) and stream.error is not None:
            yield ReadResult(name, None, error=str(stream.error))
            return
    if not found_any and start == 0:
        yield ReadResult(name, None, error=f"{name}: no WARC records found")


def _record_result(record: WarcRecord, name: str, offset: int | None, limits: Limits) -> ReadResult | None:
    """A document (or a failure) from one response record; None for records we ignore."""
    where = f"{name}@{offset}" if offset is not None else name
    ctype = (record.http_content_type or "").lower()
    if "html" not in ctype:
        return None
    status = record.http_headers.status_code if record.http_headers is not None else None
    if status is not None and status != 200:
        return None
    url = record.headers.get("WARC-Target-URI")
    if record.content_length > limits.max_record_bytes:
        return ReadResult(
            name,
            offset,
            error=str(
                InputError(
                    f"record of {record.content_length:,} bytes is above the limit of {limits.max_record_bytes:,}",
                    path=where,
                )
            ),
        )
    payload = record.reader.read(limits.max_record_bytes + 1)
    stamp = record.record_date
    fetched = stamp if isinstance(stamp, dt.datetime) else None
    try:
        doc = html_document(
            payload, where, limits, url=url, declared_charset=record.http_charset, fetched_at=fetched, kind="warc"
        )
    except InputError as exc:
        return ReadResult(name, offset, error=str(exc))
    meta = dict(doc.meta, warc_offset=offset, warc_record_id=record.headers.get("WARC-Record-ID"))
    published = doc.published
    if published is None:
        # The crawl date stands in when the page states none; meta says which it is.
        published = fetched.date() if fetched else parse_date(record.headers.get("WARC-Date"))
        meta["published_from"] = "warc-date"
    return ReadResult(name, offset, document=replace(doc, published=published, meta=meta))


def warc_record_bytes(
    url: str,
    html: str,
    date: str = "2024-03-01T10:00:00Z",
    content_type: str = "text/html; charset=utf-8",
    status: int = 200,
) -> bytes:
    """One WARC/1.0 response record (uncompressed), for tests, benchmarks and exports."""
    body = html.encode("utf-8")
    http = (
        f"HTTP/1.1 {status} OK\r\nContent-Type: {content_type}\r\nContent-Length: {len(body)}\r\n\r\n"
    ).encode() + body
    record_id = zlib.crc32(url.encode()) ^ zlib.crc32(body)
    head = (
        f"WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: {url}\r\nWARC-Date: {date}\r\n"
        f"WARC-Record-ID: <urn:uuid:00000000-0000-0000-0000-{record_id:012x}>\r\n"
        f"Content-Type: application/http; msgtype=response\r\nContent-Length: {len(http)}\r\n\r\n"
    )
    return head.encode() + http + b"\r\n\r\n"


def gzip_member(data: bytes) -> bytes:
    """``data`` as one gzip member (a ``.warc.gz`` is a concatenation of these, one per record)."""
    return gzip.compress(data, compresslevel=6, mtime=0)
