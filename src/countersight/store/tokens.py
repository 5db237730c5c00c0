"""API bearer tokens: created once (the secret is shown to the admin and never stored), kept as a
SHA-256 hash with a name (the reviewer's name in every event they write), a role, an optional
expiry and the time it was last used."""

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
    expires_at: dt.datetime | None = None
    last_used_at: dt.datetime | None = None


# last_used_at is written at most this often per token: not one write per request.
LAST_USED_RESOLUTION = dt.timedelta(minutes=1)


def _aware(value: dt.datetime | None) -> dt.datetime | None:
    # SQLite returns naive datetimes for timezone-aware columns; they were stored in UTC.
    return value.replace(tzinfo=dt.UTC) if value is not None and value.tzinfo is None else value


def hash_token(secret: str) -> str:
    """The stored form of a token. Tokens are 256-bit random, so a fast hash is enough."""
    return hashlib.sha256(secret.encode()).hexdigest()


def create_token(store: Store, name: str, role: str, expires_in: dt.timedelta | None = None) -> tuple[ApiToken, str]:
    """Create a token for ``name`` with ``role`` (expiring after ``expires_in`` when given);
    return it and its secret (shown only once)."""
    if role not in ROLES:
        raise CountersightError(f"unknown role {role!r}; choose from {', '.join(ROLES)}")
    if not name.strip():
        raise CountersightError("a token needs a name (who writes with it)")
    if len(name.strip()) > 300:
        raise CountersightError("a token's name has at most 300 characters")
    secret = PREFIX + secrets.token_urlsafe(32)
    digest = hash_token(secret)
    now = clock.now()
    token = ApiToken(
        id="tok-" + digest[:12],
        name=name.strip(),
        role=role,
        created_at=now,
        expires_at=now + expires_in if expires_in is not None else None,
    )
    with store.transaction() as conn:
        conn.execute(
            schema.api_tokens.insert().values(
                id=token.id,
                name=token.name,
                role=role,
                token_hash=digest,
                created_at=token.created_at,
                expires_at=token.expires_at,
            )
        )
    return token, secret


def _row(r: object) -> ApiToken:
    m = r._mapping  # type: ignore[attr-defined]
    return ApiToken(
        m["id"],
        m["name"],
        m["role"],
        _aware(m["created_at"]) or m["created_at"],
        _aware(m["revoked_at"]),
        _aware(m["expires_at"]),
        _aware(m["last_used_at"]),
    )


def verify_token(store: Store, secret: str, now: dt.datetime | None = None) -> ApiToken | None:
    """The live token (not revoked, not expired) with this secret, or None; records its use."""
    if len(secret) > 200:
        return None  # not one of ours; spares hashing a megabyte header
    t = schema.api_tokens
    now = now or clock.now()
    with store.engine.connect() as conn:
        row = conn.execute(select(t).where(t.c.token_hash == hash_token(secret), t.c.revoked_at.is_(None))).first()
    if row is None:
        return None
    token = _row(row)
    if token.expires_at is not None and token.expires_at <= now:
        return None
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        with store.bookkeeping() as conn:  # no cached view shows it: the store version stays
            conn.execute(update(t).where(t.c.id == token.id).values(last_used_at=now))
    return token


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
            update(t).where(t.c.id == token_id, t.c.revoked_at.is_(None)).values(revoked_at=clock.now())
        ).rowcount
    if not done:
        raise NotFoundError(f"no live token {token_id!r}")
