"""Commands over the store's contents: ``stats``, ``import …``, ``figures``, ``build-demo``."""

from __future__ import annotations

import typer
from rich.table import Table

from countersight.publish.cli.common import OutputFormat, console, print_json, store


def stats(
    ctx: typer.Context,
    fmt: OutputFormat = typer.Option(OutputFormat.table, "--format", "-f", help="table or json"),
) -> None:
    """Show what the store holds: documents, claims, evidence, deployments, organizations."""
    result = store(ctx).stats()
    if fmt is OutputFormat.json:
        print_json(result)
        return
    table = Table(title=f"countersight store: {result['database']}")
    table.add_column("what")
    table.add_column("count", justify="right")
    for key in ("documents", "claims", "evidence", "deployments", "organizations", "review_events"):
        table.add_row(key, str(result[key]))
    for src, n in result["by_source"].items():
        table.add_row(f"  claims from {src}", str(n))
    console.print(table)


import_app = typer.Typer(
    help="Import datasets (AIGS editions, governance tables, AidData finance) into the store.",
    no_args_is_help=True,
)


def register(app: typer.Typer) -> None:
    """Attach these commands to the root app."""
    app.command("stats", rich_help_panel="Data")(stats)
    app.add_typer(import_app, name="import", rich_help_panel="Data")
