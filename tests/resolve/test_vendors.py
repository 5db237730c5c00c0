"""Vendor names to organizations (resolve/vendors.py): spellings of one registry entry, new names
kept with suggestions, reviewers' merges and the parent groups."""

from __future__ import annotations

import pytest

from countersight.model import Organization
from countersight.resolve.vendors import VendorResolver, clean_vendor_name, group_of, vendor_groups


@pytest.mark.parametrize(
    "raw, canonical",
    [
        ("Hikvsion", "Hikvision"),
        ("Hangzhou Hikvision Digital Technology Co., Ltd.", "Hikvision"),
        ("HIKVISION", "Hikvision"),
        ("Huawei Technologies Co.", "Huawei"),
        ("Briefcam (US)", "BriefCam"),
        ("IBMN", "IBM"),
    ],
)
def test_vendor_spellings_resolve_to_one_organization(raw: str, canonical: str) -> None:
    m = VendorResolver.build().resolve(raw)
    assert (m.name, m.method) == (canonical, "registry")


def test_unknown_vendor_is_kept_and_fuzzy_only_suggests() -> None:
    r = VendorResolver.build()
    m = r.resolve("Hikvison")  # a typo the registry does not list
    assert m.method == "new" and m.name == "Hikvison" and m.organization.needs_review
    assert m.suggestions and m.suggestions[0][0] == "Hikvision"
    assert r.resolve("Acme Sentinel Systems").suggestions == ()


def test_reviewer_merge_resolves_a_new_name() -> None:
    m = VendorResolver.build(merges={"Hikvison": "Hikvision"}).resolve("Hikvison")
    assert (m.name, m.method) == ("Hikvision", "review")


def test_parents_are_a_relation() -> None:
    groups = vendor_groups()
    assert groups["Hikvision"] == "CETC" and groups["Huawei"] == "Huawei"


def test_new_names_are_cleaned_and_stored_names_recognised() -> None:
    assert clean_vendor_name("  Acme   Sentinel\tSystems (UK) ") == "Acme Sentinel Systems"
    new = VendorResolver.build().resolve("Acme Sentinel Systems (UK)")
    assert (new.name, new.method, new.organization.aliases) == (
        "Acme Sentinel Systems",
        "new",
        ("Acme Sentinel Systems (UK)",),
    )
    # Once stored, the organization is known: the same name resolves to it, from the store.
    again = VendorResolver.build([new.organization]).resolve("Acme Sentinel Systems (UK)")
    assert (again.method, again.organization.id) == ("store", new.organization.id)


def test_groups_of_reviewed_organizations() -> None:
    child = Organization(id="org-x", name="Acme Optics", kind="vendor", parent="Hikvision")
    groups = vendor_groups([child])
    assert group_of("Acme Optics", groups) == "CETC"  # the parent's group
    assert group_of(None, groups) is None and group_of("Unknown Co", groups) == "Unknown Co"
