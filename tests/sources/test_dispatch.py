"""Walking inputs and picking the reader (sources/dispatch.py): each kind of file to its reader,
failures as results naming the file, files that are not documents passed over, the path a
document records, standard input spooled, failed inputs quarantined."""

from __future__ import annotations

import io
from pathlib import Path

from countersight.sources import Limits, ReadResult
from countersight.sources.dispatch import (
    InputFile,
    detect_kind,
    not_a_document,
    quarantine,
    read_input,
    sniff_kind,
    spool_stdin,
    walk_inputs,
)
from source_fixtures import article_html, make_pdf, rss_feed, write_warc

LIMITS = Limits()


def read_all(path: Path, limits: Limits = LIMITS) -> list[ReadResult]:
    """Every result of reading ``path`` (a file or a directory) as ingest does."""
    results: list[ReadResult] = []
    for item in walk_inputs([str(path)]):
        if isinstance(item, InputFile):
            results.extend(read_input(item, limits))
        else:
            results.append(item)
    return results


def test_each_kind_goes_to_its_reader(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("Cameras in Nairobi.", encoding="utf-8")
    (tmp_path / "b.html").write_text(article_html(), encoding="utf-8")
    (tmp_path / "c.pdf").write_bytes(make_pdf([["Cameras in Belgrade."]]))
    (tmp_path / "d.rss").write_text(rss_feed([("T", "https://w.example/1", "<p>Cameras in Lusaka.</p>")]))
    write_warc(tmp_path / "e.warc.gz", [("https://n.example/1", "<p>Cameras in Quito today.</p>")])
    docs = {Path(r.source).name: r.document for r in read_all(tmp_path)}
    kinds = {name: doc.source_kind for name, doc in docs.items() if doc is not None}
    assert kinds == {"a.txt": "text", "b.html": "html", "c.pdf": "pdf", "d.rss": "feed", "e.warc.gz": "warc"}


def test_a_file_named_directly_records_its_name_and_failures_name_the_file(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text("Title line\n\nBody.", encoding="utf-8")
    [result] = read_all(path)
    assert result.document is not None and result.document.path == "a.txt"  # never the absolute path
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(make_pdf([["Some text here."]])[:120])
    [failed] = read_all(broken)
    assert failed.document is None and failed.error is not None
    assert "broken.pdf" in failed.error and "PDF" in failed.error


def test_kinds_by_name_then_by_content() -> None:
    assert detect_kind(Path("x.WARC.GZ"), b"") == "warc" and detect_kind(Path("x.md"), b"") == "text"
    assert detect_kind(Path("noext"), b"%PDF-1.4") == "pdf"
    assert sniff_kind(b"WARC/1.1\r\n") == "warc" and sniff_kind(b"<!DOCTYPE html><html>") == "html"
    assert sniff_kind(b'<?xml version="1.0"?><rss version="2.0">') == "feed"
    assert sniff_kind(b"plain words") == "text" and sniff_kind(b"\x00\x01") is None
    assert not_a_document(Path("labels.jsonl"), b"") is not None
    assert not_a_document(Path("notes"), b'  {"a": 1}') == "not a document (JSON data)"
    assert not_a_document(Path("page.html"), b"{") is None


def test_standard_input_is_spooled_and_sniffed() -> None:
    with spool_stdin(LIMITS, io.BytesIO(b"Cameras were installed in Lusaka.")) as item:
        assert isinstance(item, InputFile) and item.kind == "text" and item.source == "-"
        [result] = read_input(item, LIMITS)
    assert result.document is not None and result.document.path is None  # stdin has no path
    with spool_stdin(Limits(max_file_bytes=4), io.BytesIO(b"12345")) as too_big:
        assert isinstance(too_big, ReadResult) and too_big.error and "larger than the limit" in too_big.error


def test_quarantine_copies_the_input_with_its_reason(tmp_path: Path) -> None:
    source = tmp_path / "bad.pdf"
    source.write_bytes(b"%PDF-broken")
    target = quarantine(source, tmp_path / "q", "corrupt PDF")
    assert target is not None and target.read_bytes() == b"%PDF-broken"
    assert (tmp_path / "q" / f"{target.name}.reason.txt").read_text(encoding="utf-8").endswith("corrupt PDF\n")
    link = tmp_path / "link.pdf"
    link.symlink_to(source)
    assert quarantine(link, tmp_path / "q", "x") is None  # a link is never followed out


def test_directory_walk_skips_files_that_are_not_documents(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "article.txt").write_text("Cameras in Nairobi.", encoding="utf-8")
    (tmp_path / "gold.jsonl").write_text('{"id": 1, "text": "Cameras in Nairobi."}\n', encoding="utf-8")
    (tmp_path / "table.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    (tmp_path / "photo.png").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    (tmp_path / "labels").write_text('[{"id": 1}]', encoding="utf-8")  # no extension, JSON inside
    results = read_all(tmp_path)
    skipped = {Path(r.source).name: r.skipped for r in results if getattr(r, "skipped", None)}
    assert set(skipped) == {"gold.jsonl", "table.csv", "photo.png", "labels"}
    assert "JSON lines" in skipped["gold.jsonl"] and "image" in skipped["photo.png"]
    docs = [r.document for r in results if getattr(r, "document", None)]
    assert [d.path for d in docs] == ["sub/article.txt"]  # relative to the directory named


def test_document_path_policy(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "a.txt").write_text("Cameras.", encoding="utf-8")
    paths = {}
    for policy in ("relative", "name", "none"):
        (doc,) = [r.document for r in read_all(tmp_path, Limits(document_paths=policy))]
        paths[policy] = doc.path
    assert paths == {"relative": "sub/a.txt", "name": "a.txt", "none": None}
