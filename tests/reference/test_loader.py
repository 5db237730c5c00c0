"""The bundled data files: found inside the package, parsed once."""

from __future__ import annotations

import pytest

from countersight.reference.loader import data_path, load_yaml


def test_data_path_points_into_the_package_data() -> None:
    path = data_path("vendors.yaml")
    assert path.is_file()
    assert path.parent.name == "data" and path.parent.parent.name == "countersight"
    assert data_path("models", "extractor.json").is_file()


def test_load_yaml_parses_a_bundled_file_once() -> None:
    first = load_yaml("countries.yaml")
    assert first["aliases"]["Burma"] == "MMR"
    assert load_yaml("countries.yaml") is first  # cached: the same object


def test_a_missing_file_is_an_error_not_an_empty_table() -> None:
    with pytest.raises(FileNotFoundError):
        load_yaml("no-such-file.yaml")
