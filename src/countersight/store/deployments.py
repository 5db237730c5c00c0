"""SQL for resolution, review and the index: the light claim and document rows merging needs,
writing deployments and their document links (only what changed), and the reads the index
replays. Resolution reads typed rows (:mod:`countersight.resolve.records`) and writes
:class:`ResolvedDeployment` records and merge :class:`Link` records; reads return typed rows
(:mod:`countersight.records`): the API's :class:`StoredDeployment`, the index's tuples."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from typing import Any

from sqlalchemy import Connection, String, bindparam, case, cast, delete, func, select, update

from countersight.model import Organization
from countersight.records import (
    DeploymentLink,
    DeploymentRow,
    MilitaryExpenditure,
    Regime,
    ReplayTuple,
    StoredDeployment,
)
from countersight.resolve.merge import Link
from countersight.resolve.records import ClaimRow, DocumentRow, ResolvedDeployment
from countersight.store import schema
from countersight.store.db import Store
from countersight.store.rows import organization_row

CLAIM_COLUMNS = (
    "id",
    "document_id",
    "source",
    "country",
    "vendor",
    "vendor_raw",
    "vendor_country",
    "technology",
    "status",
    "confidence",
    "city",
    "agency",
    "start_year",
    "end_year",
    "deployment_id",
)
DEPLOYMENT_COLUMNS = tuple(c.name for c in schema.deployments.columns)
LINK_COLUMNS = (
    "deployment_id",
    "document_id",
    "country",
    "published",
    "publisher",
    "status",
    "confidence",
    "n_claims",
)
_BATCH = 2000
# Every column of a deployment, in the order of :class:`StoredDeployment`'s fields.
_SELECT_DEPLOYMENTS = select(*(schema.deployments.c[n] for n in StoredDeployment._fields))


def iter_claim_rows(store: Store) -> Iterator[ClaimRow]:
    """Every claim's light columns (no evidence, no text), in id order."""
    c = schema.claims
    q = select(*[c.c[n] for n in CLAIM_COLUMNS]).order_by(c.c.id)
    with store.engine.connect() as conn:
        result = conn.execution_options(stream_results=True, yield_per=50_000).execute(q)
        for row in result:
            yield ClaimRow(*row)


def pending_claim_rows(store: Store) -> list[ClaimRow]:
    """Claims no deployment holds yet (added since the last resolution), as :func:`iter_claim_rows`."""
    c = schema.claims
    q = select(*[c.c[n] for n in CLAIM_COLUMNS]).where(c.c.deployment_id.is_(None)).order_by(c.c.id)
    with store.engine.connect() as conn:
        return [ClaimRow(*r) for r in conn.execute(q)]


def claim_rows_of_deployments(store: Store, deployment_ids: Collection[str]) -> list[ClaimRow]:
    """The claims merged into these deployments, as :func:`iter_claim_rows`."""
    c = schema.claims
    q = select(*[c.c[n] for n in CLAIM_COLUMNS])
    ids = sorted(deployment_ids)
    out: list[ClaimRow] = []
    with store.engine.connect() as conn:
        for i in range(0, len(ids), _BATCH):
            out += [ClaimRow(*r) for r in conn.execute(q.where(c.c.deployment_id.in_(ids[i : i + _BATCH])))]
    return sorted(out)


def deployment_ids_for_keys(
    store: Store, keys: Collection[tuple[str, str, str]], supplier_key: Callable[[str | None, str | None], str]
) -> set[str]:
    """Ids of the stored deployments whose merge key (country, supplier key, technology or "") is
    one of ``keys``: read per country (indexed), compared here."""
    d = schema.deployments
    countries = sorted({k[0] for k in keys})
    wanted = set(keys)
    out: set[str] = set()
    q = select(d.c.id, d.c.country, d.c.vendor, d.c.vendor_country, d.c.technology)
    with store.engine.connect() as conn:
        for i in range(0, len(countries), _BATCH):
            for dep_id, country, vendor, vendor_country, tech in conn.execute(
                q.where(d.c.country.in_(countries[i : i + _BATCH]))
            ):
                if (country, supplier_key(vendor, vendor_country), tech or "") in wanted:
                    out.add(dep_id)
    return out


def document_rows(store: Store, ids: Collection[str] | None = None) -> list[DocumentRow]:
    """Every document (or those of ``ids``) as resolution needs it: date, publisher, URL, dataset."""
    d = schema.documents
    q = select(d.c.id, d.c.published, d.c.publisher, d.c.url, d.c.dataset)
    with store.engine.connect() as conn:
        if ids is None:
            return [DocumentRow(*r) for r in conn.execute(q)]
        wanted = sorted(ids)
        out = []
        for i in range(0, len(wanted), _BATCH):
            out += [DocumentRow(*r) for r in conn.execute(q.where(d.c.id.in_(wanted[i : i + _BATCH])))]
        return out


def _deployment_row(resolved: ResolvedDeployment) -> StoredDeployment:
    """The ``deployments`` row of a merged deployment."""
    dep = resolved.deployment
    return StoredDeployment(
        id=dep.id,
        country=dep.country,
        technology=dep.technology,
        vendor=dep.vendor,
        vendor_country=dep.vendor_country,
        status=dep.status,
        confidence=dep.confidence,
        first_seen=dep.first_seen,
        last_seen=dep.last_seen,
        start_year=dep.start_year,
        end_year=dep.end_year,
        city=dep.city,
        agency=dep.agency,
        n_claims=resolved.n_claims,
        n_documents=resolved.n_documents,
        n_publishers=resolved.n_publishers,
        attrs=dict(resolved.attrs),
    )


def _link_row(lk: Link) -> DeploymentLink:
    """The ``deployment_documents`` row of a merge link."""
    return DeploymentLink(
        deployment_id=lk.deployment_id,
        document_id=lk.document_id,
        country=lk.country,
        published=lk.date,
        publisher=lk.publisher,
        status=lk.status,
        confidence=lk.confidence,
        n_claims=lk.n_claims,
    )


def _scoped(conn: Connection, q: Any, column: Any, scope: Sequence[str] | None) -> list[Any]:
    """Rows of ``q`` (all, or those whose ``column`` is in ``scope``, read in batches)."""
    if scope is None:
        return list(conn.execute(q))
    out: list[Any] = []
    for i in range(0, len(scope), _BATCH):
        out += list(conn.execute(q.where(column.in_(list(scope[i : i + _BATCH])))))
    return out


def write_resolution(
    store: Store,
    deployments: Sequence[ResolvedDeployment],
    links: Sequence[Link],
    assignments: Iterable[tuple[str, str | None]],
    conn: Connection | None = None,
    scope: Sequence[str] | None = None,
) -> dict[str, int]:
    """Make the deployments, their document links and each claim's ``deployment_id`` equal to the
    given ones, touching only rows that differ. ``assignments`` are (claim id, deployment id) pairs
    for the claims whose deployment changed. ``scope`` limits the comparison (and removals) to
    those deployment ids (an incremental resolution); None means every deployment.
    Returns counts of rows inserted, updated, deleted."""
    if conn is None:
        with store.transaction() as tx:
            return write_resolution(store, deployments, links, assignments, tx, scope)
    d, lk, c = schema.deployments, schema.deployment_documents, schema.claims
    stats = {
        "deployments_new": 0,
        "deployments_changed": 0,
        "deployments_removed": 0,
        "links_new": 0,
        "links_removed": 0,
        "links_changed": 0,
        "claims_reassigned": 0,
    }
    existing = {r.id: StoredDeployment(*r) for r in _scoped(conn, _SELECT_DEPLOYMENTS, d.c.id, scope)}
    wanted = {r.id: r for r in map(_deployment_row, deployments)}
    gone = sorted(set(existing) - set(wanted))
    for i in range(0, len(gone), _BATCH):
        conn.execute(delete(d).where(d.c.id.in_(gone[i : i + _BATCH])))
    stats["deployments_removed"] = len(gone)
    new_rows = [r for k, r in wanted.items() if k not in existing]
    store.insert_ignore(conn, d, [r._asdict() for r in new_rows])
    stats["deployments_new"] = len(new_rows)
    changed = [r for k, r in wanted.items() if k in existing and r != existing[k]]
    if changed:
        cols = [n for n in DEPLOYMENT_COLUMNS if n != "id"]
        stmt = update(d).where(d.c.id == bindparam("_id")).values({n: bindparam(n) for n in cols})
        for i in range(0, len(changed), _BATCH):
            conn.execute(stmt, [{**r._asdict(), "_id": r.id} for r in changed[i : i + _BATCH]])
    stats["deployments_changed"] = len(changed)

    old_links = {
        (r[0], r[1]): r for r in _scoped(conn, select(*[lk.c[n] for n in LINK_COLUMNS]), lk.c.deployment_id, scope)
    }
    want_links = {(r.deployment_id, r.document_id): r for r in map(_link_row, links)}
    drop = [k for k in old_links if k not in want_links]
    for dep_id, doc_id in drop:
        conn.execute(delete(lk).where(lk.c.deployment_id == dep_id, lk.c.document_id == doc_id))
    stats["links_removed"] = len(drop)
    add = [r for k, r in want_links.items() if k not in old_links]
    store.insert_ignore(conn, lk, [r._asdict() for r in add])
    stats["links_new"] = len(add)
    upd = [r for k, r in want_links.items() if k in old_links and r != tuple(old_links[k])]
    if upd:
        cols = [n for n in LINK_COLUMNS if n not in ("deployment_id", "document_id")]
        stmt = (
            update(lk)
            .where(lk.c.deployment_id == bindparam("_dep"), lk.c.document_id == bindparam("_doc"))
            .values({n: bindparam(n) for n in cols})
        )
        for i in range(0, len(upd), _BATCH):
            conn.execute(
                stmt,
                [{**r._asdict(), "_dep": r.deployment_id, "_doc": r.document_id} for r in upd[i : i + _BATCH]],
            )
    stats["links_changed"] = len(upd)

    pairs = [{"_cid": cid, "deployment_id": did} for cid, did in assignments]
    stmt = update(c).where(c.c.id == bindparam("_cid")).values(deployment_id=bindparam("deployment_id"))
    for i in range(0, len(pairs), _BATCH):
        conn.execute(stmt, pairs[i : i + _BATCH])
    stats["claims_reassigned"] = len(pairs)
    return stats


def deployment_rows(
    store: Store,
    ids: Sequence[str] | None = None,
    country: str | None = None,
    vendors: Sequence[str] | None = None,
    technology: str | None = None,
) -> list[StoredDeployment]:
    """Stored deployments (every column), optionally narrowed, in id order."""
    d = schema.deployments
    q = _SELECT_DEPLOYMENTS.order_by(d.c.id)
    if country:
        q = q.where(d.c.country == country)
    if vendors is not None:
        q = q.where(d.c.vendor.in_(list(vendors)))
    if technology:
        q = q.where(d.c.technology == technology)
    with store.engine.connect() as conn:
        if ids is None:
            return [StoredDeployment(*r) for r in conn.execute(q)]
        out: list[StoredDeployment] = []
        id_list = list(ids)
        for i in range(0, len(id_list), _BATCH):
            out += [StoredDeployment(*r) for r in conn.execute(q.where(d.c.id.in_(id_list[i : i + _BATCH])))]
        return sorted(out, key=lambda r: r.id)


VIEW_COLUMNS = (
    "id",
    "country",
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
)


def deployment_tuples(
    store: Store,
    country: str | None = None,
    with_sources: bool = False,
    vendors: Collection[str] | None = None,
    technology: str | None = None,
    status: str | None = None,
) -> list[DeploymentRow]:
    """Deployments in id order, optionally narrowed (by country, vendor names, technology and
    stored status): the index's read of every deployment, without the attributes JSON unless
    ``with_sources`` (then each row carries its cited sources)."""
    d = schema.deployments
    cols = [d.c[n] for n in VIEW_COLUMNS] + ([d.c.attrs] if with_sources else [])
    q = select(*cols).order_by(d.c.id)
    if country:
        q = q.where(d.c.country == country)
    if vendors is not None:
        q = q.where(d.c.vendor.in_(sorted(vendors)))
    if technology:
        q = q.where(d.c.technology == technology)
    if status:
        q = q.where(d.c.status == status)
    with store.engine.connect() as conn:
        rows = conn.execute(q).all()
    make = DeploymentRow
    if not with_sources:
        return [make(*r) for r in rows]
    return [make._make((*r[:16], tuple((r[16] or {}).get("sources") or ()))) for r in rows]


def superseded_ids(store: Store, ids: Sequence[str] | None = None) -> dict[str, list[str]]:
    """Deployment id -> ids it superseded (whose review trail it carries), for those (of all, or
    of ``ids``) that have any."""
    d = schema.deployments
    out: dict[str, list[str]] = {}
    with store.engine.connect() as conn:
        for dep_id, attrs in _scoped(conn, select(d.c.id, d.c.attrs), d.c.id, ids):
            old = (attrs or {}).get("supersedes")
            if old:
                out[dep_id] = list(old)
    return out


def link_rows(
    store: Store,
    as_of: dt.date | None = None,
    country: str | None = None,
    deployment_ids: Sequence[str] | None = None,
) -> list[DeploymentLink]:
    """Deployment-document links, optionally only those dated on or before ``as_of`` (undated
    links never count as of a date)."""
    lk = schema.deployment_documents
    q = select(*[lk.c[n] for n in LINK_COLUMNS])
    if as_of is not None:
        q = q.where(lk.c.published <= as_of)
    if country:
        q = q.where(lk.c.country == country)
    with store.engine.connect() as conn:
        if deployment_ids is None:
            return [DeploymentLink(*r) for r in conn.execute(q)]
        ids = list(deployment_ids)
        out: list[DeploymentLink] = []
        for i in range(0, len(ids), _BATCH):
            out += [DeploymentLink(*r) for r in conn.execute(q.where(lk.c.deployment_id.in_(ids[i : i + _BATCH])))]
        return out


def replay_rows(store: Store, as_of: dt.date, country: str | None = None) -> Sequence[ReplayTuple]:
    """What the as-of replay needs of each link dated on or before ``as_of``. Dates come back as text on
    both backends (ISO strings order like dates) and without SQLAlchemy type processing: this
    read is the hot path of ``index --as-of`` over a million links."""
    lk = schema.deployment_documents
    q = select(
        lk.c.deployment_id,
        cast(lk.c.published, String),
        lk.c.publisher,
        lk.c.status,
        lk.c.confidence,
        lk.c.n_claims,
    ).where(lk.c.published <= as_of)
    if country:
        q = q.where(lk.c.country == country)
    with store.engine.connect() as conn:
        return conn.execute(q).all()


def country_document_counts(
    store: Store,
    as_of: dt.date | None = None,
    exclude: Sequence[str] = (),
    moved: Mapping[str, str] | None = None,
    country: str | None = None,
) -> dict[str, tuple[int, int]]:
    """Per country: distinct documents and distinct publishers behind its deployments (links
    dated by ``as_of``), leaving out the ``exclude``d deployments and counting ``moved`` ones
    (deployment id -> country a reviewer set) under their new country.

    Two queries, one per distinct count, so that each is answered from its covering index."""
    lk = schema.deployment_documents
    country_col: Any = lk.c.country
    if moved:
        country_col = case(dict(moved), value=lk.c.deployment_id, else_=lk.c.country)
    label = country_col.label("c")
    result: dict[str, list[int]] = {}
    with store.engine.connect() as conn:
        for k, column in enumerate((lk.c.document_id, lk.c.publisher)):
            q = select(label, func.count(column.distinct())).group_by(label)
            if as_of is not None:
                q = q.where(lk.c.published <= as_of)
            if exclude:
                q = q.where(lk.c.deployment_id.not_in(list(exclude)))
            if country and not moved:
                q = q.where(lk.c.country == country)
            for code, n in conn.execute(q):
                result.setdefault(code, [0, 0])[k] = int(n)
    return {k: (v[0], v[1]) for k, v in result.items() if not country or k == country}


def deployment_claim_ids(store: Store, deployment_id: str) -> list[str]:
    """Ids of the claims merged into a deployment."""
    c = schema.claims
    with store.engine.connect() as conn:
        return [r[0] for r in conn.execute(select(c.c.id).where(c.c.deployment_id == deployment_id).order_by(c.c.id))]


def deployment_exists(store: Store, deployment_id: str) -> bool:
    """True when the deployment id is stored."""
    d = schema.deployments
    with store.engine.connect() as conn:
        return conn.execute(select(d.c.id).where(d.c.id == deployment_id)).first() is not None


def regimes_for_year(store: Store, year: int) -> dict[str, Regime]:
    """Per country: the latest V-Dem regime row at or before ``year``."""
    t = schema.regimes
    latest = select(t.c.country, func.max(t.c.year).label("y")).where(t.c.year <= year).group_by(t.c.country).subquery()
    q = select(t.c.country, t.c.regime, t.c.label, t.c.year).join(
        latest, (latest.c.country == t.c.country) & (latest.c.y == t.c.year)
    )
    with store.engine.connect() as conn:
        return {r[0]: Regime(r[1], r[2], r[3]) for r in conn.execute(q)}


def military_for_year(store: Store, year: int) -> dict[str, MilitaryExpenditure]:
    """Per country: the latest military-expenditure row at or before ``year``."""
    t = schema.military_expenditure
    latest = select(t.c.country, func.max(t.c.year).label("y")).where(t.c.year <= year).group_by(t.c.country).subquery()
    q = select(t.c.country, t.c.pct_gdp, t.c.year).join(
        latest, (latest.c.country == t.c.country) & (latest.c.y == t.c.year)
    )
    with store.engine.connect() as conn:
        return {r[0]: MilitaryExpenditure(float(r[1]), int(r[2])) for r in conn.execute(q)}


def governance_years(store: Store) -> tuple[int | None, int | None]:
    """The latest year of the regime table and of the military-expenditure table."""
    with store.engine.connect() as conn:
        r = conn.execute(select(func.max(schema.regimes.c.year))).scalar()
        m = conn.execute(select(func.max(schema.military_expenditure.c.year))).scalar()
    return (int(r) if r is not None else None, int(m) if m is not None else None)


def upsert_organizations(store: Store, organizations: Sequence[Organization], conn: Connection) -> int:
    """Insert organizations that are not stored yet (by id); return how many were new."""
    return store.insert_ignore(conn, schema.organizations, [organization_row(o) for o in organizations])


def unresolved_claim_ids(store: Store, limit: int = 100_000) -> list[str]:
    """Ids of claims no deployment holds (e.g. stored by a run killed before it resolved), at most ``limit``."""
    c = schema.claims
    with store.engine.connect() as conn:
        return list(conn.execute(select(c.c.id).where(c.c.deployment_id.is_(None)).limit(limit)).scalars())
