"""What the deployment endpoints and pages show, as the typed JSON of :mod:`.models`: the filtered, paged list
(review edits applied) and one deployment with its evidence, claims, documents and review trail."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from countersight import review as rv
from countersight.config import Settings
from countersight.errors import InputError, NotFoundError
from countersight.index.deployments import DeploymentView
from countersight.model import ReviewEvent
from countersight.publish.api import finance_views as fv
from countersight.publish.api.models import (
    ClaimView,
    DeploymentDetail,
    DeploymentItem,
    DisputeBody,
    DocumentLink,
    ExplainLine,
    ReviewEventBody,
    ReviewStateBody,
    SyndicatedCopy,
)
from countersight.publish.api.paging import (
    decode_cursor,
    deployment_cursor_types,
    encode_cursor,
    paginate,
)
from countersight.publish.api.paging import iso as _iso
from countersight.reads import deployment_documents, deployment_views
from countersight.records import DeploymentLink, MergedClaim, StoredDeployment
from countersight.reference.countries import country_name
from countersight.resolve.review_effect import deployment_review, passes_review_filter, review_selection
from countersight.store import Store
from countersight.store import api_queries as aq
from countersight.store import deployments as dstore
from countersight.store import sources as sources_store
from countersight.store.export_queries import evidence_for_deployments

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


def view_item(v: DeploymentView) -> DeploymentItem:
    """A deployment view (review edits applied, replayed to a date) as the API lists it; the
    financing fields are set by :func:`finance_views.add_financing_summary`."""
    return DeploymentItem(
        id=v.id,
        country=v.country,
        country_name=country_name(v.country),
        technology=v.technology,
        vendor=v.vendor,
        vendor_country=v.vendor_country,
        status=v.status,
        confidence=v.confidence,
        first_seen=_day(v.first_seen),
        last_seen=_day(v.last_seen),
        start_year=v.start_year,
        end_year=v.end_year,
        city=v.city,
        agency=v.agency,
        n_claims=v.n_claims,
        n_documents=v.n_documents,
        n_publishers=v.n_publishers,
        review=v.review,
        disputed=v.disputed,
        requeued=v.requeued,
        sources=list(v.sources),
        financed=False,
        lenders=[],
    )


def _day(value: dt.date | None) -> str | None:
    """A date as ISO text (None stays None)."""
    return value.isoformat() if value else None


def row_item(row: StoredDeployment, state: rv.ReviewState | None, bad_vendors: Collection[str] = ()) -> DeploymentItem:
    """A stored deployment row (``store.api_queries.deployment_page``) as the API lists it, with what
    its review state means applied (edits, exclusion, a rejected vendor: decided once, in
    ``resolve.review_effect``); the financing fields are set by ``add_financing_summary``."""
    review = deployment_review(state, row.vendor, bad_vendors)
    f = {**row._asdict(), **review.edits}
    attrs = row.attrs or {}
    return DeploymentItem(
        id=f["id"],
        country=f["country"],
        country_name=country_name(f["country"]),
        technology=f.get("technology"),
        vendor=f.get("vendor"),
        vendor_country=f.get("vendor_country"),
        status=f["status"],
        confidence=f["confidence"],
        first_seen=_iso(f.get("first_seen")),
        last_seen=_iso(f.get("last_seen")),
        start_year=f.get("start_year"),
        end_year=f.get("end_year"),
        city=f.get("city"),
        agency=f.get("agency"),
        n_claims=f["n_claims"],
        n_documents=f["n_documents"],
        n_publishers=f["n_publishers"],
        review=review.review,
        disputed=review.disputed,
        requeued=review.requeued,
        sources=list(attrs.get("sources") or ()),
        financed=False,
        lenders=[],
    )


def _matches(d: DeploymentItem, f: DeploymentFilter, financing: bool = False) -> bool:
    """Whether a listed deployment passes the filters (the financing ones only when ``financing``:
    rows that went through SQL had those applied there, before their financing fields were set)."""
    checks = (
        (d["country"], f.country),
        (d["vendor"], f.vendor),
        (d["vendor_country"], f.supplier_country),
        (d["technology"], f.technology),
        (d["status"], f.status),
    )
    if any(want and have != want for have, want in checks):
        return False
    if f.min_confidence is not None and (d["confidence"] or 0) < f.min_confidence:
        return False
    if not passes_review_filter(d["review"], f.review, f.reviewed, f.include_rejected):
        return False
    last, first = d["last_seen"] or d["first_seen"], d["first_seen"] or d["last_seen"]
    if f.since and (not last or str(last) < f.since.isoformat()):
        return False
    if f.until and (not first or str(first) > f.until.isoformat()):
        return False
    if f.q:
        hay = " ".join(str(v or "") for v in (d["vendor"], d["city"], d["agency"], d["technology"], d["country"]))
        if f.q.casefold() not in hay.casefold():
            return False
    if not financing:
        return True
    if f.financed is not None and d["financed"] != f.financed:
        return False
    return not f.lender or fv.names_lender(d["lenders"], f.lender)


def list_deployments(
    store: Store, f: DeploymentFilter, sort: str = "id", cursor: str | None = None, limit: int | None = 50
) -> tuple[list[DeploymentItem], str | None]:
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
        items = fv.add_financing_summary(store, [view_item(v) for v in views], fv.all_deployment_lenders(store))
        items = [d for d in items if _matches(d, f, financing=True)]
        if limit is None:
            return paginate(items, key, None, len(items) or 1, descending)[0], None
        return paginate(items, key, cursor, limit, descending)
    states = rv.review_states(store)
    bad_vendors = rv.rejected_vendors(store) if states else set()
    # The review filters as id sets the SQL applies; edited rows are re-checked in Python.
    selection = review_selection(states, f.review, f.reviewed, f.include_rejected)
    edited = selection.edited_ids
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
        include_ids=selection.include_ids,
        exclude_ids=selection.exclude_ids,
        extra_ids=edited,
        financed=f.financed,
        lender_values=fv.lender_values(store, f.lender) if f.lender else None,
    )
    after = decode_cursor(cursor, key, descending, deployment_cursor_types(key)) if cursor else None
    if after is not None and key in ("first_seen", "last_seen"):
        try:
            dt.date.fromisoformat(after[0])
        except ValueError as exc:
            raise InputError("bad cursor: pass back next_cursor from the previous page unchanged") from exc
    fetch = None if limit is None else limit + 1
    out: list[DeploymentItem] = []
    last: StoredDeployment | None = None
    while True:
        stored = aq.deployment_page(store, query, key, descending, after, fetch)
        for row in stored:
            last = row
            d = row_item(row, states.get(row.id), bad_vendors)
            if (row.id not in edited and not bad_vendors) or _matches(d, f):
                out.append(d)
            if limit is not None and len(out) == limit + 1:
                break
        # Edited or rejected-vendor rows filtered out in Python can leave a short page: read on.
        if fetch is None or len(stored) < fetch or (limit is not None and len(out) > limit):
            break
        assert last is not None
        after = (aq.cursor_value(key, getattr(last, key)), last.id)
    if limit is None or len(out) <= limit:
        return fv.add_financing_summary(store, out), None
    page = fv.add_financing_summary(store, out[:limit])
    tail = page[-1]
    return page, encode_cursor([key, descending, aq.cursor_value(key, tail_value(tail, key)), tail["id"]])


def tail_value(item: DeploymentItem, key: str) -> object:
    """The value of sort ``key`` (a key of ``store.api_queries.SORT_KEYS``) of a listed deployment."""
    return item.get(key)


def _claim_view(claim: MergedClaim) -> ClaimView:
    """A merged claim as the API shows it: the model that decided it and why, in words."""
    attrs = claim.attrs or {}
    return ClaimView(
        id=claim.id,
        document_id=claim.document_id,
        source=claim.source,
        extractor=claim.extractor,
        extractor_version=claim.extractor_version,
        vendor=claim.vendor,
        vendor_raw=claim.vendor_raw,
        status=claim.status,
        confidence=claim.confidence,
        start_year=claim.start_year,
        end_year=claim.end_year,
        model=attrs.get("model"),
        explain=[
            ExplainLine(says=str(r.get("says", "")), weight=r.get("weight"))
            for r in attrs.get("explain") or []
            if isinstance(r, dict)
        ],
    )


def deployment_detail(
    store: Store, deployment_id: str, reviewer_names: bool = False, rejected: set[str] | None = None
) -> DeploymentDetail:
    """One deployment with every piece of evidence (quotes, documents, dates), the claims merged
    into it, the documents behind it and the review history (reviewers named only with
    ``reviewer_names``). ``rejected``: the rejected vendors' names, when the caller has read
    them once for many deployments (the static site)."""
    rows = dstore.deployment_rows(store, ids=[deployment_id])
    if not rows:
        raise NotFoundError(f"no deployment {deployment_id!r}")
    state = rv.current_state(store, deployment_id)
    bad_vendors = rv.rejected_vendors(store) if rejected is None else rejected
    item = fv.add_financing_summary(store, [row_item(rows[0], state if state.n_events else None, bad_vendors)])[0]
    evidence = with_archives(store, [e._asdict() for e in evidence_for_deployments(store, [deployment_id])])
    return DeploymentDetail(
        **item,
        financing=fv.deployment_deals(store, deployment_id),
        evidence=evidence,
        claims=[_claim_view(c) for c in aq.deployment_claims(store, deployment_id)],
        documents=[_link(d) for d in deployment_documents(store, deployment_id)],
        review_state=state_body(state, reviewer_names),
        history=[event_body(e, reviewer_names) for e in rv.history(store, deployment_id)],
        copies=syndicated_copies(store, [e["document_id"] for e in evidence]),
    )


# JSON: the archived copy's fields as follow.sources.archived_copy gives them, dates as ISO text
def archived_copy_view(store: Store, settings: Settings, document_id: str, full_text: bool = False) -> dict[str, Any]:
    """The archived copy of a document: URL, fetch time, WARC file and offset, and its text only
    with ``full_text`` (a third-party page, as :func:`document_detail` withholds its text). The raw
    body is always left out: the page shows text, never third-party markup."""
    from countersight.follow.sources import archived_copy

    copy = asdict(archived_copy(store, settings, document_id))
    copy.pop("body", None)
    if not full_text:
        copy["text"] = None
    copy["text_withheld"] = not full_text
    return {k: _iso(v) for k, v in copy.items()}


EvidenceRows = list[dict[str, Any]]  # JSON: evidence rows (store.export_queries) as the pages and API show them


def with_archives(store: Store, evidence: EvidenceRows) -> EvidenceRows:
    """Evidence rows with ``archived_at``: when follow fetched the archived copy of the document
    (None when it has none); the dashboard links it beside the live address."""
    when = sources_store.archived_at(store, [e["document_id"] for e in evidence])
    for e in evidence:
        fetched = when.get(e["document_id"])
        e["archived_at"] = _iso(fetched) if fetched else None
    return evidence


def syndicated_copies(store: Store, document_ids: Sequence[str]) -> list[SyndicatedCopy]:
    """Other publishers' copies of the stories behind these documents (near-duplicate texts: they
    are listed, never counted as more evidence)."""
    seen: set[str] = set(document_ids)
    out = []
    for doc_id, copies in sources_store.story_copies(store, document_ids).items():
        for c in copies:
            if c.document_id not in seen:
                seen.add(c.document_id)
                out.append(
                    SyndicatedCopy(
                        document_id=c.document_id,
                        url=c.url,
                        title=c.title,
                        publisher=c.publisher,
                        published=_iso(c.published),
                        copy_of=doc_id,
                    )
                )
    return out


def _link(link: DeploymentLink) -> DocumentLink:
    """A document behind a deployment as JSON."""
    return DocumentLink(
        deployment_id=link.deployment_id,
        document_id=link.document_id,
        country=link.country,
        published=_iso(link.published),
        publisher=link.publisher,
        status=link.status,
        confidence=link.confidence,
        n_claims=link.n_claims,
    )


def state_body(state: rv.ReviewState, reviewer_names: bool = False) -> ReviewStateBody:
    """A review state as JSON, its reviewers' names left out unless ``reviewer_names``."""

    def dispute(d: rv.Dispute) -> DisputeBody:
        # A dispute recorded without a disputer (older events) names its actor as ``by``: a reviewer.
        hidden = not reviewer_names
        return DisputeBody(
            by=None if hidden and d.by == d.actor else d.by,
            source=d.source,
            reason=d.reason,
            actor=None if hidden else d.actor,
            at=d.at.isoformat() if d.at else None,
            event_id=d.event_id,
        )

    return ReviewStateBody(
        target_id=state.target_id,
        target_kind=state.target_kind,
        decision=state.decision,
        edits=dict(state.edits),
        requeued=state.requeued,
        requeue_note=state.requeue_note,
        disputes=[dispute(d) for d in state.disputes],
        n_events=state.n_events,
        last_action=state.last_action,
        last_actor=state.last_actor if reviewer_names else None,
        last_reason=state.last_reason,
        last_at=state.last_at.isoformat() if state.last_at else None,
    )


def event_body(ev: ReviewEvent, reviewer_names: bool = False) -> ReviewEventBody:
    """A review event as JSON; ``actor`` is None unless ``reviewer_names`` (source protection:
    the decision and its reason are public, who took it is not by default)."""
    return ReviewEventBody(
        id=ev.id,
        target_id=ev.target_id,
        target_kind=ev.target_kind,
        action=ev.action,
        actor=ev.actor if reviewer_names else None,
        reason=ev.reason,
        changes=ev.changes,
        source=ev.source,
        created_at=ev.created_at.isoformat() if ev.created_at else None,
    )
