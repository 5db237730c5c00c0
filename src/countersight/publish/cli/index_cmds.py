"""Commands over the index: ``index``, ``diff``, ``analyze`` and ``chart``."""

from __future__ import annotations

import csv
import datetime as dt
import enum
import sys
from pathlib import Path

import typer
from rich.table import Table

from countersight import clock
from countersight.errors import UsageError
from countersight.index import EDITIONS, flat_row
from countersight.index.records import StatusChange
from countersight.publish.cli.common import console, parse_country, plain, print_json, store
from countersight.reads import analyze, compute_index, diff
from countersight.textsafe import formula_safe


class IndexFormat(str, enum.Enum):  # noqa: UP042 - as common.OutputFormat (Typer choices)
    """Output formats of ``countersight index``."""

    table = "table"
    json = "json"
    csv = "csv"


class TextFormat(str, enum.Enum):  # noqa: UP042 - as common.OutputFormat (Typer choices)
    """Output formats of ``diff`` and ``analyze``."""

    table = "table"
    json = "json"


def parse_date(value: str | None, option: str) -> dt.date | None:
    """A YYYY-MM-DD option value (None stays None)."""
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise typer.BadParameter(f"not a date (YYYY-MM-DD): {value!r}", param_hint=option) from exc


def _edition(value: str) -> str:
    if value not in EDITIONS:
        raise UsageError(f"--edition: unknown edition {value!r}; choose from {', '.join(EDITIONS)}")
    return value


def index(
    ctx: typer.Context,
    as_of: str = typer.Option(None, "--as-of", help="Only evidence published by this date (YYYY-MM-DD)."),
    edition: str = typer.Option("live", "--edition", "-e", help="2019, 2022 (that AIGS edition alone) or live."),
    country: str = typer.Option(None, "--country", "-c", help="One country (ISO3 code or name)."),
    group: bool = typer.Option(False, "--group-vendors", help="List vendors by group (parent) instead."),
    fmt: IndexFormat = typer.Option(IndexFormat.table, "--format", "-f", help="table, json or csv"),
) -> None:
    """The country index: technologies, supplier origins, vendors, evidence and governance per country."""
    rows = compute_index(
        store(ctx),
        as_of=parse_date(as_of, "--as-of"),
        edition=_edition(edition),
        country=parse_country(country),
        group_vendors=group,
    )
    if fmt is IndexFormat.json:
        print_json([r.as_dict() for r in rows])
        return
    flat = [flat_row(r) for r in rows]
    if fmt is IndexFormat.csv:
        columns = list(flat[0]) if flat else _empty_columns(edition)
        writer = csv.DictWriter(sys.stdout, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows({k: formula_safe(v) if isinstance(v, str) else v for k, v in r.items()} for r in flat)
        return
    table = Table(title=f"countersight index ({edition}" + (f", as of {as_of}" if as_of else "") + ")")
    for col in (
        "country",
        "deps",
        "technologies",
        "supplier origins",
        "vendors",
        "docs",
        "conf",
        "evidence",
        "regime",
        "milex%",
    ):
        table.add_column(col, overflow="fold")
    for r in rows:
        techs = ", ".join(f"{_short(t)} {n}" for t, n in r.technologies.items() if n)
        if r.unspecified:
            techs += f"{', ' if techs else ''}unspecified {r.unspecified}"
        origins = ", ".join(f"{k} {n}" for k, n in sorted(r.supplier_origins.items(), key=lambda kv: -kv[1]))
        dates = f"{r.first_evidence or ''}..{r.last_evidence or ''}"
        table.add_row(
            r.country,
            str(r.deployments),
            techs,
            origins,
            plain(_trim(";".join(r.vendors).replace(";", ", "))),  # vendor names come from documents
            f"{r.documents}/{r.publishers}",
            _num(r.mean_confidence),
            dates,
            r.regime or "",
            _num(r.military_pct_gdp),
        )
    console.print(table)
    console.print(f"{len(flat)} countries")


def _empty_columns(edition: str) -> list[str]:
    """The CSV columns of an edition's index when it has no rows (they follow the taxonomy)."""
    from countersight.index.compute import IndexRow

    return list(flat_row(IndexRow("", "", edition, None, 0, {}, 0, {}, {}, (), 0, 0, None, None, None)))


def _short(tech: str) -> str:
    return {
        "safe_city": "safe",
        "facial_recognition": "face",
        "smart_policing": "police",
        "social_media_monitoring": "social",
        "video_surveillance": "video",
        "license_plate_recognition": "plates",
        "biometric_id": "biom",
    }.get(tech, tech)


def _trim(text: str, width: int = 40) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _num(value: float | None) -> str:
    return "" if value is None else f"{value:.2f}"


def diff_cmd(
    ctx: typer.Context,
    from_date: str = typer.Option(..., "--from", help="Earlier date (YYYY-MM-DD)."),
    to_date: str = typer.Option(None, "--to", help="Later date (default: today)."),
    country: str = typer.Option(None, "--country", "-c", help="One country (ISO3 code or name)."),
    fmt: TextFormat = typer.Option(TextFormat.table, "--format", "-f"),
) -> None:
    """Countries and deployments that appeared, changed status or disappeared between two dates."""
    start = parse_date(from_date, "--from")
    end = parse_date(to_date, "--to") or clock.today()
    assert start is not None
    report = diff(store(ctx), start, end, country=parse_country(country))
    if fmt is TextFormat.json:
        print_json(report.as_dict())
        return
    console.print(f"[bold]changes from {report.from_date} to {report.to_date}[/bold]")
    console.print(f"countries appeared: {', '.join(report.countries_appeared) or '-'}")
    console.print(f"countries disappeared: {', '.join(report.countries_disappeared) or '-'}")
    console.print(f"countries changed: {', '.join(c.country for c in report.countries_changed) or '-'}")
    for title, items in (
        ("deployments appeared", report.appeared),
        ("deployments changed status", report.status_changed),
        ("deployments disappeared", report.disappeared),
    ):
        console.print(f"{title}: {len(items)}")
        for d in items:
            change = f" {d.from_status} → {d.to_status}" if isinstance(d, StatusChange) else f" ({d.status})"
            console.print(
                f"  {d.id} {d.country} {d.vendor or d.vendor_country or '?'} {d.technology or 'unspecified'}{change}",
                markup=False,
                highlight=False,
            )


def analyze_cmd(
    ctx: typer.Context,
    edition: str = typer.Option("live", "--edition", "-e", help="2019, 2022 or live."),
    as_of: str = typer.Option(None, "--as-of", help="Live data as of this date (YYYY-MM-DD)."),
    fmt: TextFormat = typer.Option(TextFormat.table, "--format", "-f"),
) -> None:
    """Adoption by regime type, Chinese vs US supply by regime and BRI, military spending, tests."""
    result = analyze(store(ctx), edition=_edition(edition), as_of=parse_date(as_of, "--as-of"))
    if fmt is TextFormat.json:
        print_json(result.as_dict())
        return
    console.print(
        f"[bold]analysis of the {edition} index[/bold] (governance year {result.governance_year}; "
        f"denominator: {result.universe})"
    )
    t = Table(title="adoption by regime type")
    for col in ("regime", "using", "total", "share"):
        t.add_column(col)
    for a in result.adoption_by_regime:
        t.add_row(f"{a.regime} {a.name}", str(a.using), str(a.total), "" if a.share is None else f"{a.share:.0%}")
    console.print(t)
    t = Table(title="Chinese and US supply among users, by regime type")
    for col in ("regime", "using", "Chinese", "US", "both"):
        t.add_column(col)
    for s in result.supply_by_regime:
        t.add_row(s.regime, str(s.using), str(s.chinese), str(s.us), str(s.both))
    console.print(t)
    t = Table(title="Chinese and US supply among users, by Belt and Road membership")
    for col in ("BRI", "using", "Chinese", "US"):
        t.add_column(col)
    for b in result.supply_by_bri:
        t.add_row(b.bri, str(b.using), str(b.chinese), str(b.us))
    console.print(t)
    m = result.military
    console.print(f"top-{50} military spenders (coded rank) that use AI surveillance: {m.top50_using}")
    console.print(
        f"median military expenditure ({m.pct_gdp_year}, % GDP): users {m.median_pct_gdp_using} "
        f"(n={m.n_using_with_pct_gdp}), non-users {m.median_pct_gdp_not_using} "
        f"(n={m.n_not_using_with_pct_gdp})"
    )
    c = result.chi_square
    if c.note is None:
        console.print(
            f"chi-square (regime type x use): chi2={c.chi2}, dof={c.dof}, p={c.p_value}, "
            f"n={c.n}, smallest expected count {c.min_expected}"
        )
    else:
        console.print(f"chi-square: {c.note}")
    lg = result.logistic
    if lg.note is None:
        console.print(f"{lg.model}; n={lg.n} ({lg.n_using} using), pseudo R²={lg.pseudo_r2}")
        t = Table()
        for col in ("term", "coef", "std err", "95% CI", "p", "odds ratio"):
            t.add_column(col)
        for co in lg.coefficients:
            t.add_row(
                co.term,
                f"{co.coef:.3f}",
                f"{co.std_err:.3f}",
                f"[{co.ci_low:.3f}, {co.ci_high:.3f}]",
                f"{co.p_value:.3g}",
                f"{co.odds_ratio:.3f}",
            )
        console.print(t)
    else:
        console.print(f"logistic regression: {lg.note}")
    if result.unclassified:
        console.print(f"users without a regime type (left out of the tests): {', '.join(result.unclassified)}")
    console.print(f"caveat: {result.caveat}", markup=False, highlight=False)


def chart(
    ctx: typer.Context,
    kind: str = typer.Argument(..., help="map, origins or timeline"),
    out: Path = typer.Option(..., "--out", "-o", help="Output file: .png or .svg"),
    edition: str = typer.Option("live", "--edition", "-e", help="2019, 2022 or live."),
    as_of: str = typer.Option(None, "--as-of", help="Only evidence published by this date (YYYY-MM-DD)."),
) -> None:
    """Write a static chart for reports (offline): world map, supplier-origin bars, timeline."""
    from countersight.reads import write_chart

    path = write_chart(store(ctx), kind, out, edition=_edition(edition), as_of=parse_date(as_of, "--as-of"))
    console.print(f"wrote {path}")


def register(app: typer.Typer) -> None:
    """Attach these commands to the root app."""
    app.command("index", rich_help_panel="Index")(index)
    app.command("diff", rich_help_panel="Index")(diff_cmd)
    app.command("analyze", rich_help_panel="Index")(analyze_cmd)
    app.command("chart", rich_help_panel="Index")(chart)
