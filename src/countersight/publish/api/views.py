"""What the country, vendor, document, search and flow endpoints and dashboard pages show, as the
typed JSON of :mod:`.models`: thin compositions of the index, review and store functions, shared by the API
routers and the HTML pages (every page has a JSON twin because both call the same function).
The deployment views and the paging helpers live in :mod:`.deployment_views` and :mod:`.paging`;
their names are re-exported here, where the routers and pages look them up."""

from __future__ import annotations

import datetime as dt
import functools
from collections import Counter, defaultdict
from collections.abc import Callable, Mapping, Sequence

import pycountry

from countersight import review as rv
from countersight.errors import InputError, NotFoundError, UnresolvedNameError
from countersight.index.compute import IndexRow
from countersight.index.deployments import DeploymentView
from countersight.model import Organization
from countersight.publish.api import finance_views as fv
from countersight.publish.api.deployment_views import (
    DEPLOYMENT_FIELDS,
    DeploymentFilter,
    archived_copy_view,
    deployment_detail,
    event_body,
    list_deployments,
    row_item,
    state_body,
    syndicated_copies,
    view_item,
    with_archives,
)
from countersight.publish.api.models import (
    CountryDetail,
    CountryName,
    DocumentDetail,
    EvidenceQuote,
    FlowItem,
    IndexRowJson,
    NamedCount,
    QuoteHit,
    SearchResult,
    ServedCountry,
    SupportedDeployment,
    VendorDetail,
    VendorItem,
    YearCount,
)
from countersight.publish.api.paging import MAX_LIMIT, clamp_limit, decode_cursor, encode_cursor, paginate
from countersight.reads import compute_index, deployment_views
from countersight.records import DocumentEvidence, EvidenceHit
from countersight.reference.countries import country_name, parse_country, resolve_country, territories
from countersight.reference.vendors import org_id, registry
from countersight.resolve.review_effect import passes_review_filter
from countersight.resolve.vendors import vendor_groups
from countersight.store import Store
from countersight.store import api_queries as aq
from countersight.store.search import search_evidence

__all__ = [
    "DEPLOYMENT_FIELDS",
    "MAX_LIMIT",
    "DeploymentFilter",
    "VendorCounts",
    "all_country_codes",
    "archived_copy_view",
    "clamp_limit",
    "country_code",
    "country_detail",
    "decode_cursor",
    "deployment_detail",
    "document_detail",
    "encode_cursor",
    "event_body",
    "flow_rows",
    "index_rows",
    "list_deployments",
    "list_vendors",
    "paginate",
    "search",
    "state_body",
    "syndicated_copies",
    "vendor_detail",
    "vendor_organizations",
    "with_archives",
]

# -- countries -----------------------------------------------------------------------------------


def country_code(value: str) -> str:
    """An ISO3 code from a code or name; NotFoundError when it is neither."""
    try:
        return parse_country(value)
    except UnresolvedNameError as exc:
        raise NotFoundError(f"unknown country {value!r}") from exc


def _timeline(views: Sequence[DeploymentView]) -> list[dict[str, int]]:
    """Per year: how many deployments were first seen and last seen then (keys only when some were)."""
    by_year: dict[int, Counter[str]] = defaultdict(Counter)
    for v in views:
        if v.first_seen:
            by_year[v.first_seen.year]["first_seen"] += 1
        if v.last_seen:
            by_year[v.last_seen.year]["last_seen"] += 1
    return [{"year": y, **dict(by_year[y])} for y in sorted(by_year)]


def country_detail(
    store: Store,
    iso3: str,
    as_of: dt.date | None,
    edition: str,
    index_rows: Callable[[], list[IndexRowJson]],
) -> CountryDetail:
    """A country's index row (None when it has none), regime, deployments, vendors and timeline."""
    code = country_code(iso3)
    row = next((r for r in index_rows() if r["country"] == code), None)
    views = deployment_views(store, as_of=as_of, country=code, include_rejected=True)
    deployments = fv.add_financing_summary(store, [view_item(v) for v in views])
    live = [v for v in views if passes_review_filter(v.review)]
    vendors = Counter(v.vendor for v in live if v.vendor)
    return CountryDetail(
        country=code,
        name=country_name(code),
        edition=edition,
        as_of=as_of.isoformat() if as_of else None,
        index=row,
        regime=row.get("regime") if row else None,
        regime_year=row.get("regime_year") if row else None,
        deployments=deployments,
        vendors=[NamedCount(name=n, deployments=k) for n, k in sorted(vendors.items(), key=lambda x: (-x[1], x[0]))],
        timeline=_timeline(live),
        financing=fv.country_financing_detail(store, code, as_of),
    )


def index_records(store: Store, as_of: dt.date | None, edition: str) -> list[IndexRow]:
    """The country index (an unknown edition is an :class:`InputError`)."""
    try:
        return compute_index(store, as_of=as_of, edition=edition)
    except ValueError as exc:
        raise InputError(str(exc)) from exc


def index_rows(store: Store, as_of: dt.date | None, edition: str) -> list[IndexRowJson]:
    """The country index as JSON rows."""
    return [r.as_dict() for r in index_records(store, as_of, edition)]


# -- vendors -------------------------------------------------------------------------------------


VendorCounts = Mapping[str, tuple[int, int]]


def vendor_organizations(store: Store, counts: VendorCounts | None = None) -> dict[str, Organization]:
    """Vendors by canonical name: the shipped registry, then those stored (new or edited), then
    bare entries for names deployments carry that neither knows."""
    orgs = {o.name: o for o in registry() if o.kind == "vendor"}
    orgs.update({o.name: o for o in store.organizations(kind="vendor")})
    for name in aq.vendor_deployment_counts(store) if counts is None else counts:
        orgs.setdefault(name, Organization(id=org_id("vendor", name), name=name))
    return orgs


def list_vendors(store: Store, q: str | None = None, counts: VendorCounts | None = None) -> list[VendorItem]:
    """Vendors with their deployment and country counts, by name (``counts`` as
    :func:`store.api_queries.vendor_deployment_counts` returns them, when the caller caches them)."""
    counts = aq.vendor_deployment_counts(store) if counts is None else counts
    needle = (q or "").casefold()
    out = []
    for _, o in sorted(vendor_organizations(store, counts).items()):
        if needle and needle not in o.name.casefold() and not any(needle in a.casefold() for a in o.aliases):
            continue
        n, k = counts.get(o.name, (0, 0))
        out.append(
            VendorItem(
                id=o.id,
                name=o.name,
                home_country=o.home_country,
                parent=o.parent,
                aliases=list(o.aliases),
                deployments=n,
                countries=k,
                needs_review=o.needs_review,
            )
        )
    return out


def vendor_detail(store: Store, vendor: str, counts: VendorCounts | None = None) -> VendorDetail:
    """A vendor (by id or exact name): parent, aliases, subsidiaries, countries served,
    technologies, timeline and deployments (its own and its subsidiaries')."""
    orgs = list(vendor_organizations(store, counts).values())
    org = next((o for o in orgs if o.id == vendor), None) or next(
        (o for o in orgs if o.name.casefold() == vendor.casefold()), None
    )
    if org is None:
        raise NotFoundError(f"no vendor {vendor!r}")
    groups = vendor_groups(orgs)
    subsidiaries = sorted(n for n, g in groups.items() if g == org.name and n != org.name)
    names = (org.name, *subsidiaries)
    rows = aq.deployment_page(store, aq.DeploymentQuery(vendors=names), limit=None)
    states = rv.review_states(store, {r.id: (r.attrs or {}).get("supersedes") or () for r in rows})
    deps = fv.add_financing_summary(store, [row_item(r, states.get(r.id)) for r in rows])
    live = [d for d in deps if passes_review_filter(d["review"])]
    served: dict[str, int] = Counter(d["country"] for d in live)
    techs: dict[str, set[str]] = defaultdict(set)
    for d in live:
        if d["technology"]:
            techs[d["country"]].add(d["technology"])
    country_names = {d["country"]: d["country_name"] for d in live}
    years: Counter[int] = Counter(int(str(d["first_seen"])[:4]) for d in live if d["first_seen"])
    return VendorDetail(
        id=org.id,
        name=org.name,
        home_country=org.home_country,
        home_country_name=country_name(org.home_country) if org.home_country else None,
        parent=org.parent,
        aliases=list(org.aliases),
        subsidiaries=subsidiaries,
        countries=[
            ServedCountry(country=c, name=country_names[c], deployments=served[c], technologies=sorted(techs[c]))
            for c in sorted(served, key=lambda c: (country_names[c], c))
        ],
        technologies=dict(sorted(Counter(d["technology"] or "unspecified" for d in live).items())),
        timeline=[YearCount(year=y, first_seen=n) for y, n in sorted(years.items())],
        deployments=deps,
    )


# -- documents, search, flows --------------------------------------------------------------------


def document_detail(
    store: Store, document_id: str, full_text: bool = False, reviewer_names: bool = False
) -> DocumentDetail:
    """A document: its metadata, the evidence quoted from it and the deployments it supports; its
    full text only with ``full_text`` (third-party copyright, and for a leaked document a risk to
    its source), who submitted it only with ``reviewer_names``. Dataset rows are open data: their
    text is always shown."""
    doc = store.get_document(document_id)
    if doc is None:
        raise NotFoundError(f"no document {document_id!r}")
    evidence = [_quote(e) for e in aq.document_evidence(store, document_id)]
    shown = full_text or doc.source_kind == "dataset"
    return DocumentDetail(
        id=doc.id,
        title=doc.title,
        url=doc.url,
        publisher=doc.publisher,
        published=doc.published.isoformat() if doc.published else None,
        language=doc.language,
        source_kind=doc.source_kind,
        dataset=doc.dataset,
        text=doc.text if shown else None,
        text_withheld=not shown,
        meta=doc.meta if reviewer_names else {k: v for k, v in doc.meta.items() if k != "submitted_by"},
        evidence=evidence,
        deployments=sorted({e["deployment_id"] for e in evidence if e["deployment_id"]}),
    )


def _quote(e: DocumentEvidence) -> EvidenceQuote:
    """Evidence quoted from a document as JSON."""
    return EvidenceQuote(
        id=e.id,
        quote=e.quote,
        start=e.start,
        end=e.end,
        page=e.page,
        sheet=e.sheet,
        row=e.row,
        column=e.column,
        claim_id=e.claim_id,
        deployment_id=e.deployment_id,
        country=e.country,
        vendor=e.vendor,
        technology=e.technology,
        status=e.status,
    )


def search(
    store: Store, q: str, cursor: str | None = None, limit: int = 20, counts: VendorCounts | None = None
) -> SearchResult:
    """Countries and vendors whose names contain ``q``, and evidence quotes with all its words
    (full text; paged by evidence id)."""
    needle = q.strip().casefold()
    if not needle:
        raise InputError("q must not be empty")
    code = resolve_country(q)
    named = [
        c for c in all_country_codes() if needle in country_name(c).casefold() or c.casefold() == needle or c == code
    ]
    countries = sorted(aq.countries_present(store, named))
    # The position is the FTS rowid on SQLite, the evidence id on PostgreSQL.
    position_type: type = int if store.dialect == "sqlite" else str
    after = decode_cursor(cursor, "evidence", False, (position_type,))[0] if cursor else None
    with store.engine.connect() as conn:
        hits = search_evidence(conn, q, limit=limit + 1, after=after)
    nxt = encode_cursor(["evidence", False, hits[limit - 1].position, ""]) if len(hits) > limit else None
    return SearchResult(
        q=q,
        countries=[CountryName(country=c, name=country_name(c)) for c in countries],
        vendors=list_vendors(store, q, counts)[:50] if not cursor else [],
        evidence=_one_per_quote(hits[:limit]),
        next_cursor=nxt,
    )


def _one_per_quote(hits: Sequence[EvidenceHit]) -> list[QuoteHit]:
    """Search hits with one entry per quote of a document: a sentence naming six deployments is
    shown once, with the deployments it supports in ``deployments``."""
    grouped: dict[tuple[str, str], QuoteHit] = {}
    for hit in hits:
        key = (hit.document_id, " ".join(str(hit.quote).split()))
        entry = grouped.setdefault(
            key,
            QuoteHit(
                id=hit.id,
                quote=hit.quote,
                claim_id=hit.claim_id,
                document_id=hit.document_id,
                deployment_id=hit.deployment_id,
                country=hit.country,
                vendor=hit.vendor,
                technology=hit.technology,
                deployments=[],
            ),
        )
        supported = SupportedDeployment(
            deployment_id=hit.deployment_id, country=hit.country, vendor=hit.vendor, technology=hit.technology
        )
        if hit.deployment_id and supported not in entry["deployments"]:
            entry["deployments"].append(supported)
    return list(grouped.values())


@functools.cache
def all_country_codes() -> tuple[str, ...]:
    """Every ISO3 code and project territory code."""
    return tuple(sorted({c.alpha_3 for c in pycountry.countries} | set(territories())))


def flow_rows(store: Store, supplier_country: str | None = None) -> list[FlowItem]:
    """Supplier country -> recipient -> technology counts, with country names."""
    return [
        FlowItem(
            supplier_country=r.supplier_country,
            country=r.country,
            technology=r.technology,
            deployments=r.deployments,
            supplier_name=country_name(r.supplier_country) if r.supplier_country != "unknown" else "unknown",
            recipient_name=country_name(r.country),
        )
        for r in aq.flows(store, supplier_country)
    ]
