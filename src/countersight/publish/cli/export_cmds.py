"""Commands that publish the store to the outside world: ``export``, ``watch`` and
``publish static``. Each is a thin shell over one library function."""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import sys
from pathlib import Path

import typer
from rich.table import Table

from countersight.errors import InputError, UsageError
from countersight.publish.cli.common import console, parse_country, plain, print_json, settings, store
from countersight.publish.export import export
from countersight.publish.export.atom import deployments_feed
from countersight.publish.export.static_site import build_static_site
from countersight.publish.urls import is_web_url
from countersight.store.export_queries import Selection, deployment_changes


class ExportFormat(enum.StrEnum):
    """Export formats."""

    ftm = "ftm"
    csv = "csv"
    json = "json"
    geojson = "geojson"
    parquet = "parquet"
    datapackage = "datapackage"
    sqlite = "sqlite"


class WatchFormat(enum.StrEnum):
    """Ways to show changed deployments."""

    table = "table"
    json = "json"
    atom = "atom"


def _selection(filters: list[str] | None) -> Selection:
    try:
        selection = Selection.parse(filters or [])
    except ValueError as exc:
        raise InputError(str(exc)) from exc
    return dataclasses.replace(selection, country=parse_country(selection.country))


def export_cmd(
    ctx: typer.Context,
    out: Path = typer.Argument(
        ..., help="Output file (ftm, json, geojson, sqlite) or folder (csv, parquet, datapackage)."
    ),
    fmt: ExportFormat = typer.Option(..., "--format", "-f", help="Export format."),
    filters: list[str] = typer.Option(
        None,
        "--filter",
        help="Narrow the export: country=KEN, vendor=Huawei, "
        "technology=facial_recognition, source=aigs-2019 "
        "(repeatable).",
    ),
    bom: bool = typer.Option(False, "--bom", help="CSV: start each file with a UTF-8 BOM (for Excel)."),
    full_text: bool = typer.Option(
        False,
        "--full-text",
        help="Include full article texts (usually third-party copyright; off by default).",
    ),
    reviewer_names: bool = typer.Option(
        False, "--reviewer-names", help="Include reviewers' and admins' names (off by default: docs/security.md)."
    ),
    include_archives: bool = typer.Option(
        False,
        "--include-archives",
        help="Copy the WARC archives of the exported documents beside the export (third-party pages; off by default).",
    ),
) -> None:
    """Export the store: FollowTheMoney, CSV, JSON, GeoJSON, Parquet, data package or SQLite."""
    selection = _selection(filters)
    files = export(store(ctx), fmt.value, out, selection, bom=bom, full_text=full_text, reviewer_names=reviewer_names)
    if include_archives:
        from countersight.publish.export.archives import export_archives

        folder = out / "archives" if out.is_dir() else out.with_name(out.name + ".archives")
        files += export_archives(store(ctx), settings(ctx), folder, selection)
    for f in files:
        console.print(str(f), markup=False, highlight=False, soft_wrap=True)  # one path per line, never wrapped


def _since(value: str | None) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise InputError(f"--since must be a date like 2024-01-31, not {value!r}") from exc


def watch_cmd(
    ctx: typer.Context,
    country: str = typer.Option(None, "--country", help="Recipient country, ISO3 code or name."),
    vendor: str = typer.Option(None, "--vendor", help="Canonical vendor name."),
    technology: str = typer.Option(None, "--technology", help="Technology id."),
    since: str = typer.Option(None, "--since", help="Only deployments new or changed on or after this date."),
    fmt: WatchFormat = typer.Option(WatchFormat.table, "--format", "-f", help="table, json or atom."),
    base_url: str = typer.Option(
        "",
        "--base-url",
        help="Atom: where `countersight serve` answers (e.g. https://cs.example.org); entry links become "
        "absolute. Default COUNTERSIGHT_PUBLIC_BASE_URL; without either they are relative to that "
        "server's root.",
    ),
) -> None:
    """List deployments that are new or changed since a date (or print them as an Atom feed)."""
    sel = Selection(country=parse_country(country), vendor=vendor, technology=technology)
    when = _since(since)
    st = store(ctx)
    if fmt is WatchFormat.atom:
        cfg = settings(ctx)
        base_url = base_url or cfg.public_base_url or ""
        if base_url and not is_web_url(base_url):
            raise UsageError(f"--base-url must be an http(s) address, not {base_url!r}")
        # The same feed as the server's: reviewers named only where the server would name them.
        sys.stdout.write(
            deployments_feed(st, sel, since=when, base_url=base_url, reviewer_names=cfg.publish_reviewer_names)
        )
        return
    rows = deployment_changes(st, sel, when)
    if fmt is WatchFormat.json:
        print_json([r.as_dict() for r in rows])
        return
    table = Table(title=f"deployments new or changed{' since ' + str(when) if when else ''}: {len(rows)}")
    for col in ("updated", "country", "technology", "vendor", "status", "evidence", "id"):
        table.add_column(col)
    for r in rows:
        table.add_row(  # stored text: plain, never markup or escape sequences
            *(
                plain(v)
                for v in (
                    r.updated,
                    r.deployment.country,
                    r.deployment.technology,
                    r.deployment.vendor,
                    r.deployment.status,
                    f"{r.deployment.n_claims} claims / {r.deployment.n_documents} docs",
                    r.deployment.id,
                )
            )
        )
    console.print(table)


publish_app = typer.Typer(help="Publish the store: a static copy of the dashboard.", no_args_is_help=True)


@publish_app.command("static")
def publish_static(
    ctx: typer.Context,
    folder: Path = typer.Argument(..., help="Folder to write the static site into."),
    include_archives: bool = typer.Option(
        False,
        "--include-archives",
        help="Copy the WARC archives of the documents into archives/ (third-party pages; off by default).",
    ),
) -> None:
    """Write a static site (map, country and vendor pages, evidence, JSON) viewable from file://."""
    files = build_static_site(store(ctx), folder)
    if include_archives:
        from countersight.publish.export.archives import export_archives

        files += export_archives(store(ctx), settings(ctx), folder / "archives")
    console.print(
        f"{len(files)} files written to {folder}; open {folder / 'index.html'}", markup=False, highlight=False
    )


def register(app: typer.Typer) -> None:
    """Add the export commands to the root app."""
    app.command("export", rich_help_panel="Publish")(export_cmd)
    app.command("watch", rich_help_panel="Publish")(watch_cmd)
    app.add_typer(publish_app, name="publish", rich_help_panel="Publish")
