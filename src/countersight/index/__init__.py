"""Country indicators, the AIGS-compatible index and published figures, computed from a store.

- :func:`compute_index` -- one row per country, for an AIGS edition or the live data, as of a date;
- :func:`list_deployments` / :func:`deployment_views` -- deployments as they stood on a date;
- :func:`diff` -- what appeared, changed status or disappeared between two dates;
- :func:`analyze` -- adoption by regime type, supply by regime and BRI, military spending, tests.
"""

from __future__ import annotations

from countersight.index.analysis import Analysis, analyze
from countersight.index.compute import EDITIONS, IndexRow, compute_index, flat_row
from countersight.index.deployments import DeploymentView, deployment_views, list_deployments
from countersight.index.diff import DiffReport, diff

__all__ = [
    "EDITIONS",
    "Analysis",
    "DeploymentView",
    "DiffReport",
    "IndexRow",
    "analyze",
    "compute_index",
    "deployment_views",
    "diff",
    "flat_row",
    "list_deployments",
]
