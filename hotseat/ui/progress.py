"""A trainee's sessions over time: rows for the progress table and charts."""

from __future__ import annotations

from collections import defaultdict

from hotseat.analytics import first_own_turn, mean, session_figures
from hotseat.engine import Engine
from hotseat.ui.debrief import graded_turns


def session_rows(engine: Engine, trainee_name: str) -> list[dict[str, object]]:
    """One row per session of this trainee, oldest first, with its average grades.

    A what-if branch starts with copies of its original's graded replies; only its own
    replies (from the branch point on) count, so a branch never counts a reply twice.
    """
    trainee = engine.store.find_trainee(trainee_name)  # a page view writes nothing
    if trainee is None:
        return []
    rows = []
    for rec in reversed(engine.store.list_sessions(trainee.id)):
        own_from = first_own_turn(rec.parent_session_id, rec.branch_turn)
        view = engine.view(rec.id)
        if view.grades_hidden:
            continue  # an exam still running: its grades show only once it ends
        graded = [t for t in graded_turns(view) if t.index >= own_from]
        if not graded:
            continue
        rows.append(
            {
                "started": rec.created_at,
                "session": rec.id,
                "scenario": rec.persona_id,
                "difficulty": rec.difficulty,
                "outcome": rec.end_state or "in progress",
                "branch_of": rec.parent_session_id or "",
                **session_figures([t.grade for t in graded if t.grade]),
            }
        )
    return rows


def trend_rows(rows: list[dict[str, object]]) -> list[dict[str, object]]:
    return [
        {
            "started": r["started"],
            "scenario": r["scenario"],
            "difficulty": r["difficulty"],
            "axis": axis,
            "score": r[axis],
        }
        for r in rows
        for axis in ("empathy", "empowerment")
        if r[axis] is not None
    ]


def scenario_rows(rows: list[dict[str, object]]) -> list[dict[str, object]]:
    """Average grades per scenario (each session weighs the same)."""
    by: dict[str, list[dict[str, object]]] = defaultdict(list)
    for r in rows:
        by[str(r["scenario"])].append(r)
    out = []
    for name, rs in sorted(by.items()):
        for axis in ("empathy", "empowerment"):
            score = mean([r[axis] for r in rs])
            if score is not None:
                out.append({"scenario": name, "axis": axis, "score": score})
    return out
