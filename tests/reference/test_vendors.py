"""The organization registry: the spellings sources use resolve to one canonical vendor, with its
home country and parent, under a stable id."""

from __future__ import annotations

import pytest

from countersight.reference.vendors import get_org, normalize_org_name, org_id, registry, resolve_org


@pytest.mark.parametrize(
    ("spelling", "canonical"),
    [
        ("Huawei Technologies Co., Ltd.", "Huawei"),
        ("HIKVISION", "Hikvision"),
        ("Hikvsion", "Hikvision"),  # a misspelling the sources use, listed as an alias
        ("华为", "Huawei"),
        ("Zhejiang Dahua Technology", "Dahua"),
        ("NSO", "NSO Group"),  # the legal tail "Group" is dropped before matching
    ],
)
def test_a_vendor_spelling_resolves_to_its_canonical_name(spelling: str, canonical: str) -> None:
    org = resolve_org(spelling)
    assert org is not None and org.name == canonical and org.kind == "vendor"


def test_unknown_and_blank_names_do_not_resolve() -> None:
    assert resolve_org("Acme Widgets") is None
    assert resolve_org("") is None and resolve_org("  ") is None and resolve_org(None) is None


def test_normalize_folds_case_accents_punctuation_and_legal_suffixes() -> None:
    assert normalize_org_name("Zhejiang Dahua Technology Co., Ltd.") == "zhejiang dahua"
    assert normalize_org_name("L’Oréal S.A.") == "loreal"
    assert normalize_org_name("Huawei (Shenzhen)") == "huawei"
    assert normalize_org_name("AT&T Inc.") == "at and t"
    # A name made only of generic words keeps them rather than becoming empty.
    assert normalize_org_name("Digital Systems") == "digital systems"


def test_registry_records_home_country_and_parent() -> None:
    hikvision = get_org("Hikvision")
    assert hikvision is not None
    assert (hikvision.home_country, hikvision.parent) == ("CHN", "CETC")
    assert get_org("hikvision") is None  # canonical names are exact
    names = {o.name for o in registry()}
    assert all(o.parent in names for o in registry() if o.parent)


def test_every_vendor_alias_resolves_back_to_its_own_vendor() -> None:
    """No alias of one vendor is captured by another after normalising."""
    wrong = [
        (alias, o.name)
        for o in registry()
        if o.kind == "vendor"
        for alias in (o.name, *o.aliases)
        if (found := resolve_org(alias)) is None or found.name != o.name
    ]
    assert wrong == []


def test_ids_are_stable_and_depend_on_kind_and_name() -> None:
    huawei = resolve_org("Huawei")
    assert huawei is not None and huawei.id == org_id("vendor", "Huawei")
    assert org_id("vendor", "Huawei") == org_id("vendor", "Huawei")
    assert org_id("vendor", "Huawei") != org_id("financier", "Huawei")
    assert huawei.id.startswith("org-")
