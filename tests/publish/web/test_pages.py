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
from countersight.publish.web import pages
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
    return {h.replace("&amp;", "&") for h in re.findall(r'href="(/[^"]*)"', html) if not h.startswith("/static/")}


def test_pages_and_their_links_resolve(web: tuple[TestClient, dict[str, str]]) -> None:
    client, secrets = web
    seen: set[str] = set()
    for page in PAGES:
        r = client.get(page)
        assert r.status_code == 200, page
        assert "text/html" in r.headers["content-type"]
        csp = r.headers["content-security-policy"]
        assert "script-src 'self';" in csp and "unsafe-inline" not in csp
        assert re.search(r'<link rel="alternate" type="application/json" href="/api/', r.text) or page in ("/review",)
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


# -- the dashboard's words (issue 15) --------------------------------------------------------------

# Written for this test: one sentence that supports three deployments (three technologies).
ONE_SENTENCE = (
    "Examplecorp supplied facial recognition, licence plate readers and a safe city platform "
    "to the Zanzibarian police in Tanzania."
)


@pytest.fixture(scope="module")
def words_client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    """AIGS 2022, governance and AidData's Huawei records (resolved), plus one sentence behind three
    deployments."""
    import datetime as dt

    from countersight.datasets import import_aiddata_huawei, import_aigs, import_governance
    from countersight.resolution import resolve_store
    from countersight.store import open_store
    from countersight.store.tokens import create_token
    from resolve_fixture import claim, document

    store = open_store(f"sqlite:///{tmp_path_factory.mktemp('words') / 'words.db'}")
    import_aigs(store, "2022")
    import_governance(store)
    import_aiddata_huawei(store)
    doc = document("one-sentence", ONE_SENTENCE, dt.date(2023, 5, 2), "Example Wire")
    claims = [
        claim(doc, ONE_SENTENCE, "TZA", "Examplecorp", t)
        for t in ("facial_recognition", "license_plate_recognition", "safe_city")
    ]
    store.add([doc], claims)
    resolve_store(store)
    _, reviewer = create_token(store, "Rita Reviewer", "reviewer")
    with TestClient(create_app(store), raise_server_exceptions=False) as client:
        client.headers["X-Test-Reviewer"] = reviewer
        yield client
    store.close()


def test_html_routes_get_html_error_pages(words_client: TestClient) -> None:
    for path, status, heading, message in (
        ("/?year=abc", 422, "Bad request", "year: Input should be a valid integer"),
        ("/country/ZZZ?year=abc", 422, "Bad request", "year: Input should be a valid integer"),
        ("/country/ZZZ", 404, "Not found", "unknown country"),
        ("/no/such/page", 404, "Not found", "Not Found"),
    ):
        r = words_client.get(path)
        assert r.status_code == status and r.headers["content-type"].startswith("text/html"), path
        assert f"<h1>{heading}</h1>" in r.text and message in r.text, path
        assert '"error"' not in r.text
    # machines still get JSON
    api = words_client.get("/api/countries", params={"as_of": "abc"})
    assert api.status_code == 422 and api.json()["error"]["code"] == "invalid"
    assert words_client.get("/api/nope").json()["error"]["code"] == "not_found"
    assert words_client.get("/feeds/deployments.atom", params={"since": "x"}).json()["error"]["code"] == "invalid"


def _glossary_anchors(client: TestClient) -> set[str]:
    page = client.get("/glossary")
    assert page.status_code == 200
    return set(re.findall(r'id="([^"]+)"', page.text))


def test_glossary_explains_the_codes_and_pages_link_to_it(words_client: TestClient) -> None:
    anchors = _glossary_anchors(words_client)
    expected = {
        "regime",
        "regime-CA",
        "regime-EA",
        "regime-ED",
        "regime-LD",
        "confidence",
        "unspecified",
        "status",
        "status-reported",
        "status-planned",
        "status-cancelled",
        "status-denied",
        "review-unreviewed",
        "review-accepted",
        "review-rejected",
        "not_stated",
    }
    assert expected <= anchors
    glossary = words_client.get("/glossary").text
    assert "Electoral autocracy" in glossary and "not how likely it is to be true" in glossary
    linked: set[str] = set()
    for path in ("/", "/country/PAK", "/country/TZA", "/deployments?country=TZA"):
        html = words_client.get(path).text
        assert 'href="/glossary"' in html  # the navigation
        linked |= set(re.findall(r'href="/glossary#([^"]+)"', html))
    assert {"regime", "regime-EA", "confidence", "unspecified", "status-reported", "review-unreviewed"} <= linked
    assert linked <= anchors  # every link lands on an explanation
    pak = words_client.get("/country/PAK").text
    assert re.search(r'<dd id="regime"><a href="/glossary#regime-(CA|EA|ED|LD)"', pak)


def test_aigs_evidence_is_said_in_words(words_client: TestClient) -> None:
    html = words_client.get("/country/PAK").text
    assert "Facial Recognition System: ticked in the AIGS 2022 sheet" in html
    assert "Company 1: Huawei (in the AIGS 2022 sheet)" in html
    assert "<blockquote>x</blockquote>" not in html and "<blockquote>1</blockquote>" not in html
    # a news sentence stays a quote
    assert f"<blockquote>{ONE_SENTENCE}</blockquote>" in words_client.get("/country/TZA").text


def test_tables_of_names_are_sorted_by_name(words_client: TestClient) -> None:
    names = re.findall(r'<tr data-name="([^"]+)"', words_client.get("/").text)
    assert len(names) > 50 and names == sorted(names)
    assert names.index("Algeria") < names.index("Angola")  # by code AGO would come before DZA
    vendor = words_client.get("/vendors").text
    huawei = re.search(r'href="(/vendor/[^"]+)">Huawei</a>', vendor)
    assert huawei
    countries = re.findall(r'<a href="/country/[A-Z]+">([^<]+)</a></td><td>\d+</td>', words_client.get(huawei[1]).text)
    assert len(countries) > 10 and countries == sorted(countries)


def test_missing_amounts_are_not_stated_never_zero(words_client: TestClient) -> None:
    html = words_client.get("/financing").text
    for table in ("by-lender", "by-instrument", "financing-flows"):
        body = re.search(rf'<table id="{table}".*?</table>', html, re.S)
        assert body, table
        assert not re.search(r"<td>0</td>", body[0]), table
    assert "not stated" in re.search(r'<table id="by-instrument".*?</table>', html, re.S)[0]  # type: ignore[index]
    api = words_client.get("/api/financing").json()["figures"]
    unstated = [k for k, v in api["by_instrument"].items() if v["deals_with_amount"] == 0]
    assert unstated and all(api["by_instrument"][k]["usd_2017"] is None for k in unstated)


def test_search_shows_one_quote_once(words_client: TestClient) -> None:
    api = words_client.get("/api/search", params={"q": "Zanzibarian"}).json()
    assert len(api["evidence"]) == 1
    assert sorted(d["technology"] for d in api["evidence"][0]["deployments"]) == [
        "facial_recognition",
        "license_plate_recognition",
        "safe_city",
    ]
    html = words_client.get("/search", params={"q": "Zanzibarian"}).text
    assert html.count(ONE_SENTENCE) == 1 and html.count('href="/deployment/dep-') == 3


def test_review_queue_counts_every_item_not_the_page(words_client: TestClient) -> None:
    auth = {"Authorization": f"Bearer {words_client.headers['X-Test-Reviewer']}"}
    first = words_client.get("/api/review/queue", params={"limit": 2}, headers=auth).json()
    everything = words_client.get("/api/review/queue", params={"limit": 500}, headers=auth).json()
    assert len(first["items"]) == 2 and first["total"] == everything["total"] > 200
    assert len(everything["items"]) == min(500, everything["total"])


def test_page_helpers() -> None:
    import datetime as dt

    from markupsafe import Markup

    assert pages._as_of(2016) == dt.date(2016, 12, 31) and pages._as_of(None) is None
    assert pages._query(edition="live", as_of=None, q="") == "?edition=live" and pages._query(q=None) == ""
    assert pages.iso_numeric()["404"] == "KEN"
    assert "KEN" not in pages.country_markers(["KEN"])  # on the map as a shape, so no dot
    shown = pages._shown("report\u202egnp.exe")
    assert isinstance(shown, str) and "\u202e" not in shown
    assert isinstance(pages._shown(Markup("<b>\u202e</b>")), Markup) and pages._shown(3) == 3


def test_page_contexts_are_the_api_views(store: Store) -> None:
    from countersight.publish.api import views

    fill_api_store(store)
    rows = views.index_rows(store, None, "live")
    ken = pages.country_context(store, "KEN", None, "live", lambda: rows)
    dep_id = ken["c"]["deployments"][0]["id"]
    assert ken["c"]["country"] == "KEN" and len(ken["evidence"][dep_id]) == 3
    listed = pages.vendors_context(store, None, None)
    assert listed["q"] == "" and all(v["deployments"] for v in listed["vendors"])
    huawei = pages.vendor_context(store, "Huawei", None)
    assert huawei["served"] == ["KEN"] and huawei["v"]["name"] == "Huawei"
    html = pages.render_html("about.html", None, static_site=True, meta={})
    assert "<html" in html
