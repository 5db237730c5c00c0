"""What the API and dashboard show of financing (issue 8), as the typed JSON of :mod:`.models`: the deals behind a
deployment and a country (each with the AidData row document, its cited sources, the attribution
and licence), the compact ``financed``/``lenders`` fields of deployment lists, the lender filter,
and the figures with lender -> country flows. Thin shapes over :mod:`countersight.reads.financing`.

Amounts keep their original currency beside AidData's constant-2017 USD; nothing is converted here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from countersight.index.records import record_dict
from countersight.publish.api.finance_models import (
    Attribution,
    Deal,
    DocumentRef,
    FinancingOverview,
    FinancingSummary,
    LenderFlow,
)
from countersight.publish.api.models import DeploymentItem
from countersight.reads.financing import (
    country_financing,
    country_financing_context,
    deployment_financing,
    financing_by_lender_country,
    financing_figures,
    surveillance_financing,
)
from countersight.reference.countries import country_name
from countersight.reference.financiers import resolve_financier
from countersight.reference.loader import load_yaml
from countersight.store import Store
from countersight.store.financing import claim_deployments, deployment_lenders, stored_lenders

# The fields every deal carries, whichever way it came in (finance dataset or extracted from news).
DEAL_FIELDS = (
    "source",
    "project_id",
    "title",
    "lender",
    "lenders",
    "instrument",
    "amount",
    "currency",
    "amount_from_title",
    "amount_usd_2017",
    "amount_nominal_usd",
    "concessional",
    "terms",
    "flow_type",
    "flow_class",
    "status",
    "stage",
    "commitment_year",
    "recommended",
    "claim_id",
    "deployment_id",
    "document",
    "sources",
    "attribution",
    "licence",
)
FLOW_FIELDS = ("lender", "country", "country_name", "deals", "usd_2017")


def _split(lender: str | None) -> list[str]:
    return [x.strip() for x in (lender or "").split(";") if x.strip()]


def _lender_key(name: str) -> str:
    org = resolve_financier(name)
    return (org.name if org else name).strip().casefold()


def lender_values(store: Store, lender: str) -> tuple[str, ...]:
    """The stored ``fin_lender`` strings that name ``lender`` (its canonical name or an alias of a
    registry financier, any case; a joint deal matches each of its funders)."""
    return tuple(v for v in stored_lenders(store) if names_lender(_split(v), lender))


def names_lender(lenders: Iterable[str], lender: str) -> bool:
    """Whether one of ``lenders`` is ``lender`` (canonical name or alias, any case)."""
    want = _lender_key(lender)
    return any(_lender_key(x) == want for x in lenders)


def all_deployment_lenders(store: Store) -> dict[str, list[str]]:
    """Every deployment with a claim stating financing -> its lenders."""
    return deployment_lenders(store)


def add_financing_summary(
    store: Store, rows: list[DeploymentItem], lenders: Mapping[str, list[str]] | None = None
) -> list[DeploymentItem]:
    """Set ``financed`` (a merged claim states financing) and ``lenders`` on deployment rows, in place."""
    if lenders is None:
        lenders = deployment_lenders(store, [r["id"] for r in rows])
    for r in rows:
        r["financed"] = r["id"] in lenders
        r["lenders"] = list(lenders.get(r["id"], ()))
    return rows


def _licence(dataset: str | None) -> str | None:
    info = load_yaml("datasets.yaml").get(dataset or "")
    return str(info["licence"]) if info and info.get("licence") else None


def _document(store: Store, document_id: str | None) -> DocumentRef | None:
    doc = store.get_document(document_id) if document_id else None
    if doc is None:
        return None
    return DocumentRef(
        id=doc.id,
        title=doc.title,
        url=doc.url,
        publisher=doc.publisher,
        published=doc.published.isoformat() if doc.published else None,
        source_kind=doc.source_kind,
        dataset=doc.dataset,
        api=f"/api/documents/{doc.id}",
    )


# JSON: a finance record as reads.financing gives it (``index.financing.record_dict``)
def deal_entry(store: Store, rec: Mapping[str, Any], deployment_id: str | None = None) -> Deal:
    """One deal in the API's shape: a finance-dataset record (``record_dict``) or financing a
    news claim states; the document is AidData's row (or the news text), sources its citations."""
    attrs = rec.get("attrs") or {}
    dataset = rec.get("dataset")
    return Deal(
        source=dataset or rec.get("source"),
        project_id=rec.get("project_id"),
        title=rec.get("title"),
        lender=rec.get("lender"),
        lenders=_split(rec.get("lender")),
        instrument=rec.get("instrument"),
        amount=rec.get("amount"),
        currency=rec.get("currency"),
        amount_from_title=attrs.get("amount_from_title"),
        amount_usd_2017=rec.get("amount_usd_2017"),
        amount_nominal_usd=rec.get("amount_nominal_usd"),
        concessional=rec.get("concessional"),
        terms=rec.get("terms"),
        flow_type=rec.get("flow_type"),
        flow_class=rec.get("flow_class"),
        status=rec.get("status"),
        stage=rec.get("stage"),
        commitment_year=rec.get("commitment_year"),
        recommended=rec.get("recommended"),
        claim_id=rec.get("claim_id"),
        deployment_id=deployment_id,
        document=_document(store, rec.get("document_id")),
        sources=[dict(s) for s in rec.get("sources") or ()],
        attribution=rec.get("attribution"),
        licence=_licence(dataset),
    )


def deployment_deals(store: Store, deployment_id: str) -> list[Deal]:
    """The deals behind one deployment (one per AidData project, then financing from news claims)."""
    return [deal_entry(store, r, deployment_id) for r in deployment_financing(store, deployment_id).as_dicts()]


def country_financing_detail(store: Store, code: str, as_of: dt.date | None = None) -> FinancingSummary:
    """A country's financing: the index's columns, the surveillance deals (each linked to its
    deployment) and the other finance-dataset projects there (context, never deployments)."""
    summary = country_financing(store, as_of, code).get(code)
    records = [record_dict(r) for r in surveillance_financing(store, code, as_of)]
    deps = claim_deployments(store, [r["claim_id"] for r in records if r.get("claim_id")])
    return FinancingSummary(
        financed_deployments=summary.financed_deployments if summary else 0,
        financed_usd_2017=summary.financed_usd_2017 if summary else None,
        lenders=list(summary.lenders) if summary else [],
        instruments=list(summary.instruments) if summary else [],
        deals=[deal_entry(store, r, deps.get(r.get("claim_id") or "")) for r in records],
        context=[
            {
                k: r.get(k)
                for k in (
                    "project_id",
                    "dataset",
                    "title",
                    "lender",
                    "instrument",
                    "amount",
                    "currency",
                    "amount_usd_2017",
                    "commitment_year",
                    "document_id",
                )
            }
            for r in map(record_dict, country_financing_context(store, code))
        ],
    )


def flow_rows(store: Store, as_of: dt.date | None = None) -> list[LenderFlow]:
    """Lender -> recipient flows of surveillance financing, with country names."""
    return [
        LenderFlow(
            lender=r.lender,
            country=r.country,
            deals=r.deals,
            usd_2017=r.usd_2017,
            country_name=country_name(r.country),
        )
        for r in financing_by_lender_country(store, as_of)
    ]


FINANCE_DATASETS = ("aiddata-huawei", "aiddata-gcdf", "aiddata-military")


def attributions(datasets: Iterable[str] = FINANCE_DATASETS) -> list[Attribution]:
    """Citation and licence of the finance datasets (shown wherever their numbers are)."""
    info = load_yaml("datasets.yaml")
    return [
        Attribution(dataset=k, citation=" ".join(str(info[k]["citation"]).split()), licence=str(info[k]["licence"]))
        for k in datasets
        if k in info
    ]


def financing_overview(store: Store, as_of: dt.date | None = None, scope: str = "surveillance") -> FinancingOverview:
    """``/api/financing``: the figures (deals, totals by lender and instrument, share concessional)
    and the lender -> country flows, with the attribution of the data."""
    return FinancingOverview(
        figures=financing_figures(store, as_of, surveillance=scope == "surveillance").as_dict(),
        flows=flow_rows(store, as_of),
        attribution=attributions(),
    )
