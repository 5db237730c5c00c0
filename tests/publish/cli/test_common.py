"""What the commands share (publish/cli/common.py): stored text made safe for a terminal, country
options, JSON output and the Ctrl-C contract."""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import threading

import pytest

from countersight.errors import UnresolvedNameError
from countersight.publish.cli.common import OutputFormat, esc, parse_country, plain, print_json, sigint_stops


def test_stored_text_is_never_markup_or_escape_sequences() -> None:
    text = plain("\x1b[31mred[/] [bold]name[/bold]")
    assert "\x1b" not in text.plain and "[bold]name[/bold]" in text.plain
    assert plain(None).plain == ""
    assert esc("[bold]x") == "\\[bold]x"


def test_country_options() -> None:
    assert parse_country("Kenya") == parse_country("ken") == "KEN"
    assert parse_country(None) is None
    with pytest.raises(UnresolvedNameError):
        parse_country("Atlantis")


def test_print_json_writes_dates_as_text(capsys: pytest.CaptureFixture[str]) -> None:
    print_json({"day": dt.date(2024, 1, 2), "name": "Quito ñ"})
    out = capsys.readouterr().out
    assert json.loads(out) == {"day": "2024-01-02", "name": "Quito ñ"} and "ñ" in out
    assert [f.value for f in OutputFormat] == ["table", "json"]


def test_first_ctrl_c_asks_to_stop_the_second_aborts(capsys: pytest.CaptureFixture[str]) -> None:
    before = signal.getsignal(signal.SIGINT)
    with sigint_stops("stopping") as stop:
        assert not stop.is_set()
        os.kill(os.getpid(), signal.SIGINT)
        assert stop.is_set()
        with pytest.raises(KeyboardInterrupt):
            os.kill(os.getpid(), signal.SIGINT)
    assert signal.getsignal(signal.SIGINT) is before
    assert "stopping" in capsys.readouterr().err


def test_off_the_main_thread_the_event_is_unset() -> None:
    seen: list[bool] = []

    def run() -> None:
        with sigint_stops("x") as stop:
            seen.append(stop.is_set())

    t = threading.Thread(target=run)
    t.start()
    t.join()
    assert seen == [False]
