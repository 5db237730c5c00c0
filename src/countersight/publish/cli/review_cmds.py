"""Commands for resolution and review: ``resolve``, ``deployments`` and ``review …`` (queue,
show, accept, reject, edit, dispute, note, history)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer
from rich.table import Table

from countersight import review as rv
from countersight.model import ReviewEvent
from countersight.publish.cli.common import OutputFormat, console, esc, parse_country, plain, print_json, store
from countersight.publish.cli.index_cmds import parse_date
from countersight.reads import list_deployments
from countersight.resolution import resolve_store
from countersight.store import deployments as dstore
from countersight.store.export_queries import evidence_for_deployments

if TYPE_CHECKING:
    from countersight.resolve.records import EditValue

review_app = typer.Typer(
    help="Review deployments and new organizations: decisions are append-only events.", no_args_is_help=True
)

ReasonOpt = typer.Option(..., "--reason", "-r", help="Why (required; kept in the audit trail).")
ActorOpt = typer.Option(
    None,
    "--actor",
    envvar="COUNTERSIGHT_REVIEWER",
    help="Who decides (default: COUNTERSIGHT_REVIEWER or the login name).",
)
FmtOpt = typer.Option(OutputFormat.table, "--format", "-f", help="table or json")


def resolve_cmd(ctx: typer.Context, fmt: OutputFormat = FmtOpt) -> None:
    """Resolve vendor names and merge claims into deployments (idempotent; keeps review decisions)."""
    report = resolve_store(store(ctx))
    if fmt is OutputFormat.json:
        print_json(report.as_dict())
        return
    w = report.written
    console.print(
        f"{report.claims} claims → {report.deployments} deployments ({report.documents} deployment-document links)"
    )
    console.print(
        f"deployments: {w.get('deployments_new', 0)} new, {w.get('deployments_changed', 0)} changed, "
        f"{w.get('deployments_removed', 0)} removed; claims reassigned: {w.get('claims_reassigned', 0)}"
    )
    if report.new_organizations:
        console.print(f"new organizations flagged for review: {len(report.new_organizations)}")
        for name in report.new_organizations:
            hint = report.suggestions.get(name)
            extra = f" (did you mean {', '.join(f'{n} {s:.0f}' for n, s in hint)}?)" if hint else ""
            console.print(plain(f"  - {name}{extra}"), highlight=False)
    for dep_id in report.requeued:
        console.print(f"re-queued (new evidence after a rejection): {dep_id}")
    for old, new in ((o, n) for n, olds in report.carried_over.items() for o in olds):
        console.print(f"review trail of {old} carried over to {new}")
    for dep_id in report.orphaned_review_targets:
        console.print(f"[yellow]review events target {dep_id}, which no longer exists[/yellow]")


def deployments_cmd(
    ctx: typer.Context,
    country: str = typer.Option(None, "--country", "-c"),
    vendor: str = typer.Option(None, "--vendor", "-v"),
    group: bool = typer.Option(False, "--group", help="--vendor matches the vendor's whole group."),
    technology: str = typer.Option(None, "--technology", "-t"),
    status: str = typer.Option(None, "--status"),
    as_of: str = typer.Option(None, "--as-of", help="As the evidence stood on this date (YYYY-MM-DD)."),
    include_rejected: bool = typer.Option(False, "--include-rejected"),
    fmt: OutputFormat = FmtOpt,
) -> None:
    """List deployments (after review), optionally filtered and as of a date."""
    views = list_deployments(
        store(ctx),
        as_of=parse_date(as_of, "--as-of"),
        country=parse_country(country),
        vendor=vendor,
        technology=technology,
        status=status,
        group=group,
        include_rejected=include_rejected,
    )
    if fmt is OutputFormat.json:
        print_json([v.as_dict() for v in views])
        return
    table = Table(title=f"{len(views)} deployments")
    for col in (
        "id",
        "country",
        "vendor",
        "from",
        "technology",
        "status",
        "conf",
        "docs",
        "first",
        "last",
        "review",
    ):
        table.add_column(col, overflow="fold")
    for v in views:
        table.add_row(
            *(
                plain(x)
                for x in (
                    v.id,
                    v.country,
                    v.vendor or "",
                    v.vendor_country or "",
                    v.technology or "unspecified",
                    v.status,
                    f"{v.confidence:.2f}",
                    str(v.n_documents),
                    v.first_seen.isoformat() if v.first_seen else "",
                    v.last_seen.isoformat() if v.last_seen else "",
                    v.review + (" (disputed)" if v.disputed else "") + (" (re-queued)" if v.requeued else ""),
                )
            )
        )
    console.print(table)


@review_app.command("queue")
def queue(
    ctx: typer.Context,
    country: str = typer.Option(None, "--country", "-c"),
    vendor: str = typer.Option(None, "--vendor", "-v"),
    min_confidence: float = typer.Option(None, "--min-confidence"),
    max_confidence: float = typer.Option(None, "--max-confidence"),
    limit: int = typer.Option(50, "--limit", "-n", help="Show at most this many (0: all)."),
    fmt: OutputFormat = FmtOpt,
) -> None:
    """What awaits review, most important first (low confidence, new vendor, contradictions)."""
    items = rv.review_queue(
        store(ctx),
        country=parse_country(country),
        vendor=vendor,
        min_confidence=min_confidence,
        max_confidence=max_confidence,
        limit=limit or None,
    )
    if fmt is OutputFormat.json:
        print_json([i.as_dict() for i in items])
        return
    table = Table(title=f"review queue ({len(items)} shown)")
    for col in ("priority", "id", "what", "why"):
        table.add_column(col, overflow="fold")
    for i in items:
        table.add_row(f"{i.priority:.2f}", plain(i.target_id), plain(i.summary), plain("; ".join(i.reasons)))
    console.print(table)


def _show_event(ev: ReviewEvent) -> None:
    when = ev.created_at.isoformat(timespec="seconds") if ev.created_at else "?"
    extra = ""
    fields = (ev.changes or {}).get("fields")
    if fields:
        extra = " " + ", ".join(f"{k}: {v.get('from')!r} → {v.get('to')!r}" for k, v in fields.items())
    if ev.action == "dispute":
        extra = f" by {ev.changes.get('by')} (source: {ev.source})"
    console.print(plain(f"#{ev.id} {when} {ev.actor}: {ev.action}{extra} — {ev.reason}"), highlight=False)


def _record(ctx: typer.Context, event: ReviewEvent, fmt: OutputFormat) -> None:
    ev = rv.record(store(ctx), event)
    if fmt is OutputFormat.json:
        print_json(
            {
                "id": ev.id,
                "target_id": ev.target_id,
                "action": ev.action,
                "actor": ev.actor,
                "reason": ev.reason,
                "changes": ev.changes,
                "source": ev.source,
                "created_at": ev.created_at,
            }
        )
        return
    _show_event(ev)


def _kind(target_id: str) -> str:
    return "organization" if target_id.startswith("org-") else "deployment"


@review_app.command("accept")
def accept(
    ctx: typer.Context,
    target_id: str = typer.Argument(..., metavar="ID"),
    reason: str = ReasonOpt,
    actor: str = ActorOpt,
    fmt: OutputFormat = FmtOpt,
) -> None:
    """Accept a deployment (or confirm a new organization)."""
    _record(
        ctx,
        ReviewEvent(target_id, "accept", actor or rv.default_actor(), reason, target_kind=_kind(target_id)),
        fmt,
    )


@review_app.command("reject")
def reject(
    ctx: typer.Context,
    target_id: str = typer.Argument(..., metavar="ID"),
    reason: str = ReasonOpt,
    actor: str = ActorOpt,
    fmt: OutputFormat = FmtOpt,
) -> None:
    """Reject a deployment: the live index leaves it out (re-queued if new evidence arrives)."""
    _record(
        ctx,
        ReviewEvent(target_id, "reject", actor or rv.default_actor(), reason, target_kind=_kind(target_id)),
        fmt,
    )


@review_app.command("edit")
def edit(
    ctx: typer.Context,
    target_id: str = typer.Argument(..., metavar="ID"),
    reason: str = ReasonOpt,
    country: str = typer.Option(None, "--country"),
    technology: str = typer.Option(None, "--technology"),
    vendor: str = typer.Option(None, "--vendor"),
    vendor_country: str = typer.Option(None, "--vendor-country"),
    city: str = typer.Option(None, "--city"),
    agency: str = typer.Option(None, "--agency"),
    status: str = typer.Option(None, "--status"),
    start_year: int = typer.Option(None, "--start-year"),
    end_year: int = typer.Option(None, "--end-year"),
    home_country: str = typer.Option(None, "--home-country", help="Organizations: home country."),
    parent: str = typer.Option(None, "--parent", help="Organizations: parent organization."),
    merge_into: str = typer.Option(None, "--merge-into", help="Organizations: the same as this known one."),
    clear: list[str] = typer.Option([], "--clear", help="Remove an earlier override of this field."),
    actor: str = ActorOpt,
    fmt: OutputFormat = FmtOpt,
) -> None:
    """Correct fields of a deployment or organization (each change recorded with its old value)."""
    given: dict[str, EditValue] = {
        "country": country,
        "technology": technology,
        "vendor": vendor,
        "vendor_country": vendor_country,
        "city": city,
        "agency": agency,
        "status": status,
        "start_year": start_year,
        "end_year": end_year,
        "home_country": home_country,
        "parent": parent,
        "merge_into": merge_into,
    }
    fields: dict[str, EditValue] = {k: v for k, v in given.items() if v is not None}
    fields.update({name: None for name in clear})
    _record(
        ctx,
        ReviewEvent(
            target_id,
            "edit",
            actor or rv.default_actor(),
            reason,
            {"fields": fields},
            target_kind=_kind(target_id),
        ),
        fmt,
    )


@review_app.command("dispute")
def dispute(
    ctx: typer.Context,
    target_id: str = typer.Argument(..., metavar="ID"),
    reason: str = ReasonOpt,
    by: str = typer.Option(..., "--by", help="Who disputes: the vendor or government."),
    source: str = typer.Option(..., "--source", help="Where they said so (URL, letter, statement)."),
    actor: str = ActorOpt,
    fmt: OutputFormat = FmtOpt,
) -> None:
    """Record a right-of-reply dispute; it is shown next to the deployment, which is never deleted."""
    _record(
        ctx,
        ReviewEvent(
            target_id,
            "dispute",
            actor or rv.default_actor(),
            reason,
            {"by": by},
            target_kind=_kind(target_id),
            source=source,
        ),
        fmt,
    )


@review_app.command("note")
def note(
    ctx: typer.Context,
    target_id: str = typer.Argument(..., metavar="ID"),
    reason: str = ReasonOpt,
    actor: str = ActorOpt,
    fmt: OutputFormat = FmtOpt,
) -> None:
    """Add a note to the trail without changing the state."""
    _record(
        ctx,
        ReviewEvent(target_id, "note", actor or rv.default_actor(), reason, target_kind=_kind(target_id)),
        fmt,
    )


@review_app.command("history")
def history(ctx: typer.Context, target_id: str = typer.Argument(..., metavar="ID"), fmt: OutputFormat = FmtOpt) -> None:
    """The full review trail of a deployment or organization, and its current state."""
    s = store(ctx)
    events = rv.history(s, target_id)
    state = rv.current_state(s, target_id)
    if fmt is OutputFormat.json:
        print_json(
            {
                "state": state.as_dict(),
                "events": [
                    {
                        "id": e.id,
                        "action": e.action,
                        "actor": e.actor,
                        "reason": e.reason,
                        "changes": e.changes,
                        "source": e.source,
                        "created_at": e.created_at,
                        "target_id": e.target_id,
                    }
                    for e in events
                ],
            }
        )
        return
    console.print(f"[bold]{esc(target_id)}[/bold]: {state.decision}" + (" (re-queued)" if state.requeued else ""))
    for e in events:
        _show_event(e)
    if not events:
        console.print("no review events")


@review_app.command("show")
def show(
    ctx: typer.Context,
    target_id: str = typer.Argument(..., metavar="ID"),
    as_of: str = typer.Option(None, "--as-of"),
    fmt: OutputFormat = FmtOpt,
) -> None:
    """A deployment with its evidence, review state and any right-of-reply disputes."""
    s = store(ctx)
    views = [
        v for v in list_deployments(s, as_of=parse_date(as_of, "--as-of"), include_rejected=True) if v.id == target_id
    ]
    if not views:
        from countersight.errors import NotFoundError

        raise NotFoundError(f"no deployment {target_id!r}" + (f" with evidence by {as_of}" if as_of else ""))
    v = views[0]
    state = rv.current_state(s, target_id)
    evidence = evidence_for_deployments(s, [target_id])
    if fmt is OutputFormat.json:
        print_json(
            {
                "deployment": v.as_dict(),
                "review": state.as_dict(),
                "evidence": [e._asdict() for e in evidence],
                "claim_ids": dstore.deployment_claim_ids(s, target_id),
            }
        )
        return
    # Everything below comes from documents and reviewers: printed as plain text, never markup,
    # with escape sequences stripped (a quote must not rewrite the reviewer's terminal).
    console.print(
        f"[bold]{esc(v.id)}[/bold] {esc(v.vendor or v.vendor_country or 'unknown supplier')} → {esc(v.country)}: "
        f"{esc(v.technology or 'unspecified technology')}; status {esc(v.status)}; confidence {v.confidence:.2f}; "
        f"review {esc(state.decision)}",
        highlight=False,
    )
    for d in state.disputes:
        console.print(f"[red]disputed by {esc(d.by)}[/red] ({esc(d.source)}): {esc(d.reason)}", highlight=False)
    for e in evidence:
        where = e.url or e.dataset or e.document_id[:12]
        console.print(
            plain(f"  {e.published or '?'} {e.publisher or ''} {where}: “{_clip(e.quote)}”"),
            highlight=False,
        )


def _clip(text: str, width: int = 160) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def register(app: typer.Typer) -> None:
    """Attach these commands to the root app."""
    app.command("resolve", rich_help_panel="Review")(resolve_cmd)
    app.command("deployments", rich_help_panel="Review")(deployments_cmd)
    app.add_typer(review_app, name="review", rich_help_panel="Review")
