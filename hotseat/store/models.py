"""ORM rows: the current shape of the schema that migrations.py builds step by step.

These classes describe the newest schema only; the migrations carry their own table
definitions, frozen as they were, so an old migration never changes when a model does.
tests/store/test_migrations.py checks that the migrated schema and these classes agree.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from hotseat.store.types import UTCDateTime, json_type


class Base(DeclarativeBase):
    pass


class TraineeRow(Base):
    __tablename__ = "trainees"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String, unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class BlobRow(Base):
    """Content stored once, addressed by its sha256."""

    __tablename__ = "blobs"

    hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    content: Mapped[str] = mapped_column(Text)


class VersionRow(Base):
    """A persona card or prompt template (kind, key) that had this content at some point."""

    __tablename__ = "versions"
    __table_args__ = (UniqueConstraint("kind", "key", "content_hash"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String)
    key: Mapped[str] = mapped_column(String, index=True)
    content_hash: Mapped[str] = mapped_column(ForeignKey("blobs.hash"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class NamedVersionRow(Base):
    """A studio version of a card or prompt file: v<number>, draft until published_at."""

    __tablename__ = "named_versions"
    __table_args__ = (UniqueConstraint("kind", "name", "number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(200))
    number: Mapped[int] = mapped_column(Integer)
    content_hash: Mapped[str] = mapped_column(ForeignKey("blobs.hash"))
    author: Mapped[str] = mapped_column(String(200))
    note: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class SessionRow(Base):
    __tablename__ = "sessions"

    # seq orders sessions exactly (timestamps can tie); id is the public, unguessable handle.
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    id: Mapped[str] = mapped_column(String(64), unique=True)
    trainee_id: Mapped[int] = mapped_column(ForeignKey("trainees.id"), index=True)
    persona_id: Mapped[str] = mapped_column(String)
    difficulty: Mapped[str] = mapped_column(String)
    seed: Mapped[int] = mapped_column(BigInteger)
    persona_hash: Mapped[str] = mapped_column(ForeignKey("blobs.hash"))
    prompt_hash: Mapped[str] = mapped_column(ForeignKey("blobs.hash"))
    provider: Mapped[str] = mapped_column(String)
    models: Mapped[dict[str, str]] = mapped_column(json_type())
    parent_session_id: Mapped[str | None] = mapped_column(ForeignKey("sessions.id"))
    branch_turn: Mapped[int | None] = mapped_column(Integer)
    end_state: Mapped[str | None] = mapped_column(String)
    mood: Mapped[dict[str, float] | None] = mapped_column(json_type())
    state: Mapped[dict[str, Any]] = mapped_column(json_type())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class TurnRow(Base):
    __tablename__ = "turns"
    __table_args__ = (UniqueConstraint("session_id", "turn_index"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    session_id: Mapped[str] = mapped_column(ForeignKey("sessions.id"))
    turn_index: Mapped[int] = mapped_column(Integer)
    role: Mapped[str] = mapped_column(String)
    text: Mapped[str] = mapped_column(Text)
    intent: Mapped[str | None] = mapped_column(String)
    mood_after: Mapped[dict[str, float] | None] = mapped_column(json_type())
    grade: Mapped[dict[str, Any] | None] = mapped_column(json_type())
    prompt_tokens: Mapped[int] = mapped_column(Integer)
    completion_tokens: Mapped[int] = mapped_column(Integer)
    cost_usd: Mapped[float] = mapped_column(Float)
    latency_ms: Mapped[float] = mapped_column(Float)
    model: Mapped[str | None] = mapped_column(String)
    repaired: Mapped[bool] = mapped_column(Boolean)
    problems: Mapped[list[str] | None] = mapped_column(json_type())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class LoginFailureRow(Base):
    """Consecutive failed sign-ins for one key ("account:<name>" or "client:<address>")."""

    __tablename__ = "login_failures"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer)
    last_failed_at: Mapped[datetime] = mapped_column(UTCDateTime())


class UserRow(Base):
    """A sign-in account: a local name with a password hash, or an OIDC e-mail."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    role: Mapped[str] = mapped_column(String(20))
    password_hash: Mapped[str | None] = mapped_column(String)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class InviteRow(Base):
    """A one-time link to set a password; only the token's sha256 is stored."""

    __tablename__ = "invites"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())


class VoicePrefsRow(Base):
    """A trainee's voice settings, remembered across sessions and browsers."""

    __tablename__ = "voice_prefs"

    trainee: Mapped[str] = mapped_column(String(200), primary_key=True)
    voice_on: Mapped[bool] = mapped_column(Boolean)
    muted: Mapped[bool] = mapped_column(Boolean)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class VoiceReplyRow(Base):
    """A spoken reply: what the transcriber heard and how it was delivered."""

    __tablename__ = "voice_replies"
    __table_args__ = (UniqueConstraint("session_id", "turn_index"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    session_id: Mapped[str] = mapped_column(String(64), ForeignKey("sessions.id"), index=True)
    turn_index: Mapped[int] = mapped_column(Integer)
    heard: Mapped[str] = mapped_column(Text)
    delivery: Mapped[dict[str, Any]] = mapped_column(json_type())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
