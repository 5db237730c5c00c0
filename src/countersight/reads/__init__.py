"""The read side as library functions: each reads its inputs through ``store/`` (typed records)
and hands them to the pure computations of ``index/``. The CLI, the API, the exports, the Python
API and the benchmarks call these; ``index/`` itself never touches a store."""

from __future__ import annotations

from countersight.reads.financing import (
    country_financing,
    country_financing_context,
    deployment_financing,
    financing_by_lender_country,
    financing_figures,
    surveillance_financing,
)
from countersight.reads.index import (
    analyze,
    compare_figures,
    compute_figures,
    compute_index,
    compute_live_figures,
    deployment_documents,
    deployment_views,
    diff,
    list_deployments,
    write_chart,
)

__all__ = [
    "analyze",
    "compare_figures",
    "compute_figures",
    "compute_index",
    "compute_live_figures",
    "country_financing",
    "country_financing_context",
    "deployment_documents",
    "deployment_financing",
    "deployment_views",
    "diff",
    "financing_by_lender_country",
    "financing_figures",
    "list_deployments",
    "surveillance_financing",
    "write_chart",
]
