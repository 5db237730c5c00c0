"""The typed rows resolution and review work on: what the store hands the core and what the core
hands back to be written. Claim and document rows are named tuples because a full rebuild reads
every claim (cheap to build from a database row); the rest are frozen dataclasses."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import NamedTuple, TypedDict

from countersight.model import Deployment

# A value a reviewer can set on a field: text, a year, or None (the override removed).
EditValue = str | int | None


class DeploymentAttrs(TypedDict, total=False):
    """A deployment's descriptive attributes, stored as its JSON ``attrs`` column: the sources of
    its claims, their statuses counted, whether they contradict, the vendor names as written, the
    supplier part of its key, the vendor's group and the ids whose review trail it carries."""

    sources: list[str]
    statuses: dict[str, int]
    contradicting: bool
    vendor_names: list[str]
    supplier_key: str
    vendor_group: str | None
    supersedes: list[str]


def _text(value: EditValue) -> str | None:
    return None if value is None else str(value)


def _year(value: EditValue) -> int | None:
    return None if value is None else int(value)


@dataclass(frozen=True, slots=True)
class DeploymentEdits:
    """A reviewer's overrides of a deployment's fields, as typed values; None: not overridden
    (an override is never None: setting a field back to None removes it)."""

    country: str | None = None
    technology: str | None = None
    vendor: str | None = None
    vendor_country: str | None = None
    city: str | None = None
    agency: str | None = None
    status: str | None = None
    start_year: int | None = None
    end_year: int | None = None

    @classmethod
    def from_edits(cls, edits: Mapping[str, EditValue]) -> DeploymentEdits:
        """The deployment fields among ``edits`` (field name -> value set); others are ignored."""
        return cls(
            country=_text(edits.get("country")),
            technology=_text(edits.get("technology")),
            vendor=_text(edits.get("vendor")),
            vendor_country=_text(edits.get("vendor_country")),
            city=_text(edits.get("city")),
            agency=_text(edits.get("agency")),
            status=_text(edits.get("status")),
            start_year=_year(edits.get("start_year")),
            end_year=_year(edits.get("end_year")),
        )

    def __bool__(self) -> bool:
        """True when any field is overridden."""
        return any(getattr(self, name) is not None for name in self.__slots__)


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
    """A merged deployment as it is written: the record, its counts and its attributes."""

    deployment: Deployment
    n_claims: int
    n_documents: int
    n_publishers: int
    attrs: DeploymentAttrs

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
