"""Deployments as they stood on a date: the evidence replayed up to ``as_of`` (documents by their
published date), with the reviewers' decisions applied. The index, ``diff`` and the API's
deployment listing all read this one view.

Without ``as_of`` the view is the stored deployment (resolution already folded all its evidence);
with ``as_of`` the deployment-document links dated by then are replayed: status from the latest
of them, confidence from their publishers, first and last dates, document counts.

Review decisions apply at every date (a rejection says the record is wrong, not that it became
wrong later) -- except a reviewer's status override, which applies only from the day it was made.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from countersight.records import DeploymentRow, ReplayTuple
from countersight.resolve.merge import STATUS_RANK, combine_confidence
from countersight.resolve.review import ReviewState

ACTIVE_STATUSES = ("reported", "planned")


@dataclass(frozen=True, slots=True)
class DeploymentView:
    """A deployment on a date: fields after review edits, and status, confidence, dates and
    document counts from the evidence published by then. ``country_edited`` is True when a
    reviewer moved it to ``country``; ``review`` is unreviewed, accepted or rejected."""

    id: str
    country: str
    technology: str | None
    vendor: str | None
    vendor_group: str | None
    vendor_country: str | None
    status: str
    confidence: float
    first_seen: dt.date | None
    last_seen: dt.date | None
    start_year: int | None
    end_year: int | None
    city: str | None
    agency: str | None
    n_documents: int
    n_publishers: int
    n_claims: int
    review: str
    disputed: bool
    requeued: bool
    sources: tuple[str, ...]
    country_edited: bool = False

    @property
    def active(self) -> bool:
        """True when the latest evidence says it exists or is planned (not cancelled or denied)."""
        return self.status in ACTIVE_STATUSES

    def as_dict(self) -> dict[str, Any]:  # JSON: ``deployments --format json``, the API's deployments
        """JSON-ready form (dates as ISO strings)."""
        out: dict[str, Any] = {}  # JSON: the form being built
        for name in self.__slots__:
            value = getattr(self, name)
            if isinstance(value, dt.date):
                value = value.isoformat()
            elif isinstance(value, tuple):
                value = list(value)
            out[name] = value
        return out


def _replay(links: Iterable[ReplayTuple]) -> dict[str, list[Any]]:
    """Per deployment: [n_documents, best confidence per publisher, first, last, (day, rank),
    status, n_claims] from its links (dates as ISO text)."""
    acc: dict[str, list[Any]] = {}
    rank = STATUS_RANK
    for dep_id, day, publisher, status, conf, n_claims in links:
        a = acc.get(dep_id)
        key = (day or "", rank.get(status, 1))
        if a is None:
            acc[dep_id] = [1, {publisher: conf}, day, day, key, status, n_claims]
            continue
        a[0] += 1
        a[6] += n_claims
        best = a[1]
        if conf > best.get(publisher, -1.0):
            best[publisher] = conf
        if day:
            if not a[2] or day < a[2]:
                a[2] = day
            if not a[3] or day > a[3]:
                a[3] = day
        if key > a[4]:
            a[4], a[5] = key, status
    return acc


def _date(value: Any) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def sql_country(states: Mapping[str, ReviewState], country: str | None) -> str | None:
    """The country the store may narrow its reads to: none when a reviewer moved a deployment
    to another country (it must be read under its stored country to be moved)."""
    return None if any("country" in s.edits for s in states.values()) else country


def deployment_views(
    rows: Iterable[DeploymentRow],
    replay_links: Iterable[ReplayTuple] | None,
    states: Mapping[str, ReviewState],
    groups: Mapping[str, str],
    bad_vendors: Collection[str] = (),
    as_of: dt.date | None = None,
    country: str | None = None,
    include_rejected: bool = False,
) -> list[DeploymentView]:
    """Deployments (stored ``rows``, in id order) as they stood at ``as_of``: ``replay_links`` are
    their links dated by then (None without ``as_of``), review ``states`` and the names of
    ``bad_vendors`` (rejected organizations) applied, vendors grouped by ``groups``. Rejected
    deployments are left out unless ``include_rejected``; only ``country``'s kept when given."""
    replay = _replay(replay_links) if replay_links is not None else None
    out: list[DeploymentView] = []
    for row in rows:
        (
            dep_id,
            dep_country,
            technology,
            vendor,
            vendor_country,
            status,
            conf,
            first,
            last,
            start_year,
            end_year,
            city,
            agency,
            n_claims,
            n_docs,
            n_pubs,
            sources,
        ) = row
        if replay is not None:
            r = replay.get(dep_id)
            if r is None:
                continue
            status, first, last = r[5], r[2], r[3]
            conf, n_docs, n_pubs, n_claims = combine_confidence(r[1].values()), r[0], len(r[1]), r[6]
        state = states.get(dep_id)
        rejected = bool(state and state.excluded) or vendor in bad_vendors
        if rejected and not include_rejected:
            continue
        if state is None or not state.edits:
            if country and dep_country != country:
                continue
            out.append(
                DeploymentView(
                    dep_id,
                    dep_country,
                    technology,
                    vendor,
                    groups.get(vendor, vendor) if vendor else None,
                    vendor_country,
                    status,
                    float(conf),
                    _date(first),
                    _date(last),
                    start_year,
                    end_year,
                    city,
                    agency,
                    int(n_docs),
                    int(n_pubs),
                    int(n_claims),
                    "rejected" if rejected else (state.decision if state else "unreviewed"),
                    bool(state and state.disputes),
                    bool(state and state.requeued),
                    sources,
                )
            )
            continue
        edits = state.deployment_edits  # a field not overridden is None
        new_country = dep_country if edits.country is None else edits.country
        if country and new_country != country:
            continue
        if edits.status is not None and (
            as_of is None or (state.last_at is not None and state.last_at.date() <= as_of)
        ):
            status = edits.status
        new_vendor = vendor if edits.vendor is None else edits.vendor
        out.append(
            DeploymentView(
                id=dep_id,
                country=new_country,
                technology=technology if edits.technology is None else edits.technology,
                vendor=new_vendor,
                vendor_group=groups.get(new_vendor, new_vendor) if new_vendor else None,
                vendor_country=vendor_country if edits.vendor_country is None else edits.vendor_country,
                status=status,
                confidence=float(conf),
                first_seen=_date(first),
                last_seen=_date(last),
                start_year=start_year if edits.start_year is None else edits.start_year,
                end_year=end_year if edits.end_year is None else edits.end_year,
                city=city if edits.city is None else edits.city,
                agency=agency if edits.agency is None else edits.agency,
                n_documents=int(n_docs),
                n_publishers=int(n_pubs),
                n_claims=int(n_claims),
                review="rejected" if rejected else state.decision,
                disputed=bool(state.disputes),
                requeued=state.requeued,
                sources=sources,
                country_edited=new_country != dep_country,
            )
        )
    return out


def filter_views(
    views: Iterable[DeploymentView],
    vendor: str | None = None,
    technology: str | None = None,
    status: str | None = None,
    group: bool = False,
) -> list[DeploymentView]:
    """Views of a vendor (its group too with ``group=True``: a subsidiary's deployments count for
    the group), technology and status. These are the values after review edits and the as-of
    replay, which is why they are compared here rather than in SQL."""
    out = []
    for v in views:
        if vendor and not (v.vendor == vendor or (group and v.vendor_group == vendor)):
            continue
        if technology and v.technology != technology:
            continue
        if status and v.status != status:
            continue
        out.append(v)
    return out
