"""The records that flow through countersight: documents, evidence, claims, organizations,
deployments and review events.

They are frozen dataclasses: cheap to build in the extractor's hot loop, hashable, and
serialisable with :func:`dataclasses.asdict`. Ids are deterministic hashes of natural keys
(see :mod:`countersight.ids`) so that re-running any step is idempotent.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Literal

Status = Literal["reported", "planned", "cancelled", "denied"]
STATUSES: tuple[Status, ...] = ("reported", "planned", "cancelled", "denied")

OrgKind = Literal["vendor", "financier", "agency"]
ReviewAction = Literal["accept", "reject", "edit", "dispute", "note", "requeue"]


class FieldsPickle:
    """Base of the frozen slotted records: pickles as a call of the class with its field values.

    The dataclass default (``__getstate__``/``__setstate__``) calls :func:`dataclasses.fields`
    for every object, which was most of the cost of sending extraction results from Dask workers
    to the single writer (docs/scaling.md).
    """

    __slots__: tuple[str, ...] = ()

    def __reduce__(self) -> tuple[type, tuple[Any, ...]]:
        # The subclass's __slots__ are its fields in __init__ order (dataclass(slots=True)).
        return type(self), tuple([getattr(self, name) for name in self.__slots__])


@dataclass(frozen=True, slots=True)
class Document(FieldsPickle):
    """A source text: a news article, a report page, a feed entry or one dataset row.

    ``id`` is the SHA-256 of the text (content hash); ``meta`` carries reader- or
    dataset-specific fields (for a dataset row: the row's coded cells).
    """

    id: str
    text: str
    url: str | None = None
    path: str | None = None
    title: str | None = None
    publisher: str | None = None
    published: dt.date | None = None
    language: str | None = None
    source_kind: str = "text"  # text, html, pdf, feed, warc, dataset
    dataset: str | None = None  # e.g. "aigs-2019" for dataset rows
    fetched_at: dt.datetime | None = None
    # JSON: the documents.meta column (a reader's open-ended notes: feed, archive, sheet)
    meta: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)


@dataclass(frozen=True, slots=True)
class Evidence(FieldsPickle):
    """Where a claim comes from: a quoted span of a document, or a dataset cell/row.

    For text, ``quote == document.text[start:end]``. For dataset rows, ``dataset``,
    ``sheet``, ``row`` and ``column`` locate the cell(s) and ``quote`` is the cell text.
    ``page`` is the 1-based PDF page where known.
    """

    document_id: str
    quote: str
    start: int | None = None
    end: int | None = None
    page: int | None = None
    dataset: str | None = None
    sheet: str | None = None
    row: int | None = None
    column: str | None = None


@dataclass(frozen=True, slots=True)
class Financing(FieldsPickle):
    """Who paid: lender, instrument and amount as reported (original currency kept)."""

    lender: str | None = None
    instrument: str | None = None
    amount: float | None = None
    currency: str | None = None
    text: str | None = None
    amount_usd_2017: float | None = None
    concessional: bool | None = None
    terms: str | None = None


@dataclass(frozen=True, slots=True)
class FinancingRecord(FieldsPickle):
    """One project of a finance dataset (AidData): who paid whom, how much, by which instrument.

    Every row is kept, surveillance or not: ``surveillance`` rows also became a claim
    (``claim_id``); the others are financing context for the vendor and country. ``tier`` is
    countersight's classification (1 surveillance, 2 policing, 3 government ICT, None), ``tier_coded``
    the tier a hand-checked subset file gave the row, where it has one.
    """

    id: str
    dataset: str
    project_id: str
    document_id: str
    country: str
    title: str
    status: Status
    financing: Financing
    stage: str | None = None  # the dataset's own status (AidData: Pipeline: Pledge ... Completion)
    commitment_year: int | None = None
    vendor: str | None = None
    vendor_country: str | None = None
    technology: str | None = None
    tier: int | None = None
    tier_coded: int | None = None
    surveillance: bool = False
    claim_id: str | None = None
    amount_nominal_usd: float | None = None
    flow_type: str | None = None
    flow_class: str | None = None
    recommended: bool = True  # AidData's "Recommended For Aggregates"
    attrs: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)  # JSON: financing.attrs


@dataclass(frozen=True, slots=True)
class Claim(FieldsPickle):
    """One assertion that a supplier provided a surveillance technology to a recipient.

    ``vendor`` is the canonical organization name (or None when the source names only a
    supplier country, in ``vendor_country``). ``technology`` is an id from
    ``data/technologies.yaml`` or None when the source does not say which technology
    (e.g. an AIGS vendor cell). ``source`` names the pipeline that produced it
    (``aigs-2019``, ``aigs-2022``, ``extract``, ``aiddata-huawei`` ...).
    """

    id: str
    country: str  # recipient ISO3 (or a project code for non-ISO territories, see countries.yaml)
    evidence: tuple[Evidence, ...]
    extractor: str
    extractor_version: str
    source: str
    vendor: str | None = None
    vendor_raw: str | None = None
    vendor_country: str | None = None
    city: str | None = None
    agency: str | None = None
    technology: str | None = None
    status: Status = "reported"
    financing: Financing | None = None
    start_year: int | None = None
    end_year: int | None = None
    start_date: dt.date | None = None
    confidence: float = 0.5
    attrs: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)  # JSON: the claims.attrs column

    @property
    def document_ids(self) -> tuple[str, ...]:
        """The documents behind this claim, in evidence order, without repeats."""
        return tuple(dict.fromkeys(e.document_id for e in self.evidence))


@dataclass(frozen=True, slots=True)
class Organization(FieldsPickle):
    """A vendor, financier or agency, with its aliases and (for subsidiaries) its parent."""

    id: str
    name: str
    kind: OrgKind = "vendor"
    home_country: str | None = None
    parent: str | None = None  # canonical name of the parent organization
    aliases: tuple[str, ...] = ()
    note: str | None = None
    needs_review: bool = False


@dataclass(frozen=True, slots=True)
class Deployment(FieldsPickle):
    """Claims that describe the same supply relationship, merged. Filled by ``resolve``."""

    id: str
    country: str
    technology: str | None
    vendor: str | None
    vendor_country: str | None
    status: Status
    confidence: float
    claim_ids: tuple[str, ...]
    first_seen: dt.date | None = None
    last_seen: dt.date | None = None
    start_year: int | None = None
    end_year: int | None = None
    city: str | None = None
    agency: str | None = None


@dataclass(frozen=True, slots=True)
class ReviewEvent(FieldsPickle):
    """One human decision on a deployment or organization. Append-only; state is derived."""

    target_id: str
    action: ReviewAction
    actor: str
    reason: str
    changes: dict[str, Any] = field(default_factory=dict, hash=False)  # JSON: review_events.changes
    target_kind: str = "deployment"
    created_at: dt.datetime | None = None
    source: str | None = None  # right of reply: who disputes (vendor, government) and where
    id: int | None = None
