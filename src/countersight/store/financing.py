"""SQL for finance-dataset records (schema v5): writing AidData projects idempotently and reading
them back for the index, the figures and the API (financing of a deployment or a country)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any, TypedDict

from sqlalchemy import Connection, RowMapping, select

from countersight.model import Financing, FinancingRecord
from countersight.store import schema
from countersight.store.db import Store

# The claims' financing columns (``fin_<field>``), as :class:`countersight.model.Financing` names them.
FIN_FIELDS = schema.FIN_FIELDS


class FinancingValues(TypedDict):
    """The parameters of one ``financing`` INSERT (the record's financing flattened to columns)."""

    id: str
    dataset: str
    project_id: str
    document_id: str
    claim_id: str | None
    country: str
    title: str
    status: str
    stage: str | None
    commitment_year: int | None
    vendor: str | None
    vendor_country: str | None
    technology: str | None
    tier: int | None
    tier_coded: int | None
    surveillance: bool
    lender: str | None
    instrument: str | None
    amount: float | None
    currency: str | None
    amount_usd_2017: float | None
    amount_nominal_usd: float | None
    concessional: bool | None
    terms: str | None
    text: str | None
    flow_type: str | None
    flow_class: str | None
    recommended: bool
    attrs: dict[str, Any]  # JSON: the financing.attrs column


def financing_row(r: FinancingRecord) -> FinancingValues:
    """The ``financing`` row of a record."""
    f = r.financing
    return {
        "id": r.id,
        "dataset": r.dataset,
        "project_id": r.project_id,
        "document_id": r.document_id,
        "claim_id": r.claim_id,
        "country": r.country,
        "title": r.title,
        "status": r.status,
        "stage": r.stage,
        "commitment_year": r.commitment_year,
        "vendor": r.vendor,
        "vendor_country": r.vendor_country,
        "technology": r.technology,
        "tier": r.tier,
        "tier_coded": r.tier_coded,
        "surveillance": r.surveillance,
        "lender": f.lender,
        "instrument": f.instrument,
        "amount": f.amount,
        "currency": f.currency,
        "amount_usd_2017": f.amount_usd_2017,
        "amount_nominal_usd": r.amount_nominal_usd,
        "concessional": f.concessional,
        "terms": f.terms,
        "text": f.text,
        "flow_type": r.flow_type,
        "flow_class": r.flow_class,
        "recommended": r.recommended,
        "attrs": r.attrs,
    }


def row_financing(row: RowMapping) -> FinancingRecord:
    """A record from a ``financing`` row."""
    return FinancingRecord(
        id=row["id"],
        dataset=row["dataset"],
        project_id=row["project_id"],
        document_id=row["document_id"],
        country=row["country"],
        title=row["title"],
        status=row["status"],
        financing=Financing(
            lender=row["lender"],
            instrument=row["instrument"],
            amount=row["amount"],
            currency=row["currency"],
            text=row["text"],
            amount_usd_2017=row["amount_usd_2017"],
            concessional=row["concessional"],
            terms=row["terms"],
        ),
        stage=row["stage"],
        commitment_year=row["commitment_year"],
        vendor=row["vendor"],
        vendor_country=row["vendor_country"],
        technology=row["technology"],
        tier=row["tier"],
        tier_coded=row["tier_coded"],
        surveillance=bool(row["surveillance"]),
        claim_id=row["claim_id"],
        amount_nominal_usd=row["amount_nominal_usd"],
        flow_type=row["flow_type"],
        flow_class=row["flow_class"],
        recommended=bool(row["recommended"]),
        attrs=dict(row["attrs"] or {}),
    )


def add_financing(store: Store, records: Iterable[FinancingRecord], conn: Connection) -> int:
    """Insert records whose id is new (inside the caller's transaction); return how many."""
    return store.insert_ignore(conn, schema.financing, [financing_row(r) for r in records])


def financing_records(
    store: Store,
    *,
    country: str | None = None,
    surveillance: bool | None = None,
    claim_ids: Iterable[str] | None = None,
    dataset: str | None = None,
) -> Iterator[FinancingRecord]:
    """Stored finance records, optionally filtered, in (country, project, dataset) order."""
    t = schema.financing
    q = select(t).order_by(t.c.country, t.c.project_id, t.c.dataset)
    if country is not None:
        q = q.where(t.c.country == country)
    if surveillance is not None:
        q = q.where(t.c.surveillance == surveillance)
    if dataset is not None:
        q = q.where(t.c.dataset == dataset)
    if claim_ids is not None:
        ids = sorted(set(claim_ids))
        if not ids:
            return
        q = q.where(t.c.claim_id.in_(ids))
    with store.engine.connect() as conn:
        rows = list(conn.execute(q).mappings())
    for row in rows:
        yield row_financing(row)


def claim_deployments(store: Store, claim_ids: Iterable[str]) -> dict[str, str | None]:
    """The deployment each claim was merged into (None before resolution)."""
    ids = sorted(set(claim_ids))
    if not ids:
        return {}
    c = schema.claims
    with store.engine.connect() as conn:
        return {cid: dep for cid, dep in conn.execute(select(c.c.id, c.c.deployment_id).where(c.c.id.in_(ids)))}


def deployment_claim_ids(store: Store, deployment_id: str) -> list[str]:
    """The claims merged into one deployment."""
    c = schema.claims
    with store.engine.connect() as conn:
        return list(conn.execute(select(c.c.id).where(c.c.deployment_id == deployment_id).order_by(c.c.id)).scalars())


def claim_financing(store: Store, claim_ids: Iterable[str]) -> list[tuple[str, str, str, Financing]]:
    """(claim id, source, document id, financing) of the claims that state any financing."""
    ids = sorted(set(claim_ids))
    if not ids:
        return []
    c = schema.claims
    fields = FIN_FIELDS
    cols = [c.c[f"fin_{f}"] for f in fields]
    q = select(c.c.id, c.c.source, c.c.document_id, *cols).where(c.c.id.in_(ids)).order_by(c.c.id)
    out = []
    with store.engine.connect() as conn:
        for row in conn.execute(q):
            values = dict(zip(fields, row[3:], strict=True))
            if any(v is not None for v in values.values()):
                out.append((row[0], row[1], row[2], Financing(**values)))
    return out


def claim_states_financing() -> Any:
    """SQL condition: a claim states some financing (any ``fin_*`` column set), as :func:`claim_financing`
    (the condition of the partial index ``ix_claims_financing``, so that the planner can use it)."""
    return schema.CLAIM_STATES_FINANCING


def financed_deployment_ids(lender_values: Iterable[str] | None = None) -> Any:
    """SQL subquery: ids of deployments with a claim stating financing (of one of ``lender_values``,
    the stored ``fin_lender`` strings, when given)."""
    c = schema.claims
    q = select(c.c.deployment_id).where(c.c.deployment_id.is_not(None), claim_states_financing())
    if lender_values is not None:
        q = q.where(c.c.fin_lender.in_(sorted(set(lender_values))))
    return q


def stored_lenders(store: Store) -> list[str]:
    """Every distinct ``fin_lender`` value claims carry (several funders are joined by "; ")."""
    c = schema.claims
    with store.engine.connect() as conn:
        q = select(c.c.fin_lender).where(claim_states_financing(), c.c.fin_lender.is_not(None)).distinct()
        return sorted(conn.execute(q).scalars())


def deployment_lenders(store: Store, deployment_ids: Iterable[str] | None = None) -> dict[str, list[str]]:
    """Deployments with a claim stating financing -> their lenders (sorted; empty when no claim names
    one). Every financed deployment when ``deployment_ids`` is None."""
    c = schema.claims
    q = select(c.c.deployment_id, c.c.fin_lender).where(c.c.deployment_id.is_not(None), claim_states_financing())
    out: dict[str, set[str]] = {}
    with store.engine.connect() as conn:
        if deployment_ids is None:
            rows = list(conn.execute(q))
        else:
            ids, rows = sorted(set(deployment_ids)), []
            for i in range(0, len(ids), 500):
                rows += list(conn.execute(q.where(c.c.deployment_id.in_(ids[i : i + 500]))))
    for dep, lender in rows:
        out.setdefault(dep, set()).update(x.strip() for x in (lender or "").split(";") if x.strip())
    return {dep: sorted(lenders) for dep, lenders in out.items()}
