"""A small web site on a loopback port for the follow tests: feeds, a sitemap, robots.txt, articles
with ETag/Last-Modified, and the bad responses follow must survive. Every text here was written
for the project."""

from __future__ import annotations

import hashlib
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

LAST_MODIFIED = "Tue, 02 Jan 2024 10:00:00 GMT"

STORIES = {
    "a1": (
        "Kenya police get face cameras",
        "NAIROBI - Huawei supplied facial recognition cameras to the Kenyan "
        "police in 2019, the interior ministry said on Tuesday. The system covers the capital and the ring "
        "road around it. Critics said the deal lacked oversight and called for an inquiry into the contract, "
        "its cost and the loan that financed it. The ministry did not answer questions about data retention "
        "or about who can search the recordings.",
    ),
    "a2": (
        "Serbia extends city cameras",
        "BELGRADE - Hikvision installed surveillance cameras for the police in "
        "Serbia last year, according to a procurement notice published by the city. Rights groups asked the "
        "government to publish the impact assessment it says it carried out. The notice lists the number of "
        "cameras but not their locations, and the city council has not debated the programme.",
    ),
    "a3": (
        "Private page",
        "This page is disallowed by robots.txt and must never be fetched: Dahua supplied "
        "cameras to the police in Zambia, it says, but nobody may read it here.",
    ),
    "a4": (
        "Ecuador monitoring centre",
        "QUITO - Dahua supplied video surveillance cameras to the police in "
        "Ecuador for a new monitoring centre, the government said in a statement. The centre will watch "
        "the main roads of the capital. Opposition members said the contract was signed without a tender "
        "and asked the comptroller to examine it before the cameras go live.",
    ),
    "a5": (
        "Budget debate",
        "LUSAKA - The council discussed budgets and roads on Monday and agreed to repair "
        "the bridge over the river before the rainy season. Members asked the treasury for a timetable and "
        "said the works would be tendered in the spring, with a report due to the council in March.",
    ),
}


def article_html(title: str, text: str, site: str, extra: str = "") -> bytes:
    """An article page with navigation and footer boilerplate around the story."""
    paragraphs = "".join(f"<p>{p.strip()}.</p>" for p in text.split(". ") if p.strip())
    return (
        f"<!doctype html><html lang=en><head><meta charset=utf-8><title>{title}</title>"
        f'<meta property="og:site_name" content="{site}">'
        '<meta property="article:published_time" content="2024-01-02"></head><body>'
        f"<nav><a href=/>Home</a> | <a href=/news/>News</a></nav><article><h1>{title}</h1>{extra}"
        f"{paragraphs}</article><footer>Copyright {site}</footer></body></html>"
    ).encode()


@dataclass
class Page:
    """One route: body, content type, status and extra behaviour."""

    body: bytes = b""
    content_type: str = "text/html; charset=utf-8"
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    validators: bool = True  # ETag and Last-Modified, and 304 on a matching conditional GET
    delay: float = 0.0
    claimed_length: int | None = None  # a Content-Length header that lies


class Site:
    """The routes and a count of the requests each received."""

    def __init__(self) -> None:
        self.pages: dict[str, Page] = {}
        self.requests: Counter[str] = Counter()
        self.conditional: Counter[str] = Counter()
        self.user_agents: set[str] = set()
        self.port = 0

    def base(self, host: str = "127.0.0.1") -> str:
        """The site's address under a host name that reaches it."""
        return f"http://{host}:{self.port}"


def _handler(site: Site) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: object) -> None:
            pass

        def do_GET(self) -> None:  # noqa: N802 - the http.server API
            host = (self.headers.get("Host") or "").split(":")[0]
            key = f"{host}{self.path}"
            site.requests[key] += 1
            site.user_agents.add(self.headers.get("User-Agent", ""))
            page = site.pages.get(key) or site.pages.get(self.path)
            if page is None:
                self._send(404, b"not found", "text/plain", {})
                return
            if page.delay:
                time.sleep(page.delay)
            headers = dict(page.headers)
            if page.validators and page.status == 200:
                etag = '"' + hashlib.sha1(page.body).hexdigest()[:16] + '"'  # noqa: S324 - a test ETag
                headers.update({"ETag": etag, "Last-Modified": LAST_MODIFIED})
                if self.headers.get("If-None-Match") == etag or self.headers.get("If-Modified-Since") == LAST_MODIFIED:
                    site.conditional[key] += 1
                    self._send(304, b"", None, headers)
                    return
            if page.claimed_length is not None:
                self.send_response(page.status)
                self.send_header("Content-Type", page.content_type)
                self.send_header("Content-Length", str(page.claimed_length))
                self.end_headers()
                with suppress(OSError):
                    self.wfile.write(page.body)
                self.close_connection = True
                return
            self._send(page.status, page.body, page.content_type, headers)

        def _send(self, status: int, body: bytes, ctype: str | None, headers: dict[str, str]) -> None:
            self.send_response(status)
            if ctype:
                self.send_header("Content-Type", ctype)
            for k, v in headers.items():
                self.send_header(k, v)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            with suppress(OSError):
                self.wfile.write(body)

    return Handler


@contextmanager
def serve(build: Callable[[Site], None]) -> Iterator[Site]:
    """Run a site on a free loopback port; ``build`` adds its pages once the port is known."""
    site = Site()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(site))
    server.daemon_threads = True
    site.port = server.server_address[1]
    build(site)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield site
    finally:
        server.shutdown()
        server.server_close()


def rss(items: list[tuple[str, str]]) -> bytes:
    """An RSS 2.0 feed of (title, link) items."""
    entries = "".join(
        f"<item><title>{t}</title><link>{link}</link><guid>{link}</guid>"
        f"<pubDate>Tue, 02 Jan 2024 10:00:00 GMT</pubDate></item>"
        for t, link in items
    )
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Test News</title>'
        f"<link>http://example.invalid/</link><description>test</description>{entries}</channel></rss>"
    ).encode()


def atom(items: list[tuple[str, str]]) -> bytes:
    """An Atom feed of (title, link) entries."""
    entries = "".join(
        f'<entry><title>{t}</title><link href="{link}"/><id>{link}</id><updated>2024-01-02T10:00:00Z</updated></entry>'
        for t, link in items
    )
    return (
        f'<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
        f"<title>Test Wire</title><id>urn:test:wire</id><updated>2024-01-02T10:00:00Z</updated>"
        f"{entries}</feed>"
    ).encode()


def sitemap(urls: list[tuple[str, str]]) -> bytes:
    """A sitemap of (loc, lastmod) entries."""
    body = "".join(f"<url><loc>{u}</loc><lastmod>{m}</lastmod></url>" for u, m in urls)
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        f"{body}</urlset>"
    ).encode()


def build_acceptance_site(site: Site) -> None:
    """Everything the acceptance test asks for (see tests/test_follow.py)."""
    base, other = site.base(), site.base("localhost")
    p = site.pages
    for key in ("a1", "a2", "a4", "a5"):
        p[f"/news/{key}.html"] = Page(article_html(*STORIES[key], site="Test News"))
    p["/private/a3.html"] = Page(article_html(*STORIES["a3"], site="Test News"))
    title, text = STORIES["a1"]
    # The syndicated copy: the same story under another host, another site's chrome and credit line.
    p["localhost/partner/kenya-story.html"] = Page(
        article_html(
            title,
            text + " This story was distributed by a news agency",
            site="Partner Daily",
            extra="<p class=credit>By Agency staff.</p>",
        )
    )
    p["/robots.txt"] = Page(b"User-agent: *\nDisallow: /private/\n", "text/plain")
    p["localhost/robots.txt"] = Page(b"User-agent: *\nAllow: /\n", "text/plain")
    p["/news/slow.html"] = Page(article_html("Slow", STORIES["a5"][1], site="Test News"), delay=8.0)
    p["/news/huge.html"] = Page(b"<html>" + b"x" * 1000, claimed_length=5_000_000_000, validators=False)
    p["/news/loop1.html"] = Page(status=302, headers={"Location": "/news/loop2.html"}, validators=False)
    p["/news/loop2.html"] = Page(status=302, headers={"Location": "/news/loop1.html"}, validators=False)
    p["/news/busy.html"] = Page(b"slow down", "text/plain", status=429, headers={"Retry-After": "1"}, validators=False)
    p["/news/chart.png"] = Page(b"\x89PNG\r\n\x1a\n" + bytes(200), "image/png")
    p["/feeds/news.rss"] = Page(
        rss(
            [
                ("Kenya", f"{base}/news/a1.html"),
                ("Private", f"{base}/private/a3.html"),
                ("Slow", f"{base}/news/slow.html"),
                ("Huge", f"{base}/news/huge.html"),
                ("Loop", f"{base}/news/loop1.html"),
                ("Busy", f"{base}/news/busy.html"),
                ("Chart", f"{base}/news/chart.png"),
                ("Intranet", "http://10.0.0.7/internal.html"),
            ]
        ),
        "application/rss+xml",
    )
    p["/feeds/wire.atom"] = Page(
        atom(
            [
                ("Kenya (agency copy)", f"{other}/partner/kenya-story.html"),
                ("Serbia", f"{base}/news/a2.html"),
            ]
        ),
        "application/atom+xml",
    )
    p["/sitemap.xml"] = Page(
        sitemap([(f"{base}/news/a4.html", "2024-01-03"), (f"{base}/news/a5.html", "2024-01-04")]), "application/xml"
    )
