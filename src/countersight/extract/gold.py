"""A labeled deployment of the extraction corpus (one entry of ``gold.jsonl``'s ``deployments``)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass


def _text(value: object) -> str | None:
    return None if value is None or value == "" else str(value)


@dataclass(frozen=True, slots=True)
class GoldDeployment:
    """What a passage states, as labeled: supplier, recipient country, technology, status and
    the evidence sentence (the fields training and scoring read; the rest of a label is notes)."""

    country: str
    vendor: str | None = None
    vendor_canonical: str | None = None
    vendor_country: str | None = None
    technology: str | None = None
    technology_alternatives: tuple[str, ...] = ()
    status: str | None = None
    evidence: str | None = None

    @classmethod
    def from_json(cls, obj: Mapping[str, object]) -> GoldDeployment:
        """The label as ``gold.jsonl`` writes it (``country`` is required: KeyError without it)."""
        alternatives = obj.get("technology_alternatives") or ()
        return cls(
            country=str(obj["country"]),
            vendor=_text(obj.get("vendor")),
            vendor_canonical=_text(obj.get("vendor_canonical")),
            vendor_country=_text(obj.get("vendor_country")),
            technology=_text(obj.get("technology")),
            technology_alternatives=tuple(str(t) for t in alternatives) if isinstance(alternatives, list) else (),
            status=_text(obj.get("status")),
            evidence=_text(obj.get("evidence")),
        )
