"""Compare a session with a branch of it, turn by turn from the branch point."""

from __future__ import annotations

from hotseat.engine import SessionView


def comparison_rows(original: SessionView, branch: SessionView) -> list[dict[str, object]]:
    """Grades and mood of each agent reply from the branch point on, in both sessions."""
    start = branch.branch_turn or 0
    rows: list[dict[str, object]] = []
    for name, view in (("original", original), ("what if", branch)):
        for t in view.transcript:
            if t.role != "agent" or t.index < start or t.grade is None:
                continue
            mood = t.mood_after or {}
            rows.append({"branch": name, "turn": t.index, "empathy": t.grade.empathy,
                         "empowerment": t.grade.empowerment, "anger": mood.get("anger"),
                         "fear": mood.get("fear"), "trust": mood.get("trust")})
    return rows
