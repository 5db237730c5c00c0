"""The CLI shells: ``export``, ``watch`` and ``publish static``, with bad input as one clear line."""

from __future__ import annotations

import json
from pathlib import Path

import feedparser
import pytest

from countersight.publish.cli import main
from countersight.store import open_store
from export_fixture import fill


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("COUNTERSIGHT_DATABASE_URL", url)
    s = open_store(url)
    fill(s)
    s.close()
    return url


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_export_with_filter_and_bom(db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _run(
        capsys, "export", "--format", "csv", "--filter", "country=SRB", "--bom", str(tmp_path / "csv")
    )
    assert code == 0, err
    assert "claims.csv" in out
    text = (tmp_path / "csv" / "claims.csv").read_text(encoding="utf-8-sig")
    assert "SRB" in text and "KEN" not in text
    code, _, err = _run(capsys, "export", "-f", "geojson", str(tmp_path / "c.geojson"))
    assert code == 0 and json.loads((tmp_path / "c.geojson").read_text())["type"] == "FeatureCollection"


def test_export_bad_filter_is_one_line(db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = _run(capsys, "export", "-f", "csv", "--filter", "colour=red", str(tmp_path / "x"))
    assert code == 2 and err.startswith("error: bad filter") and len(err.strip().splitlines()) == 1


def test_watch_table_json_atom(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "watch", "--country", "ken", "--since", "2024-01-01", "-f", "json")
    assert code == 0
    rows = json.loads(out)
    assert [r["country"] for r in rows] == ["KEN"]
    code, out, _ = _run(capsys, "watch", "--since", "2024-06-01")
    assert code == 0 and "Serbia" not in out and "SRB" in out and "dispute" not in out
    code, out, _ = _run(capsys, "watch", "--technology", "safe_city", "-f", "atom")
    parsed = feedparser.parse(out)
    assert code == 0 and not parsed.bozo and len(parsed.entries) == 1
    code, _, err = _run(capsys, "watch", "--since", "yesterday")
    assert code == 2 and "--since" in err


def test_publish_static(db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _run(capsys, "publish", "static", str(tmp_path / "site"))
    assert code == 0, err
    assert (tmp_path / "site" / "index.html").is_file() and "index.html" in out


def test_watch_and_index_tables_print_stored_names_as_plain_text(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    from countersight.store import schema

    s = open_store(db)
    with s.transaction() as conn:  # as stored before the sanitiser: markup and an escape sequence
        conn.execute(schema.deployments.update().values(vendor="[bold]Evil[/x]\x1b[2J Corp"))
    s.close()
    code, out, err = _run(capsys, "watch")
    assert code == 0, err
    assert "\x1b" not in out and "[bold]E" in out  # shown as text, not read as markup
