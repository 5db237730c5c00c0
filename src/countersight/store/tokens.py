"""API bearer tokens: created once (the secret is shown to the admin and never stored), kept as a
SHA-256 hash with a name (the reviewer's name in every event they write) and a role."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from sqlalchemy import select, update

from countersight import clock
from countersight.errors import CountersightError, NotFoundError
from countersight.store import schema
from countersight.store.db import Store

ROLES = ("reviewer", "admin")
PREFIX = "cs_"


@dataclass(frozen=True, slots=True)
class ApiToken:
    """A stored token (without its secret)."""

    id: str
    name: str
    role: str
    created_at: dt.datetime
    revoked_at: dt.datetime | None = None


def hash_token(secret: str) -> str:
    """The stored form of a token. Tokens are 256-bit random, so a fast hash is enough."""
    return hashlib.sha256(secret.encode()).hexdigest()


def create_token(store: Store, name: str, role: str) -> tuple[ApiToken, str]:
    """Create a token for ``name`` with ``role``; return it and its secret (shown only once)."""
    if role not in ROLES:
        raise CountersightError(f"unknown role {role!r}; choose from {', '.join(ROLES)}")
    if not name.strip():
        raise CountersightError("a token needs a name (who writes with it)")
    secret = PREFIX + secrets.token_urlsafe(32)
    digest = hash_token(secret)
    token = ApiToken(
        id="tok-" + digest[:12], name=name.strip(), role=role, created_at=clock.now()
    )
    with store.transaction() as conn:
        conn.execute(
            schema.api_tokens.insert().values(
                id=token.id, name=token.name, role=role, token_hash=digest, created_at=token.created_at
            )
        )
    return token, secret


def _row(r: object) -> ApiToken:
    m = r._mapping  # type: ignore[attr-defined]
    return ApiToken(m["id"], m["name"], m["role"], m["created_at"], m["revoked_at"])


def verify_token(store: Store, secret: str) -> ApiToken | None:
    """The live (not revoked) token with this secret, or None."""
    t = schema.api_tokens
    with store.engine.connect() as conn:
        row = conn.execute(
            select(t).where(t.c.token_hash == hash_token(secret), t.c.revoked_at.is_(None))
        ).first()
    return _row(row) if row else None


def list_tokens(store: Store) -> list[ApiToken]:
    """Every token, oldest first."""
    t = schema.api_tokens
    with store.engine.connect() as conn:
        return [_row(r) for r in conn.execute(select(t).order_by(t.c.created_at, t.c.id))]


def revoke_token(store: Store, token_id: str) -> None:
    """Revoke a token by id (events it wrote keep its name)."""
    t = schema.api_tokens
    with store.transaction() as conn:
        done = conn.execute(
            update(t)
            .where(t.c.id == token_id, t.c.revoked_at.is_(None))
            .values(revoked_at=clock.now())
        ).rowcount
    if not done:
        raise NotFoundError(f"no live token {token_id!r}")
