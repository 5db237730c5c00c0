"""The one accent stripper of names (``reference/names.py``)."""

from __future__ import annotations

from countersight.reference.names import without_accents


def test_accents_go_and_letters_without_a_decomposition_stay() -> None:
    assert without_accents("Goiás") == "Goias"
    assert without_accents("Thalès São Paulo") == "Thales Sao Paulo"
    # "Ł" and "Đ" are letters of their own, not a letter and a mark: dropping them made "odzkie".
    assert without_accents("Łódzkie") == "Łodzkie"
    assert without_accents("Đà Nẵng") == "Đa Nang"
    assert without_accents("Hikvision") == "Hikvision"
