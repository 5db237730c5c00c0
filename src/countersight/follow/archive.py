"""Evidence preservation: every response follow fetches is written to a WARC/1.1 file (a request
record and a response record, each its own gzip member, with block and payload digests), the
format web archives use and :mod:`countersight.sources.warc` (and any WARC tool) reads back.

Records are flushed and synced before the store commits the document that points at them, and the
store records each file's committed size; :func:`repair` truncates a file to that size at the next
start, so a record cut by a kill is dropped, never fatal and never referenced.
"""

from __future__ import annotations

import base64
import datetime as dt
import gzip
import hashlib
import logging
import os
import uuid
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from countersight.errors import InputError, NotFoundError
from countersight.version import __version__

log = logging.getLogger(__name__)

_CHUNK = 1 << 16


def _digest(data: bytes) -> str:
    return "sha1:" + base64.b32encode(hashlib.sha1(data).digest()).decode("ascii")  # noqa: S324 - WARC's customary digest


def _record(headers: list[tuple[str, str]], block: bytes) -> bytes:
    head = ["WARC/1.1", *(f"{k}: {v}" for k, v in headers), f"Content-Length: {len(block)}"]
    return ("\r\n".join(head) + "\r\n\r\n").encode("utf-8") + block + b"\r\n\r\n"


def _gzip_member(data: bytes) -> bytes:
    return gzip.compress(data, compresslevel=6, mtime=0)


def _warc_date(when: dt.datetime) -> str:
    return when.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


class WarcWriter:
    """Appends request/response record pairs to one ``.warc.gz`` file (created with a warcinfo
    record on first use)."""

    def __init__(self, path: Path):
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self._fh = path.open("ab")
        self.warcinfo_id = f"<urn:uuid:{uuid.uuid4()}>"
        if self._fh.tell() == 0:
            info = (
                f"software: countersight/{__version__}\r\nformat: WARC File Format 1.1\r\n"
                "conformsTo: https://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/\r\n"
            ).encode()
            self._append(
                _record(
                    [
                        ("WARC-Type", "warcinfo"),
                        ("WARC-Record-ID", self.warcinfo_id),
                        ("WARC-Date", _warc_date(dt.datetime.now(dt.UTC))),
                        ("WARC-Filename", path.name),
                        ("Content-Type", "application/warc-fields"),
                    ],
                    info,
                )
            )

    @property
    def size(self) -> int:
        """Bytes written so far (all synced)."""
        return self._fh.tell()

    def _append(self, data: bytes) -> int:
        offset = self._fh.tell()
        self._fh.write(_gzip_member(data))
        return offset

    def write_exchange(
        self, url: str, request_head: bytes, response_head: bytes, raw_body: bytes, fetched_at: dt.datetime
    ) -> int:
        """Write the request and response records of one exchange, sync them, and return the
        response record's offset."""
        date = _warc_date(fetched_at)
        request_id, response_id = f"<urn:uuid:{uuid.uuid4()}>", f"<urn:uuid:{uuid.uuid4()}>"
        response_block = response_head + raw_body
        response = _record(
            [
                ("WARC-Type", "response"),
                ("WARC-Record-ID", response_id),
                ("WARC-Date", date),
                ("WARC-Target-URI", url),
                ("WARC-Warcinfo-ID", self.warcinfo_id),
                ("WARC-Block-Digest", _digest(response_block)),
                ("WARC-Payload-Digest", _digest(raw_body)),
                ("Content-Type", "application/http;msgtype=response"),
            ],
            response_block,
        )
        request = _record(
            [
                ("WARC-Type", "request"),
                ("WARC-Record-ID", request_id),
                ("WARC-Date", date),
                ("WARC-Target-URI", url),
                ("WARC-Warcinfo-ID", self.warcinfo_id),
                ("WARC-Concurrent-To", response_id),
                ("WARC-Block-Digest", _digest(request_head)),
                ("Content-Type", "application/http;msgtype=request"),
            ],
            request_head,
        )
        self._append(request)
        offset = self._append(response)
        self._fh.flush()
        os.fsync(self._fh.fileno())
        return offset

    def close(self) -> None:
        """Close the file."""
        self._fh.close()


def new_warc_name(now: dt.datetime) -> str:
    """A file name unique to this run: ``follow-<UTC time>-<pid>.warc.gz``."""
    return f"follow-{now.strftime('%Y%m%dT%H%M%S')}-{os.getpid()}.warc.gz"


def repair(directory: Path, committed: dict[str, int]) -> list[str]:
    """Truncate each WARC file the store knows to its committed size (dropping records written
    after the last commit, such as one cut by a kill); return the names repaired."""
    repaired = []
    for name, size in sorted(committed.items()):
        path = directory / name
        try:
            actual = path.stat().st_size
        except FileNotFoundError:
            log.warning("archive %s is missing (its records cannot be shown)", path)
            continue
        if actual > size:
            with path.open("r+b") as fh:
                fh.truncate(size)
                fh.flush()
                os.fsync(fh.fileno())
            log.info("archive %s: dropped %d uncommitted bytes", name, actual - size)
            repaired.append(name)
    return repaired


@dataclass(frozen=True)
class ArchivedResponse:
    """One response record read back: its WARC headers, HTTP status and headers, and body."""

    warc_headers: dict[str, str]
    status: int
    http_headers: dict[str, str]
    body: bytes


def _inflate_member(fh: BinaryIO, limit: int, name: str) -> bytes:
    inflater = zlib.decompressobj(31)
    out = bytearray()
    while not inflater.eof:
        chunk = fh.read(_CHUNK)
        if not chunk:
            raise InputError("truncated record", path=name)
        out += inflater.decompress(chunk, limit + 1 - len(out))
        if len(out) > limit:
            raise InputError(f"record inflates past {limit:,} bytes", path=name)
    return bytes(out)


def _parse_headers(block: bytes) -> dict[str, str]:
    headers: dict[str, str] = {}
    for line in block.decode("latin-1").split("\r\n"):
        key, sep, value = line.partition(":")
        if sep:
            headers[key.strip().lower()] = value.strip()
    return headers


def read_response(path: Path, offset: int, limit: int = 64 * 1024 * 1024) -> ArchivedResponse:
    """The response record whose gzip member starts at ``offset`` in ``path``."""
    name = f"{path}@{offset}"
    try:
        with path.open("rb") as fh:
            fh.seek(offset)
            data = _inflate_member(fh, limit, name)
    except FileNotFoundError as exc:
        raise NotFoundError(f"archive file {path} is missing") from exc
    head, sep, rest = data.partition(b"\r\n\r\n")
    if not sep or not head.startswith(b"WARC/"):
        raise InputError("not a WARC record", path=name)
    warc = _parse_headers(head)
    length = int(warc.get("content-length", "0"))
    block = rest[:length]
    http_head, _, body = block.partition(b"\r\n\r\n")
    status_line, _, header_lines = http_head.partition(b"\r\n")
    try:
        status = int(status_line.split()[1])
    except (IndexError, ValueError) as exc:
        raise InputError("response record without an HTTP status line", path=name) from exc
    return ArchivedResponse(warc, status, _parse_headers(header_lines), body)
