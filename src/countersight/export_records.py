"""Typed rows of the exports: one record per exported table, plus the rows of the watch feed and of
a deployment's evidence list. ``store/export_queries`` builds them; the writers in
``publish/export`` (CSV, JSON, GeoJSON, FollowTheMoney, datapackage, SQLite, Atom) consume them.

The fields of a table's record are the table's exported columns, in table order, so that a row
unpacks positionally into its record and a record writes back as one CSV line. Values are
JSON-ready as stored (dates and times as ISO text, UTC times with a ``Z``): every writer writes
them unconverted, which keeps two exports of the same store byte-identical. Tables are read
whole (a million claims is an ordinary export), so the table records are ``NamedTuple``s.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, NamedTuple, TypeVar


class ExportDocument(NamedTuple):
    """A source document: an article, a report, or one dataset row (``text`` empty when redacted)."""

    id: str
    url: str | None
    path: str | None  # relative to the ingest root, or the bare file name (never absolute)
    title: str | None
    publisher: str | None
    published: str | None  # ISO date
    language: str | None
    source_kind: str
    dataset: str | None
    fetched_at: str | None  # ISO UTC time
    text: str
    meta: dict[str, Any]  # JSON column: what the source recorded (a dataset row's coded cells)


class ExportClaim(NamedTuple):
    """A claim that a vendor supplied surveillance technology to a country, with its financing."""

    id: str
    document_id: str
    source: str
    extractor: str
    extractor_version: str
    vendor: str | None
    vendor_raw: str | None
    vendor_country: str | None
    country: str
    city: str | None
    agency: str | None
    technology: str | None
    status: str
    start_year: int | None
    end_year: int | None
    start_date: str | None  # ISO date
    confidence: float
    fin_lender: str | None
    fin_instrument: str | None
    fin_amount: float | None
    fin_currency: str | None
    fin_text: str | None
    fin_amount_usd_2017: float | None
    fin_concessional: bool | None
    fin_terms: str | None
    attrs: dict[str, Any]  # JSON column: the extractor's open-ended notes
    deployment_id: str | None

    @property
    def financed(self) -> bool:
        """True when the claim names a lender or an amount (the financing a contract carries)."""
        return bool(self.fin_lender or self.fin_amount)


class ExportEvidence(NamedTuple):
    """A claim's evidence: a quoted span of a document, or the dataset cell it comes from."""

    id: str
    claim_id: str
    document_id: str
    quote: str
    start: int | None
    end: int | None
    page: int | None
    dataset: str | None
    sheet: str | None
    row: int | None
    column: str | None
    position: int | None


class ExportOrganization(NamedTuple):
    """A vendor, financier or agency with its aliases, parent and home country."""

    id: str
    name: str
    kind: str
    home_country: str | None
    parent: str | None
    aliases: list[str]  # JSON column: other names
    note: str | None
    needs_review: bool


class ExportDeployment(NamedTuple):
    """A deployment: the claims describing one supply relationship, merged."""

    id: str
    country: str
    technology: str | None
    vendor: str | None
    vendor_country: str | None
    status: str
    confidence: float
    first_seen: str | None  # ISO date
    last_seen: str | None  # ISO date
    start_year: int | None
    end_year: int | None
    city: str | None
    agency: str | None
    n_claims: int
    n_documents: int
    n_publishers: int
    attrs: dict[str, Any]  # JSON column: what resolution recorded


class ExportReviewEvent(NamedTuple):
    """A human review decision (``actor`` None when reviewers' names are left out)."""

    id: int
    target_kind: str
    target_id: str
    action: str
    actor: str | None
    reason: str
    changes: dict[str, Any]  # JSON column: the fields an edit changed
    source: str | None
    created_at: str  # ISO UTC time


class ExportRegime(NamedTuple):
    """A country's V-Dem Regimes of the World code in one year."""

    country: str
    year: int
    regime: int
    label: str
    source: str


class ExportMilitaryExpenditure(NamedTuple):
    """A country's military expenditure (% of GDP) in one year."""

    country: str
    year: int
    pct_gdp: float
    source: str


class ExportFinancing(NamedTuple):
    """A finance record (an AidData project) as reported: amounts unconverted."""

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
    attrs: dict[str, Any]  # JSON column: the dataset's other fields (sources, receiving agencies)


ExportRow = (
    ExportDocument
    | ExportClaim
    | ExportEvidence
    | ExportOrganization
    | ExportDeployment
    | ExportReviewEvent
    | ExportRegime
    | ExportMilitaryExpenditure
    | ExportFinancing
)

# The record of each exported table, in the order exports write them.
TABLE_RECORDS: dict[str, type[ExportRow]] = {
    "documents": ExportDocument,
    "claims": ExportClaim,
    "evidence": ExportEvidence,
    "organizations": ExportOrganization,
    "deployments": ExportDeployment,
    "review_events": ExportReviewEvent,
    "regimes": ExportRegime,
    "military_expenditure": ExportMilitaryExpenditure,
    "financing": ExportFinancing,
}

R = TypeVar("R")


def rows_of(rows: Iterable[ExportRow], record: type[R]) -> list[R]:
    """The rows of one table as its record type (a row of another table raises ``TypeError``)."""
    out: list[R] = []
    for row in rows:
        if not isinstance(row, record):
            raise TypeError(f"expected {record.__name__} rows, got {type(row).__name__}")
        out.append(row)
    return out


class ChangeEvent(NamedTuple):
    """A review event as the watch feed lists it under the deployment it changed."""

    target_id: str
    action: str
    actor: str | None
    reason: str
    created_at: str | None  # ISO UTC time


@dataclass(frozen=True)
class DeploymentChange:
    """A deployment new or changed since a date: when it last changed (``updated``, ISO UTC time:
    its ``last_seen`` or its latest review event) and the review events in the period."""

    deployment: ExportDeployment
    updated: str | None
    events: tuple[ChangeEvent, ...] = ()

    def as_dict(self) -> dict[str, Any]:  # JSON: a watch row as the CLI and the Python API give it
        """The deployment's columns plus ``updated`` and ``events``."""
        return {
            **self.deployment._asdict(),
            "updated": self.updated,
            "events": [e._asdict() for e in self.events],
        }


class DeploymentEvidence(NamedTuple):
    """A piece of evidence behind a deployment, with its claim's deployment and its document's
    title, URL, publisher and date."""

    deployment_id: str
    id: str
    claim_id: str
    document_id: str
    quote: str
    start: int | None
    end: int | None
    page: int | None
    dataset: str | None
    sheet: str | None
    row: int | None
    column: str | None
    title: str | None
    url: str | None
    publisher: str | None
    published: str | None  # ISO date
