"""publish static: pages with JSON twins, relative links that resolve on file://, evidence shown,
the map drawn from the vendored world map, and the same bytes when published twice."""

from __future__ import annotations

import hashlib
import json
import os
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from countersight.ids import content_hash
from countersight.model import Claim, Document, Evidence
from countersight.publish.export.static_site import build_static_site, slug, svg_path
from countersight.store import Store, open_store
from export_fixture import fill


@pytest.fixture
def filled(tmp_path: Path) -> Store:
    s = open_store(f"sqlite:///{tmp_path / 'site.db'}")
    fill(s)
    return s


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in ("href", "src") and value:
                self.links.append(value)


def test_site_pages_links_and_evidence(filled: Store, tmp_path: Path) -> None:
    site = tmp_path / "site"
    files = build_static_site(filled, site)
    pages = sorted(site.rglob("*.html"))
    assert {p.relative_to(site).as_posix() for p in pages} == {
        "index.html",
        "vendors/index.html",
        "countries/KEN.html",
        "countries/SRB.html",
        f"vendors/{slug('Northwind Vision')}.html",
    }
    for page in pages:
        assert page.with_suffix(".json").is_file()  # every page has its JSON twin
        parser = _Links()
        parser.feed(page.read_text())
        for link in parser.links:
            if link.startswith(("http://", "https://")):
                continue
            assert not link.startswith("/"), f"{page}: absolute link {link} breaks on file://"
            assert (page.parent / link).resolve().is_file(), f"{page}: broken link {link}"
    index = (site / "index.html").read_text()
    assert '<a href="countries/KEN.html"><path d="M' in index  # Kenya is on the map and clickable
    assert index.count("<path") > 150  # the whole world is drawn
    ken = (site / "countries" / "KEN.html").read_text()
    assert "face-recognition cameras for the Ken" in ken and "https://news.example.org/nairobi" in ken
    assert "Example Policy Bank" in ken
    data = json.loads((site / "countries" / "KEN.json").read_text())
    assert data["claims"][0]["evidence"][0]["document"]["publisher"] == "Example News"
    assert data["meta"]["snapshot_id"].startswith("snap-")
    assert (site / "vendor" / "world-atlas-LICENSE").is_file()
    assert len(files) == len(set(files))


def test_site_escapes_and_is_reproducible(filled: Store, tmp_path: Path) -> None:
    text = "Agency <script>alert(1)</script> bought cameras."
    doc = Document(id=content_hash(text), text=text, title="<b>t</b>", source_kind="html")
    filled.add(
        [doc],
        [
            Claim(
                id="cl-x",
                country="SRB",
                evidence=(Evidence(doc.id, text, 0, len(text)),),
                extractor="t",
                extractor_version="1",
                source="extract",
                agency="<script>alert(1)</script>",
            )
        ],
    )
    a = build_static_site(filled, tmp_path / "a")
    b = build_static_site(filled, tmp_path / "b")

    def digest(paths: list[Path], root: Path) -> dict[str, str]:
        return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest() for p in paths}

    assert digest(a, tmp_path / "a") == digest(b, tmp_path / "b")
    html = (tmp_path / "a" / "countries" / "SRB.html").read_text()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert not re.search(r"<script", html)  # escaped, and no JavaScript needed


def test_antimeridian_rings_do_not_stripe_the_map() -> None:
    ring = [[178.0, -17.0], [180.0, -16.0], [-179.9, -16.5], [178.0, -17.0]]
    fiji = {"type": "Polygon", "coordinates": [ring]}
    xs = [float(p.split(",")[0]) for p in svg_path(fiji)[1:-1].split("L")]
    assert max(xs) - min(xs) < 10  # drawn as one small shape, not a line across the world


@pytest.mark.browser
def test_site_works_from_file_url_in_chromium(filled: Store, tmp_path: Path) -> None:
    chromium = os.environ.get("COUNTERSIGHT_CHROMIUM", "/usr/bin/chromium")
    if not Path(chromium).exists():
        if os.environ.get("COUNTERSIGHT_REQUIRE_BROWSER") == "1":
            pytest.fail(f"Chromium required but missing at {chromium}")
        pytest.skip("Chromium not installed")
    sync_playwright = pytest.importorskip("playwright.sync_api").sync_playwright
    build_static_site(filled, tmp_path / "site")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        try:
            page = browser.new_page()
            page.goto((tmp_path / "site" / "index.html").as_uri())
            page.click('a[href="countries/KEN.html"] path')  # click Kenya on the map
            assert page.url.endswith("/countries/KEN.html")
            assert "face-recognition cameras for the Ken" in page.inner_text("body")
            page.click("text=Vendors")
            assert page.url.endswith("/vendors/index.html")
            page.click("text=Northwind Vision")
            assert "Named in 2 claims about 2 countries" in " ".join(page.inner_text("body").split())
        finally:
            browser.close()
