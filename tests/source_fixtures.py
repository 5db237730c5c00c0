"""Builders for reader fixtures written for the project: HTML pages with boilerplate, PDFs,
feeds and WARC archives made in the test (no third-party text)."""

from __future__ import annotations

import zlib
from pathlib import Path

from countersight.sources.warc import gzip_member, warc_record_bytes

ARTICLE = [
    "The interior ministry of Kenya signed a contract with Huawei for a safe city system in Nairobi.",
    "Under the agreement, 1,800 cameras with facial recognition were installed across the capital.",
    "Officials said the project was financed by a concessional loan from China Exim Bank.",
]
BOILERPLATE = [
    "We use cookies to personalise content. Accept all cookies",
    "Sign up for our daily newsletter",
    "Copyright 2024 Example Daily News. All rights reserved.",
    "Most read: Weather warning for the coast",
]


def article_html(
    paragraphs: list[str] | None = None,
    *,
    title: str = "Nairobi safe city contract",
    lang: str = "en",
    published: str = "2019-05-14",
    charset: str = "utf-8",
) -> str:
    """A news page with navigation, a cookie banner, a sidebar and a footer around the article."""
    body = "".join(f"<p>{p}</p>" for p in (paragraphs or ARTICLE))
    return f"""<!DOCTYPE html>
<html lang="{lang}"><head><meta charset="{charset}"><title>{title} | Example Daily</title>
<meta property="og:title" content="{title}"><meta property="og:site_name" content="Example Daily">
<meta property="article:published_time" content="{published}T08:00:00Z">
<script>window.dataLayer = [];</script></head><body>
<div class="cookie-banner"><p>{BOILERPLATE[0]}</p><button>OK</button></div>
<header><nav><a href="/">Home</a> <a href="/world">World</a> <a href="/tech">Technology</a></nav></header>
<main><article><h1>{title}</h1>{body}</article>
<aside><h2>Most read</h2><p>{BOILERPLATE[3]}</p></aside></main>
<section class="newsletter-signup"><p>{BOILERPLATE[1]}</p></section>
<footer><p>{BOILERPLATE[2]}</p></footer></body></html>"""


def _pdf_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def make_pdf(pages: list[list[str]], title: str | None = None, raw_stream: bytes | None = None) -> bytes:
    """A minimal valid PDF, one text line per list item, Helvetica; ``raw_stream`` (already
    Flate-compressed) replaces the first page's content for decompression-bomb tests."""
    objects: list[bytes] = []
    n_pages = len(pages)
    font_id = 3 + 2 * n_pages
    info_id = font_id + 1
    kids = " ".join(f"{3 + 2 * i} 0 R" for i in range(n_pages))
    objects.append(b"<< /Type /Catalog /Pages 2 0 R >>")
    objects.append(f"<< /Type /Pages /Kids [{kids}] /Count {n_pages} >>".encode())
    for i, lines in enumerate(pages):
        objects.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents {4 + 2 * i} 0 R "
            f"/Resources << /Font << /F1 {font_id} 0 R >> >> >>".encode()
        )
        if raw_stream is not None and i == 0:
            objects.append(
                b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(raw_stream) + raw_stream + b"\nendstream"
            )
            continue
        ops = "BT /F1 11 Tf 14 TL 72 740 Td " + " ".join(f"({_pdf_escape(line)}) Tj T*" for line in lines) + " ET"
        content = ops.encode("latin-1")
        objects.append(b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream")
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
    objects.append(f"<< /Title ({_pdf_escape(title or '')}) /CreationDate (D:20210304120000Z) >>".encode())
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for off in offsets:
        out += b"%010d 00000 n \n" % off
    out += b"trailer\n<< /Size %d /Root 1 0 R /Info %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        info_id,
        xref,
    )
    return bytes(out)


def flate(data: bytes) -> bytes:
    """zlib-compress (PDF FlateDecode)."""
    return zlib.compress(data, 9)


def rss_feed(items: list[tuple[str, str, str]], *, extra_prolog: str = "") -> str:
    """An RSS 2.0 feed; items are (title, link, html description)."""
    entries = "".join(
        f"<item><title>{t}</title><link>{link}</link><guid>{link}</guid>"
        f"<pubDate>Tue, 14 May 2019 08:00:00 GMT</pubDate><description><![CDATA[{d}]]></description></item>"
        for t, link, d in items
    )
    return (
        f'<?xml version="1.0" encoding="utf-8"?>{extra_prolog}<rss version="2.0"><channel>'
        f"<title>Example Wire</title><link>https://wire.example/</link><language>en</language>"
        f"{entries}</channel></rss>"
    )


def atom_feed(items: list[tuple[str, str, str]]) -> str:
    """An Atom feed; items are (title, link, html content)."""
    entries = "".join(
        f'<entry><title>{t}</title><link href="{link}"/><id>{link}</id><updated>2020-02-03T00:00:00Z</updated>'
        f'<content type="html"><![CDATA[{c}]]></content></entry>'
        for t, link, c in items
    )
    return (
        f'<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
        f"<title>Example Atom</title><id>urn:x</id><updated>2020-02-03T00:00:00Z</updated>{entries}</feed>"
    )


def write_warc(
    path: Path, pages: list[tuple[str, str]], *, gz: bool = True, extra: list[bytes] | None = None
) -> list[int]:
    """Write (url, html) pages as a WARC (one gzip member per record); return record offsets."""
    offsets = []
    with path.open("wb") as fh:
        for url, html in pages:
            offsets.append(fh.tell())
            record = warc_record_bytes(url, html)
            fh.write(gzip_member(record) if gz else record)
        for raw in extra or ():
            fh.write(raw)
    return offsets


def generated_pages(n: int, seed: int = 0) -> list[tuple[str, str]]:
    """``n`` distinct news-like pages, every fifth describing a deployment."""
    vendors = ["Huawei", "Hikvision", "Dahua", "NEC", "ZTE"]
    countries = ["Kenya", "Uganda", "Serbia", "Pakistan", "Ecuador", "Zambia", "Bolivia"]
    pages = []
    for i in range(n):
        v, c = vendors[(i + seed) % len(vendors)], countries[(i * 3 + seed) % len(countries)]
        paras = [f"Report {seed}-{i}: the city council of {c} debated road repairs and school budgets."]
        if i % 5 == 0:
            paras.append(f"{v} installed facial recognition cameras for the police in {c} in {2010 + i % 12}.")
        paras.append(f"Local officials expect a decision on item {i} next month.")
        pages.append((f"https://news.example/{seed}/{i}", article_html(paras, title=f"Story {seed}-{i}")))
    return pages
