"""``countersight extract`` (publish/cli/extract_cmds.py): one JSON line per document, claims with
their reasons in words, failures on stderr."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from countersight.publish.cli import main
from countersight.publish.cli.extract_cmds import explain_text, extractor_for

TEXT = (
    "Lusaka, 3 March 2022. Huawei installed facial recognition cameras for the police in Lusaka, "
    "Zambia, under a Safe City contract signed in 2021.\n"
)


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


def _one_line(err: str) -> str:
    lines = [x for x in err.splitlines() if x.strip()]
    assert len(lines) == 1, err
    assert "Traceback" not in err
    return lines[0]


def test_extract_with_nothing_to_extract(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    code, out, err = _run(capsys, "extract", str(empty))
    assert (code, out) == (8, "")
    assert _one_line(err) == f"error: nothing to extract: no document found in {empty}"


def test_one_json_line_per_document(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "zambia.txt").write_text(TEXT, encoding="utf-8")
    (tmp_path / "note.txt").write_text("Nothing about any supplier here.\n", encoding="utf-8")
    code, out, err = _run(capsys, "extract", str(tmp_path), "--model", "none")
    lines = [json.loads(line) for line in out.splitlines()]
    assert code == 0 and len(lines) == 2 and "2 document(s), 0 failure(s)" in err
    claims = [c for line in lines for c in line["claims"]]
    assert claims and {c["country"] for c in claims} == {"ZMB"} and claims[0]["vendor"] == "Huawei"


def test_explain_prints_reasons_in_words(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "zambia.txt").write_text(TEXT, encoding="utf-8")
    code, out, _ = _run(capsys, "extract", str(tmp_path / "zambia.txt"), "--explain")
    assert code == 0 and "claim(s)" in out and "-> ZMB" in out


def test_explain_text_of_a_contract_line() -> None:
    row = {
        "path": "a.txt",
        "claims": [
            {
                "vendor": None,
                "vendor_country": "CHN",
                "country": "KEN",
                "technology": "cctv",
                "status": "reported",
                "confidence": 0.5,
                "evidence": {"text": "cameras in Nairobi"},
                "explain": [{"says": "names a city", "weight": 0.7}, {"says": "is a denial", "weight": -0.2}],
            }
        ],
    }
    assert explain_text(row).splitlines() == [
        "a.txt: 1 claim(s)",
        "  CHN -> KEN (cctv, reported) confidence 0.50",
        "    evidence: cameras in Nairobi",
        "    + names a city (+0.70)",
        "    - is a denial (-0.20)",
    ]


def test_a_bad_model_file_is_an_error_before_any_input(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    broken = tmp_path / "model.json"
    broken.write_text("{not json", encoding="utf-8")
    code, out, err = _run(capsys, "extract", str(tmp_path), "--model", str(broken))
    assert code != 0 and out == "" and _one_line(err).startswith("error:")
    assert extractor_for("none") is not None
