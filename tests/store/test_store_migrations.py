"""Numbered migrations: a fresh DB gets all of them; reopening applies nothing twice."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Connection, Engine, inspect, select, text

from hotseat.store import NewTurn, Store, StoreError, named_versions
from hotseat.store.connect import create_store_engine
from hotseat.store.migrations import MIGRATIONS, Migration, migrate, schema_version
from hotseat.store.models import Base
from hotseat.store.urls import parse_url
from tests.store.helpers import make_session


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    created = create_store_engine(parse_url(db_url))
    try:
        yield created
    finally:
        created.dispose()


def recorded(engine: Engine) -> list[tuple[int, str]]:
    with engine.connect() as conn:
        query = select(schema_version.c.version, schema_version.c.name)
        return [tuple(row) for row in conn.execute(query.order_by(schema_version.c.version))]


def add_notes_table(conn: Connection) -> None:
    conn.execute(text("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL)"))


def test_fresh_database_gets_every_migration(engine: Engine) -> None:
    assert migrate(engine) == [m.version for m in MIGRATIONS]
    assert recorded(engine) == [(m.version, m.name) for m in MIGRATIONS]
    tables = set(inspect(engine).get_table_names())
    assert {"schema_version", "trainees", "blobs", "versions", "sessions", "turns"} <= tables


def test_migrated_schema_matches_the_models(engine: Engine) -> None:
    migrate(engine)
    inspector = inspect(engine)
    for table in Base.metadata.sorted_tables:
        columns = {c["name"]: c for c in inspector.get_columns(table.name)}
        assert set(columns) == {c.name for c in table.columns}, table.name
        for column in table.columns:
            assert columns[column.name]["nullable"] == column.nullable, (table.name, column.name)


def test_reopening_applies_nothing_and_keeps_data(db_url: str) -> None:
    with Store(db_url) as first:
        assert first.applied_migrations == [m.version for m in MIGRATIONS]
        session = make_session(first)
        first.add_turn(session.id, {"role": "customer", "text": "still here?"})  # type: ignore[arg-type]
    with Store(db_url) as second:
        assert second.applied_migrations == []
        reread = second.get_session(session.id)
        assert reread.model_dump(exclude={"updated_at"}) == session.model_dump(
            exclude={"updated_at"}
        )
        assert [t.text for t in second.list_turns(session.id)] == ["still here?"]
    with Store(db_url) as third:
        assert third.applied_migrations == []


def test_a_new_migration_is_applied_once_to_an_existing_database(engine: Engine) -> None:
    migrate(engine)
    later = (*MIGRATIONS, Migration(len(MIGRATIONS) + 1, "notes", add_notes_table))
    assert migrate(engine, later) == [len(MIGRATIONS) + 1]
    assert migrate(engine, later) == []
    assert recorded(engine)[-1] == (len(MIGRATIONS) + 1, "notes")
    assert "notes" in inspect(engine).get_table_names()


def test_a_failing_migration_leaves_the_database_as_it_was(engine: Engine) -> None:
    migrate(engine)

    def half_done(conn: Connection) -> None:
        add_notes_table(conn)
        raise RuntimeError("migration bug")

    broken = (*MIGRATIONS, Migration(len(MIGRATIONS) + 1, "broken", half_done))
    with pytest.raises(RuntimeError, match="migration bug"):
        migrate(engine, broken)
    assert "notes" not in inspect(engine).get_table_names()  # the DDL was rolled back too
    assert recorded(engine) == [(m.version, m.name) for m in MIGRATIONS]


def test_a_failing_first_migration_leaves_a_fresh_database_empty(engine: Engine) -> None:
    def broken(conn: Connection) -> None:
        add_notes_table(conn)
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        migrate(engine, (Migration(1, "broken", broken),))
    assert inspect(engine).get_table_names() == []


def test_a_newer_database_is_refused(engine: Engine) -> None:
    later = (*MIGRATIONS, Migration(len(MIGRATIONS) + 1, "notes", add_notes_table))
    migrate(engine, later)
    with pytest.raises(StoreError, match="newer than this Hotseat.*Upgrade Hotseat"):
        migrate(engine)


def test_migrations_must_be_numbered_in_order(engine: Engine) -> None:
    with pytest.raises(StoreError, match="numbered 1, 2, 3"):
        migrate(engine, (Migration(2, "skipped one", add_notes_table),))


def test_turns_stored_before_migration_2_read_with_no_problems(engine: Engine, db_url: str) -> None:
    migrate(engine, MIGRATIONS[:1])  # a database made by the first release
    now = "2026-01-01 00:00:00.000000"
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO trainees (name, created_at) VALUES ('ann', :t)"), {"t": now})
        conn.execute(text("INSERT INTO blobs (hash, content) VALUES ('h', 'x')"))
        conn.execute(
            text(
                "INSERT INTO sessions (id, trainee_id, persona_id, difficulty, seed, persona_hash,"
                " prompt_hash, provider, models, state, created_at, updated_at) VALUES ('s1', 1,"
                " 'p', 'standard', 0, 'h', 'h', 'local', '{}', '{}', :t, :t)"
            ),
            {"t": now},
        )
        conn.execute(
            text(
                "INSERT INTO turns (session_id, turn_index, role, text, prompt_tokens,"
                " completion_tokens, cost_usd, latency_ms, repaired, created_at) VALUES"
                " ('s1', 0, 'customer', 'Old line.', 0, 0, 0, 0, true, :t)"
            ),
            {"t": now},
        )
    with Store(db_url) as store:
        assert store.applied_migrations == [m.version for m in MIGRATIONS[1:]]
        old = store.list_turns("s1")[0]
        assert (old.text, old.repaired, old.problems) == ("Old line.", True, [])
        new = store.add_turn(
            "s1",
            NewTurn(
                role="customer", text="New.", repaired=True, problems=["role_reversal", "too_long"]
            ),
        )
        assert store.list_turns("s1")[1].problems == new.problems == ["role_reversal", "too_long"]


def test_migration_5_numbers_the_versions_saved_before_it(engine: Engine, db_url: str) -> None:
    migrate(engine, MIGRATIONS[:4])  # a database from before named versions
    with engine.begin() as conn:
        for h, body in (("h1", "first"), ("h2", "second"), ("he", "effective"), ("hx", "bad")):
            blob = text("INSERT INTO blobs (hash, content) VALUES (:h, :b)")
            conn.execute(blob, {"h": h, "b": body})
        for i, (key, h) in enumerate(
            (
                ("source:card", "h1"),
                ("card@standard", "he"),  # the engine's effective card: not a studio version
                ("source:card#invalid", "hx"),  # a broken hand edit kept aside
                ("source:card", "h2"),
                ("source:customer_turn.md", "h1"),
            )
        ):
            kind = "prompt" if key.endswith(".md") else "persona"
            conn.execute(
                text(
                    "INSERT INTO versions (kind, key, content_hash, created_at)"
                    " VALUES (:k, :key, :h, :t)"
                ),
                {"k": kind, "key": key, "h": h, "t": f"2026-01-0{i + 1} 00:00:00.000000"},
            )
    with Store(db_url) as store:
        assert store.applied_migrations == [m.version for m in MIGRATIONS[4:]]
        card = named_versions.list_versions(store, "persona", "card")
        assert [(v.id, v.content, v.is_draft) for v in card] == [
            ("v1", "first", False),
            ("v2", "second", False),
        ]
        assert card[1].published_at == card[1].created_at
        assert card[1].created_at.day == 4 and card[0].author.startswith("unknown")
        prompt = named_versions.list_versions(store, "prompt", "customer_turn.md")
        assert [v.id for v in prompt] == ["v1"]
        # New saves continue the numbering, as drafts until published.
        v3 = named_versions.add_version(store, "persona", "card", "third", "Tina", "calmer")
        assert (v3.id, v3.is_draft, v3.author, v3.note) == ("v3", True, "Tina", "calmer")
        assert not named_versions.mark_published(store, "persona", "card", 3).is_draft
