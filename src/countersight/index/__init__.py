"""Country indicators, the AIGS-compatible index and published figures, computed from typed
records handed in (the store is read by :mod:`countersight.reads`, never here).

- :func:`live_index` / :func:`edition_index` -- one row per country, for the live data or an AIGS edition;
- :func:`deployment_views` -- deployments as they stood on a date;
- :func:`diff_views` -- what appeared, changed status or disappeared between two dates;
- :func:`analyze` -- adoption by regime type, supply by regime and BRI, military spending, tests.
"""

from __future__ import annotations

from countersight.index.analysis import Analysis, analyze
from countersight.index.compute import EDITIONS, IndexRow, edition_index, flat_row, live_index
from countersight.index.deployments import DeploymentView, deployment_views
from countersight.index.diff import DiffReport, diff_views

__all__ = [
    "EDITIONS",
    "Analysis",
    "DeploymentView",
    "DiffReport",
    "IndexRow",
    "analyze",
    "deployment_views",
    "diff_views",
    "edition_index",
    "flat_row",
    "live_index",
]
