"""API tokens (:mod:`countersight.store.tokens`), on SQLite and PostgreSQL: only a hash is stored,
a token works until revoked or expired, and its last use is recorded without bumping the version."""

from __future__ import annotations

import datetime as dt

import pytest

from countersight import clock
from countersight.errors import CountersightError, NotFoundError
from countersight.store import Store, schema
from countersight.store.tokens import (
    LAST_USED_RESOLUTION,
    create_token,
    hash_token,
    list_tokens,
    revoke_token,
    verify_token,
)


def test_a_token_is_stored_as_a_hash_and_verified_until_revoked(store: Store) -> None:
    token, secret = create_token(store, "  Ana  ", "reviewer")
    assert secret.startswith("cs_") and token.name == "Ana" and token.id == "tok-" + hash_token(secret)[:12]
    with store.engine.connect() as conn:
        stored = conn.execute(schema.api_tokens.select()).mappings().one()
    assert stored["token_hash"] == hash_token(secret) and secret not in stored.values()
    version = store.version()
    seen = verify_token(store, secret)
    assert seen is not None and seen.id == token.id
    assert store.version() == version  # recording a use is bookkeeping, no cache goes stale
    assert verify_token(store, secret + "x") is None and verify_token(store, "x" * 500) is None
    revoke_token(store, token.id)
    assert verify_token(store, secret) is None
    with pytest.raises(NotFoundError):
        revoke_token(store, token.id)  # already revoked
    (listed,) = list_tokens(store)
    assert listed.revoked_at is not None and listed.last_used_at is not None


def test_expiry_and_last_use(store: Store) -> None:
    token, secret = create_token(store, "bot", "reviewer", expires_in=dt.timedelta(days=1))
    assert token.expires_at == token.created_at + dt.timedelta(days=1)
    start = clock.now()
    assert verify_token(store, secret, now=start) is not None
    first = list_tokens(store)[0].last_used_at
    # Within the resolution no second write; after it, the use is recorded again.
    verify_token(store, secret, now=start + LAST_USED_RESOLUTION / 2)
    assert list_tokens(store)[0].last_used_at == first
    verify_token(store, secret, now=start + LAST_USED_RESOLUTION * 2)
    assert list_tokens(store)[0].last_used_at == start + LAST_USED_RESOLUTION * 2
    assert verify_token(store, secret, now=start + dt.timedelta(days=2)) is None


@pytest.mark.parametrize(("name", "role"), [("ana", "emperor"), ("   ", "reviewer"), ("n" * 301, "reviewer")])
def test_bad_names_and_roles_are_refused(store: Store, name: str, role: str) -> None:
    with pytest.raises(CountersightError):
        create_token(store, name, role)
    assert list_tokens(store) == []
