"""Commands of follow (issue 16): ``sources add|list|remove|pause|resume|import-opml|export-opml``,
``follow`` and ``archive show``."""

from __future__ import annotations

import re
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer
from rich.table import Table

from countersight.errors import InputError
from countersight.publish.cli.common import (
    OutputFormat,
    console,
    err_console,
    esc,
    plain,
    print_json,
    settings,
    sigint_stops,
    store,
)
from countersight.textsafe import terminal_safe

if TYPE_CHECKING:
    from countersight.store.sources import FeedSource

sources_app = typer.Typer(
    help="Sources that follow polls: feeds, sitemaps, pages, GDELT GKG files.", no_args_is_help=True
)
archive_app = typer.Typer(help="Archived copies (WARC) of the pages follow fetched.", no_args_is_help=True)

_DURATION = re.compile(r"^\s*(\d+)\s*([smhd]?)\s*$")
_UNITS = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_every(value: str) -> int:
    """Seconds in a period such as ``30m``, ``1h``, ``1d`` (``0s``: due at every run)."""
    m = _DURATION.match(value)
    if not m:
        raise InputError(f"--every {value!r}: expected a number with s, m, h or d (e.g. 1h)")
    return int(m[1]) * _UNITS[m[2]]


def _source_dict(s: FeedSource) -> dict[str, Any]:  # JSON: a source as ``sources --format json`` prints it
    """A followed source as JSON (dates are written by print_json)."""
    return {
        "name": s.name,
        "url": s.url,
        "kind": s.kind,
        "every_seconds": s.every_seconds,
        "language": s.language,
        "paused": s.paused,
        "note": s.note,
        "last_polled": s.last_polled,
        "next_due": s.next_due,
        "last_error": s.last_error,
    }


@sources_app.command("add")
def sources_add(
    ctx: typer.Context,
    url: str = typer.Argument(None, help="The feed, sitemap, page or GKG file address.", show_default=False),
    kind: str = typer.Option(
        None,
        "--kind",
        "-k",
        help="rss, atom, sitemap, page or gdelt-gkg (default: guessed from the address, else rss).",
    ),
    every: str = typer.Option("1h", "--every", help="How often to poll (30m, 1h, 1d)."),
    lang: str = typer.Option(None, "--lang", help="Language of the source's articles (ISO 639-1)."),
    name: str = typer.Option(None, "--name", "-n", help="A short name (default: the address's host and path)."),
    starter: bool = typer.Option(False, "--starter", help="Add the curated starter list of public feeds."),
    fmt: OutputFormat = typer.Option(OutputFormat.table, "--format", "-f"),
) -> None:
    """Follow a source (or, with --starter, the curated list of public feeds of the field)."""
    from countersight.follow.sources import new_source, starter_sources
    from countersight.store.sources import add_sources

    if starter == bool(url):
        raise InputError("give either a URL or --starter")
    wanted = starter_sources() if starter else [new_source(url, kind, parse_every(every), lang, name)]
    added = add_sources(store(ctx, write=True), wanted)
    if fmt is OutputFormat.json:
        print_json({"added": [_source_dict(s) for s in added], "already_followed": len(wanted) - len(added)})
        return
    for s in added:
        console.print(
            f"following [bold]{esc(s.name)}[/bold] ({s.kind}, every {s.every_seconds} s): {esc(s.url)}", highlight=False
        )
    if len(wanted) > len(added):
        console.print(f"{len(wanted) - len(added)} already followed (same address or name)")
    if starter and not wanted:
        console.print("the starter list is empty in this version (see docs/sources.md)")


@sources_app.command("list")
def sources_list(ctx: typer.Context, fmt: OutputFormat = typer.Option(OutputFormat.table, "--format", "-f")) -> None:
    """List followed sources with their state."""
    from countersight.store.sources import list_sources

    rows = list_sources(store(ctx))
    if fmt is OutputFormat.json:
        print_json([_source_dict(s) for s in rows])
        return
    table = Table(title=f"{len(rows)} sources")
    for col in ("name", "kind", "every", "state", "last polled", "url"):
        table.add_column(col, overflow="fold")
    for s in rows:  # stored text: plain, never markup or escape sequences
        table.add_row(
            *(
                plain(v)
                for v in (
                    s.name,
                    s.kind,
                    f"{s.every_seconds} s",
                    "paused" if s.paused else (s.last_error or "ok"),
                    s.last_polled or "never",
                    s.url,
                )
            )
        )
    console.print(table)


@sources_app.command("remove")
def sources_remove(ctx: typer.Context, name: str = typer.Argument(..., help="Name or URL.")) -> None:
    """Stop following a source (what it brought stays in the store)."""
    from countersight.store.sources import remove_source

    console.print(f"removed {esc(remove_source(store(ctx), name).name)}", highlight=False)


@sources_app.command("pause")
def sources_pause(ctx: typer.Context, name: str = typer.Argument(..., help="Name or URL.")) -> None:
    """Pause a source: follow skips it until resumed."""
    from countersight.store.sources import set_paused

    console.print(f"paused {esc(set_paused(store(ctx), name, True).name)}", highlight=False)


@sources_app.command("resume")
def sources_resume(ctx: typer.Context, name: str = typer.Argument(..., help="Name or URL.")) -> None:
    """Resume a paused source."""
    from countersight.store.sources import set_paused

    console.print(f"resumed {esc(set_paused(store(ctx), name, False).name)}", highlight=False)


@sources_app.command("import-opml")
def sources_import_opml(
    ctx: typer.Context,
    path: Path = typer.Argument(..., help="An OPML file."),
    every: str = typer.Option("1h", "--every", help="Poll period of the imported feeds."),
) -> None:
    """Follow every feed of an OPML file (feed readers export their subscriptions as OPML)."""
    from countersight.follow.opml import read_opml
    from countersight.store.sources import add_sources

    wanted = read_opml(path.read_bytes(), str(path), parse_every(every))
    added = add_sources(store(ctx, write=True), wanted)
    console.print(f"{len(added)} sources added, {len(wanted) - len(added)} already followed")


@sources_app.command("export-opml")
def sources_export_opml(
    ctx: typer.Context, out: Path = typer.Argument(None, help="File (default: stdout).", show_default=False)
) -> None:
    """Write the followed sources as OPML."""
    from countersight.follow.opml import write_opml
    from countersight.store.sources import list_sources

    data = write_opml(list_sources(store(ctx)))
    if out is None:
        typer.echo(data.decode("utf-8"), nl=False)
    else:
        out.write_bytes(data)


def follow_cmd(
    ctx: typer.Context,
    once: bool = typer.Option(False, "--once", help="Poll every due source once, then exit (cron, CI)."),
    source: str = typer.Option(None, "--source", "-s", help="Poll only this source (by name), due or not."),
    fmt: OutputFormat = typer.Option(OutputFormat.table, "--format", "-f"),
    progress: bool = typer.Option(True, "--progress/--no-progress", help="Show progress on stderr."),
) -> None:
    """Poll the followed sources, fetch new articles politely, archive them (WARC), extract, dedupe,
    ingest and resolve; Ctrl-C stops cleanly and a restart resumes."""
    from countersight.follow import FollowStats, follow

    s = store(ctx, write=True)
    status = err_console.status("following") if progress and err_console.is_terminal else None

    def update(stats: FollowStats) -> None:
        if status is not None:
            status.update(
                f"{stats.sources} sources, {stats.items} items, {stats.fetched} fetched, "
                f"{stats.not_modified} not modified, {len(stats.failed)} failed"
            )

    with sigint_stops("stopping after the pages in flight (Ctrl-C again to abort)") as stop:
        if status is not None:
            with status:
                stats = follow(s, settings(ctx), once=once, source=source, stop=stop, progress=update)
        else:
            stats = follow(s, settings(ctx), once=once, source=source, stop=stop, progress=update)
    result = stats.summary()
    if fmt is OutputFormat.json:
        print_json(result)
        return
    table = Table(title="follow" + (" (interrupted)" if stats.interrupted else ""))
    table.add_column("what")
    table.add_column("count", justify="right")
    for key in ("sources", "items", "fetched", "not_modified", "robots_skipped", "duplicates", "claims", "deployments"):
        table.add_row(key.replace("_", " "), str(result[key]))
    table.add_row("failed", str(len(result["failed"])))
    console.print(table)
    for f in result["failed"]:
        console.print(plain(f"  failed: {f['url']}: {f['error']}"), highlight=False)


@archive_app.command("show")
def archive_show(
    ctx: typer.Context,
    key: str = typer.Argument(..., help="A document id or a fetched URL."),
    raw: bool = typer.Option(False, "--raw", help="Print the archived HTTP body instead of its text."),
    fmt: OutputFormat = typer.Option(OutputFormat.table, "--format", "-f"),
) -> None:
    """Print the archived copy of a document or URL (from the WARC file follow wrote)."""
    from countersight.follow.sources import archived_copy

    copy = archived_copy(store(ctx), settings(ctx), key)
    if fmt is OutputFormat.json:
        print_json(asdict(copy))
        return
    err_console.print(
        plain(f"{copy.url}: archived {copy.fetched_at} in {copy.warc_file} at offset {copy.warc_offset}"),
        highlight=False,
    )
    # Third-party text: escape sequences and controls stripped before they reach the terminal.
    typer.echo(terminal_safe(copy.body if raw else copy.text))


def register(app: typer.Typer) -> None:
    """Attach these commands to the root app."""
    app.add_typer(sources_app, name="sources", rich_help_panel="Follow")
    app.command("follow", rich_help_panel="Follow")(follow_cmd)
    app.add_typer(archive_app, name="archive", rich_help_panel="Follow")
