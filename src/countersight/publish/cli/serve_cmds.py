"""``countersight serve``: the HTTP API and dashboard (uvicorn), and ``countersight token``: the
bearer tokens that write endpoints require."""

from __future__ import annotations

import datetime as dt
import errno
import socket

import typer
from rich.table import Table

from countersight.errors import ServeError, UsageError
from countersight.publish.cli.common import OutputFormat, console, print_json, settings, store
from countersight.store import tokens
from countersight.textsafe import terminal_safe

token_app = typer.Typer(help="API tokens for reviewers and admins (stored hashed).", no_args_is_help=True)


def serve_cmd(
    ctx: typer.Context,
    host: str = typer.Option("127.0.0.1", "--host", help="Interface to listen on (loopback by default)."),
    port: int = typer.Option(8000, "--port", help="TCP port."),
    cors_origin: list[str] = typer.Option(
        [], "--cors-origin", help="Allow browser calls from this origin (repeatable; none by default)."
    ),
    max_body_bytes: int = typer.Option(1_000_000, "--max-body-bytes", help="Largest request body accepted."),
    keep_alive: int = typer.Option(
        75,
        "--keep-alive",
        min=1,
        help="Seconds an idle connection stays open (uvicorn's 5 s dropped requests of busy clients; "
        "behind a proxy, keep the proxy's upstream keep-alive shorter).",
    ),
) -> None:
    """Serve the API (/api, /docs, /openapi.json), the Atom feeds and the dashboard."""
    import uvicorn

    from countersight.publish.api.app import create_app

    if not 1 <= port <= 65535:
        raise UsageError(f"--port must be between 1 and 65535, not {port}")
    opened = store(ctx)
    store_url = opened.url
    app = create_app(opened, cors_origins=cors_origin, max_body_bytes=max_body_bytes, settings=settings(ctx))
    # Bind before announcing the address: a busy port is one line, not a banner and a traceback.
    listening = bind_socket(host, port)
    config = uvicorn.Config(
        app, timeout_keep_alive=keep_alive, log_level="warning" if not settings(ctx).debug else "debug"
    )
    typer.echo(f"countersight on http://{_url_host(host)}:{port}/ (API docs at /docs); database {store_url}")
    uvicorn.Server(config).run(sockets=[listening])


def bind_socket(host: str, port: int) -> socket.socket:
    """A listening TCP socket on ``host:port``; :class:`ServeError` when the address is taken."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror as exc:
        raise ServeError(f"cannot listen on {host}:{port}: unknown host ({exc.strerror})") from exc
    family, kind, proto, _name, address = infos[0]
    sock = socket.socket(family, kind, proto)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind(address)
        sock.listen(2048)
    except OSError as exc:
        sock.close()
        reason = (
            "the port is in use (is another server running?)"
            if exc.errno == errno.EADDRINUSE
            else exc.strerror or str(exc)
        )
        raise ServeError(f"cannot listen on {host}:{port}: {reason}") from exc
    sock.set_inheritable(True)
    return sock


def _url_host(host: str) -> str:
    return f"[{host}]" if ":" in host else host


@token_app.command("create")
def token_create(
    ctx: typer.Context,
    name: str = typer.Option(..., "--name", help="Who uses it: the actor recorded on every review event."),
    role: str = typer.Option("reviewer", "--role", help="reviewer (review actions) or admin (everything)."),
    expires_days: int | None = typer.Option(
        None,
        "--expires-days",
        min=1,
        help="Days until the token stops working (default COUNTERSIGHT_TOKEN_TTL_DAYS, else never).",
    ),
) -> None:
    """Create a token; its secret is printed once and only its hash is stored."""
    days = expires_days if expires_days is not None else settings(ctx).token_ttl_days
    token, secret = tokens.create_token(
        store(ctx, write=True), name, role, dt.timedelta(days=days) if days is not None else None
    )
    console.print(
        f"token {token.id} for {token.name} ({token.role}); keep this secret, it is not stored:",
        markup=False,
        highlight=False,
    )
    typer.echo(secret)


@token_app.command("list")
def token_list(ctx: typer.Context, fmt: OutputFormat = typer.Option(OutputFormat.table, "--format", "-f")) -> None:
    """List tokens (never their secrets)."""
    rows = tokens.list_tokens(store(ctx))
    if fmt is OutputFormat.json:
        print_json(
            [
                {
                    "id": t.id,
                    "name": t.name,
                    "role": t.role,
                    "created_at": t.created_at,
                    "revoked_at": t.revoked_at,
                    "expires_at": t.expires_at,
                    "last_used_at": t.last_used_at,
                }
                for t in rows
            ]
        )
        return
    table = Table("id", "name", "role", "created", "revoked", "expires", "last used")
    for t in rows:
        table.add_row(
            *(terminal_safe(v) for v in (t.id, t.name, t.role)),
            *(str(v or "")[:19] for v in (t.created_at, t.revoked_at, t.expires_at, t.last_used_at)),
        )
    console.print(table)


@token_app.command("revoke")
def token_revoke(ctx: typer.Context, token_id: str = typer.Argument(..., help="Token id (tok-…)")) -> None:
    """Revoke a token: it stops working at once; events it wrote keep its name."""
    tokens.revoke_token(store(ctx), token_id)
    console.print(f"revoked {token_id}", markup=False)


def register(app: typer.Typer) -> None:
    """Add ``serve`` and ``token`` to the root app."""
    app.command("serve")(serve_cmd)
    app.add_typer(token_app, name="token")
