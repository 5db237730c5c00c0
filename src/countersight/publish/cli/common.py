"""What every CLI command shares: settings, the store, consoles and output formats."""

from __future__ import annotations

import enum
import json
import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.text import Text

from countersight.config import Settings, default_database_url
from countersight.reference import countries
from countersight.store import Store, open_store
from countersight.store.db import sqlite_file
from countersight.textsafe import terminal_safe

console = Console()
err_console = Console(stderr=True)


def plain(value: object) -> Text:
    """Stored text (documents, names, reasons) for a terminal: escape sequences and control
    characters stripped, and never read as Rich markup (a ``[bold]`` in a name stays text)."""
    return Text(terminal_safe("" if value is None else str(value)))


def esc(value: object) -> str:
    """Stored text to put inside a Rich markup string: stripped as :func:`plain`, brackets escaped."""
    return escape(terminal_safe("" if value is None else str(value)))


class OutputFormat(enum.StrEnum):
    """Output formats most commands offer."""

    table = "table"
    json = "json"


def settings(ctx: typer.Context) -> Settings:
    """The settings the root callback put on the context (or read from the environment)."""
    root = ctx.find_root()
    if isinstance(root.obj, Settings):
        return root.obj
    return Settings.from_env()


def store(ctx: typer.Context, *, write: bool = False) -> Store:
    """Open the configured store. Commands that only read need an existing one; commands that
    ``write`` may create a new SQLite file (said on stderr), but never a missing directory other
    than the user data directory of the default store."""
    url = settings(ctx).database_url
    path = sqlite_file(url)
    if write and path is not None and url == default_database_url():
        path.parent.mkdir(parents=True, exist_ok=True)
    is_new = path is not None and not path.exists()
    opened = open_store(url, must_exist=not write)
    if is_new:
        typer.echo(f"created a new store at {path}", err=True)
    return opened


def parse_country(value: str | None) -> str | None:
    """A ``--country`` value (ISO3 code or name) as a code; None stays None. An unknown
    country is an :class:`~countersight.errors.UnresolvedNameError`, one line at the edge."""
    return None if value is None else countries.parse_country(value)


def print_json(value: Any) -> None:
    """Print JSON to stdout (sorted keys, UTF-8, dates as ISO strings)."""
    sys.stdout.write(json.dumps(value, indent=2, ensure_ascii=False, default=str) + "\n")


@contextmanager
def sigint_stops(message: str) -> Iterator[threading.Event]:
    """First Ctrl-C sets the returned event (the run stops at its next safe point, saying
    ``message``); a second one aborts. Off the main thread, signals cannot be handled: the event
    is returned unset."""
    stop = threading.Event()
    if threading.current_thread() is not threading.main_thread():
        yield stop
        return

    def handler(_sig: int, _frame: Any) -> None:
        if stop.is_set():
            raise KeyboardInterrupt
        stop.set()
        err_console.print(message, style="yellow", highlight=False, markup=False)

    previous = signal.signal(signal.SIGINT, handler)
    try:
        yield stop
    finally:
        signal.signal(signal.SIGINT, previous)
