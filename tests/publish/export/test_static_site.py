"""publish static: the dashboard's own templates rendered to files: pages with JSON twins, relative
links that resolve on file://, evidence in words, a drawn map, unique file names, and the same
bytes when published twice."""

from __future__ import annotations

import hashlib
import html
import json
import os
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from countersight.ids import content_hash
from countersight.model import Claim, Document, Evidence
from countersight.publish.export.static_site import SitePages, build_static_site, relink, svg_path
from countersight.store import Store, open_store
from export_fixture import fill
from paths import ROOT

TEMPLATES = ROOT / "src" / "countersight" / "publish" / "web" / "templates"


@pytest.fixture
def filled(tmp_path: Path) -> Store:
    s = open_store(f"sqlite:///{tmp_path / 'site.db'}")
    fill(s)
    return s


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.scripts = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.scripts += tag == "script" and ("type", "application/json") not in attrs
        for name, value in attrs:
            if name in ("href", "src", "action") and value:
                self.links.append(value)


def _check_links(site: Path) -> int:
    """Every link of every page resolves to a file of the site (or is a web address); no script."""
    checked = 0
    for page in sorted(site.rglob("*.html")):
        assert page.with_suffix(".json").is_file(), page  # every page has its JSON twin
        parser = _Links()
        parser.feed(page.read_text(encoding="utf-8"))
        assert parser.scripts == 0, f"{page}: the static site runs no JavaScript"
        for link in parser.links:
            if link.startswith(("http://", "https://", "data:")):
                continue
            assert not link.startswith("/"), f"{page}: absolute link {link} breaks on file://"
            target = link.split("#")[0]
            if not target:  # a fragment of the same page (the skip link)
                continue
            assert (page.parent / target).resolve().is_file(), f"{page}: broken link {link}"
            checked += 1
    return checked


def test_site_is_the_dashboard_rendered_to_files(filled: Store, tmp_path: Path) -> None:
    site = tmp_path / "site"
    files = build_static_site(filled, site)
    rel = {p.relative_to(site).as_posix() for p in site.rglob("*.html")}
    (vendor,) = [v["id"] for v in json.loads((site / "vendors" / "index.json").read_text())["vendors"]]
    assert {
        "index.html",
        "vendors/index.html",
        "countries/KEN.html",
        "countries/SRB.html",
        f"vendors/{vendor}.html",
        "glossary.html",
        "about.html",
        "financing.html",
    } <= rel
    assert sum(r.startswith("deployments/") for r in rel) == 2
    assert _check_links(site) > 50
    index = (site / "index.html").read_text(encoding="utf-8")
    # the dashboard's design: its stylesheet, navigation, table and glossary links
    assert '<link rel="stylesheet" href="static/css/site.css">' in index
    assert (site / "static" / "css" / "site.css").read_bytes() == (
        TEMPLATES.parent / "static" / "css" / "site.css"
    ).read_bytes()
    assert '<a href="glossary.html">Glossary</a>' in index and 'id="country-table"' in index
    kenya = r'<a href="countries/KEN.html"><path d="M[^"]+" fill="#[0-9a-f]+" class="country has-data">'
    assert re.search(kenya, index)
    assert index.count("<path") > 150  # the whole world is drawn
    assert "Sign in" not in index and "/search" not in index  # what needs a server is left out
    ken = (site / "countries" / "KEN.html").read_text(encoding="utf-8")
    assert "face-recognition cameras for the Ken" in ken and "https://news.example.org/nairobi" in ken
    assert 'href="../glossary.html#status-reported"' in ken and 'href="../deployments/dep-' in ken
    data = json.loads((site / "countries" / "KEN.json").read_text(encoding="utf-8"))
    assert data["c"]["country"] == "KEN" and data["meta"]["snapshot_id"].startswith("snap-")
    assert next(iter(data["evidence"].values()))[0]["publisher"] == "Example News"
    assert (site / "vendor" / "world-atlas-LICENSE").is_file()
    assert len(files) == len(set(files))


def test_site_is_the_anonymous_view(filled: Store, tmp_path: Path) -> None:
    """A static copy is public: review decisions and reasons, never the reviewers' names (as the
    server shows anonymous readers, docs/security.md)."""
    site = tmp_path / "site"
    build_static_site(filled, site)
    pages = [p.read_text(encoding="utf-8") for p in site.rglob("*") if p.suffix in (".html", ".json")]
    assert any("Vendor says the contract was cancelled" in text for text in pages)
    assert not any("vendor-rep" in text for text in pages)


def test_deployment_pages_say_what_the_api_says_when_a_vendor_is_rejected(filled: Store, tmp_path: Path) -> None:
    """The site reads the rejected vendors once for all its deployment pages; each page must
    still show what the API shows for that deployment."""
    from countersight import review as rv
    from countersight.publish.api import views
    from countersight.publish.export.base import dumps

    (org,) = [o for o in filled.organizations(kind="vendor") if o.name == "Northwind Vision"]
    rv.reject(filled, org.id, reason="not a vendor (test only)")
    site = tmp_path / "site"
    build_static_site(filled, site)
    twins = sorted((site / "deployments").glob("*.json"))
    assert len(twins) == 2
    for twin in twins:
        page = json.loads(twin.read_text(encoding="utf-8"))["d"]
        assert page["vendor"] == "Northwind Vision" and page["review"] == "rejected"
        assert page == json.loads(dumps(views.deployment_detail(filled, twin.stem)))


def test_a_vendor_called_index_does_not_overwrite_the_vendor_list(filled: Store, tmp_path: Path) -> None:
    text = "Index sold cameras to the police in Nairobi, Kenya."
    doc = Document(id=content_hash(text), text=text, title="t", source_kind="text")
    filled.add(
        [doc],
        [
            Claim(
                id="cl-index",
                country="KEN",
                evidence=(Evidence(doc.id, text, 0, len(text)),),
                extractor="t",
                extractor_version="1",
                source="extract",
                vendor="Index",
            )
        ],
    )
    from countersight.resolution import resolve_store

    resolve_store(filled)
    site = tmp_path / "site"
    build_static_site(filled, site)
    listing = (site / "vendors" / "index.html").read_text(encoding="utf-8")
    assert "<h1>Vendors</h1>" in listing and "Northwind Vision" in listing
    (vendor,) = [
        v["id"] for v in json.loads((site / "vendors" / "index.json").read_text())["vendors"] if v["name"] == "Index"
    ]
    page = site / "vendors" / f"{vendor}.html"
    assert "<h1>Index</h1>" in page.read_text(encoding="utf-8")
    assert f'href="../vendors/{page.name}">Index</a>' in listing


def test_relink_maps_routes_to_files_and_drops_the_rest() -> None:
    pages = SitePages(countries={"KEN"}, vendors={"org-1": "org-1"}, deployments={"dep-1"})
    rendered = (
        '<a href="/country/KEN?year=2019">Kenya</a> <a class="x" href="/deployment/dep-1#ev">d</a> '
        '<a href="/document/abc">document</a> <a href="/country/FRA">France</a> '
        '<a href="/glossary#regime-EA" title="a &gt; b">EA</a> <a href="https://example.org/">out</a>'
    )
    assert relink(rendered, "../", pages.file_for) == (
        '<a href="../countries/KEN.html">Kenya</a> <a class="x" href="../deployments/dep-1.html#ev">d</a> '
        "<span>document</span> <span>France</span> "
        '<a href="../glossary.html#regime-EA" title="a &gt; b">EA</a> <a href="https://example.org/">out</a>'
    )


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
    from countersight.resolution import resolve_store

    resolve_store(filled)
    a = build_static_site(filled, tmp_path / "a")
    b = build_static_site(filled, tmp_path / "b")

    def digest(paths: list[Path], root: Path) -> dict[str, str]:
        return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest() for p in paths}

    assert digest(a, tmp_path / "a") == digest(b, tmp_path / "b")
    srb = (tmp_path / "a" / "countries" / "SRB.html").read_text(encoding="utf-8")
    assert html.escape("Agency <script>alert(1)</script> bought cameras.", quote=False) in srb
    assert not re.search(r"<script(?! type=\"application/json\")", srb)  # escaped, and no JavaScript


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
            errors: list[str] = []
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto((tmp_path / "site" / "index.html").as_uri())
            # the dashboard's stylesheet applies (its header bar), not an unstyled page
            assert page.eval_on_selector("header.top", "el => getComputedStyle(el).display") != "inline"
            page.click('a[href="countries/KEN.html"] path')  # click Kenya on the map
            assert page.url.endswith("/countries/KEN.html")
            page.locator("details.evidence-toggle summary").first.click()
            assert "face-recognition cameras for the Ken" in page.inner_text("main")
            page.click("header nav >> text=Vendors")
            assert page.url.endswith("/vendors/index.html")
            page.click("main >> text=Northwind Vision")
            assert page.locator("h1").inner_text() == "Northwind Vision"
            page.click("header nav >> text=Glossary")
            assert page.url.endswith("/glossary.html") and page.locator("#regime-EA").is_visible()
            assert errors == []
        finally:
            browser.close()
