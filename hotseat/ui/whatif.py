"""Compare a session with a branch of it, turn by turn from the branch point."""

from __future__ import annotations

from hotseat.engine import SessionView, TurnView
from hotseat.store import SessionRecord, Store


def comparison_rows(original: SessionView, branch: SessionView) -> list[dict[str, object]]:
    """Grades and mood of each agent reply from the branch point on, in both sessions."""
    start = branch.branch_turn or 0
    rows: list[dict[str, object]] = []
    for name, view in (("original", original), ("what if", branch)):
        for t in view.transcript:
            if t.role != "agent" or t.index < start or t.grade is None:
                continue
            mood = t.mood_after or {}
            rows.append(
                {
                    "branch": name,
                    "turn": t.index,
                    "empathy": t.grade.empathy,
                    "empowerment": t.grade.empowerment,
                    "anger": mood.get("anger"),
                    "fear": mood.get("fear"),
                    "trust": mood.get("trust"),
                }
            )
    return rows


def from_turn(view: SessionView, start: int) -> list[TurnView]:
    """The turns at and after `start`: where a branch and its original differ."""
    return [t for t in view.transcript if t.index >= start]


def context_turn(original: SessionView, start: int) -> TurnView | None:
    """The customer line both branches answered at the branch point."""
    return next((t for t in reversed(original.transcript) if t.index < start), None)


def branches(store: Store, session_id: str) -> list[SessionRecord]:
    """The what-if branches made from this session, newest first (kept in the store, so
    they survive a reload and never mix with another session's)."""
    trainee_id = store.get_session(session_id).trainee_id
    return [s for s in store.list_sessions(trainee_id) if s.parent_session_id == session_id]


def first_words(text: str, words: int = 8) -> str:
    """The start of a reply, to tell branches apart by what was said."""
    parts = text.split()
    head = " ".join(parts[:words])
    return head + ("…" if len(parts) > words else "")


def branch_label(store: Store, branch: SessionRecord) -> str:
    """How a branch is listed: when it was made, from which turn, and its new reply's
    first words (ids mean nothing to a trainee)."""
    rewritten = next(
        (t.text for t in store.list_turns(branch.id) if t.index == branch.branch_turn), ""
    )
    when = branch.created_at.strftime("%d %b %H:%M UTC")
    return f"{when} · turn {branch.branch_turn} · “{first_words(rewritten)}”"
