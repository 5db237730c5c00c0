"""Vendor names to organizations: the registry's aliases after normalising case, accents,
punctuation and legal suffixes ("Hangzhou Hikvision Digital Technology Co., Ltd." → Hikvision,
"Hikvsion" → Hikvision through its listed misspelling), plus reviewer decisions (an organization
merged into another by a review event). Names nobody knows become new organizations flagged for
review; fuzzy matching (rapidfuzz) only *suggests* a known organization, it never merges.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process

from countersight.model import Organization
from countersight.reference.vendors import normalize_org_name, org_id, registry

# A source's own annotation after a name: "Briefcam (US)", "NEC (Japan)".
_TRAILING_NOTE = re.compile(r"\s*[\[(][^\])]*[\])]\s*$")
# Suggestions below this rapidfuzz WRatio score are noise for names this short.
SUGGESTION_CUTOFF = 82.0


@dataclass(frozen=True, slots=True)
class VendorMatch:
    """How one raw vendor name resolved.

    ``method`` is ``registry`` (an alias matched), ``review`` (a reviewer merged the name into an
    organization), ``store`` (an organization already created for this name) or ``new`` (unknown:
    a new organization flagged for review). ``suggestions`` are (canonical name, score) pairs
    from fuzzy matching, for the reviewer only.
    """

    raw: str
    name: str
    home_country: str | None
    method: str
    organization: Organization
    suggestions: tuple[tuple[str, float], ...] = ()


def clean_vendor_name(raw: str) -> str:
    """A display name for an unknown vendor: whitespace collapsed, a trailing note dropped."""
    text = " ".join(raw.split())
    stripped = _TRAILING_NOTE.sub("", text).strip()
    return stripped or text


@dataclass
class VendorResolver:
    """Resolves raw vendor names against the registry, the store's organizations and the
    reviewers' merges. Build with :func:`VendorResolver.build`; cheap to call per claim (cached)."""

    known: dict[str, Organization]  # normalised alias -> organization
    by_name: dict[str, Organization]  # canonical name -> organization
    merged: dict[str, str] = field(default_factory=dict)  # normalised name -> canonical name
    _cache: dict[str, VendorMatch] = field(default_factory=dict, repr=False)

    @classmethod
    def build(
        cls, organizations: Iterable[Organization] = (), merges: Mapping[str, str] | None = None
    ) -> VendorResolver:
        """A resolver over the shipped registry, extra (stored) organizations and reviewer merges
        (``{name as found: canonical name}``)."""
        known: dict[str, Organization] = {}
        by_name: dict[str, Organization] = {}
        for org in registry():
            if org.kind != "vendor":
                continue
            by_name.setdefault(org.name, org)
            for alias in (org.name, *org.aliases):
                known.setdefault(normalize_org_name(alias), org)
        for org in organizations:
            if org.kind != "vendor" or org.name in by_name:
                continue
            by_name[org.name] = org
            for alias in (org.name, *org.aliases):
                known.setdefault(normalize_org_name(alias), org)
        merged = {normalize_org_name(k): v for k, v in (merges or {}).items()}
        return cls(known=known, by_name=by_name, merged=merged)

    def resolve(self, raw: str) -> VendorMatch:
        """The organization a raw name refers to, or a new one flagged for review."""
        hit = self._cache.get(raw)
        if hit is not None:
            return hit
        key = normalize_org_name(raw)
        cleaned_key = normalize_org_name(clean_vendor_name(raw))
        match: VendorMatch
        target = self.merged.get(key) or self.merged.get(cleaned_key)
        if target and target in self.by_name:
            org = self.by_name[target]
            match = VendorMatch(raw, org.name, org.home_country, "review", org)
        elif (org_hit := self.known.get(key) or self.known.get(cleaned_key)) is not None:
            from_registry = org_hit.name in _registry_names()
            match = VendorMatch(
                raw, org_hit.name, org_hit.home_country, "registry" if from_registry else "store", org_hit
            )
        else:
            name = clean_vendor_name(raw)
            suggestions = self.suggest(name)
            note = "found in the sources, not in the vendor registry"
            if suggestions:
                note += "; did you mean " + ", ".join(f"{n} ({s:.0f})" for n, s in suggestions) + "?"
            org = Organization(
                id=org_id("vendor", name),
                name=name,
                kind="vendor",
                aliases=(raw,) if raw != name else (),
                note=note,
                needs_review=True,
            )
            match = VendorMatch(raw, name, None, "new", org, suggestions)
        self._cache[raw] = match
        return match

    def suggest(self, name: str, limit: int = 3) -> tuple[tuple[str, float], ...]:
        """Known organizations whose aliases look like ``name`` (fuzzy, for review only)."""
        key = normalize_org_name(name)
        if not key:
            return ()
        found = process.extract(
            key, sorted(self.known), scorer=fuzz.WRatio, limit=limit * 3, score_cutoff=SUGGESTION_CUTOFF
        )
        out: dict[str, float] = {}
        for alias_key, score, _ in found:
            canonical = self.known[alias_key].name
            out[canonical] = max(out.get(canonical, 0.0), round(float(score), 1))
        ranked = sorted(out.items(), key=lambda kv: (-kv[1], kv[0]))
        return tuple(ranked[:limit])


@functools.cache
def _registry_names() -> frozenset[str]:
    return frozenset(o.name for o in registry())


def vendor_groups(organizations: Iterable[Organization] = ()) -> dict[str, str]:
    """Canonical name -> top-level group (following ``parent`` links; cycles stop where they
    repeat). Subsidiaries' deployments count for the group in group-level views."""
    parent: dict[str, str | None] = {o.name: o.parent for o in registry()}
    for o in organizations:
        if o.parent or o.name not in parent:
            parent[o.name] = o.parent
    groups: dict[str, str] = {}
    for name in parent:
        seen = [name]
        current = name
        while (up := parent.get(current)) and up not in seen:
            seen.append(up)
            current = up
        groups[name] = current
    return groups


def group_of(name: str | None, groups: Mapping[str, str]) -> str | None:
    """The group a vendor belongs to (itself when it has no parent)."""
    if name is None:
        return None
    return groups.get(name, name)
