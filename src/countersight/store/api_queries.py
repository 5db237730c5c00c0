"""The SQL behind the HTTP API's lists: deployments filtered, sorted and cut into pages by a keyset
cursor (stable order: the sort key, then the id), per-vendor and per-flow counts, and the rows a
deployment or document page shows. Review state is applied above this layer (resolve.review)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Date, and_, func, literal, or_, select

from countersight.records import DocumentEvidence, MergedClaim, StoredDeployment, SupplyFlow
from countersight.store import schema
from countersight.store.db import Store
from countersight.store.financing import financed_deployment_ids

SORT_KEYS = ("id", "confidence", "first_seen", "last_seen", "country", "vendor", "technology")
_NULL_DATE = dt.date(1, 1, 1)


@dataclass(frozen=True)
class DeploymentQuery:
    """Filters on stored deployments (None = any). ``include_ids`` / ``exclude_ids`` narrow by
    review state computed by the caller; ``extra_ids`` are always considered (deployments whose
    fields a reviewer edited: the caller re-filters them after applying the edits)."""

    country: str | None = None
    vendors: tuple[str, ...] | None = None
    supplier_country: str | None = None
    technology: str | None = None
    status: str | None = None
    min_confidence: float | None = None
    since: dt.date | None = None
    until: dt.date | None = None
    q: str | None = None
    include_ids: frozenset[str] | None = None
    exclude_ids: frozenset[str] = frozenset()
    extra_ids: frozenset[str] = frozenset()
    # Financing is not editable by review, so these apply to ``extra_ids`` too.
    financed: bool | None = None
    lender_values: tuple[str, ...] | None = None  # stored fin_lender strings naming the wanted lender


def _sort_column(key: str) -> Any:
    d = schema.deployments
    if key in ("first_seen", "last_seen"):
        return func.coalesce(d.c[key], literal(_NULL_DATE, Date))
    if key == "confidence":
        return d.c.confidence  # NOT NULL: bare, so that the (confidence, id) index serves the order
    if key in ("vendor", "technology"):
        return func.coalesce(d.c[key], "")
    return d.c[key]


def like_escape(text: str) -> str:
    """``text`` for a LIKE pattern with ``\\`` as the escape character: its ``%`` and ``_``
    match themselves."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def cursor_value(key: str, value: Any) -> Any:
    """A row's sort value as the cursor carries it (JSON-ready, NULLs as the sort's sentinel)."""
    if key in ("first_seen", "last_seen"):
        return (value or _NULL_DATE).isoformat() if not isinstance(value, str) else value
    if key == "confidence":
        return -1.0 if value is None else float(value)
    return "" if value is None else value


def _from_cursor(key: str, value: Any) -> Any:
    if key in ("first_seen", "last_seen"):
        return dt.date.fromisoformat(str(value))
    if key == "confidence":
        return float(value)
    return str(value)


def _where(query: DeploymentQuery) -> list[Any]:
    d = schema.deployments
    conds: list[Any] = []
    if query.country:
        conds.append(d.c.country == query.country)
    if query.vendors is not None:
        conds.append(d.c.vendor.in_(list(query.vendors)))
    if query.supplier_country:
        conds.append(d.c.vendor_country == query.supplier_country)
    if query.technology:
        conds.append(d.c.technology == query.technology)
    if query.status:
        conds.append(d.c.status == query.status)
    if query.min_confidence is not None:
        conds.append(d.c.confidence >= query.min_confidence)
    if query.since:
        conds.append(func.coalesce(d.c.last_seen, d.c.first_seen) >= query.since)
    if query.until:
        conds.append(func.coalesce(d.c.first_seen, d.c.last_seen) <= query.until)
    if query.q:
        # The user's text matches literally: % and _ are escaped, not wildcards.
        like = "%" + like_escape(query.q.casefold()) + "%"
        conds.append(
            or_(
                *[
                    func.lower(func.coalesce(d.c[n], "")).like(like, escape="\\")
                    for n in ("vendor", "city", "agency", "technology", "country")
                ]
            )
        )
    if query.include_ids is not None:
        conds.append(d.c.id.in_(sorted(query.include_ids)))
    if query.exclude_ids:
        conds.append(d.c.id.not_in(sorted(query.exclude_ids)))
    return conds


def _financing_where(query: DeploymentQuery) -> list[Any]:
    d = schema.deployments
    conds: list[Any] = []
    if query.financed is True:
        conds.append(d.c.id.in_(financed_deployment_ids()))
    elif query.financed is False:
        conds.append(d.c.id.not_in(financed_deployment_ids()))
    if query.lender_values is not None:
        conds.append(d.c.id.in_(financed_deployment_ids(query.lender_values)))
    return conds


def deployment_page(
    store: Store,
    query: DeploymentQuery,
    sort: str = "id",
    descending: bool = False,
    after: tuple[Any, str] | None = None,
    limit: int | None = 50,
) -> list[StoredDeployment]:
    """Stored deployment rows matching ``query`` (or in ``extra_ids``), in (sort key, id) order
    (both reversed when ``descending``), starting after the cursor ``after`` = (sort value, id);
    ``limit`` None for all."""
    if sort not in SORT_KEYS:
        raise ValueError(f"unknown sort {sort!r}; choose from {', '.join(SORT_KEYS)}")
    d = schema.deployments
    key = _sort_column(sort)
    conds = _where(query)
    stmt = select(*(d.c[n] for n in StoredDeployment._fields))
    if conds:
        matched = and_(*conds)
        stmt = stmt.where(or_(matched, d.c.id.in_(sorted(query.extra_ids))) if query.extra_ids else matched)
    for cond in _financing_where(query):
        stmt = stmt.where(cond)
    if after is not None:
        value, last_id = _from_cursor(sort, after[0]), after[1]
        # Descending sorts break ties by descending id too: one direction, so an index on
        # (key, id) read backwards serves both the order and the keyset condition.
        if sort == "id":
            stmt = stmt.where(d.c.id < last_id if descending else d.c.id > last_id)
        elif descending:
            stmt = stmt.where(or_(key < value, and_(key == value, d.c.id < last_id)))
        else:
            stmt = stmt.where(or_(key > value, and_(key == value, d.c.id > last_id)))
    if sort == "id":
        stmt = stmt.order_by(d.c.id.desc() if descending else d.c.id)
    else:
        stmt = stmt.order_by(key.desc(), d.c.id.desc()) if descending else stmt.order_by(key, d.c.id)
    if limit is not None:
        stmt = stmt.limit(limit)
    with store.engine.connect() as conn:
        return [StoredDeployment(*r) for r in conn.execute(stmt)]


def vendor_deployment_counts(store: Store) -> dict[str, tuple[int, int]]:
    """Per vendor name: (deployments, distinct recipient countries)."""
    d = schema.deployments
    q = (
        select(d.c.vendor, func.count(), func.count(d.c.country.distinct()))
        .where(d.c.vendor.is_not(None))
        .group_by(d.c.vendor)
    )
    with store.engine.connect() as conn:
        return {r[0]: (int(r[1]), int(r[2])) for r in conn.execute(q)}


def countries_present(store: Store, codes: Sequence[str]) -> set[str]:
    """Which of ``codes`` have at least one deployment (one indexed lookup each)."""
    d = schema.deployments
    found: set[str] = set()
    with store.engine.connect() as conn:
        for code in codes:
            if conn.execute(select(d.c.id).where(d.c.country == code).limit(1)).first():
                found.add(code)
    return found


def flows(store: Store, supplier_country: str | None = None) -> list[SupplyFlow]:
    """Supplier country -> recipient country -> technology: how many stored deployments."""
    d = schema.deployments
    origin = func.coalesce(d.c.vendor_country, "unknown").label("supplier_country")
    tech = func.coalesce(d.c.technology, "unspecified").label("technology")
    q = select(origin, d.c.country, tech, func.count().label("deployments")).group_by(origin, d.c.country, tech)
    if supplier_country:
        q = q.where(d.c.vendor_country == supplier_country)
    q = q.order_by(origin, d.c.country, tech)
    with store.engine.connect() as conn:
        return [SupplyFlow._make(r) for r in conn.execute(q)]


def deployment_claims(store: Store, deployment_id: str) -> list[MergedClaim]:
    """The claims merged into a deployment: source, extractor, status, confidence, vendor as named,
    and the extractor's attributes (the model version and the reasons for a learned claim)."""
    c = schema.claims
    cols = [
        c.c[n]
        for n in (
            "id",
            "document_id",
            "source",
            "extractor",
            "extractor_version",
            "vendor",
            "vendor_raw",
            "status",
            "confidence",
            "start_year",
            "end_year",
            "attrs",
        )
    ]
    q = select(*cols).where(c.c.deployment_id == deployment_id).order_by(c.c.id)
    with store.engine.connect() as conn:
        return [MergedClaim._make(r) for r in conn.execute(q)]


def document_evidence(store: Store, document_id: str) -> list[DocumentEvidence]:
    """Evidence quoted from one document, with its claim's deployment, country, vendor, technology."""
    e, c = schema.evidence, schema.claims
    q = (
        select(
            e.c.id,
            e.c.quote,
            e.c.start,
            e.c.end,
            e.c.page,
            e.c.sheet,
            e.c.row,
            e.c.column,
            e.c.claim_id,
            c.c.deployment_id,
            c.c.country,
            c.c.vendor,
            c.c.technology,
            c.c.status,
        )
        .join(c, c.c.id == e.c.claim_id)
        .where(e.c.document_id == document_id)
        .order_by(e.c.start, e.c.id)
    )
    with store.engine.connect() as conn:
        return [DocumentEvidence._make(r) for r in conn.execute(q)]


def schema_versions(store: Store) -> list[int]:
    """The migration versions applied to the database."""
    t = schema.schema_version
    with store.engine.connect() as conn:
        return sorted(int(v) for v in conn.execute(select(t.c.version)).scalars())


def review_targets(store: Store, actions: Sequence[str]) -> set[str]:
    """Ids that have at least one review event with one of ``actions``."""
    t = schema.review_events
    with store.engine.connect() as conn:
        return set(conn.execute(select(t.c.target_id).where(t.c.action.in_(list(actions))).distinct()).scalars())
