"""The CLI edge (``countersight.publish.cli.main``): every bad input issue 15 lists gives one line on
stderr, no traceback and a non-zero exit; read-only commands never create a store."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import countersight as cs
from countersight.errors import StoreError
from countersight.publish.cli import main


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


def _one_line(err: str) -> str:
    """The single stderr line of a failed command (the 'created a new store' note aside)."""
    lines = [x for x in err.splitlines() if x.strip() and not x.startswith("created a new store at ")]
    assert len(lines) == 1, err
    assert "Traceback" not in err
    return lines[0]


@pytest.fixture(scope="module")
def aigs_db(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A store with AIGS 2019 and the AidData Huawei loans, resolved."""
    url = f"sqlite:///{tmp_path_factory.mktemp('cli-errors') / 'store.db'}"
    for args in (("import", "aigs-2019"), ("import", "aiddata-huawei"), ("resolve",)):
        assert main(["--db", url, *args]) == 0
    return url


def test_unsupported_database_url(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = _run(capsys, "--db", "mysql://user@localhost/cs", "stats")
    assert code == 4
    assert _one_line(err) == (
        "error: unsupported database 'mysql' in mysql://user@localhost/cs: "
        "use SQLite (sqlite:///PATH) or PostgreSQL (postgresql://HOST/NAME)"
    )


@pytest.mark.parametrize(
    "command", [("stats",), ("index",), ("figures",), ("export", "-f", "csv", "OUT"), ("deployments",), ("watch",)]
)
def test_read_only_commands_do_not_create_a_store(
    command: tuple[str, ...], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "typo.db"
    args = [str(tmp_path / "out") if a == "OUT" else a for a in command]
    code, out, err = _run(capsys, "--db", f"sqlite:///{missing}", *args)
    assert code == 4 and out == ""
    assert _one_line(err).startswith(f"error: {missing}: no store here")
    assert not missing.exists() and not (tmp_path / "out").exists()


def test_a_missing_directory_is_an_error_for_reads_and_writes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'no' / 'such' / 'x.db'}"
    for args in (("stats",), ("import", "governance")):
        code, _, err = _run(capsys, "--db", url, *args)
        assert code == 4 and _one_line(err) == f"error: {tmp_path / 'no' / 'such'}: directory does not exist"
    assert not (tmp_path / "no").exists()


def test_writing_commands_create_a_store_and_say_so(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "new.db"
    code, _, err = _run(capsys, "--db", f"sqlite:///{path}", "import", "governance")
    assert code == 0 and path.exists() and f"created a new store at {path}\n" in err
    code, _, err = _run(capsys, "--db", f"sqlite:///{path}", "import", "governance")
    assert code == 0 and "created a new store" not in err


def test_python_api_open_of_a_missing_file_is_an_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(StoreError, match="no store here"):
        cs.open("typo.db")
    with pytest.raises(StoreError, match="no store here"):
        cs.open(f"sqlite:///{tmp_path / 'typo.db'}")
    assert not (tmp_path / "typo.db").exists()


def test_unknown_edition(aigs_db: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _run(capsys, "--db", aigs_db, "figures", "--edition", "2020")
    assert (code, out) == (2, "")
    assert _one_line(err) == "error: unknown edition '2020'; choose from 2019, 2022"
    code, _, err = _run(capsys, "--db", aigs_db, "index", "--edition", "2020")
    assert code == 2 and _one_line(err) == "error: --edition: unknown edition '2020'; choose from 2019, 2022, live"
    code, out, err = _run(capsys, "--db", aigs_db, "figures", "--compare", "2019,2020,1999")
    assert (code, out) == (2, "")
    assert _one_line(err) == "error: --compare: unknown edition '2020', '1999'; choose from 2019, 2022, live"


def test_country_names_and_codes_are_one_parser(aigs_db: str, capsys: pytest.CaptureFixture[str]) -> None:
    by_code = _run(capsys, "--db", aigs_db, "financing", "--country", "PAK", "--context", "--format", "json")
    by_name = _run(capsys, "--db", aigs_db, "financing", "--country", "Pakistan", "--context", "--format", "json")
    assert by_code[0] == by_name[0] == 0 and by_code[1] == by_name[1]
    assert {r["country"] for r in json.loads(by_name[1])} == {"PAK"}
    lower = _run(capsys, "--db", aigs_db, "watch", "--country", "kenya", "--format", "json")
    upper = _run(capsys, "--db", aigs_db, "watch", "--country", "KEN", "--format", "json")
    assert lower[0] == 0 and lower[1] == upper[1] and {r["country"] for r in json.loads(lower[1])} == {"KEN"}


@pytest.mark.parametrize(
    "args",
    [
        ("financing", "--country", "XXX"),
        ("watch", "--country", "ZZZ"),
        ("index", "--country", "ZZZ"),
        ("deployments", "--country", "Atlantis"),
        ("export", "-f", "csv", "OUT", "--filter", "country=ZZZ"),
    ],
)
def test_unknown_country_is_an_error(
    args: tuple[str, ...], aigs_db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = [str(tmp_path / "out") if a == "OUT" else a for a in args]
    code, out, err = _run(capsys, "--db", aigs_db, *argv)
    name = "Atlantis" if "Atlantis" in args else ("XXX" if "XXX" in args else "ZZZ")
    assert (code, out) == (3, "")
    assert _one_line(err) == f"error: unknown country '{name}': give an ISO3 code or a name (PAK or Pakistan)"


def test_review_history_of_an_unknown_id(aigs_db: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _run(capsys, "--db", aigs_db, "review", "history", "nope")
    assert (code, out) == (5, "")
    assert _one_line(err) == "error: no deployment or organization 'nope'"
