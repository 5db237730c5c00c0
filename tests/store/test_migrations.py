"""Migrations (:mod:`countersight.store.migrations`) on SQLite and PostgreSQL: recorded, repeatable,
applied in ascending order across gaps, and each step bringing an older store up to date."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from sqlalchemy import Connection, inspect, select

from countersight.store import migrations, open_store, schema
from countersight.store.migrations import current_version
from countersight.store.rows import evidence_rows
from store_fixture import many_evidence_claim, sample_claim, sample_document


def test_migrate_is_recorded_and_repeatable(database_url: str) -> None:
    s1 = open_store(database_url)
    with s1.engine.connect() as conn:
        assert current_version(conn) >= 1
    s1.close()
    s2 = open_store(database_url)  # second open applies nothing and keeps data
    with s2.engine.connect() as conn:
        versions = conn.execute(select(schema.schema_version.c.version)).scalars().all()
    assert versions == sorted(set(versions))
    s2.close()


def test_migration_v6_recovers_positions_of_older_rows(database_url: str) -> None:
    s = open_store(database_url)
    doc, claim = many_evidence_claim()
    s.add([doc], [claim])
    # As a store written before schema v6: no positions, v6 not recorded.
    with s.transaction() as conn:
        conn.execute(schema.evidence.update().values(position=None))
        conn.execute(schema.schema_version.delete().where(schema.schema_version.c.version == 6))
    s.close()
    s = open_store(database_url)
    with s.engine.connect() as conn:
        positions = dict(conn.execute(select(schema.evidence.c.id, schema.evidence.c.position)).all())
    assert positions == {r["id"]: r["position"] for r in evidence_rows(claim)}
    assert next(s.claims()).evidence == claim.evidence
    with s.engine.connect() as conn:
        assert "ix_claims_financing" in {ix["name"] for ix in inspect(conn).get_indexes("claims")}
    s.close()


def test_migration_v8_adds_token_expiry_to_older_stores(database_url: str) -> None:
    s = open_store(database_url)
    with s.transaction() as conn:
        for column in ("expires_at", "last_used_at"):
            conn.exec_driver_sql(f"ALTER TABLE api_tokens DROP COLUMN {column}")
        conn.execute(schema.schema_version.delete().where(schema.schema_version.c.version == 8))
    s.close()
    s = open_store(database_url)
    with s.engine.connect() as conn:
        columns = {c["name"] for c in inspect(conn).get_columns("api_tokens")}
        assert {"expires_at", "last_used_at"} <= columns and 8 in set(
            conn.execute(select(schema.schema_version.c.version)).scalars()
        )
    s.close()


def test_migration_versions_leave_room_for_parallel_work() -> None:
    # 7 is never assigned (the issue15 branch used it for the store version, now 10); 8 is token
    # expiry, 9 is follow.
    assert [v for v, _, _ in migrations.MIGRATIONS] == [1, 2, 3, 4, 5, 6, 8, 9, 10]
    assert (
        "store_version" in migrations.MIGRATIONS[-1][1]
        and "follow" in migrations.MIGRATIONS[-2][1]
        and "api_tokens" in migrations.MIGRATIONS[-3][1]
    )


def test_migration_v9_adds_the_follow_tables_to_older_stores(database_url: str) -> None:
    follow_tables = ("feed_sources", "fetched_urls", "warc_files", "document_stories", "story_bands")
    s = open_store(database_url)
    with s.transaction() as conn:
        for name in reversed(follow_tables):
            conn.exec_driver_sql(f"DROP TABLE {name}")
        conn.execute(schema.schema_version.delete().where(schema.schema_version.c.version == 9))
    s.close()
    s = open_store(database_url)
    with s.engine.connect() as conn:
        assert set(follow_tables) <= set(inspect(conn).get_table_names())
        versions = set(conn.execute(select(schema.schema_version.c.version)).scalars())
        assert {8, 9, 10} <= versions


def test_migration_v10_adds_the_version_to_an_older_store(database_url: str) -> None:
    s = open_store(database_url)
    with s.engine.begin() as conn:
        schema.store_version.drop(conn)
        conn.execute(schema.schema_version.delete().where(schema.schema_version.c.version == 10))
    s.close()
    s = open_store(database_url)
    assert s.version() == 1
    doc = sample_document()
    s.add([doc], [sample_claim(doc)])
    assert s.version() == 2
    s.close()


def test_migrate_applies_every_unrecorded_step_in_ascending_order_across_gaps(
    database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    s = open_store(database_url)
    ran: list[int] = []

    def step(version: int) -> Callable[[Connection], None]:
        return lambda conn: ran.append(version)

    # listed out of order, numbers with gaps (7 and 11 never assigned), 9 arriving after 10
    steps = [
        (12, "later", step(12)),
        (9, "parallel line", step(9)),
        (1, "initial", step(1)),
        (10, "store version", step(10)),
    ]
    monkeypatch.setattr(migrations, "MIGRATIONS", steps)
    with s.transaction() as conn:
        conn.execute(schema.schema_version.delete().where(schema.schema_version.c.version.in_([9, 10])))
        assert not {9, 10} & set(conn.execute(select(schema.schema_version.c.version)).scalars())
        assert migrations.migrate(conn) == [9, 10, 12]
        assert migrations.migrate(conn) == []  # recorded: nothing runs twice
        assert current_version(conn) == 12
    assert ran == [9, 10, 12]
    s.close()


def test_a_store_from_the_issue15_branch_keeps_its_version_and_gains_token_expiry(database_url: str) -> None:
    s = open_store(database_url)  # that branch numbered the store version 7 and had no 8
    doc = sample_document()
    s.add([doc], [sample_claim(doc)])
    before = s.version()
    with s.engine.begin() as conn:
        for column in ("expires_at", "last_used_at"):
            conn.exec_driver_sql(f"ALTER TABLE api_tokens DROP COLUMN {column}")
        conn.execute(schema.schema_version.delete().where(schema.schema_version.c.version.in_([8, 10])))
        conn.execute(schema.schema_version.insert().values(version=7, applied_at=dt.datetime.now(dt.UTC)))
    s.close()
    s = open_store(database_url)
    with s.engine.connect() as conn:
        versions = set(conn.execute(select(schema.schema_version.c.version)).scalars())
        columns = {c["name"] for c in inspect(conn).get_columns("api_tokens")}
    assert {7, 8, 10} <= versions and {"expires_at", "last_used_at"} <= columns
    assert s.version() == before  # the counter survives: caches keyed on it stay valid
    s.close()
