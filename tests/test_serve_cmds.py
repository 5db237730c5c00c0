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
