"""The session store: trainees, sessions, turns and frozen persona/prompt versions.

Every public call runs in its own short transaction and commits before it returns, so a
killed process loses nothing a call already returned. Calls are safe from several threads
and several processes at once (SQLite serialises writers with BEGIN IMMEDIATE and a busy
timeout; PostgreSQL locks the session row while a turn gets its index).
"""

from __future__ import annotations

import hashlib
import secrets
import threading
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from hotseat.errors import HotseatError
from hotseat.store.checks import check_json_document, check_name, check_text
from hotseat.store.connect import create_store_engine, is_memory_sqlite
from hotseat.store.convert import (
    check_kind,
    insert_ignore,
    session_record,
    trainee_record,
    turn_record,
    validated,
    version_record,
    versions_query,
)
from hotseat.store.errors import StoreError, session_moved_on
from hotseat.store.migrations import migrate
from hotseat.store.models import BlobRow, SessionRow, TraineeRow, TurnRow, VersionRow
from hotseat.store.records import (
    NewSession,
    NewTurn,
    SessionRecord,
    TraineeRecord,
    TurnRecord,
    VersionRecord,
)
from hotseat.store.types import utcnow
from hotseat.store.urls import mask_url, parse_url, scrub


class Store:
    def __init__(self, url: str) -> None:
        self._url = parse_url(url)
        self.url = mask_url(self._url)  # safe to show: the password is masked
        self._engine = create_store_engine(self._url)
        self._sessions = sessionmaker(self._engine, expire_on_commit=False)
        # An in-memory SQLite database is one shared connection: calls must take turns.
        self._lock = threading.RLock() if is_memory_sqlite(self._url) else nullcontext()
        self._closed = False
        try:
            with self._guard("opening the database"):
                self.applied_migrations = migrate(self._engine)
        except BaseException:
            self._engine.dispose()  # no pooled connection outlives a failed open
            raise

    def close(self) -> None:
        self._closed = True
        self._engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    # -- trainees -------------------------------------------------------------------------

    def get_or_create_trainee(self, name: str) -> TraineeRecord:
        name = check_name(name, "trainee name")
        with self._tx("saving a trainee") as s:
            insert_ignore(s, TraineeRow, {"name": name, "created_at": utcnow()})
            row = s.scalars(select(TraineeRow).where(TraineeRow.name == name)).one()
            return trainee_record(row)

    def find_trainee(self, name: str) -> TraineeRecord | None:
        """The trainee of that name, or None: reading never creates a row."""
        name = check_name(name, "trainee name")
        with self._tx("reading a trainee") as s:
            row = s.scalars(select(TraineeRow).where(TraineeRow.name == name)).first()
            return trainee_record(row) if row is not None else None

    def get_trainee(self, trainee_id: int) -> TraineeRecord:
        with self._tx("reading a trainee") as s:
            return trainee_record(self._trainee_row(s, trainee_id))

    def list_trainees(self) -> list[TraineeRecord]:
        with self._tx("listing trainees") as s:
            return [
                trainee_record(r) for r in s.scalars(select(TraineeRow).order_by(TraineeRow.id))
            ]

    # -- persona and prompt versions ------------------------------------------------------

    def save_version(self, kind: str, key: str, content: str) -> str:
        check_kind(kind)
        key = check_name(key, f"{kind} key")
        content = check_text(content, f"{kind} {key!r} content")
        content_hash = hashlib.sha256(content.encode("utf-8")).hexdigest()
        with self._tx(f"saving {kind} {key!r}") as s:
            insert_ignore(s, BlobRow, {"hash": content_hash, "content": content})
            insert_ignore(
                s,
                VersionRow,
                {"kind": kind, "key": key, "content_hash": content_hash, "created_at": utcnow()},
            )
        return content_hash

    def get_version(self, content_hash: str) -> VersionRecord:
        with self._tx("reading a version") as s:
            query = versions_query().where(VersionRow.content_hash == content_hash)
            row = s.execute(query.order_by(VersionRow.id).limit(1)).first()
            if row is None:
                raise StoreError(
                    f"No persona or prompt version with hash {content_hash!r}.",
                    hint=f"Save it with save_version first (database {self.url}).",
                )
            return version_record(*row)

    def list_versions(self, kind: str, key: str) -> list[VersionRecord]:
        check_kind(kind)
        with self._tx("listing versions") as s:
            query = versions_query().where(VersionRow.kind == kind, VersionRow.key == key)
            return [version_record(*row) for row in s.execute(query.order_by(VersionRow.id))]

    # -- sessions -------------------------------------------------------------------------

    def create_session(self, new: NewSession) -> SessionRecord:
        if not isinstance(new, NewSession):
            raise StoreError("create_session takes a NewSession record.")
        check_name(new.persona_id, "persona id")
        check_name(new.difficulty, "difficulty")
        check_name(new.provider, "provider")
        check_json_document(new.models, "models")
        if new.branch_turn is not None and new.parent_session_id is None:
            raise StoreError(
                "branch_turn is set but parent_session_id is not.",
                hint="Pass the session you branch from as parent_session_id.",
            )
        with self._tx("creating a session") as s:
            self._trainee_row(s, new.trainee_id)
            for what, value in (
                ("persona_hash", new.persona_hash),
                ("prompt_hash", new.prompt_hash),
            ):
                if s.get(BlobRow, value) is None:
                    raise StoreError(
                        f"{what} {value!r} is not a stored version.",
                        hint="Call save_version(...) with the exact content first and pass "
                        "the hash it returns.",
                    )
            if new.parent_session_id is not None:
                self._session_row(s, new.parent_session_id)
                if new.branch_turn is not None:
                    count = self._count_turns(s, new.parent_session_id)
                    if not 0 <= new.branch_turn <= count:
                        raise StoreError(
                            f"branch_turn {new.branch_turn} is outside parent session "
                            f"{new.parent_session_id!r}, which has {count} turns (0..{count})."
                        )
            now = utcnow()
            row = SessionRow(
                id=secrets.token_urlsafe(16),
                **new.model_dump(),
                end_state=None,
                mood=None,
                state={},
                created_at=now,
                updated_at=now,
            )
            s.add(row)
            s.flush()
            return self._session_record(s, row)

    def update_session(
        self,
        session_id: str,
        *,
        end_state: str | None = None,
        mood: dict[str, float] | None = None,
        state: dict[str, Any] | None = None,
    ) -> SessionRecord:
        update = _session_update(end_state, mood, state)
        with self._tx(f"updating session {session_id!r}") as s:
            row = self._session_row(s, session_id, lock=True)
            _apply(row, update, utcnow())
            s.flush()
            return self._session_record(s, row)

    def get_session(self, session_id: str) -> SessionRecord:
        with self._tx(f"reading session {session_id!r}") as s:
            return self._session_record(s, self._session_row(s, session_id))

    def list_sessions(self, trainee_id: int | None = None) -> list[SessionRecord]:
        with self._tx("listing sessions") as s:
            query = select(SessionRow, TraineeRow.name).join(TraineeRow)
            if trainee_id is not None:
                self._trainee_row(s, trainee_id)
                query = query.where(SessionRow.trainee_id == trainee_id)
            rows = s.execute(query.order_by(SessionRow.seq.desc()))
            return [session_record(row, name) for row, name in rows]

    # -- turns ----------------------------------------------------------------------------

    def add_turn(
        self,
        session_id: str,
        turn: NewTurn,
        *,
        expect_index: int | None = None,
        end_state: str | None = None,
        mood: dict[str, float] | None = None,
        state: dict[str, Any] | None = None,
    ) -> TurnRecord:
        """Append a turn; with end_state/mood/state, update the session in the same commit.

        expect_index guards read-then-write callers: if another process or window added a
        turn since the caller read the session, nothing is written and SessionConflict
        says so, instead of a second reply landing on top of the first.
        """
        if not isinstance(turn, NewTurn):
            turn = validated(NewTurn, turn, "turn")
        check_text(turn.text, "turn text")
        for field in ("intent", "model"):
            if getattr(turn, field) is not None:
                check_text(getattr(turn, field), f"turn {field}")
        check_json_document(turn.grade, "turn grade")
        update = _session_update(end_state, mood, state)
        with self._tx(f"adding a turn to session {session_id!r}") as s:
            # The row lock (PostgreSQL) or the write lock (SQLite) makes the index unique.
            session = self._session_row(s, session_id, lock=True)
            last = s.scalar(
                select(func.max(TurnRow.turn_index)).where(TurnRow.session_id == session_id)
            )
            index = 0 if last is None else last + 1
            if expect_index is not None and index != expect_index:
                raise session_moved_on(session_id, index, expect_index)
            now = utcnow()
            row = TurnRow(
                session_id=session_id,
                turn_index=index,
                created_at=now,
                **turn.model_dump(include=set(NewTurn.model_fields)),  # a TurnRecord copies too
            )
            s.add(row)
            _apply(session, update, now)
            s.flush()
            return turn_record(row)

    def list_turns(self, session_id: str) -> list[TurnRecord]:
        with self._tx(f"reading turns of session {session_id!r}") as s:
            self._session_row(s, session_id)
            query = select(TurnRow).where(TurnRow.session_id == session_id)
            return [turn_record(r) for r in s.scalars(query.order_by(TurnRow.turn_index))]

    def totals(self, session_id: str) -> dict[str, Any]:
        with self._tx(f"summing session {session_id!r}") as s:
            self._session_row(s, session_id)
            row = s.execute(
                select(
                    func.count(TurnRow.id),
                    func.coalesce(func.sum(TurnRow.prompt_tokens), 0),
                    func.coalesce(func.sum(TurnRow.completion_tokens), 0),
                    func.coalesce(func.sum(TurnRow.cost_usd), 0.0),
                    func.coalesce(func.sum(TurnRow.latency_ms), 0.0),
                ).where(TurnRow.session_id == session_id)
            ).one()
        return {
            "turns": int(row[0]),
            "prompt_tokens": int(row[1]),
            "completion_tokens": int(row[2]),
            "cost_usd": float(row[3]),
            "latency_ms": float(row[4]),
        }

    # -- plumbing -------------------------------------------------------------------------

    @contextmanager
    def _guard(self, action: str) -> Iterator[None]:
        """Turn driver errors into StoreError, with the URL's password scrubbed out."""
        try:
            yield
        except HotseatError:
            raise
        except SQLAlchemyError as exc:
            reason = scrub(str(getattr(exc, "orig", None) or exc), self._url).strip()
            if len(reason) > 500:  # some errors quote the statement's parameters, e.g. a turn
                reason = reason[:500] + " ..."
            raise StoreError(
                f"Database error while {action} ({self.url}): {type(exc).__name__}: {reason}",
                hint="Check that the database is reachable and db_url is right.",
            ) from None

    @contextmanager
    def _tx(self, action: str) -> Iterator[Session]:
        if self._closed:
            raise StoreError("The store is closed.", hint="Open a new Store(url).")
        with self._lock, self._guard(action), self._sessions.begin() as session:
            yield session

    def _trainee_row(self, s: Session, trainee_id: int) -> TraineeRow:
        row = s.get(TraineeRow, trainee_id) if isinstance(trainee_id, int) else None
        if row is None:
            raise StoreError(
                f"No trainee with id {trainee_id!r}.",
                hint=f"Create one with get_or_create_trainee(name) (database {self.url}).",
            )
        return row

    def _session_row(self, s: Session, session_id: str, *, lock: bool = False) -> SessionRow:
        query = select(SessionRow).where(SessionRow.id == session_id)
        if lock:
            query = query.with_for_update()
        row = s.scalars(query).first() if isinstance(session_id, str) else None
        if row is None:
            raise StoreError(
                f"No session with id {session_id!r}.",
                hint=f"Check the link or the id; it may belong to another database ({self.url}).",
            )
        return row

    def _count_turns(self, s: Session, session_id: str) -> int:
        query = select(func.count(TurnRow.id)).where(TurnRow.session_id == session_id)
        return int(s.scalar(query) or 0)

    def _session_record(self, s: Session, row: SessionRow) -> SessionRecord:
        name = s.scalar(select(TraineeRow.name).where(TraineeRow.id == row.trainee_id))
        return session_record(row, str(name))


def _session_update(
    end_state: str | None, mood: dict[str, float] | None, state: dict[str, Any] | None
) -> dict[str, Any]:
    """The checked session fields to change (None means leave as is)."""
    update: dict[str, Any] = {}
    if end_state is not None:
        update["end_state"] = check_name(end_state, "end_state")
    if mood is not None:
        update["mood"] = check_json_document(validated(dict[str, float], mood, "mood"), "mood")
    if state is not None:
        update["state"] = check_json_document(validated(dict[str, Any], state, "state"), "state")
    return update


def _apply(row: SessionRow, update: dict[str, Any], now: datetime) -> None:
    for field, value in update.items():
        setattr(row, field, value)
    row.updated_at = now
