"""Resolution, the pure core: vendor names to organizations, claims merged into deployments
(:mod:`~countersight.resolve.merge`), syndicated copies recognised, and review events folded into
states (:mod:`~countersight.resolve.review`). Everything here is a function of the records handed
to it; reading claims from the store and writing deployments back is
:mod:`countersight.resolution`, recording review decisions is :mod:`countersight.review`.
"""

from __future__ import annotations

from countersight.resolve.merge import merge_claims
from countersight.resolve.plan import (
    ClaimResolver,
    ResolutionPlan,
    merge_key,
    plan_resolution,
    publisher_key,
    requeue_events,
)
from countersight.resolve.vendors import VendorResolver

__all__ = [
    "ClaimResolver",
    "ResolutionPlan",
    "VendorResolver",
    "merge_claims",
    "merge_key",
    "plan_resolution",
    "publisher_key",
    "requeue_events",
]
