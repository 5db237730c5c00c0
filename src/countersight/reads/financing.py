"""Financing read from the store and computed by :mod:`countersight.index.financing`: per
country, per deployment, the headline figures and the lender -> recipient flows."""

from __future__ import annotations

import datetime as dt

from countersight.index import financing as fin
from countersight.index.financing import CountryFinancing
from countersight.index.records import DeploymentFinancing, FinancingFigures, LenderFlow
from countersight.model import FinancingRecord
from countersight.store import Store
from countersight.store import financing as fstore


def financing_figures(store: Store, as_of: dt.date | None = None, surveillance: bool = True) -> FinancingFigures:
    """The financing section of ``countersight figures``: surveillance deals (or, with
    ``surveillance=False``, all finance-dataset projects) with known financing."""
    records = fstore.financing_records(store, surveillance=True if surveillance else None)
    return fin.financing_figures(records, as_of, surveillance)


def country_financing(
    store: Store, as_of: dt.date | None = None, country: str | None = None
) -> dict[str, CountryFinancing]:
    """Per country: deployments with known financing, their total in 2017 USD (each project once),
    lenders and instruments. Only surveillance records (those that became claims)."""
    records = list(fstore.financing_records(store, surveillance=True, country=country))
    deployments = fstore.claim_deployments(store, [r.claim_id for r in records if r.claim_id])
    return fin.country_financing(records, deployments, as_of)


def deployment_financing(store: Store, deployment_id: str) -> DeploymentFinancing:
    """The financing behind one deployment: one record per AidData project (with its cited
    sources and attribution), and any financing extracted from news claims."""
    claim_ids = fstore.deployment_claim_ids(store, deployment_id)
    records = fstore.financing_records(store, claim_ids=claim_ids)
    return fin.deployment_financing(records, fstore.claim_financing(store, claim_ids))


def surveillance_financing(
    store: Store, country: str | None = None, as_of: dt.date | None = None
) -> list[FinancingRecord]:
    """Financed surveillance deals, one record per AidData project (its most complete), by project id."""
    records = fstore.financing_records(store, country=country, surveillance=True)
    return fin.one_per_project(records, as_of)


def country_financing_context(store: Store, country: str) -> list[FinancingRecord]:
    """Finance-dataset projects in a country that are not about surveillance (grants, training,
    supplier's credits): context for the vendor and country, never counted as deployments."""
    records = fstore.financing_records(store, country=country, surveillance=False)
    return fin.one_per_project(records)


def financing_by_lender_country(store: Store, as_of: dt.date | None = None) -> list[LenderFlow]:
    """Lender -> recipient flows of surveillance financing (for a flow diagram): deals and 2017 USD."""
    return fin.financing_by_lender_country(fstore.financing_records(store, surveillance=True), as_of)
