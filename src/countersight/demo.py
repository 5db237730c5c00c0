"""Build the demo database from the bundled, openly licensed data only (no invented records)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from countersight.datasets import (
    import_aiddata_gcdf_surveillance,
    import_aiddata_huawei,
    import_aigs,
    import_governance,
)
from countersight.resolution import resolve_store
from countersight.store import Store

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class DemoStep:
    """One named step of the demo build."""

    name: str
    run: Callable[[Store], object]


def demo_steps() -> list[DemoStep]:
    """The steps, in order: imports first, then resolution of claims into deployments."""
    steps = [
        DemoStep("import AIGS 2019", lambda s: import_aigs(s, "2019")),
        DemoStep("import AIGS 2022", lambda s: import_aigs(s, "2022")),
        DemoStep("import governance tables", import_governance),
        DemoStep("import AidData Huawei finance", import_aiddata_huawei),
        DemoStep("import AidData GCDF surveillance finance", import_aiddata_gcdf_surveillance),
        DemoStep("resolve claims into deployments", resolve_store),
    ]
    return steps


def build_demo(store: Store, on_step: Callable[[str], None] | None = None) -> list[str]:
    """Run every demo step against ``store``; idempotent. Returns the names of the steps run."""
    done = []
    for step in demo_steps():
        if on_step:
            on_step(step.name)
        log.info("demo: %s", step.name)
        step.run(store)
        done.append(step.name)
    return done
