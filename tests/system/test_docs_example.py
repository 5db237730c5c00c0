"""docs/examples/carnegie_2019_figure.py runs and reproduces the report's chart from a fresh store."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest

from paths import ROOT

EXAMPLE = ROOT / "docs" / "examples" / "carnegie_2019_figure.py"


def test_example_reproduces_the_2019_chart(tmp_path: Path) -> None:
    pytest.importorskip("pandas")
    spec = importlib.util.spec_from_file_location("carnegie_2019_figure", EXAMPLE)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    table = module.main(None, tmp_path)  # builds its store from the bundled AIGS 2019 table
    got = table["countries"].to_dict()
    assert got == {
        "Smart city / safe city": 56,
        "Facial recognition": 64,
        "Smart policing": 53,
        "Chinese technology": 63,
        "US technology": 32,
    }
    # Only smart policing differs from the printed text: the report's own table ticks 53 countries.
    differs = table[table["countries"] != table["published"]].index.tolist()
    assert differs == ["Smart policing"]
    svg = ET.parse(tmp_path / "carnegie_2019_figure.svg").getroot()
    texts = [t.text for t in svg.iter("{http://www.w3.org/2000/svg}text")]
    assert "AI surveillance in 75 countries (Carnegie AIGS 2019)" in texts and "63" in texts
    assert (tmp_path / "carnegie_2019_figure.csv").read_text().startswith("measure,countries,published\n")
