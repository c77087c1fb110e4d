"""A what-if branch in one transaction: the new session, its copied turns and its state.

Before, branching took N+3 commits (create, one per copied turn, the state), so a crash
part-way left a half-copied session that the engine then refused to read. Here either
the whole branch exists or none of it does.
"""

from __future__ import annotations

import secrets
from typing import Any

from sqlalchemy import select

from hotseat.store.checks import check_json_document
from hotseat.store.errors import StoreError
from hotseat.store.models import SessionRow, TurnRow
from hotseat.store.records import NewSession, SessionRecord
from hotseat.store.store import Store
from hotseat.store.types import utcnow

# Copied with a turn; the branch gets its own row ids and creation times.
TURN_FIELDS = (
    "turn_index",
    "role",
    "text",
    "intent",
    "mood_after",
    "grade",
    "prompt_tokens",
    "completion_tokens",
    "cost_usd",
    "latency_ms",
    "model",
    "repaired",
    "problems",
)
SESSION_FIELDS = tuple(
    f for f in NewSession.model_fields if f not in ("parent_session_id", "branch_turn")
)


def branch_session(
    store: Store, parent_id: str, branch_turn: int, *, mood: dict[str, float], state: dict[str, Any]
) -> SessionRecord:
    """A child of `parent_id` holding its turns before `branch_turn`, with `state`."""
    check_json_document(state, "session state")
    with store._tx(f"branching session {parent_id!r}") as s:  # noqa: SLF001 (same package)
        parent = store._session_row(s, parent_id, lock=True)  # noqa: SLF001
        turns = list(
            s.scalars(
                select(TurnRow).where(TurnRow.session_id == parent_id).order_by(TurnRow.turn_index)
            )
        )
        if not 0 <= branch_turn <= len(turns):
            raise StoreError(
                f"branch_turn {branch_turn} is outside parent session "
                f"{parent_id!r}, which has {len(turns)} turns (0..{len(turns)})."
            )
        now = utcnow()
        child = SessionRow(
            id=secrets.token_urlsafe(16),
            parent_session_id=parent.id,
            branch_turn=branch_turn,
            end_state=None,
            mood=mood,
            state=state,
            created_at=now,
            updated_at=now,
            **{f: getattr(parent, f) for f in SESSION_FIELDS},
        )
        s.add(child)
        s.flush()
        for t in turns[:branch_turn]:
            s.add(
                TurnRow(
                    session_id=child.id, created_at=now, **{f: getattr(t, f) for f in TURN_FIELDS}
                )
            )
        s.flush()
        return store._session_record(s, child)  # noqa: SLF001
