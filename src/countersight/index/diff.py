"""What changed between two dates: deployments that appeared, changed status or dropped out, and
countries whose index row appeared, changed or disappeared (evidence replayed by published date,
review decisions applied as in the live index)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from countersight.index.compute import IndexRow, aggregate
from countersight.index.deployments import DeploymentView
from countersight.index.records import CountryChange, CountryState, DeploymentBrief, StatusChange


@dataclass
class DiffReport:
    """Changes between ``from_date`` and ``to_date`` (deployment and country level)."""

    from_date: dt.date
    to_date: dt.date
    appeared: list[DeploymentBrief] = field(default_factory=list)
    status_changed: list[StatusChange] = field(default_factory=list)
    disappeared: list[DeploymentBrief] = field(default_factory=list)
    countries_appeared: list[str] = field(default_factory=list)
    countries_disappeared: list[str] = field(default_factory=list)
    countries_changed: list[CountryChange] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:  # JSON: ``diff --format json``, ``/api/diff``
        """JSON-ready form."""
        return {
            "from": self.from_date.isoformat(),
            "to": self.to_date.isoformat(),
            "appeared": [d.as_dict() for d in self.appeared],
            "status_changed": [d.as_dict() for d in self.status_changed],
            "disappeared": [d.as_dict() for d in self.disappeared],
            "countries_appeared": self.countries_appeared,
            "countries_disappeared": self.countries_disappeared,
            "countries_changed": [c.as_dict() for c in self.countries_changed],
        }

    @property
    def empty(self) -> bool:
        """True when nothing changed."""
        return not (
            self.appeared
            or self.status_changed
            or self.disappeared
            or self.countries_changed
            or self.countries_appeared
            or self.countries_disappeared
        )


def brief(v: DeploymentView) -> DeploymentBrief:
    """A deployment view as a diff lists it."""
    return DeploymentBrief(
        v.id,
        v.country,
        v.vendor,
        v.vendor_country,
        v.technology,
        v.status,
        v.confidence,
        v.first_seen,
        v.last_seen,
        v.n_documents,
    )


def status_change(before: DeploymentView, after: DeploymentView) -> StatusChange:
    """A deployment whose status went from ``before``'s to ``after``'s."""
    return StatusChange(**brief(after).__dict__, from_status=before.status, to_status=after.status)


def country_state(row: IndexRow) -> CountryState:
    """What a diff compares of a country's index row."""
    return CountryState(row.technologies, row.unspecified, row.statuses, row.supplier_origins, row.vendors)


def diff_views(
    views_before: Iterable[DeploymentView],
    views_after: Iterable[DeploymentView],
    from_date: dt.date,
    to_date: dt.date,
) -> DiffReport:
    """Deployments and countries that appeared, changed status or disappeared between two dates,
    from the deployment views as of each (``from_date`` the earlier)."""
    before = {v.id: v for v in views_before}
    after = {v.id: v for v in views_after}
    report = DiffReport(from_date, to_date)
    for dep_id in sorted(after):
        v = after[dep_id]
        if dep_id not in before:
            report.appeared.append(brief(v))
        elif before[dep_id].status != v.status:
            report.status_changed.append(status_change(before[dep_id], v))
    report.disappeared = [brief(before[d]) for d in sorted(set(before) - set(after))]
    rows_before = {r.country: r for r in aggregate(before.values(), "live", from_date)}
    rows_after = {r.country: r for r in aggregate(after.values(), "live", to_date)}

    def active(r: IndexRow | None) -> bool:
        return bool(r and (sum(r.technologies.values()) + r.unspecified) > 0)

    for code in sorted(set(rows_before) | set(rows_after)):
        b, a = rows_before.get(code), rows_after.get(code)
        if active(a) and not active(b):
            report.countries_appeared.append(code)
        elif active(b) and not active(a):
            report.countries_disappeared.append(code)
        elif a and b and country_state(a) != country_state(b):
            report.countries_changed.append(CountryChange(code, country_state(b), country_state(a)))
    return report
