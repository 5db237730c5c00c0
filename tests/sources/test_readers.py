"""Each reader on files the tests build: text, HTML with boilerplate, PDF, feeds, WARC."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from pypdf import PdfReader, PdfWriter

from countersight.ids import content_hash
from countersight.sources import Limits, read_input, walk_inputs
from countersight.sources.pdf import page_of
from countersight.sources.warc import gzip_member, warc_record_bytes
from source_fixtures import (
    ARTICLE,
    BOILERPLATE,
    article_html,
    atom_feed,
    make_pdf,
    rss_feed,
    write_warc,
)

LIMITS = Limits()


def read_all(path: Path, limits: Limits = LIMITS) -> list:
    results = []
    for item in walk_inputs([str(path)]):
        if hasattr(item, "kind"):
            results.extend(read_input(item, limits))
        else:
            results.append(item)
    return results


def only_doc(path: Path):
    results = read_all(path)
    assert len(results) == 1, results
    assert results[0].error is None, results[0].error
    return results[0].document


def test_text_and_markdown(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("Title line\n\nBody about Nairobi.\r\n", encoding="utf-8")
    (tmp_path / "b.md").write_text("# Heading here\n\nSome *markdown*.", encoding="utf-8")
    a, b = only_doc(tmp_path / "a.txt"), only_doc(tmp_path / "b.md")
    assert a.title == "Title line" and a.text == "Title line\n\nBody about Nairobi.\n"
    assert a.id == content_hash(a.text) and a.source_kind == "text"
    assert a.path == "a.txt"  # the file name, never the absolute path (a file named directly)
    assert b.title == "Heading here"


@pytest.mark.parametrize(
    "encoding,text",
    [
        ("cp1252", "Le contrat de vidéosurveillance signé à Quito — coût: 5 € « safe city »."),
        ("gb18030", "华为公司在内罗毕部署了平安城市监控系统，人脸识别摄像头覆盖全市。"),
    ],
)
def test_legacy_encodings_decoded_not_mangled(tmp_path: Path, encoding: str, text: str) -> None:
    path = tmp_path / "legacy.txt"
    path.write_bytes(text.encode(encoding))
    doc = only_doc(path)
    assert doc.text == text
    assert doc.meta["encoding"] == encoding


def test_html_main_text_without_boilerplate(tmp_path: Path) -> None:
    path = tmp_path / "page.html"
    path.write_text(article_html(), encoding="utf-8")
    doc = only_doc(path)
    for sentence in ARTICLE:
        assert sentence in doc.text
    for junk in BOILERPLATE + ["Home", "window.dataLayer"]:
        assert junk not in doc.text, junk
    assert doc.title == "Nairobi safe city contract"
    assert doc.publisher == "Example Daily"
    assert doc.published == dt.date(2019, 5, 14)
    assert doc.language == "en"
    assert doc.source_kind == "html"


def test_html_declared_legacy_charset(tmp_path: Path) -> None:
    path = tmp_path / "latin.htm"
    html = article_html(
        ["La policía de Quito instaló cámaras de reconocimiento facial en la ciudad."],
        lang="es",
        charset="windows-1252",
    )
    path.write_bytes(html.encode("cp1252"))
    doc = only_doc(path)
    assert "La policía de Quito instaló cámaras" in doc.text
    assert doc.language == "es"


def test_pdf_pages_and_offsets(tmp_path: Path) -> None:
    path = tmp_path / "report.pdf"
    path.write_bytes(
        make_pdf(
            [["First page about Serbia."], ["Huawei cameras in Belgrade.", "Second line."]], title="Safe city report"
        )
    )
    doc = only_doc(path)
    assert doc.title == "Safe city report"
    assert doc.published == dt.date(2021, 3, 4)
    pages = doc.meta["pages"]
    assert len(pages) == 2
    start = doc.text.index("Huawei cameras in Belgrade")
    assert page_of(doc, start) == 2
    assert page_of(doc, doc.text.index("First page")) == 1
    assert doc.text[pages[0][0] : pages[0][1]].strip() == "First page about Serbia."


def test_encrypted_pdf_refused(tmp_path: Path) -> None:
    plain = tmp_path / "plain.pdf"
    plain.write_bytes(make_pdf([["Secret text."]]))
    writer = PdfWriter(clone_from=PdfReader(plain))
    writer.encrypt(user_password="s3cret", owner_password="owner")
    locked = tmp_path / "locked.pdf"
    with locked.open("wb") as fh:
        writer.write(fh)
    [result] = read_all(locked)
    assert result.document is None and "encrypted" in result.error and "locked.pdf" in result.error


def test_corrupt_pdf_refused(tmp_path: Path) -> None:
    path = tmp_path / "broken.pdf"
    path.write_bytes(make_pdf([["Some text here."]])[:120])
    [result] = read_all(path)
    assert result.document is None and "broken.pdf" in result.error
    assert "PDF" in result.error


def test_rss_entries_are_documents_links_not_fetched(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import socket

    def no_network(*_a: object, **_k: object) -> None:
        raise AssertionError("a reader tried to open a network connection")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    path = tmp_path / "wire.rss"
    path.write_text(
        rss_feed(
            [
                (
                    "Cameras for Lusaka",
                    "https://wire.example/lusaka",
                    "<p>Huawei cameras were installed in <b>Lusaka</b>.</p>",
                ),
                ("Budget news", "https://wire.example/budget", "<p>The council approved the budget.</p>"),
            ]
        ),
        encoding="utf-8",
    )
    results = read_all(path)
    docs = [r.document for r in results]
    assert [d.title for d in docs] == ["Cameras for Lusaka", "Budget news"]
    assert docs[0].text == "Huawei cameras were installed in Lusaka."
    assert docs[0].url == "https://wire.example/lusaka"  # private addresses: tests/test_hostile_crafted.py
    assert docs[0].published == dt.date(2019, 5, 14)
    assert docs[0].publisher == "Example Wire" and docs[0].language == "en"
    assert all(d.source_kind == "feed" for d in docs)


def test_atom_feed(tmp_path: Path) -> None:
    path = tmp_path / "a.atom"
    path.write_text(atom_feed([("Entry", "https://a.example/1", "<p>Text of the entry.</p>")]), encoding="utf-8")
    [r] = read_all(path)
    assert r.document.text == "Text of the entry." and r.document.url == "https://a.example/1"
    assert r.document.published == dt.date(2020, 2, 3)


def test_warc_html_records(tmp_path: Path) -> None:
    path = tmp_path / "crawl.warc.gz"
    pages = [
        (f"https://news.example/{i}", article_html([f"Paragraph number {i} about Quito."], title=f"T{i}"))
        for i in range(4)
    ]
    image = gzip_member(warc_record_bytes("https://news.example/logo.png", "PNG", content_type="image/png"))
    missing = gzip_member(warc_record_bytes("https://news.example/404", "<p>gone</p>", status=404))
    offsets = write_warc(path, pages, extra=[image, missing])
    results = read_all(path)
    assert [r.record for r in results] == offsets
    docs = [r.document for r in results]
    assert [d.url for d in docs] == [u for u, _ in pages]
    assert all(d.fetched_at == dt.datetime(2024, 3, 1, 10, tzinfo=dt.UTC) for d in docs)
    assert docs[2].published == dt.date(2019, 5, 14)  # from the page, not the crawl date
    assert "Paragraph number 2 about Quito." in docs[2].text
    assert docs[0].meta["warc_offset"] == offsets[0] and docs[0].source_kind == "warc"


def test_warc_uncompressed_and_byte_ranges_partition_records(tmp_path: Path) -> None:
    for gz in (True, False):
        path = tmp_path / ("c.warc.gz" if gz else "c.warc")
        offsets = write_warc(path, [(f"https://x.example/{i}", f"<p>page {i} text</p>") for i in range(9)], gz=gz)
        [item] = list(walk_inputs([str(path)]))
        size = path.stat().st_size
        cuts = [0, 1, size // 3, size // 3 + 1, 2 * size // 3, size]
        seen = []
        for a, b in zip(cuts, cuts[1:], strict=False):
            seen += [r.record for r in read_input(item, LIMITS, start=a, end=b)]
        assert seen == offsets  # every record exactly once, whatever the cut points
        skipped = [r.record for r in read_input(item, LIMITS, skip={offsets[1], offsets[5]})]
        assert skipped == [o for o in offsets if o not in (offsets[1], offsets[5])]


def test_text_front_matter_is_metadata_not_text(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text(
        '---\nurl: https://news.example.org/item/77\ntitle: "Cameras for the capital"\n'
        "published: 2023-05-06\npublisher: Example Wire\nunknown: ignored\n---\nBody text about cameras.\n",
        encoding="utf-8",
    )
    doc = only_doc(tmp_path / "a.md")
    assert doc.text == "Body text about cameras.\n" and doc.id == content_hash(doc.text)
    assert (doc.url, doc.title, doc.publisher) == (
        "https://news.example.org/item/77",
        "Cameras for the capital",
        "Example Wire",
    )
    assert doc.published == dt.date(2023, 5, 6) and doc.meta["date_from"] == "front matter"
    # A Markdown rule is not a header; an unsafe address in a header is refused, not kept.
    (tmp_path / "b.md").write_text("---\nJust a rule above some prose.\n---\nMore.\n", encoding="utf-8")
    assert only_doc(tmp_path / "b.md").text.startswith("---\nJust a rule")
    (tmp_path / "c.txt").write_text("---\nurl: file:///etc/passwd\n---\nText.\n", encoding="utf-8")
    c = only_doc(tmp_path / "c.txt")
    assert c.url is None and "url_refused" in c.meta


@pytest.mark.parametrize(
    "text, url, expected",
    [
        ("Nairobi, 2 February 2024 -- The police said cameras were installed.", None, dt.date(2024, 2, 2)),
        ("QUITO, February 2, 2024. Cameras.", None, dt.date(2024, 2, 2)),
        ("Cameras were bought. " * 40 + "On 2 February 2024 more came.", None, None),  # not a dateline
        ("No date in this text at all.", "https://news.example.org/2024/02/03/cameras", dt.date(2024, 2, 3)),
        ("Signed in 2023 under a Safe City deal.", None, None),
    ],
)
def test_text_dates_come_from_the_document(
    tmp_path: Path, text: str, url: str | None, expected: dt.date | None
) -> None:
    header = f"---\nurl: {url}\n---\n" if url else ""
    (tmp_path / "a.txt").write_text(header + text, encoding="utf-8")
    assert only_doc(tmp_path / "a.txt").published == expected


def test_saved_html_canonical_address_and_dates(tmp_path: Path) -> None:
    page = (
        '<html><head><title>T</title><link rel="canonical" href="https://news.example.org/a/1">'
        '<meta property="og:url" content="https://other.example.org/x">'
        '<meta property="article:published_time" content="2022-03-04T10:00:00Z"></head>'
        "<body><article><p>Cameras were installed in the city by the vendor.</p></article></body></html>"
    )
    (tmp_path / "a.html").write_text(page, encoding="utf-8")
    doc = only_doc(tmp_path / "a.html")
    assert doc.url == "https://news.example.org/a/1" and doc.published == dt.date(2022, 3, 4)
    og_only = (
        '<html><head><meta property="og:url" content="https://news.example.org/2021/07/08/story"></head>'
        "<body><article><p>Cameras were installed in the city by the vendor.</p></article></body></html>"
    )
    (tmp_path / "b.html").write_text(og_only, encoding="utf-8")
    b = only_doc(tmp_path / "b.html")
    assert b.url == "https://news.example.org/2021/07/08/story" and b.published == dt.date(2021, 7, 8)
    assert b.meta["date_from"] == "url"
    local = og_only.replace("https://news.example.org/2021/07/08/story", "http://127.0.0.1/2021/07/08/x")
    (tmp_path / "c.html").write_text(local, encoding="utf-8")
    assert only_doc(tmp_path / "c.html").url is None  # a private address is never kept


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
