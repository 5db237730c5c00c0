"""The CLI over the data commands: JSON figures, stats, and bad input giving one clear line."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from countersight.publish.cli import main
from countersight.sources.aigs import bundled


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("COUNTERSIGHT_DATABASE_URL", url)
    return url


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_import_figures_and_stats(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert _run(capsys, "import", "aigs-2019")[0] == 0
    assert _run(capsys, "import", "aigs-2022")[0] == 0
    code, out, _ = _run(capsys, "figures", "--edition", "2019", "--format", "json")
    f19 = json.loads(out)
    assert code == 0 and f19["countries"] == 75 and f19["supplier_origin"]["CHN"] == 63
    f22 = json.loads(_run(capsys, "figures", "--edition", "2022", "--format", "json")[1])
    assert f22["countries"] == 97 and f22["technology"]["social_media_monitoring"] == 38
    stats1 = json.loads(_run(capsys, "stats", "--format", "json")[1])
    assert _run(capsys, "import", "aigs-2022")[0] == 0
    stats2 = json.loads(_run(capsys, "stats", "--format", "json")[1])
    assert stats1 == stats2 and stats1["by_source"] == {"aigs-2019": 381, "aigs-2022": stats1["by_source"]["aigs-2022"]}


def _assert_one_line_error(code: int, err: str, needle: str) -> None:
    assert code != 0
    # A command that writes may first say that it created a new store.
    lines = [x for x in err.splitlines() if x.strip() and not x.startswith("created a new store at ")]
    assert len(lines) == 1 and lines[0].startswith("error: ") and needle in lines[0]
    assert "Traceback" not in err


def test_bad_inputs_give_one_line_and_leave_store_unchanged(
    db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _run(capsys, "import", "aigs-2019")[0] == 0
    before = _run(capsys, "stats", "--format", "json")[1]

    code, _, err = _run(capsys, "import", "aigs-2019", str(tmp_path / "missing.csv"))
    _assert_one_line_error(code, err, "file not found")

    wrong = tmp_path / "wrong.csv"
    wrong.write_text("Name,Region\nKenya,AFR\n", encoding="utf-8")
    code, _, err = _run(capsys, "import", "aigs-2019", str(wrong))
    _assert_one_line_error(code, err, "wrong header")

    corrupt = tmp_path / "corrupt.xlsx"
    corrupt.write_bytes(bundled("aigs/aigs-2022-workbook.xlsx").read_bytes()[:5000])
    code, _, err = _run(capsys, "import", "aigs-2022", str(corrupt))
    _assert_one_line_error(code, err, "corrupt.xlsx")

    assert _run(capsys, "stats", "--format", "json")[1] == before


def test_strict_makes_unresolved_names_errors(db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = bundled("aigs/aigs-2019-index-table.csv").read_text(encoding="utf-8")
    bad = tmp_path / "typo.csv"
    bad.write_text(src.replace("Algeria,Algeria", "Algeria,Algerria", 1), encoding="utf-8")
    code, out, _ = _run(capsys, "import", "aigs-2019", str(bad))
    assert code == 0 and "unresolved country 'Algerria'" in out
    shutil.copy(bad, tmp_path / "typo2.csv")
    code, _, err = _run(
        capsys,
        "--db",
        f"sqlite:///{tmp_path / 'other.db'}",
        "import",
        "aigs-2019",
        "--strict",
        str(tmp_path / "typo2.csv"),
    )
    _assert_one_line_error(code, err, "Algerria")


def test_version_and_help(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "--version")
    assert code == 0 and out.startswith("countersight ")
    code, out, _ = _run(capsys, "--help")
    assert code == 0 and "import" in out and "figures" in out


def test_an_import_leaves_the_store_resolved_and_figures_compare(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    """No separate ``resolve``: the live index and the API see an import at once."""
    assert _run(capsys, "import", "aigs-2019")[0] == 0
    stats = json.loads(_run(capsys, "stats", "--format", "json")[1])
    assert stats["deployments"] == 381
    live = json.loads(_run(capsys, "index", "--edition", "live", "--format", "json")[1])
    assert len([r for r in live if r["deployments"]]) == 75
    assert _run(capsys, "import", "aigs-2022")[0] == 0
    code, out, _ = _run(capsys, "figures", "--compare", "2019,2022,live", "--format", "json")
    result = json.loads(out)
    assert code == 0 and result["editions"] == ["2019", "2022", "live"]
    rows = {r["figure"]: r for r in result["rows"]}
    assert rows["countries"]["2019"] == "75" and rows["countries"]["2022"] == "97"
    assert int(rows["countries"]["live"]) >= 97  # the union of both editions' countries
    assert rows["Chinese tech and BRI member"]["live"] is None  # coded only in the sheets
    code, out, _ = _run(capsys, "figures", "--compare", "2019,2022,live")
    assert code == 0 and "AIGS 2019" in out and "live" in out
    code, _, err = _run(capsys, "figures", "--compare", "2019,2020")
    assert code == 2 and "unknown edition '2020'" in err and len(err.strip().splitlines()) == 1
