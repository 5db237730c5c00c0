"""Hand-made records for the pure index tests: deployment views, index rows, AIGS row documents,
claims and finance records (no store)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from countersight.index.compute import IndexRow
from countersight.index.deployments import DeploymentView
from countersight.model import Claim, Document, Evidence, Financing, FinancingRecord, Status


def view(
    dep_id: str,
    country: str = "KEN",
    technology: str | None = "safe_city",
    vendor: str | None = "Huawei",
    vendor_country: str | None = "CHN",
    status: str = "reported",
    first_seen: dt.date | None = dt.date(2018, 1, 1),
    last_seen: dt.date | None = dt.date(2018, 6, 1),
    n_documents: int = 1,
    n_publishers: int = 1,
    confidence: float = 0.8,
    review: str = "unreviewed",
    disputed: bool = False,
    vendor_group: str | None = None,
    country_edited: bool = False,
) -> DeploymentView:
    """A deployment view with plausible defaults."""
    return DeploymentView(
        id=dep_id,
        country=country,
        technology=technology,
        vendor=vendor,
        vendor_group=vendor_group or vendor,
        vendor_country=vendor_country,
        status=status,
        confidence=confidence,
        first_seen=first_seen,
        last_seen=last_seen,
        start_year=None,
        end_year=None,
        city=None,
        agency=None,
        n_documents=n_documents,
        n_publishers=n_publishers,
        n_claims=1,
        review=review,
        disputed=disputed,
        requeued=False,
        sources=(),
        country_edited=country_edited,
    )


def index_row(
    country: str,
    technologies: dict[str, int] | None = None,
    supplier_origins: dict[str, int] | None = None,
    vendors: tuple[str, ...] = (),
    unspecified: int = 0,
    regime: str | None = None,
    edition: str = "live",
    **extra: Any,
) -> IndexRow:
    """An index row: deployments are its technologies plus the unspecified ones."""
    techs = technologies or {}
    n = sum(techs.values()) + unspecified
    return IndexRow(
        country=country,
        name=country,
        edition=edition,
        as_of=None,
        deployments=n,
        technologies=techs,
        unspecified=unspecified,
        statuses={"reported": n} if n else {},
        supplier_origins=supplier_origins or {},
        vendors=vendors,
        documents=n,
        publishers=1,
        mean_confidence=0.5,
        first_evidence=None,
        last_evidence=None,
        regime=regime,
        **extra,
    )


def aigs_row(country: str, dataset: str = "aigs-2019", **meta: Any) -> Document:
    """An AIGS row document: the sheet's coded cells in ``meta``."""
    return Document(
        id=f"{dataset}-{country}",
        text=f"row {country}",
        source_kind="dataset",
        dataset=dataset,
        meta={"country": country, **meta},
    )


def claim(
    claim_id: str,
    country: str,
    technology: str | None = None,
    vendor: str | None = None,
    vendor_country: str | None = None,
    document_id: str = "doc",
    confidence: float = 0.9,
    source: str = "aigs-2019",
) -> Claim:
    """A claim with one piece of evidence."""
    return Claim(
        id=claim_id,
        country=country,
        evidence=(Evidence(document_id=document_id, quote="cell"),),
        extractor="test",
        extractor_version="0",
        source=source,
        vendor=vendor,
        vendor_country=vendor_country,
        technology=technology,
        confidence=confidence,
    )


def finance_record(
    project_id: str,
    country: str = "KEN",
    dataset: str = "aiddata-gcdf",
    lender: str | None = "Export-Import Bank of China",
    instrument: str | None = "loan",
    amount: float | None = 100.0,
    currency: str | None = "CNY",
    usd_2017: float | None = 15.0,
    concessional: bool | None = True,
    recommended: bool = True,
    claim_id: str | None = None,
    status: Status = "reported",
) -> FinancingRecord:
    """A finance-dataset record."""
    return FinancingRecord(
        id=f"{dataset}-{project_id}",
        dataset=dataset,
        project_id=project_id,
        document_id=f"doc-{project_id}",
        country=country,
        title=f"Project {project_id}",
        status=status,
        financing=Financing(
            lender=lender,
            instrument=instrument,
            amount=amount,
            currency=currency,
            amount_usd_2017=usd_2017,
            concessional=concessional,
        ),
        surveillance=claim_id is not None,
        claim_id=claim_id,
        recommended=recommended,
        attrs={"sources": [{"url": "https://example.org/a"}], "attribution": "AidData test"},
    )
