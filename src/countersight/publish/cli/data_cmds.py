"""Commands over the store's contents: ``stats``, ``import …``, ``figures``, ``build-demo``."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from countersight.datasets import (
    ImportReport,
    import_aiddata_gcdf_surveillance,
    import_aiddata_huawei,
    import_aigs,
    import_governance,
)
from countersight.index.figures import EDITIONS, figures_table_rows
from countersight.index.financing import financing_table_rows
from countersight.index.records import FigureComparison, FinancingFigures, record_dict
from countersight.publish.cli.common import OutputFormat, console, parse_country, plain, print_json, store
from countersight.reads import (
    compare_figures,
    compute_figures,
    country_financing_context,
    deployment_financing,
    financing_figures,
    surveillance_financing,
)


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


def print_report(report: ImportReport, fmt: OutputFormat) -> None:
    """Show an import report: counts, then every repair, unresolved name and disagreement."""
    if fmt is OutputFormat.json:
        print_json(report.as_dict())
        return
    added = ", ".join(f"{v} {k}" for k, v in report.added.items())
    console.print(f"[bold]{report.dataset}[/bold] from {report.path}: {report.rows} rows read; added {added}")
    if report.resolved:
        console.print(
            f"deployments: {report.resolved.get('deployments_new', 0)} new, "
            f"{report.resolved.get('deployments_changed', 0)} changed (resolved incrementally)"
        )
    for title, items in (
        ("repairs", report.repairs),
        ("unresolved names", report.unresolved),
        ("disagreements with the source's own coding (kept as coded)", report.disagreements),
    ):
        console.print(f"{title}: {len(items)}")
        for item in items:
            console.print(plain(f"  - {item}"), highlight=False)


PathArg = typer.Argument(None, help="File to import (default: the copy bundled with countersight).", show_default=False)


@import_app.command("aigs-2019")
def import_aigs_2019(
    ctx: typer.Context,
    path: Path = PathArg,
    strict: bool = typer.Option(False, "--strict", help="Make an unresolved country or vendor an error."),
    fmt: OutputFormat = typer.Option(OutputFormat.table, "--format", "-f"),
) -> None:
    """Import the Carnegie AI Global Surveillance Index 2019 table."""
    print_report(import_aigs(store(ctx, write=True), "2019", path, strict=strict), fmt)


@import_app.command("aigs-2022")
def import_aigs_2022(
    ctx: typer.Context,
    path: Path = PathArg,
    strict: bool = typer.Option(False, "--strict", help="Make an unresolved country or vendor an error."),
    fmt: OutputFormat = typer.Option(OutputFormat.table, "--format", "-f"),
) -> None:
    """Import the AI & Big Data Global Surveillance Index 2022 workbook (both sheets, with repairs)."""
    print_report(import_aigs(store(ctx, write=True), "2022", path, strict=strict), fmt)


@import_app.command("governance")
def import_governance_cmd(
    ctx: typer.Context,
    fmt: OutputFormat = typer.Option(OutputFormat.table, "--format", "-f"),
) -> None:
    """Import V-Dem regime types by year and World Bank military expenditure (bundled copies)."""
    print_report(import_governance(store(ctx, write=True)), fmt)


@import_app.command("aiddata-huawei")
def import_aiddata_huawei_cmd(
    ctx: typer.Context,
    path: Path = PathArg,
    fmt: OutputFormat = typer.Option(OutputFormat.table, "--format", "-f"),
) -> None:
    """Import AidData's Global Huawei Finance Dataset (ODC-By 1.0): every project, its cited sources,
    surveillance projects as claims with their financing."""
    print_report(import_aiddata_huawei(store(ctx, write=True), path), fmt)


@import_app.command("aiddata-gcdf-surveillance")
def import_aiddata_gcdf_cmd(
    ctx: typer.Context,
    path: Path = PathArg,
    military: Path = typer.Option(
        None, "--military", help="Military-finance subset (default: bundled copy).", show_default=False
    ),
    fmt: OutputFormat = typer.Option(OutputFormat.table, "--format", "-f"),
) -> None:
    """Import AidData GCDF 2.0 projects with policing or surveillance titles (geocoded and military
    subsets, ODC-By 1.0): Safe City loans as claims with lender, instrument and amount."""
    reports = import_aiddata_gcdf_surveillance(store(ctx, write=True), path, military)
    if fmt is OutputFormat.json:
        print_json([r.as_dict() for r in reports])
        return
    for report in reports:
        print_report(report, fmt)


def figures(
    ctx: typer.Context,
    edition: str = typer.Option("2019", "--edition", "-e", help=f"AIGS edition: {', '.join(EDITIONS)}."),
    financing: bool = typer.Option(False, "--financing", help="Only the financing section (AidData records)."),
    all_projects: bool = typer.Option(
        False, "--all-projects", help="Financing of every imported project, not only surveillance deals."
    ),
    compare: str = typer.Option(None, "--compare", help="Editions side by side in one table, e.g. 2019,2022,live."),
    fmt: OutputFormat = typer.Option(OutputFormat.table, "--format", "-f"),
) -> None:
    """Compute an AIGS edition's headline figures from the store, with notes on differences, and
    the financing of surveillance deals (AidData) when the store holds any."""
    s = store(ctx)
    if compare:
        _print_comparison(compare_figures(s, [e.strip() for e in compare.split(",") if e.strip()]), fmt)
        return
    if financing:
        fin = financing_figures(s, surveillance=not all_projects)
        if fmt is OutputFormat.json:
            print_json(fin.as_dict())
        else:
            _print_financing(fin)
        return
    result = compute_figures(s, edition)
    if fmt is OutputFormat.json:
        print_json(result.as_dict())
        return
    table = Table(title=f"AIGS {edition}: figures computed from the store")
    table.add_column("figure")
    table.add_column("value", justify="right")
    for label, value in figures_table_rows(result):
        table.add_row(label, value)
    console.print(table)
    for note in result.notes:
        console.print(f"note: {note}", markup=False, highlight=False)
    fin = financing_figures(s)
    if fin.deals:
        _print_financing(fin)


def _print_comparison(result: FigureComparison, fmt: OutputFormat) -> None:
    """Editions' figures side by side, as JSON or a table."""
    if fmt is OutputFormat.json:
        print_json(result.as_dict())
        return
    table = Table(title="Headline figures computed from the store, side by side")
    table.add_column("figure")
    for edition in result.editions:
        table.add_column(edition if edition == "live" else f"AIGS {edition}", justify="right")
    for row in result.rows:
        table.add_row(row.figure, *[row.values[e] if row.values[e] is not None else "–" for e in result.editions])
    console.print(table)
    for edition, figures in result.figures.items():
        for note in figures.notes:
            console.print(f"note ({edition}): {note}", markup=False, highlight=False)


def _print_financing(fin: FinancingFigures) -> None:
    """The financing figures as a table, with their notes."""
    table = Table(title=f"Financing ({fin.scope} deals, AidData): computed from the store")
    table.add_column("figure")
    table.add_column("value", justify="right")
    for label, value in financing_table_rows(fin):
        table.add_row(label, value)
    console.print(table)
    for note in fin.notes:
        console.print(f"note: {note}", markup=False, highlight=False)


def financing_cmd(
    ctx: typer.Context,
    country: str = typer.Option(None, "--country", "-c", help="One recipient country (ISO3 code or name)."),
    deployment: str = typer.Option(None, "--deployment", "-d", help="The financing behind one deployment id."),
    context: bool = typer.Option(False, "--context", help="Non-surveillance projects (grants, training, credits)."),
    fmt: OutputFormat = typer.Option(OutputFormat.table, "--format", "-f"),
) -> None:
    """List financed surveillance deals (AidData): lender, instrument, amounts, with their sources."""
    code = parse_country(country)
    s = store(ctx)
    if deployment:
        records = deployment_financing(s, deployment).as_dicts()
    elif context:
        if not country:
            raise typer.BadParameter("--context needs --country")
        records = [record_dict(r) for r in country_financing_context(s, code or "")]
    else:
        records = [record_dict(r) for r in surveillance_financing(s, code)]
    if fmt is OutputFormat.json:
        print_json(records)
        return
    table = Table(title="financing (AidData, ODC-By 1.0)")
    for col in ("project", "country", "lender", "instrument", "amount", "USD 2017", "conc.", "title"):
        table.add_column(col, overflow="fold")
    for r in records:
        amount = f"{r['amount']:,.0f} {r['currency']}" if r.get("amount") is not None else ""
        usd = f"{r['amount_usd_2017']:,.0f}" if r.get("amount_usd_2017") is not None else ""
        conc = "" if r.get("concessional") is None else ("yes" if r["concessional"] else "no")
        table.add_row(
            plain(r.get("project_id") or r.get("claim_id")),
            plain(r.get("country")),
            plain(r.get("lender")),
            plain(r.get("instrument")),
            amount,
            usd,
            conc,
            plain(str(r.get("title") or r.get("text") or "")[:60]),
        )
    console.print(table)
    console.print(f"{len(records)} records")


def build_demo_cmd(ctx: typer.Context) -> None:
    """Build the demo database from the bundled data (AIGS, governance, finance), then resolve it."""
    from countersight.demo import build_demo

    s = store(ctx, write=True)
    console.print(f"building the demo database at {s.url}")
    with console.status("working") as status:
        build_demo(s, on_step=lambda name: status.update(name))
    stats = s.stats()
    console.print(f"done: {stats['documents']} documents, {stats['claims']} claims, {stats['deployments']} deployments")


def register(app: typer.Typer) -> None:
    """Attach these commands to the root app."""
    app.command("stats", rich_help_panel="Data")(stats)
    app.add_typer(import_app, name="import", rich_help_panel="Data")
    app.command("figures", rich_help_panel="Index")(figures)
    app.command("financing", rich_help_panel="Index")(financing_cmd)
    app.command("build-demo", rich_help_panel="Data")(build_demo_cmd)
