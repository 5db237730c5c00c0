"""Country names to codes: the aliases the sources use, territories the AIGS counts separately,
and the one parser every command and endpoint uses for a country argument."""

from __future__ import annotations

import pytest

from countersight.errors import UnresolvedNameError
from countersight.reference.countries import (
    country_name,
    is_country_code,
    parse_country,
    resolve_country,
    territories,
)


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("Kenya", "KEN"),
        ("the Netherlands", "NLD"),
        ("Burma", "MMR"),
        ("Ivory Coast", "CIV"),
        ("Côte d’Ivoire", "CIV"),  # a typographic apostrophe, as news copy writes it
        ("Perú", "PER"),  # accents are folded
        ("  kosovo ", "XKX"),  # case and spaces do not matter; a project territory code
    ],
)
def test_names_and_aliases_resolve_to_their_code(name: str, code: str) -> None:
    assert resolve_country(name) == code


@pytest.mark.parametrize("name", ["Narnia", "", "   ", None])
def test_unknown_or_blank_names_resolve_to_none(name: str | None) -> None:
    assert resolve_country(name) is None


def test_codes_read_as_names_and_unknown_codes_stay_as_given() -> None:
    assert country_name("KEN") == "Kenya"
    assert country_name("TWN") == "Taiwan"  # pycountry's common name, not the official one
    assert country_name("XKX") == "Kosovo"
    assert country_name("ZZZ") == "ZZZ"


def test_territories_are_country_codes_with_their_parent() -> None:
    assert is_country_code("XSL") and is_country_code("KEN")
    assert not is_country_code("ZZZ") and not is_country_code(None) and not is_country_code("")
    assert territories()["XGZ"]["parent"] == "PSE"
    assert resolve_country("Gaza") == "XGZ"


def test_parse_country_takes_a_code_in_any_case_or_a_name() -> None:
    assert parse_country(" pak ") == "PAK"
    assert parse_country("Kenya") == "KEN"
    assert parse_country("Somaliland") == "XSL"


def test_parse_country_refuses_an_unknown_name_with_a_hint() -> None:
    with pytest.raises(UnresolvedNameError, match="unknown country 'Narnia'.*ISO3"):
        parse_country("Narnia")
