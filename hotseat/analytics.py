"""Per-session figures, one set of rules for Progress, Cohort and reports.

- A what-if branch starts with copies of its original's replies: only its own replies
  (from the branch point on) count, so no reply is counted twice.
- An exam still running shows no grades anywhere.
- Empathy is averaged over the replies where it was called for (a calm factual question
  is "n/a", not 0); a session where it never was has no empathy average.
"""

from __future__ import annotations

from collections.abc import Sequence

from evaluators.grade import Grade


def first_own_turn(parent_session_id: str | None, branch_turn: int | None) -> int:
    """Index of a session's first turn of its own: a branch's earlier turns are copies."""
    return branch_turn or 0 if parent_session_id is not None else 0


def exam_running(exam: bool, ended: bool) -> bool:
    """Grades stay hidden while an exam runs, and show once the call has ended."""
    return exam and not ended


def mean(values: Sequence[float | None]) -> float | None:
    """Mean of the values that count, rounded for display (None when none count)."""
    real = [float(v) for v in values if v is not None]
    return round(sum(real) / len(real), 2) if real else None


def session_figures(grades: Sequence[Grade]) -> dict[str, object]:
    """Replies and mean grades of one session's own graded replies."""
    return {
        "replies": len(grades),
        "empathy": mean([g.counted_empathy for g in grades]),
        "empowerment": mean([g.empowerment for g in grades]),
    }
