"""The index commands end to end: ``index --edition 2022 --format csv`` against the sheet, ``--as-of``,
``diff``, ``analyze`` and ``chart``, and bad input giving one clear line."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from aigs_sheets import SHEET_2022, sheet_rows, ticked
from countersight.publish.cli import main


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.fixture
def db(database_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> str:
    monkeypatch.setenv("COUNTERSIGHT_DATABASE_URL", database_url)
    for args in (("import", "aigs-2019"), ("import", "aigs-2022"), ("resolve",)):
        assert _run(capsys, *args)[0] == 0
    return database_url


def test_index_csv_matches_the_2022_sheet(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _run(capsys, "index", "--edition", "2022", "--format", "csv")
    assert code == 0, err
    rows = {r["country"]: r for r in csv.DictReader(io.StringIO(out))}
    sheet = sheet_rows("aigs-2022-sheet1-index.csv")
    assert len(rows) == 97
    mismatches = [
        (r["Country"], col)
        for r in sheet
        for col, tech in SHEET_2022.items()
        if int(rows[r["code"]][tech]) != ticked(r[col])
    ]
    assert mismatches == []
    code, out, _ = _run(capsys, "index", "--edition", "2019", "--format", "json", "--country", "Kenya")
    (ken,) = json.loads(out)
    assert (
        code == 0
        and ken["country"] == "KEN"
        and ken["technologies"] == {"facial_recognition": 1, "safe_city": 1, "smart_policing": 1}
    )


def test_as_of_diff_analyze_and_chart(db: str, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, out, _ = _run(capsys, "index", "--as-of", "2020-01-01", "--format", "json")
    assert code == 0 and len(json.loads(out)) == 75
    code, out, _ = _run(capsys, "index", "--format", "table", "--country", "KEN")
    assert code == 0 and "KEN" in out and "Huawei" in out
    code, out, _ = _run(capsys, "diff", "--from", "2020-01-01", "--to", "2023-01-01", "--format", "json")
    d = json.loads(out)
    assert (
        code == 0 and len(d["countries_appeared"]) == len(json.loads(_run(capsys, "index", "--format", "json")[1])) - 75
    )
    code, out, _ = _run(capsys, "analyze", "--edition", "2019", "--format", "json")
    assert code == 0 and json.loads(out)["military"]["top50_using"] == 40
    code, out, _ = _run(capsys, "analyze", "--edition", "2022")
    assert code == 0 and "chi-square" in out and "caveat" in out
    pytest.importorskip("vl_convert")
    code, out, err = _run(capsys, "chart", "origins", "--out", str(tmp_path / "o.svg"), "--edition", "2022")
    assert code == 0, err
    assert (tmp_path / "o.svg").read_text(encoding="utf-8").startswith("<svg")


def test_bad_input_is_one_line(db: str, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _, err = _run(capsys, "index", "--as-of", "yesterday")
    assert code == 2 and "not a date" in err
    code, _, err = _run(capsys, "index", "--edition", "2031")
    assert code == 2 and "2019, 2022, live" in err
    code, _, err = _run(capsys, "chart", "map", "--out", str(tmp_path / "m.gif"))
    assert code != 0 and "png or .svg" in err and "Traceback" not in err
