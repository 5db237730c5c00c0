"""The ``countersight`` command: a Typer app whose commands are thin shells over library
functions. Errors become one line on stderr and a non-zero exit (a traceback only with
``--debug``)."""

from __future__ import annotations

import dataclasses
import logging
import os
import sys

import typer

from countersight import __version__
from countersight.config import Settings
from countersight.errors import CountersightError
from countersight.publish.cli import data_cmds
from countersight.textsafe import terminal_safe

app = typer.Typer(
    name="countersight",
    help="An open, evidence-first monitor of the global trade in AI surveillance technology.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode="rich",
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"countersight {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    ctx: typer.Context,
    database: str = typer.Option(
        None,
        "--database",
        "--db",
        envvar="COUNTERSIGHT_DATABASE_URL",
        help="SQLAlchemy database URL (default: SQLite in the user data directory).",
    ),
    debug: bool = typer.Option(False, "--debug", help="Show tracebacks and debug logs."),
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Print the version and exit."
    ),
) -> None:
    """countersight: read, extract, resolve, index and publish AI-surveillance deployments."""
    base = Settings.from_env()
    # Every other setting (the security ones included) comes from the environment unchanged.
    ctx.obj = dataclasses.replace(base, database_url=database or base.database_url, debug=debug or base.debug)
    logging.basicConfig(
        level=logging.DEBUG if ctx.obj.debug else logging.WARNING, format="%(levelname)s %(name)s: %(message)s"
    )


data_cmds.register(app)

# Command modules added by later layers register themselves here, in help order.
for _module in ("extract_cmds", "review_cmds", "index_cmds", "export_cmds", "serve_cmds", "eval_cmds", "follow_cmds"):
    try:
        _mod = __import__(f"countersight.publish.cli.{_module}", fromlist=["register"])
    except ModuleNotFoundError as _exc:
        if _exc.name != f"countersight.publish.cli.{_module}":
            raise
        continue
    _mod.register(app)


def main(argv: list[str] | None = None) -> int:
    """Entry point: run the app, turning known errors into one clear line and an exit code."""
    debug = "--debug" in (argv if argv is not None else sys.argv[1:]) or os.environ.get(
        "COUNTERSIGHT_DEBUG", ""
    ) not in ("", "0", "false")
    try:
        # Standalone mode lets Typer report usage errors itself; it ends with SystemExit.
        app(args=argv, prog_name="countersight")
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    except CountersightError as exc:
        if debug:
            raise
        typer.echo(f"error: {terminal_safe(str(exc))}", err=True)
        return exc.exit_code
    except KeyboardInterrupt:
        typer.echo("interrupted", err=True)
        return 130
    except OSError as exc:
        if debug:
            raise
        typer.echo(f"error: {terminal_safe(str(exc))}", err=True)
        return 1
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
