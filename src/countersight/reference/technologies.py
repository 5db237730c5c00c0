"""The technology taxonomy (``data/technologies.yaml``)."""

from __future__ import annotations

import functools
from dataclasses import dataclass

from countersight.reference.loader import load_yaml


@dataclass(frozen=True)
class Technology:
    """One technology id with its label and description."""

    id: str
    label: str
    description: str


@functools.cache
def technologies() -> dict[str, Technology]:
    """All technology ids, in taxonomy order."""
    return {
        t["id"]: Technology(t["id"], t["label"], " ".join(str(t["description"]).split()))
        for t in load_yaml("technologies.yaml")
    }


def is_technology(tech_id: str | None) -> bool:
    """True for a known technology id."""
    return tech_id is not None and tech_id in technologies()
