"""``countersight token create/list/revoke`` and ``countersight serve`` (uvicorn replaced by a stub)."""

from __future__ import annotations

import json
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
    assert (
        [t["name"] for t in listed] == ["Rita Reviewer"]
        and secret not in out
        and hash_token(secret) not in out
    )
    assert _run(capsys, "token", "revoke", token.id)[0] == 0
    assert verify_token(store, secret) is None
    code, _, err = _run(capsys, "token", "create", "--name", "X", "--role", "owner")
    assert code != 0 and "unknown role" in err
    store.close()


def test_serve_builds_the_app_on_loopback(
    database_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import uvicorn

    seen: dict[str, Any] = {}
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: seen.update(app=app, **kw))
    monkeypatch.setenv("COUNTERSIGHT_DATABASE_URL", database_url)
    code, out, _ = _run(capsys, "serve", "--port", "8123")
    assert code == 0 and isinstance(seen["app"], FastAPI)
    assert seen["host"] == "127.0.0.1" and seen["port"] == 8123 and "http://127.0.0.1:8123/" in out
    # uvicorn's own 5 s keep-alive dropped requests under load (docs/scaling.md, Load)
    assert seen["timeout_keep_alive"] == 75
    seen.clear()
    assert _run(capsys, "serve", "--keep-alive", "30")[0] == 0 and seen["timeout_keep_alive"] == 30


def test_tokens_can_expire_and_serve_passes_the_security_settings(
    database_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import datetime as dt

    import uvicorn

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

    seen: dict[str, Any] = {}
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: seen.update(app=app, **kw))
    monkeypatch.setenv("COUNTERSIGHT_PUBLIC_BASE_URL", "https://monitor.example.org")
    monkeypatch.setenv("COUNTERSIGHT_PUBLISH_FULL_TEXT", "1")
    assert _run(capsys, "serve", "--port", "8124")[0] == 0
    config = seen["app"].state.config
    assert config.public_base_url == "https://monitor.example.org" and config.publish_full_text is True
