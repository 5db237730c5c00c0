"""The typed rows resolution and review work on: what the store hands the core and what the core
hands back to be written. Claim and document rows are named tuples because a full rebuild reads
every claim (cheap to build from a database row); the rest are frozen dataclasses."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, NamedTuple

from countersight.model import Deployment

# A value a reviewer can set on a field: text, a year, or None (the override removed).
EditValue = str | int | None


class ClaimRow(NamedTuple):
    """The light columns of a stored claim that merging needs (no evidence, no text)."""

    id: str
    document_id: str
    source: str
    country: str
    vendor: str | None
    vendor_raw: str | None
    vendor_country: str | None
    technology: str | None
    status: str
    confidence: float
    city: str | None
    agency: str | None
    start_year: int | None
    end_year: int | None
    deployment_id: str | None


class DocumentRow(NamedTuple):
    """What resolution needs of a document: its stated date and who stands behind it."""

    id: str
    published: dt.date | None
    publisher: str | None
    url: str | None
    dataset: str | None


@dataclass(frozen=True, slots=True)
class ResolvedDeployment:
    """A merged deployment as it is written: the record, its counts and its attributes (JSON:
    ``sources``, ``contradicting``, ``vendor_group``, ``supersedes`` ...)."""

    deployment: Deployment
    n_claims: int
    n_documents: int
    n_publishers: int
    attrs: Mapping[str, Any]

    @property
    def supersedes(self) -> tuple[str, ...]:
        """Ids of earlier deployments whose review trail this one carries."""
        return tuple(self.attrs.get("supersedes") or ())


@dataclass(frozen=True, slots=True)
class ReviewDeployment:
    """A stored deployment as review sees it: the editable fields (before reviewers' edits), what
    the queue ranks it by, and the ids whose review trail it carries."""

    id: str
    country: str
    technology: str | None
    vendor: str | None
    vendor_country: str | None
    status: str
    confidence: float
    city: str | None
    agency: str | None
    start_year: int | None
    end_year: int | None
    n_documents: int
    contradicting: bool = False
    supersedes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class OrganizationForReview:
    """An organization flagged for review (a vendor name no registry knew), with how many
    deployments name it."""

    id: str
    name: str
    note: str | None
    n_deployments: int
