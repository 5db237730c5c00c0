"""``countersight sources`` and ``follow`` (publish/cli/follow_cmds.py): following sources, their
state as JSON, pausing, OPML out, and poll periods."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from countersight.errors import InputError
from countersight.publish.cli import main
from countersight.publish.cli.follow_cmds import parse_every


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.mark.parametrize(("text", "seconds"), [("30m", 1800), ("1h", 3600), (" 2d ", 172800), ("45", 45), ("0s", 0)])
def test_poll_periods(text: str, seconds: int) -> None:
    assert parse_every(text) == seconds


@pytest.mark.parametrize("text", ["", "1w", "h", "-1h", "1.5h"])
def test_bad_poll_periods(text: str) -> None:
    with pytest.raises(InputError):
        parse_every(text)


def test_follow_pause_list_and_remove_a_source(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = f"sqlite:///{tmp_path / 'store.db'}"
    url = "https://news.example.org/feed.xml"
    code, out, _ = _run(capsys, "--db", db, "sources", "add", url, "--every", "30m", "--name", "example", "-f", "json")
    added = json.loads(out)
    assert code == 0 and added["already_followed"] == 0
    assert added["added"][0] | {"next_due": None} == {
        "name": "example",
        "url": url,
        "kind": "rss",
        "every_seconds": 1800,
        "language": None,
        "paused": False,
        "note": None,
        "last_polled": None,
        "next_due": None,
        "last_error": None,
    }
    assert json.loads(_run(capsys, "--db", db, "sources", "add", url, "-f", "json")[1])["already_followed"] == 1
    assert _run(capsys, "--db", db, "sources", "pause", "example")[0] == 0
    listed = json.loads(_run(capsys, "--db", db, "sources", "list", "-f", "json")[1])
    assert [(s["name"], s["paused"]) for s in listed] == [("example", True)]
    code, opml, _ = _run(capsys, "--db", db, "sources", "export-opml")
    assert code == 0 and url in opml and opml.lstrip().startswith("<?xml")
    assert _run(capsys, "--db", db, "sources", "remove", "example")[0] == 0
    assert json.loads(_run(capsys, "--db", db, "sources", "list", "-f", "json")[1]) == []


def test_a_url_or_the_starter_list_not_both(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = f"sqlite:///{tmp_path / 'store.db'}"
    code, _, err = _run(capsys, "--db", db, "sources", "add")
    assert code != 0 and "give either a URL or --starter" in err
