"""The dashboard in a real headless Chromium (Debian's /usr/bin/chromium driven by Playwright):
the map renders coloured, the year slider changes it, a country click opens its page, a deployment
expands to its evidence, a reviewer signs in and accepts, markup in a document shows as text, and
no request leaves the loopback interface.

Skips when Chromium or Playwright is missing, unless ``COUNTERSIGHT_REQUIRE_BROWSER=1``."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import socket
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest

from api_fixture import HOSTILE_QUOTE, fill_api_store
from countersight.datasets import import_aiddata_gcdf_surveillance, import_aiddata_huawei
from countersight.publish.api.app import create_app
from countersight.resolution import resolve_store
from countersight.store import Store, open_store
from run_report import screenshot_saved

pytestmark = pytest.mark.browser
REQUIRE = os.environ.get("COUNTERSIGHT_REQUIRE_BROWSER", "") == "1"
CHROMIUM = os.environ.get("COUNTERSIGHT_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"]
LOOPBACK = {"127.0.0.1", "localhost", "::1"}


def _unavailable(reason: str) -> None:
    if REQUIRE:
        pytest.fail(f"COUNTERSIGHT_REQUIRE_BROWSER=1 but {reason}")
    pytest.skip(reason)


@contextmanager
def _serve(store: Store) -> Iterator[str]:
    """The app over ``store``, served by uvicorn on a free loopback port; yields its base URL."""
    import uvicorn

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    config = uvicorn.Config(create_app(store), host="127.0.0.1", port=port, log_level="warning")
    srv = uvicorn.Server(config)
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not srv.started:
        if time.monotonic() > deadline:
            pytest.fail("uvicorn did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        srv.should_exit = True
        thread.join(10)
        store.close()


ARCHIVED_PAGE = (
    b"<!doctype html><html><head><title>Example Markup Daily</title></head><body><article>"
    b"<h1>Cameras for Belgrade</h1><p>Example Vision sold cameras to the police of Belgrade, as the "
    b"archived page of the newspaper says in its own words.</p><p>The city council has not debated "
    b"the programme and the contract has not been published.</p>"
    b"<script>window.pwned=4</script></article></body></html>"
)


def _archive_copy(store: Store, folder: Path, document_id: str) -> None:
    """Keep an archived copy of ``document_id`` as follow would (a WARC record and its fetch row)."""
    from countersight.follow.archive import WarcWriter
    from countersight.store import sources as sstore

    now = dt.datetime(2024, 1, 2, 10, tzinfo=dt.UTC)
    writer = WarcWriter(folder / "follow-test.warc.gz")
    url = "https://news.example.org/belgrade.html"
    offset = writer.write_exchange(
        url,
        b"GET /belgrade.html HTTP/1.1\r\nHost: news.example.org\r\n\r\n",
        b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n\r\n",
        ARCHIVED_PAGE,
        now,
    )
    size = writer.size
    writer.close()
    sstore.commit_fetch(
        store,
        sstore.fetch_row(
            url,
            None,
            "done",
            http_status=200,
            document_id=document_id,
            warc_file=writer.path.name,
            warc_offset=offset,
            fetched_at=now,
        ),
        warc=(writer.path.name, size),
    )


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[str, dict[str, str]]]:
    """The app over the API fixture store (the hostile document with an archived copy beside the
    store, where follow keeps them), with the tokens' secrets."""
    store = open_store(f"sqlite:///{tmp_path / 'web.db'}")
    secrets = fill_api_store(store)
    _archive_copy(store, tmp_path / "archive", secrets["hostile_document"])
    with _serve(store) as base:
        yield base, secrets


@pytest.fixture
def finance_server(tmp_path: Path) -> Iterator[tuple[str, Store]]:
    """The app over a store of the bundled AidData files (imported and resolved)."""
    store = open_store(f"sqlite:///{tmp_path / 'finance.db'}")
    import_aiddata_huawei(store)
    import_aiddata_gcdf_surveillance(store)
    resolve_store(store)
    with _serve(store) as base:
        yield base, store


def _browser_ready() -> None:
    if not Path(CHROMIUM).exists():
        _unavailable(f"Chromium not found at {CHROMIUM} (apt-get install chromium)")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        _unavailable("the playwright package is not installed (pip install -e '.[test]')")


def _guarded_page(browser: Any, outside: list[str], problems: list[str]) -> Any:
    """A page whose requests to non-loopback hosts are refused (and recorded), errors recorded."""
    page = browser.new_page(viewport={"width": 1200, "height": 900})

    def guard(route: Any) -> None:
        url = route.request.url
        host = urlparse(url).hostname or ""
        if url.startswith(("data:", "blob:", "about:")) or host in LOOPBACK:
            route.continue_()
        else:
            outside.append(url)
            route.abort()

    page.route("**/*", guard)
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    return page


def test_dashboard_in_chromium(server: tuple[str, dict[str, str]], tmp_path: Path) -> None:
    _browser_ready()
    from playwright.sync_api import sync_playwright

    base, secrets = server
    outside: list[str] = []
    problems: list[str] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = _guarded_page(browser, outside, problems)

        # The map: coloured countries (Kenya, Ecuador, Serbia), legend, table alternative.
        page.goto(base + "/")
        page.wait_for_selector("#map[data-ready=true]")
        assert page.locator(".country.has-data").count() == 3
        assert page.get_attribute('path[data-code="KEN"]', "fill") != page.get_attribute(
            'path[data-code="FRA"]', "fill"
        )
        assert page.locator("#country-table tbody tr").count() == 3
        shot = tmp_path / "map.png"
        page.screenshot(path=str(shot))
        screenshot_saved("map", shot)

        # The year slider replays the evidence: by the end of 2015 only Nairobi had been reported.
        page.eval_on_selector("#year", "el => { el.value = '2015'; el.dispatchEvent(new Event('change')); }")
        page.wait_for_function("() => document.querySelectorAll('.country.has-data').length === 1")
        assert "year=2015" in page.url and page.locator("#country-table tbody tr").count() == 1
        page.select_option("#mode", "origin")
        assert page.get_attribute('path[data-code="KEN"]', "fill") == "#d7301f"  # China-supplied
        page.goto(base + "/")
        page.wait_for_selector("#map[data-ready=true]")

        # Click a country, expand a deployment to its evidence, open the deployment.
        page.locator('path[data-code="KEN"]').click()
        page.wait_for_url("**/country/KEN")
        assert page.locator("h1").inner_text().startswith("Kenya")
        shot = tmp_path / "country.png"
        page.screenshot(path=str(shot), full_page=True)
        screenshot_saved("country", shot)
        page.locator("details.evidence-toggle summary").first.click()
        assert "National Police Service" in page.locator("details.evidence-toggle").first.inner_text()
        page.locator("a.deployment-link").first.click()
        page.wait_for_url("**/deployment/dep-*")
        deployment_url = page.url
        assert page.locator("#review-badge").inner_text() == "unreviewed"
        assert page.locator("#review-panel").is_hidden()

        # A reviewer signs in with a token and accepts; the badge changes, and stays after reload.
        page.goto(base + "/login")
        page.fill("#token", secrets["reviewer"])
        page.click("#login-submit")
        page.wait_for_function("() => document.getElementById('login-status').textContent.includes('Rita Reviewer')")
        page.goto(deployment_url)
        assert page.locator("#review-panel").is_visible()
        page.select_option("#review-action", "accept")
        page.fill("#review-reason", "three independent reports")
        page.click("#review-submit")
        page.wait_for_function("() => document.querySelector('#review-badge').textContent.trim() === 'accepted'")
        assert "Rita Reviewer" in page.locator("#history").inner_text()
        page.reload()
        assert page.locator("#review-badge").inner_text() == "accepted"
        # The server renders the anonymous page; the signed-in reader's script adds the names.
        page.wait_for_function("() => document.getElementById('history').textContent.includes('Rita Reviewer')")
        page.goto(base + "/review")
        page.wait_for_selector("#queue:not([hidden])")
        assert "Rita Reviewer" in page.locator("#queue-status").inner_text()

        # Markup from a document is shown as text and never runs, on every page that quotes it.
        for path in (f"/document/{secrets['hostile_document']}", "/country/SRB", "/search?q=example+vision"):
            page.goto(base + path)
            assert HOSTILE_QUOTE in (page.locator("main").text_content() or ""), path
            assert page.evaluate("window.pwned") is None, path
            assert page.locator("main img").count() == 0, path

        # The full text is withheld from the server-rendered page; the signed-in reader's script
        # fetches it with the token. Signing out revokes the token on the server.
        page.goto(base + f"/document/{secrets['hostile_document']}")
        page.wait_for_selector("#document-text:not([hidden])")
        assert "to the police of Belgrade" in page.locator("#document-text").inner_text()
        assert page.locator("#document-text-withheld").is_hidden()
        # So is the text of the archived copy follow kept (its link is public).
        page.goto(base + f"/archive/{secrets['hostile_document']}")
        page.wait_for_selector("#archive-text:not([hidden])")
        assert "archived page of the newspaper says" in page.locator("#archive-text").inner_text()
        assert page.locator("#archive-text-withheld").is_hidden() and page.evaluate("window.pwned") is None
        page.click("#logout")
        page.wait_for_selector("#login-link:not([hidden])")
        me = urllib.request.Request(base + "/api/me", headers={"Authorization": f"Bearer {secrets['reviewer']}"})
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(me, timeout=10)
        assert refused.value.code == 401
        page.goto(base + f"/document/{secrets['hostile_document']}")
        assert page.locator("#document-text").is_hidden()
        page.goto(base + f"/archive/{secrets['hostile_document']}")
        assert page.locator("#archive-text").is_hidden() and page.locator("#archive-text-withheld").is_visible()
        assert "archived page of the newspaper" not in (page.content() or "")
        assert "news.example.org/belgrade.html" in page.locator("main").inner_text()
        browser.close()
    assert outside == [], f"requests left the machine: {outside}"
    assert problems == [], problems


def test_financing_in_chromium(finance_server: tuple[str, Store], tmp_path: Path) -> None:
    _browser_ready()
    from playwright.sync_api import sync_playwright

    from countersight.reads import country_financing
    from countersight.store import deployments as dstore

    base, store = finance_server
    (islamabad,) = [r.id for r in dstore.deployment_rows(store) if r.city == "Islamabad"]
    financed = country_financing(store)
    outside: list[str] = []
    problems: list[str] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = _guarded_page(browser, outside, problems)

        # The deployment page shows the loan, its AidData record and sources, and the attribution.
        page.goto(f"{base}/deployment/{islamabad}")
        deal = page.locator("#financing tr.deal")
        assert deal.count() == 1
        row = deal.inner_text()
        assert "Export-Import Bank of China" in row and "concessional loan" in row and "CNY 850,000,000" in row
        assert "AidData project 37016" in row and "AidData geodata record" in row
        attribution = page.locator("#financing-attribution")
        assert attribution.is_visible()
        assert "AidData" in attribution.inner_text() and "ODC-By 1.0" in attribution.inner_text()
        page.locator("#financing a.deal-record").click()
        page.wait_for_url("**/document/*")
        assert "RMB 850 million" in page.locator("main").inner_text()

        # The map's financing layer colours the financed countries by amount, others stay neutral.
        page.goto(base + "/?mode=financing")
        page.wait_for_selector("#map[data-ready=true]")
        shown = [c for c in financed if page.locator(f'path[data-code="{c}"]').count()]
        assert len(shown) >= 6
        assert page.locator(".country.financed").count() == len(financed)
        fills = {c: page.get_attribute(f'path[data-code="{c}"]', "fill") for c in shown}
        assert fills["PAK"] == "#08519c"  # over 100 million USD-2017
        assert fills["TJK"] == "#3182bd"  # 10 to 100 million
        assert fills["ZWE"] == "#cbc9e2"  # financed, no amount stated
        unfinanced = page.get_attribute('path[data-code="FRA"]', "fill")
        assert unfinanced not in fills.values()
        assert "100 million or more" in page.locator("#legend").inner_text()
        shot = tmp_path / "financing-map.png"
        page.screenshot(path=str(shot))
        screenshot_saved("financing map", shot)

        # The flow page: lender -> country, each linked to the deployments it counts.
        page.goto(base + "/financing")
        page.locator("#financing-flows a", has_text="Pakistan").click()
        page.wait_for_url("**/country/PAK")
        assert page.locator("#country-financing").is_visible()
        browser.close()
    assert outside == [], f"requests left the machine: {outside}"
    assert problems == [], problems


@pytest.fixture
def aigs_server(tmp_path: Path) -> Iterator[tuple[str, str, int]]:
    """The app over AIGS 2022 and the governance tables (resolved), with a reviewer's secret and the
    true length of the review queue."""
    from countersight import review as rv
    from countersight.datasets import import_aigs, import_governance
    from countersight.store.tokens import create_token

    store = open_store(f"sqlite:///{tmp_path / 'aigs.db'}")
    import_aigs(store, "2022")
    import_governance(store)
    resolve_store(store)
    _, reviewer = create_token(store, "Rita Reviewer", "reviewer")
    queued = len(rv.review_queue(store))
    with _serve(store) as base:
        yield base, reviewer, queued


def test_dashboard_words_in_chromium(aigs_server: tuple[str, str, int], tmp_path: Path) -> None:
    _browser_ready()
    from playwright.sync_api import sync_playwright

    base, reviewer, queued = aigs_server
    outside: list[str] = []
    problems: list[str] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = _guarded_page(browser, outside, problems)

        # A bad query on a page is an HTML page, not raw JSON.
        response = page.goto(base + "/?year=abc")
        assert response is not None and response.status == 422
        assert page.locator("h1").inner_text() == "Bad request"
        assert "year" in page.locator("#error-message").inner_text()
        problems.clear()  # the browser logs the 422 itself

        # The table the map script redraws lists countries by name; regime codes link to the glossary.
        page.goto(base + "/")
        page.wait_for_selector("#map[data-ready=true]")
        page.eval_on_selector("#year", "el => { el.value = '2023'; el.dispatchEvent(new Event('change')); }")
        page.wait_for_url("**year=2023*")
        page.wait_for_function("() => document.querySelectorAll('#country-table tbody tr').length > 50")
        names = page.locator("#country-table tbody tr td:first-child").all_inner_texts()
        assert names == sorted(names) and names.index("Algeria") < names.index("Angola")
        page.locator("#country-table tbody a.gloss").first.click()
        page.wait_for_url("**/glossary#regime-*")
        anchor = page.url.rsplit("#", 1)[1]
        assert page.locator(f"#{anchor}").is_visible()
        assert page.locator(f"#{anchor} + dd").inner_text().split(".")[0] in (
            "Closed autocracy",
            "Electoral autocracy",
            "Electoral democracy",
            "Liberal democracy",
        )

        # AIGS evidence in words on a country page.
        page.goto(base + "/country/PAK")
        page.locator("details.evidence-toggle summary").first.click()
        assert page.get_by_text("Facial Recognition System: ticked in the AIGS 2022 sheet").count() >= 1
        shot = tmp_path / "words.png"
        page.screenshot(path=str(shot), full_page=True)
        screenshot_saved("AIGS evidence in words", shot)

        # The review queue says how many items wait, not how many it fetched.
        page.goto(base + "/login")
        page.fill("#token", reviewer)
        page.click("#login-submit")
        page.wait_for_function("() => document.getElementById('login-status').textContent.includes('Rita Reviewer')")
        page.goto(base + "/review")
        page.wait_for_selector("#queue:not([hidden])")
        assert queued > 200
        assert (
            page.locator("#queue-status").inner_text().startswith(f"{queued} items await review (the first 200 shown)")
        )
        browser.close()
    assert outside == [], f"requests left the machine: {outside}"
    assert problems == [], problems


def test_an_ingest_shows_on_the_next_page_load_in_chromium(tmp_path: Path) -> None:
    """With the server running, an ingest from another process's store handle is on the map, in
    /api/countries and on the country page at the next request (caches keyed by the store version)."""
    _browser_ready()
    from playwright.sync_api import sync_playwright

    from countersight.ingest import ingest

    url = f"sqlite:///{tmp_path / 'live.db'}"
    store = open_store(url)
    fill_api_store(store)
    article = tmp_path / "in" / "zambia.txt"
    article.parent.mkdir()
    article.write_text(
        "Lusaka, 2 February 2024. Huawei installed facial recognition cameras for the police in Lusaka, "
        "Zambia, under a Safe City contract signed in 2023.\n",
        encoding="utf-8",
    )
    outside: list[str] = []
    problems: list[str] = []
    with _serve(store) as base, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = _guarded_page(browser, outside, problems)
        page.goto(base + "/")
        page.wait_for_selector("#map[data-ready=true]")
        assert page.locator(".country.has-data").count() == 3
        page.goto(base + "/api/countries")
        assert "ZMB" not in page.inner_text("body")

        writer = open_store(url)  # as `countersight ingest` would: another handle on the same file
        try:
            assert ingest(writer, [str(article.parent)]).new == 1
        finally:
            writer.close()

        page.goto(base + "/api/countries")
        assert '"country":"ZMB"' in page.inner_text("body").replace(" ", "")
        page.goto(base + "/")
        page.wait_for_selector("#map[data-ready=true]")
        assert page.locator(".country.has-data").count() == 4
        page.goto(base + "/country/ZMB")
        assert "Huawei" in page.inner_text("body")
        browser.close()
    assert outside == [] and problems == []
