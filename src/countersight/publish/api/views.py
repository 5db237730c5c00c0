"""What each endpoint and dashboard page shows, as JSON-ready dicts: thin compositions of the
index, review and store functions, shared by the API routers and the HTML pages (every page has
a JSON twin because both call the same function here)."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import functools
import json
from collections import Counter, defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pycountry

from countersight.config import Settings
from countersight.errors import InputError, NotFoundError, UnresolvedNameError
from countersight.index.deployments import DeploymentView
from countersight.model import Organization
from countersight.publish.api import finance_views as fv
from countersight.reads import compute_index, deployment_documents, deployment_views
from countersight.reference.countries import (
    country_name,
    parse_country,
    resolve_country,
    territories,
)
from countersight.reference.vendors import org_id, registry
from countersight.resolve import review as rv
from countersight.resolve.vendors import vendor_groups
from countersight.store import Store
from countersight.store import api_queries as aq
from countersight.store import deployments as dstore
from countersight.store import sources as sources_store
from countersight.store.export_queries import evidence_for_deployments
from countersight.store.search import search_evidence

MAX_LIMIT = 500
DEPLOYMENT_FIELDS = (
    "id",
    "country",
    "country_name",
    "technology",
    "vendor",
    "vendor_country",
    "status",
    "confidence",
    "first_seen",
    "last_seen",
    "start_year",
    "end_year",
    "city",
    "agency",
    "n_claims",
    "n_documents",
    "n_publishers",
    "review",
    "disputed",
    "requeued",
    "sources",
    "financed",
    "lenders",
)


def _iso(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.date) else value


# -- cursors -------------------------------------------------------------------------------------


def encode_cursor(parts: Sequence[Any]) -> str:
    """An opaque cursor: the last row's sort value and id, with the sort it belongs to."""
    return base64.urlsafe_b64encode(json.dumps(list(parts), separators=(",", ":")).encode()).decode().rstrip("=")


MAX_CURSOR_CHARS = 1000
_CURSOR_SCALARS = (str, int, float)


def decode_cursor(
    cursor: str, sort: str, descending: bool, value_types: tuple[type, ...] = _CURSOR_SCALARS
) -> tuple[Any, str]:
    """(sort value, id) of a cursor made by :func:`encode_cursor` for the same sort.

    Anything else is an :class:`InputError` (HTTP 400), never a server error: a cursor arrives
    from the client, so its size, nesting and types are checked before it reaches a query."""
    bad = InputError("bad cursor: pass back next_cursor from the previous page unchanged")
    if len(cursor) > MAX_CURSOR_CHARS:
        raise bad
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        parts = json.loads(raw)
    except (ValueError, TypeError, binascii.Error, RecursionError) as exc:
        raise bad from exc
    if not isinstance(parts, list) or len(parts) != 4:
        raise bad
    s, desc, value, last_id = parts
    if not isinstance(s, str) or not isinstance(desc, bool) or not isinstance(last_id, str):
        raise bad
    if isinstance(value, bool) or not isinstance(value, value_types):
        raise bad
    if s != sort or desc != descending:
        raise InputError("cursor belongs to another sort order")
    return value, last_id


def _deployment_cursor_types(key: str) -> tuple[type, ...]:
    """What a deployment cursor's sort value may be for ``key`` (see :func:`aq.cursor_value`)."""
    return (int, float) if key == "confidence" else (str,)


def paginate(
    items: Sequence[dict[str, Any]], key: str, cursor: str | None, limit: int, descending: bool = False
) -> tuple[list[dict[str, Any]], str | None]:
    """Keyset pagination of an in-memory list sorted by (key, id), both reversed when
    ``descending`` (the order :func:`store.api_queries.deployment_page` uses)."""

    def k(r: dict[str, Any]) -> Any:
        v = r.get(key)
        return "" if v is None else v

    ordered = sorted(items, key=lambda r: (k(r), str(r["id"])), reverse=descending)
    start = 0
    if cursor:
        value, last_id = decode_cursor(cursor, key, descending)
        sample = next((k(r) for r in ordered), None)
        # A value of another type than the column's would not compare (TypeError, a 500).
        if sample is not None and isinstance(sample, int | float) != isinstance(value, int | float):
            raise InputError("bad cursor: pass back next_cursor from the previous page unchanged")
        for i, r in enumerate(ordered):
            pair, mark = (k(r), str(r["id"])), (value, last_id)
            if (pair < mark) if descending else (pair > mark):
                start = i
                break
        else:
            start = len(ordered)
    page = ordered[start : start + limit]
    more = start + limit < len(ordered)
    nxt = encode_cursor([key, descending, k(page[-1]), str(page[-1]["id"])]) if page and more else None
    return page, nxt


# -- deployments ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class DeploymentFilter:
    """The filters of ``/api/deployments`` (and its exports)."""

    country: str | None = None
    vendor: str | None = None
    supplier_country: str | None = None
    technology: str | None = None
    status: str | None = None
    reviewed: bool | None = None
    review: str | None = None  # accepted, rejected, unreviewed
    min_confidence: float | None = None
    since: dt.date | None = None
    until: dt.date | None = None
    q: str | None = None
    as_of: dt.date | None = None
    include_rejected: bool = False
    financed: bool | None = None  # a merged claim states financing (AidData or news)
    lender: str | None = None  # a lender (canonical name or alias) one of its claims names


def _view_dict(v: DeploymentView) -> dict[str, Any]:
    out = v.as_dict()
    out.pop("vendor_group", None)
    out.pop("country_edited", None)
    out["country_name"] = country_name(v.country)
    return {k: out.get(k) for k in DEPLOYMENT_FIELDS}


def _row_dict(row: Mapping[str, Any], state: rv.ReviewState | None, rejected: bool) -> dict[str, Any]:
    edited = rv.apply_edits(row, state)
    attrs = row.get("attrs") or {}
    out = {k: _iso(edited.get(k)) for k in DEPLOYMENT_FIELDS if k in edited}
    out["country_name"] = country_name(edited["country"])
    out["review"] = "rejected" if rejected else edited["review"]
    out["disputed"] = bool(state and state.disputes)
    out["requeued"] = bool(state and state.requeued)
    out["sources"] = list(attrs.get("sources") or ())
    return {k: out.get(k) for k in DEPLOYMENT_FIELDS}


def _matches(d: Mapping[str, Any], f: DeploymentFilter, financing: bool = False) -> bool:
    """Whether a deployment dict passes the filters (the financing ones only when ``financing``:
    rows that went through SQL had those applied there, before their financing fields were set)."""
    checks = (
        ("country", f.country),
        ("vendor", f.vendor),
        ("vendor_country", f.supplier_country),
        ("technology", f.technology),
        ("status", f.status),
    )
    if any(want and d.get(name) != want for name, want in checks):
        return False
    if f.min_confidence is not None and (d.get("confidence") or 0) < f.min_confidence:
        return False
    if f.review and d.get("review") != f.review:
        return False
    if f.reviewed is not None and (d.get("review") != "unreviewed") != f.reviewed:
        return False
    if not f.include_rejected and not f.review and d.get("review") == "rejected":
        return False
    last, first = d.get("last_seen") or d.get("first_seen"), d.get("first_seen") or d.get("last_seen")
    if f.since and (not last or str(last) < f.since.isoformat()):
        return False
    if f.until and (not first or str(first) > f.until.isoformat()):
        return False
    if f.q:
        hay = " ".join(str(d.get(n) or "") for n in ("vendor", "city", "agency", "technology", "country"))
        if f.q.casefold() not in hay.casefold():
            return False
    if not financing:
        return True
    if f.financed is not None and bool(d.get("financed")) != f.financed:
        return False
    return not f.lender or fv.names_lender(d.get("lenders") or (), f.lender)


def list_deployments(
    store: Store, f: DeploymentFilter, sort: str = "id", cursor: str | None = None, limit: int | None = 50
) -> tuple[list[dict[str, Any]], str | None]:
    """One page of deployments (review edits applied) and the cursor of the next page (None at the
    end). ``sort`` is a key of :data:`store.api_queries.SORT_KEYS`, ``-`` first for descending;
    ``limit`` None returns every match (exports). Without ``as_of`` the page is cut in SQL; with it
    the evidence is replayed to that date (:func:`index.deployments.deployment_views`)."""
    descending = sort.startswith("-")
    key = sort.lstrip("-")
    if key not in aq.SORT_KEYS:
        raise InputError(f"unknown sort {sort!r}; choose from {', '.join(aq.SORT_KEYS)} (prefix - to reverse)")
    if f.as_of is not None:
        views = deployment_views(store, as_of=f.as_of, country=f.country, include_rejected=True)
        rows = fv.add_financing_summary(store, [_view_dict(v) for v in views], fv.all_deployment_lenders(store))
        rows = [d for d in rows if _matches(d, f, financing=True)]
        if limit is None:
            return paginate(rows, key, None, len(rows) or 1, descending)[0], None
        return paginate(rows, key, cursor, limit, descending)
    states = rv.review_states(store)
    bad_vendors = rv.rejected_vendors(store) if states else set()
    rejected = {t for t, s in states.items() if s.excluded}
    reviewed = {t for t, s in states.items() if s.reviewed}
    edited = frozenset(t for t, s in states.items() if s.edits)
    include: frozenset[str] | None = None
    exclude: set[str] = set()
    if f.review == "rejected":
        include = frozenset(rejected)
    elif f.review == "accepted":
        include = frozenset(t for t, s in states.items() if s.decision == "accepted")
    elif f.reviewed is True:
        include = frozenset(reviewed)
    if f.reviewed is False or f.review == "unreviewed":
        exclude |= reviewed
    if not f.include_rejected and f.review != "rejected":
        exclude |= rejected
    query = aq.DeploymentQuery(
        country=f.country,
        vendors=(f.vendor,) if f.vendor else None,
        supplier_country=f.supplier_country,
        technology=f.technology,
        status=f.status,
        min_confidence=f.min_confidence,
        since=f.since,
        until=f.until,
        q=f.q,
        include_ids=include,
        exclude_ids=frozenset(exclude),
        extra_ids=edited,
        financed=f.financed,
        lender_values=fv.lender_values(store, f.lender) if f.lender else None,
    )
    after = decode_cursor(cursor, key, descending, _deployment_cursor_types(key)) if cursor else None
    if after is not None and key in ("first_seen", "last_seen"):
        try:
            dt.date.fromisoformat(after[0])
        except ValueError as exc:
            raise InputError("bad cursor: pass back next_cursor from the previous page unchanged") from exc
    fetch = None if limit is None else limit + 1
    out: list[dict[str, Any]] = []
    last: dict[str, Any] | None = None
    while True:
        rows = aq.deployment_page(store, query, key, descending, after, fetch)
        for row in rows:
            last = row
            d = _row_dict(row, states.get(row["id"]), row["id"] in rejected or row["vendor"] in bad_vendors)
            if (row["id"] not in edited and not bad_vendors) or _matches(d, f):
                out.append(d)
            if limit is not None and len(out) == limit + 1:
                break
        # Edited or rejected-vendor rows filtered out in Python can leave a short page: read on.
        if fetch is None or len(rows) < fetch or (limit is not None and len(out) > limit):
            break
        assert last is not None
        after = (aq.cursor_value(key, last[key]), last["id"])
    if limit is None or len(out) <= limit:
        return fv.add_financing_summary(store, out), None
    page = fv.add_financing_summary(store, out[:limit])
    tail = page[-1]
    return page, encode_cursor([key, descending, aq.cursor_value(key, tail[key]), tail["id"]])


def _claim_view(row: dict[str, Any]) -> dict[str, Any]:
    """A merged claim as the API shows it: the model that decided it and why, in words."""
    attrs = row.pop("attrs", None) or {}
    out = {k: _iso(v) for k, v in row.items()}
    out["model"] = attrs.get("model")
    out["explain"] = [
        {"says": str(r.get("says", "")), "weight": r.get("weight")}
        for r in attrs.get("explain") or []
        if isinstance(r, dict)
    ]
    return out


def deployment_detail(store: Store, deployment_id: str, reviewer_names: bool = False) -> dict[str, Any]:
    """One deployment with every piece of evidence (quotes, documents, dates), the claims merged
    into it, the documents behind it and the review history (reviewers named only with
    ``reviewer_names``)."""
    rows = dstore.deployment_rows(store, ids=[deployment_id])
    if not rows:
        raise NotFoundError(f"no deployment {deployment_id!r}")
    state = rv.current_state(store, deployment_id)
    rejected = state.excluded or (rows[0]["vendor"] in rv.rejected_vendors(store))
    out = fv.add_financing_summary(store, [_row_dict(rows[0], state if state.n_events else None, rejected)])[0]
    out["financing"] = fv.deployment_deals(store, deployment_id)
    out["evidence"] = with_archives(store, evidence_for_deployments(store, [deployment_id]))
    out["claims"] = [_claim_view(c) for c in aq.deployment_claims(store, deployment_id)]
    out["documents"] = [d.as_dict() for d in deployment_documents(store, deployment_id)]
    out["review_state"] = state_dict(state, reviewer_names)
    out["history"] = [event_dict(e, reviewer_names) for e in rv.history(store, deployment_id)]
    out["copies"] = syndicated_copies(store, [e["document_id"] for e in out["evidence"]])
    return out


def archived_copy_view(store: Store, settings: Settings, document_id: str, full_text: bool = False) -> dict[str, Any]:
    """The archived copy of a document: URL, fetch time, WARC file and offset, and its text only
    with ``full_text`` (a third-party page, as :func:`document_detail` withholds its text). The raw
    body is always left out: the page shows text, never third-party markup."""
    from countersight.follow.sources import archived_copy

    copy = archived_copy(store, settings, document_id)
    copy.pop("body", None)
    if not full_text:
        copy["text"] = None
    copy["text_withheld"] = not full_text
    return {k: _iso(v) for k, v in copy.items()}


def with_archives(store: Store, evidence: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Evidence rows with ``archived_at``: when follow fetched the archived copy of the document
    (None when it has none); the dashboard links it beside the live address."""
    when = sources_store.archived_at(store, [e["document_id"] for e in evidence])
    for e in evidence:
        fetched = when.get(e["document_id"])
        e["archived_at"] = _iso(fetched) if fetched else None
    return evidence


def syndicated_copies(store: Store, document_ids: Sequence[str]) -> list[dict[str, Any]]:
    """Other publishers' copies of the stories behind these documents (near-duplicate texts: they
    are listed, never counted as more evidence)."""
    seen: set[str] = set(document_ids)
    out = []
    for doc_id, copies in sources_store.story_copies(store, document_ids).items():
        for c in copies:
            if c["document_id"] not in seen:
                seen.add(c["document_id"])
                out.append({**{k: _iso(v) for k, v in c.items()}, "copy_of": doc_id})
    return out


def state_dict(state: rv.ReviewState, reviewer_names: bool = False) -> dict[str, Any]:
    """A review state as JSON, its reviewers' names left out unless ``reviewer_names``."""
    out = state.as_dict()
    if not reviewer_names:
        out["last_actor"] = None
        # A dispute recorded without a disputer (older events) names its actor as ``by``: a reviewer.
        out["disputes"] = [
            {**d, "actor": None, "by": None if d["by"] == d["actor"] else d["by"]} for d in out["disputes"]
        ]
    return out


def event_dict(ev: Any, reviewer_names: bool = False) -> dict[str, Any]:
    """A review event as JSON; ``actor`` is None unless ``reviewer_names`` (source protection:
    the decision and its reason are public, who took it is not by default)."""
    return {
        "id": ev.id,
        "target_id": ev.target_id,
        "target_kind": ev.target_kind,
        "action": ev.action,
        "actor": ev.actor if reviewer_names else None,
        "reason": ev.reason,
        "changes": ev.changes,
        "source": ev.source,
        "created_at": ev.created_at.isoformat() if ev.created_at else None,
    }


# -- countries -----------------------------------------------------------------------------------


def country_code(value: str) -> str:
    """An ISO3 code from a code or name; NotFoundError when it is neither."""
    try:
        return parse_country(value)
    except UnresolvedNameError as exc:
        raise NotFoundError(f"unknown country {value!r}") from exc


def _timeline(views: Sequence[DeploymentView]) -> list[dict[str, Any]]:
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
    index_rows: Callable[[], list[dict[str, Any]]],
) -> dict[str, Any]:
    """A country's index row (None when it has none), regime, deployments, vendors and timeline."""
    code = country_code(iso3)
    row = next((r for r in index_rows() if r["country"] == code), None)
    views = deployment_views(store, as_of=as_of, country=code, include_rejected=True)
    deployments = fv.add_financing_summary(store, [_view_dict(v) for v in views])
    vendors = Counter(v.vendor for v in views if v.vendor and v.review != "rejected")
    return {
        "country": code,
        "name": country_name(code),
        "edition": edition,
        "as_of": _iso(as_of),
        "index": row,
        "regime": row.get("regime") if row else None,
        "regime_year": row.get("regime_year") if row else None,
        "deployments": deployments,
        "vendors": [{"name": n, "deployments": k} for n, k in sorted(vendors.items(), key=lambda x: (-x[1], x[0]))],
        "timeline": _timeline([v for v in views if v.review != "rejected"]),
        "financing": fv.country_financing_detail(store, code, as_of),
    }


def index_rows(store: Store, as_of: dt.date | None, edition: str) -> list[dict[str, Any]]:
    """The country index as JSON rows."""
    try:
        rows = compute_index(store, as_of=as_of, edition=edition)
    except ValueError as exc:
        raise InputError(str(exc)) from exc
    return [r.as_dict() for r in rows]


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


def list_vendors(store: Store, q: str | None = None, counts: VendorCounts | None = None) -> list[dict[str, Any]]:
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
            {
                "id": o.id,
                "name": o.name,
                "home_country": o.home_country,
                "parent": o.parent,
                "aliases": list(o.aliases),
                "deployments": n,
                "countries": k,
                "needs_review": o.needs_review,
            }
        )
    return out


def vendor_detail(store: Store, vendor: str, counts: VendorCounts | None = None) -> dict[str, Any]:
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
    states = rv.review_states(store, rows)
    deps = fv.add_financing_summary(
        store,
        [_row_dict(r, states.get(r["id"]), bool(states.get(r["id"]) and states[r["id"]].excluded)) for r in rows],
    )
    live = [d for d in deps if d["review"] != "rejected"]
    countries: dict[str, dict[str, Any]] = {}
    for d in live:
        c = countries.setdefault(
            d["country"],
            {"country": d["country"], "name": d["country_name"], "deployments": 0, "technologies": set()},
        )
        c["deployments"] += 1
        if d["technology"]:
            c["technologies"].add(d["technology"])
    years: Counter[int] = Counter(int(str(d["first_seen"])[:4]) for d in live if d["first_seen"])
    return {
        "id": org.id,
        "name": org.name,
        "home_country": org.home_country,
        "home_country_name": country_name(org.home_country) if org.home_country else None,
        "parent": org.parent,
        "aliases": list(org.aliases),
        "subsidiaries": subsidiaries,
        "countries": [
            {**c, "technologies": sorted(c["technologies"])}
            for c in sorted(countries.values(), key=lambda c: (c["name"], c["country"]))
        ],
        "technologies": dict(sorted(Counter(d["technology"] or "unspecified" for d in live).items())),
        "timeline": [{"year": y, "first_seen": n} for y, n in sorted(years.items())],
        "deployments": deps,
    }


# -- documents, search, flows --------------------------------------------------------------------


def document_detail(
    store: Store, document_id: str, full_text: bool = False, reviewer_names: bool = False
) -> dict[str, Any]:
    """A document: its metadata, the evidence quoted from it and the deployments it supports; its
    full text only with ``full_text`` (third-party copyright, and for a leaked document a risk to
    its source), who submitted it only with ``reviewer_names``. Dataset rows are open data: their
    text is always shown."""
    doc = store.get_document(document_id)
    if doc is None:
        raise NotFoundError(f"no document {document_id!r}")
    evidence = [{k: _iso(v) for k, v in e.items()} for e in aq.document_evidence(store, document_id)]
    return {
        "id": doc.id,
        "title": doc.title,
        "url": doc.url,
        "publisher": doc.publisher,
        "published": _iso(doc.published),
        "language": doc.language,
        "source_kind": doc.source_kind,
        "dataset": doc.dataset,
        "text": doc.text if full_text or doc.source_kind == "dataset" else None,
        "text_withheld": not (full_text or doc.source_kind == "dataset"),
        "meta": doc.meta if reviewer_names else {k: v for k, v in doc.meta.items() if k != "submitted_by"},
        "evidence": evidence,
        "deployments": sorted({e["deployment_id"] for e in evidence if e["deployment_id"]}),
    }


def search(
    store: Store, q: str, cursor: str | None = None, limit: int = 20, counts: VendorCounts | None = None
) -> dict[str, Any]:
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
    nxt = encode_cursor(["evidence", False, hits[limit - 1]["position"], ""]) if len(hits) > limit else None
    return {
        "q": q,
        "countries": [{"country": c, "name": country_name(c)} for c in countries],
        "vendors": list_vendors(store, q, counts)[:50] if not cursor else [],
        "evidence": _one_per_quote(hits[:limit]),
        "next_cursor": nxt,
    }


def _one_per_quote(hits: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """Search hits with one entry per quote of a document: a sentence naming six deployments is
    shown once, with the deployments it supports in ``deployments``."""
    grouped: dict[tuple[str, str], dict[str, Any]] = {}
    for hit in hits:
        key = (hit["document_id"], " ".join(str(hit["quote"]).split()))
        entry = grouped.setdefault(key, {**{k: v for k, v in hit.items() if k != "position"}, "deployments": []})
        supported = {k: hit[k] for k in ("deployment_id", "country", "vendor", "technology")}
        if hit.get("deployment_id") and supported not in entry["deployments"]:
            entry["deployments"].append(supported)
    return list(grouped.values())


@functools.cache
def all_country_codes() -> tuple[str, ...]:
    """Every ISO3 code and project territory code."""
    return tuple(sorted({c.alpha_3 for c in pycountry.countries} | set(territories())))


def flow_rows(store: Store, supplier_country: str | None = None) -> list[dict[str, Any]]:
    """Supplier country -> recipient -> technology counts, with country names."""
    return [
        {
            **r,
            "supplier_name": country_name(r["supplier_country"]) if r["supplier_country"] != "unknown" else "unknown",
            "recipient_name": country_name(r["country"]),
        }
        for r in aq.flows(store, supplier_country)
    ]


def clamp_limit(limit: int) -> int:
    """A page size between 1 and :data:`MAX_LIMIT`."""
    return max(1, min(MAX_LIMIT, limit))
