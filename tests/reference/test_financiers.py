"""Financiers: the lenders a finance dataset names resolve to canonical organizations, separately
from vendors (Huawei is both)."""

from __future__ import annotations

import pytest

from countersight.reference.financiers import financiers, resolve_financier
from countersight.reference.vendors import resolve_org


@pytest.mark.parametrize(
    ("spelling", "canonical"),
    [
        ("China Eximbank", "Export-Import Bank of China"),
        ("export import bank of china", "Export-Import Bank of China"),
        ("CDB", "China Development Bank"),
        ("MOFCOM", "Ministry of Commerce of the People's Republic of China"),
    ],
)
def test_a_lender_spelling_resolves_to_its_financier(spelling: str, canonical: str) -> None:
    found = resolve_financier(spelling)
    assert found is not None and found.name == canonical and found.kind == "financier"


def test_every_financier_is_of_kind_financier() -> None:
    names = [f.name for f in financiers()]
    assert "Export-Import Bank of China" in names
    assert {f.kind for f in financiers()} == {"financier"}


def test_huawei_is_a_vendor_and_a_financier_apart() -> None:
    as_financier = resolve_financier("Huawei")
    as_vendor = resolve_org("Huawei")
    assert as_financier is not None and as_vendor is not None
    assert (as_financier.kind, as_vendor.kind) == ("financier", "vendor")
    assert as_financier.id != as_vendor.id


def test_vendors_blank_and_unknown_names_are_no_financier() -> None:
    assert resolve_financier("Hikvision") is None
    assert resolve_financier("Bank of Narnia") is None
    assert resolve_financier("") is None and resolve_financier(None) is None
