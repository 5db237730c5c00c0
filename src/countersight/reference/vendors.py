"""The organization registry (``data/vendors.yaml``, ``data/financiers.yaml``): canonical
names, aliases, home countries and parents, with a normaliser for the spellings sources use."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable

from countersight.ids import stable_id
from countersight.model import Organization
from countersight.reference.loader import data_path, load_yaml
from countersight.reference.names import without_accents

_LEGAL = re.compile(
    r"\b(co|corp|corporation|company|inc|incorporated|ltd|limited|llc|plc|gmbh|ag|sa|s\.a|"
    r"group|holdings?|technolog(?:y|ies)|systems?|international|digital|"
    r"electronics?|pte|bv|nv|ab|oy|spa|srl|jsc|pjsc)\b\.?"
)


def normalize_org_name(name: str) -> str:
    """Fold case, accents, punctuation and legal suffixes: the key aliases are matched on."""
    text = without_accents(name).casefold()
    text = re.sub(r"\(.*?\)", " ", text)
    text = text.replace("&", " and ")
    text = re.sub(r"[.,'’\"]", "", text)
    text = re.sub(r"[^\w+]+", " ", text)
    stripped = _LEGAL.sub(" ", text)
    stripped = " ".join(stripped.split())
    return stripped or " ".join(text.split())


def org_id(kind: str, name: str) -> str:
    """Deterministic id of an organization from its kind and canonical name."""
    return stable_id("org", [kind, name])


def _load(files: Iterable[str]) -> tuple[Organization, ...]:
    orgs: list[Organization] = []
    for fname in files:
        if not data_path(fname).exists():
            continue
        for e in load_yaml(fname):
            kind = e.get("kind", "vendor")
            orgs.append(
                Organization(
                    id=org_id(kind, e["name"]),
                    name=e["name"],
                    kind=kind,
                    home_country=e.get("country"),
                    parent=e.get("parent"),
                    aliases=tuple(e.get("aliases") or ()),
                    note=e.get("note"),
                )
            )
    return tuple(orgs)


@functools.cache
def registry() -> tuple[Organization, ...]:
    """Every organization the project ships (vendors, then financiers)."""
    return _load(("vendors.yaml", "financiers.yaml"))


@functools.cache
def _index() -> dict[str, Organization]:
    idx: dict[str, Organization] = {}
    for org in registry():
        for alias in (org.name, *org.aliases):
            idx.setdefault(normalize_org_name(alias), org)
    return idx


def resolve_org(name: str | None) -> Organization | None:
    """The registry organization a name refers to (exact alias match after normalising)."""
    if not name or not name.strip():
        return None
    return _index().get(normalize_org_name(name))


def get_org(canonical_name: str) -> Organization | None:
    """Look an organization up by its canonical name."""
    for org in registry():
        if org.name == canonical_name:
            return org
    return None
