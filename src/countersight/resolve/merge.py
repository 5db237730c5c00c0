"""Merging claims into deployments: a pure, deterministic function of the claims and the dates
and publishers of their documents (no database here; :mod:`countersight.resolve` feeds it).

Two claims describe the same deployment when they have the same recipient country, the same
supplier (the vendor when one is named, else the supplier country), the same technology, and
compatible city, agency and period: a value that is missing is compatible with any value, two
different values are not, and a claim that starts after an earlier claim's stated end starts a
new period. Ids hash that natural key, so re-running gives the same ids.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import cast

from countersight.ids import stable_id
from countersight.model import Deployment, Status
from countersight.reference.names import without_accents
from countersight.resolve.records import DeploymentAttrs

# Within one document, and between documents of the same day, the more final status wins.
STATUS_RANK: dict[str, int] = {"planned": 0, "reported": 1, "denied": 2, "cancelled": 3}
MAX_CONFIDENCE = 0.99


@dataclass(frozen=True, slots=True)
class ClaimFacts:
    """What merging needs of a claim (vendor already resolved to its canonical name)."""

    id: str
    document_id: str
    source: str
    country: str
    vendor: str | None
    vendor_country: str | None
    technology: str | None
    status: str
    confidence: float
    city: str | None = None
    agency: str | None = None
    start_year: int | None = None
    end_year: int | None = None
    vendor_raw: str | None = None


@dataclass(frozen=True, slots=True)
class DocumentFacts:
    """When a document was published (or, when unknown, ingested) and by whom."""

    id: str
    date: dt.date | None
    publisher: str


@dataclass(frozen=True, slots=True)
class Link:
    """One document supporting one deployment: what it says and when."""

    deployment_id: str
    document_id: str
    country: str
    date: dt.date | None
    publisher: str
    status: str
    confidence: float
    n_claims: int


@dataclass(slots=True)
class MergedDeployment:
    """A deployment with its claims, its document links and descriptive attributes."""

    deployment: Deployment
    links: list[Link]
    n_claims: int
    attrs: DeploymentAttrs = field(default_factory=DeploymentAttrs)


def fold(value: str | None) -> str:
    """Comparison key for free text (city, agency): case, accents and spacing folded."""
    if not value:
        return ""
    return " ".join(without_accents(value).casefold().split())


def supplier_key(vendor: str | None, vendor_country: str | None) -> str:
    """The supplier part of the natural key: the vendor, else the supplier country."""
    if vendor:
        return f"vendor:{vendor}"
    if vendor_country:
        return f"country:{vendor_country}"
    return "unknown"


def combine_confidence(by_publisher: Iterable[float]) -> float:
    """Independent publishers corroborate: 1 - prod(1 - c) over each publisher's best claim."""
    remaining = 1.0
    for c in by_publisher:
        remaining *= 1.0 - min(max(c, 0.0), 1.0)
    return round(min(1.0 - remaining, MAX_CONFIDENCE), 4)


def status_at(links: Sequence[Link] | Sequence[tuple[dt.date | None, str]]) -> str:
    """The status the latest evidence gives (ties on a day: the more final status)."""
    best: tuple[dt.date, int] | None = None
    status = "reported"
    for item in links:
        day, st = (item.date, item.status) if isinstance(item, Link) else item
        key = (day or dt.date.min, STATUS_RANK.get(st, 1))
        if best is None or key > best:
            best, status = key, st
    return status


def _partition(claims: list[ClaimFacts], attr: Callable[[ClaimFacts], str]) -> list[tuple[str, list[ClaimFacts]]]:
    """Split by a free-text attribute; claims without it join the only value there is, or form
    their own group when several values compete."""
    values = sorted({v for c in claims if (v := attr(c))})
    if len(values) <= 1:
        return [(values[0] if values else "", claims)]
    groups: dict[str, list[ClaimFacts]] = {v: [] for v in values}
    loose: list[ClaimFacts] = []
    for c in claims:
        v = attr(c)
        (groups[v] if v else loose).append(c)
    out = [(v, groups[v]) for v in values]
    if loose:
        out.append(("", loose))
    return out


def _periods(claims: list[ClaimFacts], year_of: Mapping[str, int]) -> list[list[ClaimFacts]]:
    """Split where a claim states a start after the current period's stated end."""
    ordered = sorted(claims, key=lambda c: (c.start_year or year_of.get(c.document_id, 9999), c.id))
    periods: list[list[ClaimFacts]] = []
    current: list[ClaimFacts] = []
    end: int | None = None
    for c in ordered:
        if current and end is not None and c.start_year is not None and c.start_year > end:
            periods.append(current)
            current, end = [], None
        current.append(c)
        if c.end_year is not None:
            end = c.end_year if end is None else max(end, c.end_year)
    if current:
        periods.append(current)
    return periods


def _most_common(values: Iterable[str | None]) -> str | None:
    counts = Counter(v for v in values if v)
    if not counts:
        return None
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[0][0]


def _build(did: str, claims: list[ClaimFacts], docs: Mapping[str, DocumentFacts]) -> MergedDeployment:
    first = claims[0]
    per_doc: dict[str, list[ClaimFacts]] = defaultdict(list)
    for c in claims:
        per_doc[c.document_id].append(c)
    links = []
    for doc_id in sorted(per_doc):
        group = per_doc[doc_id]
        doc = docs.get(doc_id) or DocumentFacts(doc_id, None, f"document:{doc_id}")
        doc_status = max((c.status for c in group), key=lambda s: STATUS_RANK.get(s, 1))
        links.append(
            Link(
                did,
                doc_id,
                first.country,
                doc.date,
                doc.publisher,
                doc_status,
                max(c.confidence for c in group),
                len(group),
            )
        )
    best: dict[str, float] = {}
    for lk in links:
        best[lk.publisher] = max(best.get(lk.publisher, 0.0), lk.confidence)
    dates = [lk.date for lk in links if lk.date]
    statuses = Counter(lk.status for lk in links)
    starts = [c.start_year for c in claims if c.start_year]
    ends = [c.end_year for c in claims if c.end_year]
    status = cast(Status, status_at(links))
    dep = Deployment(
        id=did,
        country=first.country,
        technology=first.technology,
        vendor=first.vendor,
        vendor_country=first.vendor_country if first.vendor is None else _most_common(c.vendor_country for c in claims),
        status=status,
        confidence=combine_confidence(best.values()),
        claim_ids=tuple(sorted(c.id for c in claims)),
        first_seen=min(dates) if dates else None,
        last_seen=max(dates) if dates else None,
        start_year=min(starts) if starts else None,
        end_year=max(ends) if ends else None,
        city=_most_common(c.city for c in claims),
        agency=_most_common(c.agency for c in claims),
    )
    attrs = DeploymentAttrs(
        sources=sorted({c.source for c in claims}),
        statuses=dict(sorted(statuses.items())),
        contradicting="denied" in statuses and len(statuses) > 1,
        vendor_names=sorted({c.vendor_raw for c in claims if c.vendor_raw})[:20],
        supplier_key=supplier_key(first.vendor, first.vendor_country),
    )
    return MergedDeployment(dep, links, len(claims), attrs)


def merge_claims(claims: Iterable[ClaimFacts], docs: Mapping[str, DocumentFacts]) -> list[MergedDeployment]:
    """Group claims into deployments (see the module docstring); result sorted by id."""
    by_key: dict[tuple[str, str, str], list[ClaimFacts]] = defaultdict(list)
    for c in claims:
        by_key[(c.country, supplier_key(c.vendor, c.vendor_country), c.technology or "")].append(c)
    year_of = {d.id: d.date.year for d in docs.values() if d.date}
    out: list[MergedDeployment] = []
    for (country, supplier, tech), group in by_key.items():
        group.sort(key=lambda c: c.id)
        for city, by_city in _partition(group, lambda c: fold(c.city)):
            for agency, by_agency in _partition(by_city, lambda c: fold(c.agency)):
                for n, period in enumerate(_periods(by_agency, year_of)):
                    start = min((c.start_year for c in period if c.start_year), default=None)
                    suffix = "" if n == 0 else f"from:{start}"
                    did = stable_id("dep", [country, supplier, tech, city, agency, suffix])
                    out.append(_build(did, period, docs))
    out.sort(key=lambda m: m.deployment.id)
    return out
