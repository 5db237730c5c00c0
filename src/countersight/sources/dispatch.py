"""From command-line arguments to documents: walk directories safely, pick a reader by
extension or content, and turn every failure into a :class:`ReadResult` naming the file and
reason, so that one bad input never stops a run."""

from __future__ import annotations

import logging
import os
import shutil
import sys
import tempfile
from collections.abc import Container, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from countersight.errors import InputError
from countersight.ids import stable_id
from countersight.sources.base import Limits, ReadResult, read_bytes, read_limited
from countersight.sources.feed import feed_documents, looks_like_feed
from countersight.sources.html import html_document
from countersight.sources.pdf import pdf_document
from countersight.sources.text import text_document
from countersight.sources.warc import GZIP_MAGIC, warc_records

log = logging.getLogger(__name__)

_EXTENSIONS = {
    ".txt": "text",
    ".text": "text",
    ".md": "text",
    ".markdown": "text",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".pdf": "pdf",
    ".xml": "feed",
    ".rss": "feed",
    ".atom": "feed",
    ".warc": "warc",
    ".warc.gz": "warc",
}


@dataclass(frozen=True, slots=True)
class InputFile:
    """One file to read. ``source`` is the path as the user gave it (or ``-``); ``input_id``
    identifies this version of the file (path, size, mtime) for resumable runs, None for stdin."""

    path: Path
    source: str
    kind: str
    size: int
    input_id: str | None
    resolved: str = ""  # the absolute path with links resolved, as recorded in the ingest state
    # The path relative to the directory named on the command line (a file named directly: its
    # name): what documents may record, never the absolute path.
    relative: str = ""

    def document_path(self, policy: str) -> str | None:
        """What a document read from this file records as its path under ``policy``
        (:data:`~countersight.sources.base.DOCUMENT_PATHS`)."""
        if self.source == "-" or policy == "none":
            return None
        if policy == "name":
            return self.path.name
        return self.relative or self.path.name


def detect_kind(path: Path, head: bytes) -> str | None:
    """The reader for a file: by extension first, then by its first bytes."""
    name = path.name.lower()
    if name.endswith(".warc.gz"):
        return "warc"
    kind = _EXTENSIONS.get(path.suffix.lower())
    if kind:
        return kind
    return sniff_kind(head)


def sniff_kind(head: bytes) -> str | None:
    """The reader for bytes of unknown name (stdin, files without a known extension)."""
    stripped = head.lstrip()
    low = stripped[:512].lower()
    if stripped.startswith(b"%PDF"):
        return "pdf"
    if head.startswith(b"WARC/") or head.startswith(GZIP_MAGIC):
        return "warc"
    if looks_like_feed(stripped):
        return "feed"
    if low.startswith((b"<!doctype html", b"<html")) or b"<html" in low or b"<body" in low:
        return "html"
    if head and b"\x00" not in head:
        return "text"
    return None


# Files that are data or media, not documents, and that no reader reads: a directory of articles
# often holds them too (a gold.jsonl of labels must not become claims).
NOT_DOCUMENTS = {
    ".json": "JSON data",
    ".jsonl": "JSON lines",
    ".ndjson": "JSON lines",
    ".geojson": "JSON data",
    ".csv": "CSV data",
    ".tsv": "tab-separated data",
    ".parquet": "Parquet data",
    ".xlsx": "a spreadsheet",
    ".xls": "a spreadsheet",
    ".ods": "a spreadsheet",
    ".yaml": "YAML data",
    ".yml": "YAML data",
    ".toml": "configuration",
    ".ini": "configuration",
    ".sqlite": "a database",
    ".db": "a database",
    ".png": "an image",
    ".jpg": "an image",
    ".jpeg": "an image",
    ".gif": "an image",
    ".webp": "an image",
    ".svg": "an image",
    ".bmp": "an image",
    ".tif": "an image",
    ".tiff": "an image",
    ".ico": "an image",
    ".mp3": "audio",
    ".wav": "audio",
    ".mp4": "video",
    ".mov": "video",
    ".webm": "video",
    ".zip": "an archive",
    ".tar": "an archive",
    ".gz": "a compressed file",
    ".bz2": "a compressed file",
    ".xz": "a compressed file",
    ".7z": "an archive",
    ".py": "source code",
    ".js": "source code",
    ".css": "a style sheet",
    ".exe": "a program",
    ".so": "a library",
    ".pyc": "compiled code",
}


def not_a_document(path: Path, head: bytes) -> str | None:
    """Why a file is not a document (no reader reads its kind), or None: by extension, then, for
    files whose name says nothing, by content that is JSON (lines)."""
    name = path.name.lower()
    if name.endswith(".warc.gz"):
        return None
    what = NOT_DOCUMENTS.get(path.suffix.lower())
    if what:
        return f"not a document ({what}); no reader for {path.suffix.lower()} files"
    if path.suffix.lower() not in _EXTENSIONS:
        first = head.lstrip()[:1]
        if first in (b"{", b"["):
            return "not a document (JSON data)"
    return None


def _input_file(path: Path, source: str, resolved: Path | None = None, relative: str = "") -> InputFile | ReadResult:
    try:
        st = path.stat()
        with path.open("rb") as fh:
            head = fh.read(2048)
    except OSError as exc:
        return ReadResult(source, None, error=str(InputError(f"cannot read: {exc.strerror or exc}", path=source)))
    skip = not_a_document(path, head)
    if skip is not None:
        return ReadResult(source, None, skipped=skip)
    kind = detect_kind(path, head)
    if kind is None:
        return ReadResult(
            source, None, error=str(InputError("unknown format (not text, HTML, PDF, feed or WARC)", path=source))
        )
    real = str(resolved or path.resolve())
    key = stable_id("in", [real, None, st.st_size, st.st_mtime_ns])
    return InputFile(
        path=path,
        source=source,
        kind=kind,
        size=st.st_size,
        input_id=key,
        resolved=real,
        relative=relative or path.name,
    )


def _within(root: Path, target: Path) -> bool:
    try:
        target.relative_to(root)
    except ValueError:
        return False
    return True


def walk_inputs(args: Sequence[str]) -> Iterator[InputFile | ReadResult]:
    """The files named by ``args`` (files, directories walked recursively in name order).

    Inside a directory nothing outside it is read: symlinks resolving outside the directory
    are refused, symlinked directories are not followed (no loops), dot-files are skipped.
    ``-`` (stdin) is handled by :func:`spool_stdin`, not here.
    """
    for arg in args:
        path = Path(arg)
        if not path.exists() and not path.is_symlink():
            yield ReadResult(arg, None, error=str(InputError("no such file or directory", path=arg)))
        elif path.is_dir():
            root = path.resolve()
            for dirpath, dirnames, filenames in os.walk(path, followlinks=False):
                dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
                for d in dirnames:
                    link = Path(dirpath) / d
                    if link.is_symlink() and not _within(root, link.resolve()):
                        yield ReadResult(
                            str(link),
                            None,
                            error=str(
                                InputError(
                                    "refused: symlinked directory resolves outside the input directory"
                                    f" ({link.resolve()})",
                                    path=str(link),
                                )
                            ),
                        )
                    elif link.is_symlink():
                        log.info("%s: symlinked directory not followed", link)
                for fname in sorted(filenames):
                    if fname.startswith("."):
                        continue
                    fpath = Path(dirpath) / fname
                    source = str(fpath)
                    real = fpath.resolve()
                    if ".." in fpath.relative_to(path).parts or not _within(root, real):
                        yield ReadResult(
                            source,
                            None,
                            error=str(
                                InputError(f"refused: resolves outside the input directory ({real})", path=source)
                            ),
                        )
                        continue
                    if not fpath.is_file():
                        yield ReadResult(
                            source,
                            None,
                            error=str(InputError("not a regular file (dangling link, device or pipe)", path=source)),
                        )
                        continue
                    yield _input_file(fpath, source, real, fpath.relative_to(path).as_posix())
        elif path.is_file():
            yield _input_file(path, arg)
        else:
            yield ReadResult(
                arg, None, error=str(InputError("not a regular file (dangling link, device or pipe)", path=arg))
            )


@contextmanager
def spool_stdin(limits: Limits, stream: BinaryIO | None = None) -> Iterator[InputFile | ReadResult]:
    """Standard input copied (up to the size limit) to a temporary file, as an input."""
    src = stream if stream is not None else sys.stdin.buffer
    with tempfile.TemporaryDirectory(prefix="countersight-stdin-") as tmp:
        target = Path(tmp) / "stdin"
        try:
            data = read_limited(src, limits.max_file_bytes, "-")
        except InputError as exc:
            yield ReadResult("-", None, error=str(exc))
            return
        target.write_bytes(data)
        kind = sniff_kind(data[:2048])
        if kind is None:
            yield ReadResult("-", None, error=str(InputError("unknown format", path="-")))
            return
        yield InputFile(path=target, source="-", kind=kind, size=len(data), input_id=None)


def read_input(
    item: InputFile,
    limits: Limits,
    *,
    start: int = 0,
    end: int | None = None,
    skip: Container[int] = (),
) -> Iterator[ReadResult]:
    """Every document (or failure) in one input file; ``start``/``end``/``skip`` for WARCs."""
    name = item.source
    doc_path = item.document_path(limits.document_paths)
    if item.kind == "warc":
        yield from warc_records(item.path, name, limits, start=start, end=end, skip=skip)
        return
    try:
        data = read_bytes(item.path, limits, name)
        if item.kind == "text":
            yield ReadResult(name, None, document=text_document(data, name, limits, path=doc_path))
        elif item.kind == "html":
            yield ReadResult(name, None, document=html_document(data, name, limits, path=doc_path))
        elif item.kind == "pdf":
            yield ReadResult(name, None, document=pdf_document(data, name, limits, path=doc_path))
        elif item.kind == "feed":
            docs = list(feed_documents(data, name, limits, path=doc_path))
            for doc in docs:
                yield ReadResult(name, None, document=doc)
        else:
            raise InputError(f"no reader for kind {item.kind!r}", path=name)
    except InputError as exc:
        yield ReadResult(name, None, error=str(exc))
    except RecursionError as exc:
        # Deeply nested markup can exhaust a parser's recursion; that is a property of the input.
        yield ReadResult(name, None, error=f"{name}: input too deeply nested ({exc.__class__.__name__})")


def quarantine(source: Path, quarantine_dir: Path, reason: str) -> Path | None:
    """Copy a failed input into the quarantine directory with a ``.reason.txt`` beside it."""
    if source.is_symlink() or not source.is_file():
        return None  # a link's target may lie outside what the user named: never copied
    quarantine_dir.mkdir(parents=True, exist_ok=True)
    key = stable_id("q", [str(source.resolve())])
    target = quarantine_dir / f"{key}-{source.name}"
    try:
        shutil.copyfile(source, target)
        (quarantine_dir / f"{target.name}.reason.txt").write_text(f"{source}\n{reason}\n", encoding="utf-8")
    except OSError as exc:
        log.warning("cannot quarantine %s: %s", source, exc)
        return None
    return target
