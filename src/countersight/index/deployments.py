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
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from countersight.resolve.merge import STATUS_RANK, combine_confidence
from countersight.resolve.review import ReviewState, rejected_vendors, review_states
from countersight.store import Store
from countersight.store import deployments as dstore

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

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form (dates as ISO strings)."""
        out: dict[str, Any] = {}
        for name in self.__slots__:
            value = getattr(self, name)
            if isinstance(value, dt.date):
                value = value.isoformat()
            elif isinstance(value, tuple):
                value = list(value)
            out[name] = value
        return out


def _replay(links: Iterable[tuple[Any, ...]]) -> dict[str, list[Any]]:
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


def deployment_views(
    store: Store,
    as_of: dt.date | None = None,
    country: str | None = None,
    include_rejected: bool = False,
    states: Mapping[str, ReviewState] | None = None,
) -> list[DeploymentView]:
    """Every deployment with evidence published by ``as_of`` (all evidence when None), with
    review edits applied; rejected deployments (and those of rejected vendors) left out unless
    ``include_rejected``. Sorted by id."""
    if states is None:
        states = review_states(store)
    moved = any("country" in s.edits for s in states.values())
    # Narrow by country in SQL unless a reviewer moved a deployment to another country.
    sql_country = None if moved else country
    rows = dstore.deployment_rows(store, country=sql_country)
    replay = _replay(dstore.replay_rows(store, as_of, sql_country)) if as_of is not None else None
    bad_vendors = rejected_vendors(store) if states else set()
    out: list[DeploymentView] = []
    for row in rows:
        if replay is None:
            status, first, last = row["status"], row["first_seen"], row["last_seen"]
            conf, n_docs, n_pubs, n_claims = (
                row["confidence"],
                row["n_documents"],
                row["n_publishers"],
                row["n_claims"],
            )
        else:
            r = replay.get(row["id"])
            if r is None:
                continue
            status, first, last = r[5], _date(r[2]), _date(r[3])
            conf, n_docs, n_pubs, n_claims = combine_confidence(r[1].values()), r[0], len(r[1]), r[6]
        state = states.get(row["id"])
        edits = state.edits if state else {}
        rejected = bool(state and state.excluded) or row["vendor"] in bad_vendors
        if rejected and not include_rejected:
            continue
        dep_country = edits.get("country", row["country"])
        if country and dep_country != country:
            continue
        if (
            "status" in edits
            and state is not None
            and (as_of is None or (state.last_at is not None and state.last_at.date() <= as_of))
        ):
            status = edits["status"]
        attrs = row.get("attrs") or {}
        vendor = edits.get("vendor", row["vendor"])
        group = (attrs.get("vendor_group") or vendor) if vendor == row["vendor"] else vendor
        out.append(
            DeploymentView(
                id=row["id"],
                country=dep_country,
                technology=edits.get("technology", row["technology"]),
                vendor=vendor,
                vendor_group=group,
                vendor_country=edits.get("vendor_country", row["vendor_country"]),
                status=status,
                confidence=float(conf),
                first_seen=_date(first),
                last_seen=_date(last),
                start_year=edits.get("start_year", row["start_year"]),
                end_year=edits.get("end_year", row["end_year"]),
                city=edits.get("city", row["city"]),
                agency=edits.get("agency", row["agency"]),
                n_documents=int(n_docs),
                n_publishers=int(n_pubs),
                n_claims=int(n_claims),
                review="rejected" if rejected else (state.decision if state else "unreviewed"),
                disputed=bool(state and state.disputes),
                requeued=bool(state and state.requeued),
                sources=tuple(attrs.get("sources") or ()),
                country_edited=dep_country != row["country"],
            )
        )
    return out


def list_deployments(
    store: Store,
    as_of: dt.date | None = None,
    country: str | None = None,
    vendor: str | None = None,
    technology: str | None = None,
    status: str | None = None,
    group: bool = False,
    include_rejected: bool = False,
) -> list[DeploymentView]:
    """Deployments filtered by country, vendor (its group too with ``group=True``: a subsidiary's
    deployments count for the group), technology and status, as of a date."""
    views = deployment_views(store, as_of=as_of, country=country, include_rejected=include_rejected)
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


def deployment_documents(
    store: Store, deployment_id: str, as_of: dt.date | None = None
) -> list[dict[str, Any]]:
    """The documents behind one deployment (id, date, publisher, status it gives, confidence)."""
    rows = dstore.link_rows(store, as_of=as_of, deployment_ids=[deployment_id])
    keys = (
        "deployment_id",
        "document_id",
        "country",
        "published",
        "publisher",
        "status",
        "confidence",
        "n_claims",
    )
    return sorted(
        (dict(zip(keys, r, strict=True)) for r in rows), key=lambda r: (str(r["published"]), r["document_id"])
    )
