"""``extract`` (claims as JSON lines, no store) and ``ingest`` (read, extract, store)."""

from __future__ import annotations

import enum
import json
import sys
from collections.abc import Mapping, Sequence
from typing import Any

import typer
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from countersight.errors import NothingToDoError
from countersight.extract.model import Model
from countersight.ingest import IngestStats, NamedExtractor, document_contract, extract_documents, ingest
from countersight.parallel import available_cores
from countersight.publish.cli.common import OutputFormat, err_console, plain, print_json, settings, sigint_stops, store
from countersight.sources import Limits
from countersight.textsafe import terminal_safe


class ExtractFormat(enum.StrEnum):
    """Output of ``extract``."""

    jsonl = "jsonl"


def chosen_model(model: str) -> Model | None:
    """The model a ``--model`` value names: a file, 'bundled', or 'none' for the rules alone
    (a missing, corrupt or other-format file is a one-line error)."""
    return NamedExtractor(model).load()


def extractor_for(model: str) -> NamedExtractor:
    """The extraction function for a ``--model`` value (the model is read here, so that a bad
    file is an error before any input is read)."""
    extractor = NamedExtractor(model)
    extractor.load()
    return extractor


def explain_text(row: dict[str, Any]) -> str:  # JSON: one line of the extract contract (docs/extract.md)
    """A document's claims with their reasons, for a reader."""
    lines = [f"{row.get('source') or row.get('path')}: {len(row['claims'])} claim(s)"]
    for c in row["claims"]:
        supplier = c["vendor"] or c["vendor_country"]
        lines.append(
            f"  {supplier} -> {c['country']} ({c['technology']}, {c['status']}) confidence {c['confidence']:.2f}"
        )
        if c.get("evidence"):
            lines.append(f"    evidence: {c['evidence']['text'][:300]}")
        for reason in c.get("explain") or []:
            sign = "+" if reason["weight"] > 0 else "-"
            lines.append(f"    {sign} {reason['says']} ({reason['weight']:+.2f})")
    return "\n".join(lines) + "\n"


def _print_failures(failed: Sequence[Mapping[str, object]], total: int) -> None:
    """The first failures on standard error (all of them are in the JSON output)."""
    if not total:
        return
    err_console.print(f"[bold red]{total} input(s) failed:[/]", highlight=False)
    for f in failed[:50]:
        err_console.print(plain(f"  {f['error']}"), highlight=False, soft_wrap=True)
    if total > 50:
        err_console.print(f"  … and {total - 50} more (see --format json)", highlight=False)


def extract(
    ctx: typer.Context,
    paths: list[str] = typer.Argument(..., help="Files, directories, or - for standard input."),
    fmt: ExtractFormat = typer.Option(ExtractFormat.jsonl, "--format", "-f", help="jsonl"),
    strict: bool = typer.Option(False, "--strict", help="Exit non-zero if any input failed."),
    model: str = typer.Option(
        "bundled", "--model", "-m", help="Model file, 'bundled' (the shipped model) or 'none' (the 0.2 rules alone)."
    ),
    explain: bool = typer.Option(False, "--explain", help="Print each claim with the reasons for it, in words."),
    jobs: int = typer.Option(
        1, "--jobs", "-j", min=0, help="Extract on N processes (0: one per core); output keeps the input order."
    ),
) -> None:
    """Extract claims without touching the store: one JSON object per document per line."""
    limits = Limits.from_settings(settings(ctx))
    ok, failed = 0, []
    out = sys.stdout
    extractor = extractor_for(model)
    jobs = jobs or available_cores()
    for outcome in extract_documents(paths, limits=limits, extractor=extractor, jobs=jobs):
        if outcome.error is not None or outcome.document is None:
            failed.append({"path": outcome.source, "error": outcome.error})
            continue
        row = document_contract(outcome)
        if explain:  # words for a terminal: stored text without escape sequences
            out.write(terminal_safe(explain_text(row)))
        else:
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
        ok += 1
    out.flush()
    if not ok and not failed:
        raise NothingToDoError(f"nothing to extract: no document found in {', '.join(paths)}")
    _print_failures(failed, len(failed))
    err_console.print(f"{ok} document(s), {len(failed)} failure(s)", highlight=False)
    if failed and (strict or not ok):
        raise typer.Exit(2)


def ingest_cmd(
    ctx: typer.Context,
    paths: list[str] = typer.Argument(..., help="Files, directories, or - for standard input."),
    fmt: OutputFormat = typer.Option(OutputFormat.table, "--format", "-f", help="table or json"),
    strict: bool = typer.Option(False, "--strict", help="Exit non-zero if any input failed."),
    workers: int = typer.Option(
        0, "--workers", "-w", min=0, help="Extract on a local Dask cluster of N worker processes."
    ),
    scheduler: str = typer.Option(None, "--scheduler", help="Use a running Dask scheduler (tcp://HOST:PORT)."),
    batch_size: int = typer.Option(200, "--batch-size", min=1, help="Documents per transaction."),
    progress_bar: bool = typer.Option(True, "--progress/--no-progress", help="Progress bar on stderr."),
) -> None:
    """Read, extract and store documents idempotently and resumably (rerun after a stop to finish)."""
    cfg = settings(ctx)
    db = store(ctx, write=True)
    limits = Limits.from_settings(cfg)
    bar = Progress(
        SpinnerColumn(),
        TextColumn("[bold]ingest[/]"),
        TextColumn(
            "{task.fields[docs]} documents ({task.fields[new]} new) · {task.fields[claims]} claims"
            " · [red]{task.fields[failed]} failed[/] · {task.fields[rate]} docs/s"
        ),
        TimeElapsedColumn(),
        console=err_console,
        transient=False,
        disable=not progress_bar or not err_console.is_terminal and fmt is OutputFormat.json,
    )
    task = bar.add_task("ingest", total=None, docs=0, new=0, claims=0, failed=0, rate="–")

    def update(stats: IngestStats) -> None:
        rate = f"{stats.documents / stats.elapsed:,.0f}" if stats.elapsed > 0 else "–"
        bar.update(task, docs=stats.documents, new=stats.new, claims=stats.claims, failed=stats.failed_total, rate=rate)

    with sigint_stops("interrupt: finishing the current batch (Ctrl-C again to abort)") as stop, bar:
        stats = ingest(
            db,
            paths,
            limits=limits,
            batch_size=batch_size,
            quarantine_dir=cfg.quarantine_dir,
            progress=update,
            stop=stop,
            workers=workers,
            scheduler=scheduler,
        )
        update(stats)
    db.close()
    summary = stats.summary()
    if fmt is OutputFormat.json:
        print_json(summary)
    else:
        _print_failures(stats.failed, stats.failed_total)
        for entry in stats.not_documents:
            err_console.print(plain(f"skipped {entry['path']}: {entry['reason']}"), highlight=False)
        if stats.resolved:
            err_console.print(
                f"deployments: {stats.resolved.get('deployments_new', 0)} new, "
                f"{stats.resolved.get('deployments_changed', 0)} changed",
                highlight=False,
            )
        err_console.print(
            f"{stats.documents} document(s): {stats.new} new, {stats.skipped} already stored; "
            f"{stats.claims} new claim(s); {stats.resumed} input(s)/record(s) done earlier; "
            f"{stats.failed_total} failure(s) in {stats.elapsed:.1f}s"
            + (" — interrupted, rerun to finish" if stats.interrupted else ""),
            highlight=False,
        )
    if stats.interrupted:
        raise typer.Exit(130)
    succeeded = stats.documents > 0 or stats.resumed > 0
    if stats.failed_total and (strict or not succeeded):
        raise typer.Exit(2)


def register(app: typer.Typer) -> None:
    """Attach these commands to the root app."""
    app.command("extract", rich_help_panel="Extraction")(extract)
    app.command("ingest", rich_help_panel="Extraction")(ingest_cmd)
