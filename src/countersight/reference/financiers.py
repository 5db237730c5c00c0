"""Financiers (``data/financiers.yaml``, kind ``financier``): resolving the funding agencies a
finance dataset names to canonical lenders, separately from vendors (Huawei is both)."""

from __future__ import annotations

import functools

from countersight.model import Organization
from countersight.reference.vendors import normalize_org_name, registry


@functools.cache
def _index() -> dict[str, Organization]:
    idx: dict[str, Organization] = {}
    for org in registry():
        if org.kind != "financier":
            continue
        for alias in (org.name, *org.aliases):
            idx.setdefault(normalize_org_name(alias), org)
    return idx


def financiers() -> tuple[Organization, ...]:
    """Every financier the project ships."""
    return tuple(o for o in registry() if o.kind == "financier")


def resolve_financier(name: str | None) -> Organization | None:
    """The registry financier a name refers to (alias match after normalising), or None."""
    if not name or not name.strip():
        return None
    return _index().get(normalize_org_name(name))
