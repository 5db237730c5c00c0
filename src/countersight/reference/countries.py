"""Country names to ISO 3166-1 alpha-3 codes: pycountry plus the project's alias table.

Territories the AIGS counts separately (Gaza, Somaliland ...) get the user-assigned codes
listed in ``data/countries.yaml``.
"""

from __future__ import annotations

import functools

import pycountry

from countersight.errors import UnresolvedNameError
from countersight.reference.loader import load_yaml
from countersight.reference.names import without_accents


def _fold(name: str) -> str:
    text = without_accents(name)
    return " ".join(text.casefold().replace("’", "'").split())


@functools.cache
def _table() -> dict[str, str]:
    table: dict[str, str] = {}
    for c in pycountry.countries:
        for attr in ("name", "official_name", "common_name"):
            value = getattr(c, attr, None)
            if value:
                table[_fold(value)] = c.alpha_3
        table[_fold(c.alpha_3)] = c.alpha_3
    data = load_yaml("countries.yaml")
    for t in data["territories"]:
        table[_fold(t["name"])] = t["code"]
        table[_fold(t["code"])] = t["code"]
    for alias, code in data["aliases"].items():
        table[_fold(alias)] = code
    return table


@functools.cache
def territories() -> dict[str, dict[str, str]]:
    """Non-ISO codes used by the project, with name and parent."""
    return {t["code"]: t for t in load_yaml("countries.yaml")["territories"]}


def resolve_country(name: str | None) -> str | None:
    """The ISO3 (or project) code for a country name, or None when unknown."""
    if not name or not name.strip():
        return None
    key = _fold(name.strip())
    return _table().get(key) or _table().get(key.removeprefix("the "))


def country_name(code: str) -> str:
    """A readable English name for a code (the code itself when unknown)."""
    if code in territories():
        return territories()[code]["name"]
    found = pycountry.countries.get(alpha_3=code)
    if found is None:
        return code
    return str(getattr(found, "common_name", None) or found.name)


def is_country_code(code: str | None) -> bool:
    """True for an ISO3 code or one of the project's territory codes."""
    if not code:
        return False
    return code in territories() or pycountry.countries.get(alpha_3=code) is not None


def parse_country(value: str) -> str:
    """A country argument as a code: an ISO3 code (any case) or a name in the alias table.
    Every command and endpoint that takes a country uses this one parser."""
    text = value.strip()
    if is_country_code(text.upper()):
        return text.upper()
    code = resolve_country(text)
    if code is None:
        raise UnresolvedNameError(f"unknown country {value!r}: give an ISO3 code or a name (PAK or Pakistan)")
    return code
