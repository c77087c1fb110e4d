"""Numbered schema migrations, applied once each, in order, inside one transaction.

Why not alembic: the store has a handful of tables and needs no autogenerate, branches
or downgrades; a list of functions and a schema_version table (the pattern simonw/llm
uses for its log database) is dependency-free and easy to read. Each migration defines
the tables it touches as they were at that step, never by importing models.py, so that
it keeps doing exactly the same thing when the models change later.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Connection,
    Engine,
    Float,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    inspect,
    select,
    text,
)

from hotseat.store.errors import StoreError
from hotseat.store.types import UTCDateTime, json_type, utcnow

# Any constant works: it only has to be the same for every Hotseat process on the server.
_PG_MIGRATION_LOCK = 0x486F7473  # "Hots"

_version_metadata = MetaData()
schema_version = Table(
    "schema_version",
    _version_metadata,
    Column("version", Integer, primary_key=True, autoincrement=False),
    Column("name", String, nullable=False),
    Column("applied_at", UTCDateTime(), nullable=False),
)


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    apply: Callable[[Connection], None]


def m001_initial(conn: Connection) -> None:
    md = MetaData()
    Table(
        "trainees",
        md,
        Column("id", Integer, primary_key=True, autoincrement=True),
        Column("name", String, nullable=False, unique=True),
        Column("created_at", UTCDateTime(), nullable=False),
    )
    Table(
        "blobs",
        md,
        Column("hash", String(64), primary_key=True),
        Column("content", Text, nullable=False),
    )
    Table(
        "versions",
        md,
        Column("id", Integer, primary_key=True, autoincrement=True),
        Column("kind", String, nullable=False),
        Column("key", String, nullable=False, index=True),
        Column("content_hash", String(64), ForeignKey("blobs.hash"), nullable=False, index=True),
        Column("created_at", UTCDateTime(), nullable=False),
        UniqueConstraint("kind", "key", "content_hash"),
    )
    Table(
        "sessions",
        md,
        Column("seq", Integer, primary_key=True, autoincrement=True),
        Column("id", String(64), nullable=False, unique=True),
        Column("trainee_id", Integer, ForeignKey("trainees.id"), nullable=False, index=True),
        Column("persona_id", String, nullable=False),
        Column("difficulty", String, nullable=False),
        Column("seed", BigInteger, nullable=False),
        Column("persona_hash", String(64), ForeignKey("blobs.hash"), nullable=False),
        Column("prompt_hash", String(64), ForeignKey("blobs.hash"), nullable=False),
        Column("provider", String, nullable=False),
        Column("models", json_type(), nullable=False),
        Column("parent_session_id", String(64), ForeignKey("sessions.id"), nullable=True),
        Column("branch_turn", Integer, nullable=True),
        Column("end_state", String, nullable=True),
        Column("mood", json_type(), nullable=True),
        Column("state", json_type(), nullable=False),
        Column("created_at", UTCDateTime(), nullable=False),
        Column("updated_at", UTCDateTime(), nullable=False),
    )
    Table(
        "turns",
        md,
        Column("id", Integer, primary_key=True, autoincrement=True),
        Column("session_id", String(64), ForeignKey("sessions.id"), nullable=False),
        Column("turn_index", Integer, nullable=False),
        Column("role", String, nullable=False),
        Column("text", Text, nullable=False),
        Column("intent", String, nullable=True),
        Column("mood_after", json_type(), nullable=True),
        Column("grade", json_type(), nullable=True),
        Column("prompt_tokens", Integer, nullable=False),
        Column("completion_tokens", Integer, nullable=False),
        Column("cost_usd", Float, nullable=False),
        Column("latency_ms", Float, nullable=False),
        Column("model", String, nullable=True),
        Column("repaired", Boolean, nullable=False),
        Column("created_at", UTCDateTime(), nullable=False),
        UniqueConstraint("session_id", "turn_index"),
    )
    md.create_all(conn)


def m002_turn_problems(conn: Connection) -> None:
    # Which line checks failed on a customer turn (role_reversal, too_long, ...): one
    # "repaired" flag could not tell a role reversal from a line that was only too long.
    column_type = json_type().compile(dialect=conn.dialect)
    conn.execute(text(f"ALTER TABLE turns ADD COLUMN problems {column_type}"))


def m003_login_failures(conn: Connection) -> None:
    # Failed sign-ins per account and per client, in the database so every app replica
    # sees the same count (growing delays, then a lockout).
    md = MetaData()
    Table(
        "login_failures",
        md,
        Column("key", String(200), primary_key=True),
        Column("failures", Integer, nullable=False),
        Column("last_failed_at", UTCDateTime(), nullable=False),
    )
    md.create_all(conn)


def m004_users(conn: Connection) -> None:
    # Accounts for sign-in (auth=password or oidc). `name` is the sign-in name, or the
    # e-mail an OpenID Connect provider vouches for; it is also the trainee name sessions
    # are filed under. No password hash: the account signs in through OIDC or an invite.
    # Invites keep only a hash of their one-time token, so the database cannot replay one.
    md = MetaData()
    users = Table(
        "users",
        md,
        Column("id", Integer, primary_key=True, autoincrement=True),
        Column("name", String(200), nullable=False, unique=True),
        Column("role", String(20), nullable=False),
        Column("password_hash", String, nullable=True),
        Column("created_at", UTCDateTime(), nullable=False),
    )
    Table(
        "invites",
        md,
        Column("token_hash", String(64), primary_key=True),
        Column("user_id", Integer, ForeignKey(users.c.id), nullable=False, index=True),
        Column("created_at", UTCDateTime(), nullable=False),
        Column("expires_at", UTCDateTime(), nullable=False),
    )
    md.create_all(conn)


def m005_named_versions(conn: Connection) -> None:
    # Studio versions people can name: v1, v2 ... per card or prompt file, with author,
    # change note and, once published, when. A row without published_at is a draft that
    # only the studio uses. The text itself stays in `blobs` (one copy per content).
    # Versions saved before this step were published when saved: they become v1, v2 ...
    # in the order they were kept, by an unknown author, published at their save time.
    md = MetaData()
    Table("blobs", md, Column("hash", String(64), primary_key=True))
    named = Table(
        "named_versions",
        md,
        Column("id", Integer, primary_key=True, autoincrement=True),
        Column("kind", String(20), nullable=False),
        Column("name", String(200), nullable=False),
        Column("number", Integer, nullable=False),
        Column("content_hash", String(64), ForeignKey("blobs.hash"), nullable=False),
        Column("author", String(200), nullable=False),
        Column("note", Text, nullable=False),
        Column("created_at", UTCDateTime(), nullable=False),
        Column("published_at", UTCDateTime(), nullable=True),
        UniqueConstraint("kind", "name", "number"),
    )
    md.create_all(conn)
    old = Table(
        "versions",
        MetaData(),
        Column("id", Integer),
        Column("kind", String),
        Column("key", String),
        Column("content_hash", String(64)),
        Column("created_at", UTCDateTime()),
    )
    numbers: dict[tuple[str, str], int] = {}
    for row in conn.execute(select(old).order_by(old.c.id)):
        if not row.key.startswith("source:") or row.key.endswith("#invalid"):
            continue  # engine records of effective cards, and kept broken hand edits
        name = row.key.removeprefix("source:")
        number = numbers[(row.kind, name)] = numbers.get((row.kind, name), 0) + 1
        conn.execute(
            named.insert().values(
                kind=row.kind,
                name=name,
                number=number,
                content_hash=row.content_hash,
                author="unknown (saved before named versions)",
                note="",
                created_at=row.created_at,
                published_at=row.created_at,
            )
        )


def m006_voice(conn: Connection) -> None:
    # Practise by voice: each trainee's voice settings (speak replies, hear the customer),
    # and for each spoken reply what the transcriber heard and how it was delivered (pace,
    # pauses, fillers) for the debrief. Text-only sessions have no rows here.
    md = MetaData()
    Table("sessions", md, Column("id", String(64), unique=True))
    Table(
        "voice_prefs",
        md,
        Column("trainee", String(200), primary_key=True),
        Column("voice_on", Boolean, nullable=False),
        Column("muted", Boolean, nullable=False),
        Column("updated_at", UTCDateTime(), nullable=False),
    )
    Table(
        "voice_replies",
        md,
        Column("id", Integer, primary_key=True, autoincrement=True),
        Column("session_id", String(64), ForeignKey("sessions.id"), nullable=False, index=True),
        Column("turn_index", Integer, nullable=False),
        Column("heard", Text, nullable=False),
        Column("delivery", json_type(), nullable=False),
        Column("created_at", UTCDateTime(), nullable=False),
        UniqueConstraint("session_id", "turn_index"),
    )
    md.create_all(conn, tables=[md.tables["voice_prefs"], md.tables["voice_replies"]])


# Append new migrations at the end with the next number; never edit or reorder old ones.
MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "initial", m001_initial),
    Migration(2, "turn problems", m002_turn_problems),
    Migration(3, "login failures", m003_login_failures),
    Migration(4, "users and invites", m004_users),
    Migration(5, "named versions", m005_named_versions),
    Migration(6, "voice", m006_voice),
)


def _check_order(migrations: Sequence[Migration]) -> None:
    versions = [m.version for m in migrations]
    if versions != list(range(1, len(versions) + 1)):
        raise StoreError(f"Migrations must be numbered 1, 2, 3, ... in order; got {versions}.")


def applied_versions(conn: Connection) -> list[int]:
    """Versions recorded in schema_version (empty for a fresh database)."""
    if not inspect(conn).has_table("schema_version"):
        return []
    rows = conn.execute(select(schema_version.c.version).order_by(schema_version.c.version))
    return [row[0] for row in rows]


def migrate(engine: Engine, migrations: Sequence[Migration] = MIGRATIONS) -> list[int]:
    """Apply the migrations this database lacks; return the versions applied now.

    Everything runs in one transaction: a failing migration leaves the database as it was.
    Several processes may open a fresh database at once: SQLite's BEGIN IMMEDIATE (see
    connect.py) and a PostgreSQL advisory lock make them take turns, and each one reads
    schema_version only after it holds the lock.
    """
    _check_order(migrations)
    applied_now: list[int] = []
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_MIGRATION_LOCK})
        _version_metadata.create_all(conn)
        done = set(applied_versions(conn))
        newest_known = migrations[-1].version if migrations else 0
        if done and max(done) > newest_known:
            raise StoreError(
                f"The database schema is at version {max(done)}, newer than this Hotseat "
                f"knows (up to {newest_known}).",
                hint="Upgrade Hotseat, or point db_url at another database.",
            )
        for migration in migrations:
            if migration.version in done:
                continue
            migration.apply(conn)
            conn.execute(
                schema_version.insert().values(
                    version=migration.version, name=migration.name, applied_at=utcnow()
                )
            )
            applied_now.append(migration.version)
    return applied_now
