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


def test_bidi_and_invisible_characters_are_shown_not_obeyed(
    web: tuple[TestClient, dict[str, str]], store: Store
) -> None:
    from sqlalchemy import update

    from countersight.store import schema

    client, secrets = web
    rlo = "\u202e"
    with store.transaction() as conn:  # as stored before the sanitiser existed
        conn.execute(
            update(schema.documents)
            .where(schema.documents.c.id == secrets["hostile_document"])
            .values(url=f"https://files.example/{rlo}gnp.exe", title=f"Report{rlo}fdp.exe\u200b")
        )
        srb = schema.deployments.c.country == "SRB"
        conn.execute(update(schema.deployments).where(srb).values(city=f"Bel{rlo}grade"))
    dep_id = client.get("/api/deployments", params={"country": "SRB"}).json()["items"][0]["id"]
    for page in (f"/document/{secrets['hostile_document']}", "/country/SRB", f"/deployment/{dep_id}"):
        html = client.get(page).text
        assert rlo not in html and "\u200b" not in html, page
    doc = client.get(f"/document/{secrets['hostile_document']}").text
    assert "https://files.example/⟦U+202E⟧gnp.exe" in doc and "Report⟦U+202E⟧fdp.exe⟦U+200B⟧" in doc
    assert "Bel⟦U+202E⟧grade" in client.get(f"/deployment/{dep_id}").text


def test_document_text_is_for_signed_in_readers(web: tuple[TestClient, dict[str, str]]) -> None:
    client, secrets = web
    html = client.get(f"/document/{secrets['hostile_document']}").text
    assert 'id="document-text-withheld"' in html and "to the police of Belgrade" not in html
    # The page's script fills the text from the API with the reader's token.
    auth = {"Authorization": f"Bearer {secrets['reviewer']}"}
    api = client.get(f"/api/documents/{secrets['hostile_document']}", headers=auth)
    assert "to the police of Belgrade" in api.json()["text"]
