"""The CLI entry point (publish/cli/__init__.py): the version, every command group registered, the
database option, and exit codes for usage errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from countersight import __version__
from countersight.publish.cli import app, main


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--version"]) == 0
    assert capsys.readouterr().out.strip() == f"countersight {__version__}"


def test_every_command_module_is_registered() -> None:
    names = {c.name for c in app.registered_commands} | {g.name for g in app.registered_groups}
    assert {"extract", "ingest", "review", "index", "export", "serve", "eval", "follow", "sources", "stats"} <= names


def test_usage_errors_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["no-such-command"]) == 2
    assert "No such command" in capsys.readouterr().err


def test_the_database_option_chooses_the_store(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "chosen.db"
    assert main(["--db", f"sqlite:///{db}", "sources", "add", "https://news.example.org/rss", "-f", "json"]) == 0
    assert db.exists()
    capsys.readouterr()
