"""Dashboard pages rendered on the server (publish/web/pages.py): every page answers, every
internal link on them resolves, markup from documents is escaped, and each page names its JSON twin."""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterator

import pytest

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    from fastapi.testclient import TestClient

from api_fixture import fill_api_store
from countersight.publish.api.app import create_app
from countersight.store import Store

PAGES = (
    "/",
    "/?year=2016&mode=origin",
    "/?edition=2019",
    "/country/KEN",
    "/country/ecuador",
    "/vendors",
    "/flows?supplier=USA",
    "/search?q=nairobi",
    "/review",
    "/login",
    "/about",
)


@pytest.fixture
def web(store: Store) -> Iterator[tuple[TestClient, dict[str, str]]]:
    secrets = fill_api_store(store)
    with TestClient(create_app(store), raise_server_exceptions=False) as client:
        yield client, secrets


def _links(html: str) -> set[str]:
    return {
        h.replace("&amp;", "&") for h in re.findall(r'href="(/[^"]*)"', html) if not h.startswith("/static/")
    }


def test_pages_and_their_links_resolve(web: tuple[TestClient, dict[str, str]]) -> None:
    client, secrets = web
    seen: set[str] = set()
    for page in PAGES:
        r = client.get(page)
        assert r.status_code == 200, page
        assert "text/html" in r.headers["content-type"]
        csp = r.headers["content-security-policy"]
        assert "script-src 'self';" in csp and "unsafe-inline" not in csp
        assert re.search(r'<link rel="alternate" type="application/json" href="/api/', r.text) or page in (
            "/review",
        )
        for link in sorted(_links(r.text) - seen):
            seen.add(link)
            got = client.get(link)
            if link in ("/api/review/queue", "/api/me"):  # twins of the reviewer pages need a token
                assert got.status_code == 401
                continue
            assert got.status_code == 200, f"{page} links to {link}: {got.status_code}"
            if link.startswith(("/country/", "/deployment/", "/vendor/", "/document/")):
                for inner in sorted(_links(got.text) - seen):
                    seen.add(inner)
                    if inner not in ("/api/review/queue", "/api/me"):
                        assert client.get(inner).status_code == 200, f"{link} links to {inner}"
    assert any(s.startswith("/vendor/org-") for s in seen) and any(s.startswith("/document/") for s in seen)
    assert client.get("/country/Atlantis").status_code == 404
    assert client.get("/deployment/dep-missing").status_code == 404


def test_document_markup_is_escaped(web: tuple[TestClient, dict[str, str]]) -> None:
    client, secrets = web
    for page in (f"/document/{secrets['hostile_document']}", "/country/SRB", "/search?q=example+vision"):
        html = client.get(page).text
        assert "&lt;script&gt;window.pwned=1&lt;/script&gt;" in html, page
        assert "<script>window.pwned" not in html and "<img src=x" not in html, page
        assert 'href="javascript:' not in html, page  # a document's address links only when it is http(s)
