"""The gazetteer: vendors with their capitals, countries in several languages, cities, technology
terms, lenders and blockers, with exact offsets (sentences written for the project)."""

from __future__ import annotations

from countersight.extract import lexicon as lx


def _found(text: str) -> list[tuple[str, str, str]]:
    return [(m.kind, m.value, m.surface) for m in lx.find_mentions(text)]


def test_mentions_carry_exact_offsets() -> None:
    text = "Huawei installed CCTV cameras in Nairobi, Kenya."
    mentions = lx.find_mentions(text)
    assert [(m.kind, m.value) for m in mentions] == [
        (lx.VENDOR, "Huawei"),
        (lx.TECH, "video_surveillance"),
        (lx.TECH, "video_surveillance"),
        (lx.CITY, "KEN"),
        (lx.COUNTRY, "KEN"),
    ]
    assert all(text[m.start : m.end] == m.surface for m in mentions)


def test_country_names_in_spanish_french_and_portuguese_resolve() -> None:
    assert _found("La empresa instaló cámaras de videovigilancia en Estados Unidos y España.")[-2:] == [
        (lx.COUNTRY, "USA", "Estados Unidos"),
        (lx.COUNTRY, "ESP", "España"),
    ]
    assert (lx.COUNTRY, "BRA", "Brasil") in _found("Câmeras chegaram ao Brasil.")
    assert (lx.COUNTRY, "SEN", "Sénégal") in _found("Des caméras au Sénégal.")


def test_vendor_aliases_and_casings_resolve_to_the_canonical_vendor() -> None:
    assert _found("NSO sold Pegasus spyware to Mexico.")[0] == (lx.VENDOR, "NSO Group", "NSO")
    assert [v for k, v, _ in _found("Sensetime, SENSETIME and SenseTime.") if k == lx.VENDOR] == ["SenseTime"] * 3


def test_a_brand_in_separate_words_and_an_acronym_with_stops_are_the_vendor() -> None:
    found = _found("La empresa Face First y Shot Spotter Inc., con el C.E.I.E.C. chino.")
    assert [(v, surface) for k, v, surface in found if k == lx.VENDOR] == [
        ("FaceFirst", "Face First"),
        ("ShotSpotter", "Shot Spotter Inc."),
        ("CEIEC", "C.E.I.E.C."),
    ]
    # Exactly as written: lower-case words are no brand.
    assert [k for k, _, _ in _found("They face first the dark matter.")] == []


def test_lower_case_words_are_not_names() -> None:
    """'the axis of', 'china' and 'turkey' in lower case are words; with capitals they are names."""
    assert _found("the axis of power sold turkey on china plates.") == []
    assert [(k, v) for k, v, _ in _found("Axis Communications, China and Turkey.")] == [
        (lx.VENDOR, "Axis"),
        (lx.COUNTRY, "CHN"),
        (lx.COUNTRY, "TUR"),
    ]


def test_lenders_instruments_products_and_blockers() -> None:
    found = _found("A concessional loan from China Exim Bank paid for 5G base stations, not the Bank of China.")
    assert (lx.INSTRUMENT, "concessional loan", "concessional loan") in found
    assert (lx.LENDER, "Export-Import Bank of China", "China Exim Bank") in found
    assert (lx.PRODUCT, "5G", "5G") in found
    # "Bank of China" is a lender of its own, and "China" inside it is no country mention.
    assert (lx.COUNTRY, "CHN", "China") not in found


def test_cities_map_to_their_country_and_stop_words_are_no_cities() -> None:
    assert lx.city_table()["Nairobi"][:2] == ("KEN", "Nairobi")
    assert "Nairobi" in lx.capitals()
    assert "Victoria" not in lx.city_table()  # far more often a name than the city
    assert lx.fold("Quito") == "quito" and len(lx.fold("Straße")) == len("Straße")


def test_a_turkish_capital_i_elsewhere_does_not_hide_the_other_names() -> None:
    """'İ' lower-cases to two characters: the rest of the document is still folded (it once was not)."""
    text = "Huawei installed CCTV cameras in Kenya. The firm also has an office in İzmir."
    kinds = [(m.kind, m.value) for m in lx.find_mentions(text)]
    assert (lx.VENDOR, "Huawei") in kinds and (lx.COUNTRY, "KEN") in kinds


def test_german_and_italian_countries_and_technologies_are_read() -> None:
    text = "Die Polizei in Ägypten nutzt Gesichtserkennung. In Germania le telecamere sono nuove."
    found = {(m.kind, m.value) for m in lx.find_mentions(text)}
    assert {(lx.COUNTRY, "EGY"), (lx.COUNTRY, "DEU")} <= found
    assert {(lx.TECH, "facial_recognition"), (lx.TECH, "video_surveillance")} <= found


def test_an_english_island_is_not_iceland() -> None:
    assert not [m for m in lx.find_mentions("Cameras on Long Island were installed.") if m.value == "ISL"]


def test_a_place_in_a_newspaper_or_airline_title_is_no_place() -> None:
    """A newspaper's country is no recipient (LABELING.md): "Japan Times", "Times of India" and
    "Kathmandu Post" name no place, while the same places stated plainly still do."""
    text = (
        "China sold cameras to Iran, according to the Japan Times, the Times of India and the "
        "Kathmandu Post; Kenya Airways flew the delegation to Japan."
    )
    values = [m.value for m in lx.find_mentions(text) if m.kind in (lx.COUNTRY, lx.CITY, lx.DEMONYM)]
    assert values == ["CHN", "IRN", "JPN"]
    # Only the capitalised title word counts: "standard" and "post" in lower case are words.
    plain = "Japan post offices and the India standard for CCTV cameras."
    assert [m.value for m in lx.find_mentions(plain) if m.kind == lx.COUNTRY] == ["JPN", "IND"]


def test_a_place_in_a_company_name_is_no_place() -> None:
    """A subsidiary or an office is no recipient (LABELING.md): "Hikvision USA Inc." and
    "Huawei Technologies (Kenya) Co." name no place; a state abbreviation after a city is kept."""
    text = "Hikvision USA Inc. and Huawei Technologies (Kenya) Co. Ltd sold cameras to Peru and Las Vegas NV."
    values = [m.value for m in lx.find_mentions(text) if m.kind in (lx.COUNTRY, lx.CITY, lx.DEMONYM)]
    assert values == ["PER", "USA"]


def test_a_place_joined_by_a_hyphen_to_another_name_is_no_place() -> None:
    """ "Sophia-Antipolis" and "Seine-Saint-Denis" are other places, "US-China" a pairing; a
    hyphen before a lower-case word ("China-based") and a hyphenated place are kept."""
    text = "Firms in Sophia-Antipolis and Seine-Saint-Denis, the US-China talks; China-based firms sold to Saint-Denis."
    values = [m.value for m in lx.find_mentions(text) if m.kind in (lx.COUNTRY, lx.CITY, lx.DEMONYM)]
    assert values == ["CHN", "REU"]


def test_spanish_portuguese_and_french_short_forms_of_countries() -> None:
    """'EE.UU.', 'EUA', 'RDC' and 'RD Congo' are how Spanish, Portuguese and French news name the
    United States and the Democratic Republic of the Congo ('RD Congo' was read as the Republic
    of the Congo)."""
    text = "EE.UU. y la RDC; EUA e RD Congo; Costa de Marfil, Costa do Marfim, Elfenbeinküste."
    values = [m.value for m in lx.find_mentions(text) if m.kind == lx.COUNTRY]
    assert values == ["USA", "COD", "USA", "COD", "CIV", "CIV", "CIV"]


def test_cldr_names_without_their_gloss_and_in_european_portuguese() -> None:
    """Babel writes "Mianmar (Birmânia)" and "Irã" (three letters); Portugal's Portuguese says
    "Quénia" and "Irão": all are the country. French "Salvador" (El Salvador) is also a city of
    Brazil, and Spanish "Granada" (Grenada) a city of Spain: there the city is read."""
    text = "Cognyte vendeu ao Mianmar, ao Irã, ao Quénia e ao Irão; câmeras em Salvador e em Granada."
    got = [(m.surface, m.kind, m.value) for m in lx.find_mentions(text) if m.kind in (lx.COUNTRY, lx.CITY)]
    assert got == [
        ("Mianmar", lx.COUNTRY, "MMR"),
        ("Irã", lx.COUNTRY, "IRN"),
        ("Quénia", lx.COUNTRY, "KEN"),
        ("Irão", lx.COUNTRY, "IRN"),
        ("Salvador", lx.CITY, "BRA"),
        ("Granada", lx.CITY, "ESP"),
    ]
    assert [m.value for m in lx.find_mentions("El Salvador y Grenada") if m.kind == lx.COUNTRY] == ["SLV", "GRD"]
