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


@dataclass
class DiffReport:
    """Changes between ``from_date`` and ``to_date`` (deployment and country level)."""

    from_date: dt.date
    to_date: dt.date
    # JSON-ready briefs of deployments and countries (``diff --format json``, ``/api/diff``).
    appeared: list[dict[str, Any]] = field(default_factory=list)
    status_changed: list[dict[str, Any]] = field(default_factory=list)
    disappeared: list[dict[str, Any]] = field(default_factory=list)
    countries_appeared: list[str] = field(default_factory=list)
    countries_disappeared: list[str] = field(default_factory=list)
    countries_changed: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "from": self.from_date.isoformat(),
            "to": self.to_date.isoformat(),
            "appeared": self.appeared,
            "status_changed": self.status_changed,
            "disappeared": self.disappeared,
            "countries_appeared": self.countries_appeared,
            "countries_disappeared": self.countries_disappeared,
            "countries_changed": self.countries_changed,
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


def _brief(v: DeploymentView) -> dict[str, Any]:
    return {
        "id": v.id,
        "country": v.country,
        "vendor": v.vendor,
        "vendor_country": v.vendor_country,
        "technology": v.technology,
        "status": v.status,
        "confidence": v.confidence,
        "first_seen": v.first_seen.isoformat() if v.first_seen else None,
        "last_seen": v.last_seen.isoformat() if v.last_seen else None,
        "documents": v.n_documents,
    }


def _country_key(row: IndexRow) -> dict[str, Any]:
    return {
        "technologies": row.technologies,
        "unspecified": row.unspecified,
        "statuses": row.statuses,
        "supplier_origins": row.supplier_origins,
        "vendors": list(row.vendors),
    }


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
            report.appeared.append(_brief(v))
        elif before[dep_id].status != v.status:
            report.status_changed.append({**_brief(v), "from_status": before[dep_id].status, "to_status": v.status})
    report.disappeared = [_brief(before[d]) for d in sorted(set(before) - set(after))]
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
        elif a and b and _country_key(a) != _country_key(b):
            report.countries_changed.append({"country": code, "from": _country_key(b), "to": _country_key(a)})
    return report
