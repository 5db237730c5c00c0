"""``countersight token create/list/revoke`` and ``countersight serve`` (uvicorn replaced by a stub)."""

from __future__ import annotations

import json
import socket
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI

from countersight.publish.cli import main
from countersight.store import open_store
from countersight.store.tokens import hash_token, verify_token


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_tokens_are_shown_once_and_stored_hashed(
    database_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("COUNTERSIGHT_DATABASE_URL", database_url)
    code, out, _ = _run(capsys, "token", "create", "--name", "Rita Reviewer", "--role", "reviewer")
    assert code == 0
    secret = out.strip().splitlines()[-1]
    assert secret.startswith("cs_") and len(secret) > 40
    store = open_store(database_url)
    token = verify_token(store, secret)
    assert token is not None and token.name == "Rita Reviewer" and token.role == "reviewer"
    code, out, _ = _run(capsys, "token", "list", "--format", "json")
    listed = json.loads(out)
    assert [t["name"] for t in listed] == ["Rita Reviewer"] and secret not in out and hash_token(secret) not in out
    assert _run(capsys, "token", "revoke", token.id)[0] == 0
    assert verify_token(store, secret) is None
    code, _, err = _run(capsys, "token", "create", "--name", "X", "--role", "owner")
    assert code != 0 and "unknown role" in err
    store.close()


def _stub_server(monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """Replace uvicorn's serving loop: record the config and the sockets it was handed."""
    import uvicorn

    seen: dict[str, Any] = {}

    def run(server: uvicorn.Server, sockets: list[socket.socket] | None = None) -> None:
        seen.update(
            app=server.config.app,
            timeout_keep_alive=server.config.timeout_keep_alive,
            address=sockets[0].getsockname() if sockets else None,
        )
        for sock in sockets or []:
            sock.close()

    monkeypatch.setattr(uvicorn.Server, "run", run)
    return seen


def test_serve_builds_the_app_on_loopback(
    database_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    open_store(database_url).close()
    seen = _stub_server(monkeypatch)
    monkeypatch.setenv("COUNTERSIGHT_DATABASE_URL", database_url)
    with socket.socket() as probe:  # a free port, found by the kernel
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    code, out, _ = _run(capsys, "serve", "--port", str(port))
    assert code == 0 and isinstance(seen["app"], FastAPI)
    assert seen["address"] == ("127.0.0.1", port) and f"http://127.0.0.1:{port}/" in out
    # uvicorn's own 5 s keep-alive dropped requests under load (docs/scaling.md, Load)
    assert seen["timeout_keep_alive"] == 75
    seen.clear()
    assert _run(capsys, "serve", "--port", str(port), "--keep-alive", "30")[0] == 0
    assert seen["timeout_keep_alive"] == 30


def test_serve_on_a_busy_port_is_one_line_without_the_banner(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'busy.db'}"
    open_store(url).close()
    seen = _stub_server(monkeypatch)
    monkeypatch.setenv("COUNTERSIGHT_DATABASE_URL", url)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        code, out, err = _run(capsys, "serve", "--port", str(port))
    assert code == 7 and not seen and "countersight on" not in out
    assert err == f"error: cannot listen on 127.0.0.1:{port}: the port is in use (is another server running?)\n"


@pytest.mark.parametrize("port", ["99999", "0", "-1"])
def test_serve_rejects_a_port_out_of_range(
    port: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'port.db'}"
    open_store(url).close()
    seen = _stub_server(monkeypatch)
    monkeypatch.setenv("COUNTERSIGHT_DATABASE_URL", url)
    code, out, err = _run(capsys, "serve", "--port", port)
    assert (code, out, seen) == (2, "", {})
    assert err == f"error: --port must be between 1 and 65535, not {port}\n"


def test_serve_needs_an_existing_store(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    seen = _stub_server(monkeypatch)
    code, out, err = _run(capsys, "--db", f"sqlite:///{tmp_path / 'typo.db'}", "serve", "--port", "8123")
    assert (code, seen) == (4, {}) and "countersight on" not in out
    assert err.startswith(f"error: {tmp_path / 'typo.db'}: no store here") and err.count("\n") == 1
    assert not (tmp_path / "typo.db").exists()


def test_tokens_can_expire_and_serve_passes_the_security_settings(
    database_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import datetime as dt

    monkeypatch.setenv("COUNTERSIGHT_DATABASE_URL", database_url)
    monkeypatch.setenv("COUNTERSIGHT_TOKEN_TTL_DAYS", "7")
    assert _run(capsys, "token", "create", "--name", "Default TTL")[0] == 0
    assert _run(capsys, "token", "create", "--name", "Short", "--expires-days", "1")[0] == 0
    listed = {t["name"]: t for t in json.loads(_run(capsys, "token", "list", "--format", "json")[1])}
    for name, days in (("Default TTL", 7), ("Short", 1)):
        left = dt.datetime.fromisoformat(listed[name]["expires_at"]).replace(tzinfo=dt.UTC) - dt.datetime.now(dt.UTC)
        assert dt.timedelta(days=days - 1) < left <= dt.timedelta(days=days), name
    assert listed["Short"]["last_used_at"] is None
    code, _, err = _run(capsys, "token", "create", "--name", "x" * 301)
    assert code != 0 and "300" in err

    seen = _stub_server(monkeypatch)
    monkeypatch.setenv("COUNTERSIGHT_PUBLIC_BASE_URL", "https://monitor.example.org")
    monkeypatch.setenv("COUNTERSIGHT_PUBLISH_FULL_TEXT", "1")
    with socket.socket() as probe:  # a free port, found by the kernel
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    assert _run(capsys, "serve", "--port", str(port))[0] == 0
    config = seen["app"].state.config
    assert config.public_base_url == "https://monitor.example.org" and config.publish_full_text is True
