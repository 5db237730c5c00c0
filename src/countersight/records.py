"""Typed rows of the read side: what the store returns to the index, the API and the exports.

Defined in the core so that ``store/`` may build them and ``index/`` may consume them without
either importing the other. Rows read by the million (deployments, document links) are
``NamedTuple``s built positionally from SQL rows: immutable, typed and as cheap as the tuples
they replace (the index unpacks them in its hot loops).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, NamedTuple, TypedDict


class DeploymentRow(NamedTuple):
    """A stored deployment as the index reads it (``sources`` empty unless asked for)."""

    id: str
    country: str
    technology: str | None
    vendor: str | None
    vendor_country: str | None
    status: str
    confidence: float
    first_seen: dt.date | None
    last_seen: dt.date | None
    start_year: int | None
    end_year: int | None
    city: str | None
    agency: str | None
    n_claims: int
    n_documents: int
    n_publishers: int
    sources: tuple[str, ...] = ()


class StoredDeployment(NamedTuple):
    """A ``deployments`` row, every column in table order: what the API lists and review edits apply
    to (``attrs`` holds the merge's notes: sources, superseded ids)."""

    id: str
    country: str
    technology: str | None
    vendor: str | None
    vendor_country: str | None
    status: str
    confidence: float
    first_seen: dt.date | None
    last_seen: dt.date | None
    start_year: int | None
    end_year: int | None
    city: str | None
    agency: str | None
    n_claims: int
    n_documents: int
    n_publishers: int
    attrs: Mapping[str, Any]  # JSON: the deployments.attrs column


# One link as the as-of replay reads it: (deployment_id, published as ISO text, publisher, status,
# confidence, n_claims). The store hands the driver's rows over as they come (a million of them on
# the hot path of ``index --as-of``: wrapping each in a record cost a tenth of the command's time);
# :class:`ReplayLink` is the same shape with names, for rows made by hand.
ReplayTuple = tuple[str, str | None, str | None, str, float, int]


class ReplayLink(NamedTuple):
    """What the as-of replay needs of one deployment-document link (``published`` as ISO text):
    a :data:`ReplayTuple` with names."""

    deployment_id: str
    published: str | None
    publisher: str | None
    status: str
    confidence: float
    n_claims: int


class DeploymentLink(NamedTuple):
    """One document behind a deployment: its date, publisher, the status it gives, confidence."""

    deployment_id: str
    document_id: str
    country: str
    published: dt.date | None
    publisher: str | None
    status: str
    confidence: float
    n_claims: int

    def as_dict(self) -> dict[str, Any]:  # JSON edge: the API's documents list
        """JSON-ready form (dates as ISO strings)."""
        out = self._asdict()
        out["published"] = self.published.isoformat() if isinstance(self.published, dt.date) else self.published
        return out


class Regime(NamedTuple):
    """A country's V-Dem Regimes of the World row: code, label (LD, ED, EA, CA) and year."""

    code: int
    label: str
    year: int


class MilitaryExpenditure(NamedTuple):
    """A country's military expenditure row: share of GDP (percent) and year."""

    pct_gdp: float
    year: int


@dataclass(frozen=True)
class Governance:
    """Per country, the latest regime and military-expenditure rows at or before a year."""

    regimes: Mapping[str, Regime] = field(default_factory=dict)
    military: Mapping[str, MilitaryExpenditure] = field(default_factory=dict)


class SupplyFlow(NamedTuple):
    """Supplier country -> recipient country -> technology: how many stored deployments."""

    supplier_country: str
    country: str
    technology: str
    deployments: int


class MergedClaim(NamedTuple):
    """A claim merged into a deployment, as the deployment page lists it."""

    id: str
    document_id: str
    source: str
    extractor: str
    extractor_version: str
    vendor: str | None
    vendor_raw: str | None
    status: str
    confidence: float
    start_year: int | None
    end_year: int | None
    attrs: Mapping[str, Any] | None  # JSON: claims.attrs, the extractor's open-ended notes (model, reasons)


class DocumentEvidence(NamedTuple):
    """Evidence quoted from one document, with its claim's deployment and fields."""

    id: str
    quote: str | None
    start: int | None
    end: int | None
    page: int | None
    sheet: str | None
    row: int | None
    column: str | None
    claim_id: str
    deployment_id: str | None
    country: str
    vendor: str | None
    technology: str | None
    status: str


class EvidenceHit(NamedTuple):
    """A full-text search hit: the evidence, its claim's deployment and fields, and ``position``
    (the keyset of the next page: FTS5 rowid on SQLite, evidence id on PostgreSQL)."""

    id: str
    quote: str | None
    claim_id: str
    document_id: str
    deployment_id: str | None
    country: str
    vendor: str | None
    technology: str | None
    position: int | str


class StoreStats(TypedDict):
    """What a store holds: its URL (password hidden), rows per table and claims per source (a JSON
    shape: ``countersight stats --format json`` prints it as it is)."""

    database: str
    documents: int
    claims: int
    evidence: int
    deployments: int
    organizations: int
    review_events: int
    by_source: dict[str, int]


class FailedInput(NamedTuple):
    """A recorded ingest failure: a whole input (``record`` None) or one archive record (its offset;
    ``path`` None when its input row is gone)."""

    path: str | None
    record: int | None
    error: str | None


class StoryCopy(NamedTuple):
    """A syndicated copy of a document: another stored document of the same story."""

    document_id: str
    url: str | None
    title: str | None
    publisher: str | None
    published: dt.date | None
