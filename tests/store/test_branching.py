"""A what-if branch is one transaction: a crash at any statement leaves no branch or a
whole one, on SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import event, func, select

from hotseat.store import SessionRecord, Store, StoreError
from hotseat.store.branching import branch_session
from hotseat.store.models import SessionRow, TurnRow
from tests.store.test_store_api import agent_turn, customer_turn

STATE = {"engine": "state"}
MOOD = {"anger": 5.0, "fear": 2.0, "trust": 4.0}


class Crash(Exception):
    """Stands for a process dying between two statements."""


def _counts(store: Store) -> tuple[int, int]:
    with store._tx("test: count") as s:  # noqa: SLF001
        return (
            int(s.scalar(select(func.count(SessionRow.seq))) or 0),
            int(s.scalar(select(func.count(TurnRow.id))) or 0),
        )


def _crash_at(n: int) -> Any:
    """A hook that raises at the n-th SQL statement it sees."""
    seen = {"n": 0}

    def hook(*_args: Any, **_kwargs: Any) -> None:
        seen["n"] += 1
        if seen["n"] == n:
            raise Crash(f"statement {n}")

    return hook


def _played(store: Store, session: SessionRecord) -> None:
    for turn in (customer_turn(), agent_turn(), customer_turn("Still waiting."), agent_turn()):
        store.add_turn(session.id, turn)


def test_a_crash_at_any_statement_leaves_no_branch_or_a_whole_one(
    store: Store, session: SessionRecord
) -> None:
    _played(store, session)
    before = _counts(store)
    engine = store._engine  # noqa: SLF001
    crash_at = 1
    while True:
        hook = _crash_at(crash_at)
        event.listen(engine, "before_cursor_execute", hook)
        try:
            child = branch_session(store, session.id, 3, mood=MOOD, state=STATE)
        except (Crash, StoreError):
            assert _counts(store) == before, f"half a branch after a crash at {crash_at}"
            crash_at += 1
            continue
        finally:
            event.remove(engine, "before_cursor_execute", hook)
        break
    assert crash_at > 4  # the crash really hit the session row and the copied turns
    copied = store.list_turns(child.id)
    assert [t.text for t in copied] == [t.text for t in store.list_turns(session.id)[:3]]
    got = store.get_session(child.id)
    assert (got.parent_session_id, got.branch_turn, got.state, got.mood) == (
        session.id,
        3,
        STATE,
        MOOD,
    )
    assert _counts(store) == (before[0] + 1, before[1] + 3)


def test_branch_turn_outside_the_parent_is_refused(store: Store, session: SessionRecord) -> None:
    _played(store, session)
    with pytest.raises(StoreError, match="outside parent session"):
        branch_session(store, session.id, 9, mood=MOOD, state=STATE)
