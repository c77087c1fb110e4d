"""The debrief's content, computed from a session view: charts data, best/worst, lesson."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from evaluators.grade import TECHNIQUES
from hotseat import analytics
from hotseat.engine import SessionView, TurnView
from hotseat.engine.mood import empathy_level
from hotseat.speech.delivery import Delivery
from hotseat.ui.format import chips

# Habits that avoid the customer's emotion vs habits that avoid owning the problem.
FEAR_OF_ANGER = ("minimising", "generic_script", "blame", "sarcasm", "jargon")
FEAR_OF_OBLIGATION = ("transfer", "not_my_job", "call_back_later", "policy_wall", "false_promise")


@dataclass(frozen=True)
class Debrief:
    graded: list[TurnView]
    best: TurnView | None
    worst: TurnView | None
    used: list[str]
    missed: list[str]
    anti_patterns: list[tuple[str, int, str]]  # name, times, one quote
    lesson: str


def graded_turns(view: SessionView) -> list[TurnView]:
    return [t for t in view.transcript if t.role == "agent" and t.grade is not None]


def _total(t: TurnView) -> int:
    return empathy_level(t.grade) + t.grade.empowerment if t.grade else -1


def mean_empathy(graded: list[TurnView]) -> float | None:
    """Mean over the replies where empathy was called for (None when it never was)."""
    return analytics.mean([t.grade.counted_empathy for t in graded if t.grade])


def score_rows(view: SessionView) -> list[dict[str, object]]:
    """One row per reply and axis, for the score trajectory chart."""
    rows: list[dict[str, object]] = []
    for n, t in enumerate(graded_turns(view), start=1):
        g = t.grade
        if g.counted_empathy is not None:  # "n/a" replies leave a gap, not a 0
            rows.append({"reply": n, "axis": "empathy", "score": g.empathy})
        rows.append({"reply": n, "axis": "empowerment", "score": g.empowerment})
    return rows


def mood_rows(view: SessionView) -> list[dict[str, object]]:
    """The mood after the opening and after each reply, for the mood trace chart."""
    rows: list[dict[str, object]] = []
    snapshots = [t for t in view.transcript if t.mood_after and (t.role == "agent" or t.index == 0)]
    for n, t in enumerate(snapshots):
        rows += [
            {"reply": n, "mood": axis, "level": t.mood_after[axis]}
            for axis in ("anger", "fear", "trust")
        ]
    return rows


def lesson(anti: Counter[str], graded: list[TurnView]) -> str:
    """One line naming the avoidance pattern the replies show, if any."""
    if not graded:
        return "No replies yet: the debrief fills in as you answer the customer."
    empathy = mean_empathy(graded)
    power = sum(t.grade.empowerment for t in graded) / len(graded)
    anger = sum(anti[n] for n in FEAR_OF_ANGER) + (empathy is not None and empathy < 2)
    obligation = sum(anti[n] for n in FEAR_OF_OBLIGATION) + (power < 2)
    if anger == obligation == 0:
        return (
            "No avoidance pattern: you met the feeling and owned the problem. "
            "Keep naming the emotion before you act."
        )
    if anger > obligation:
        return (
            "Fear of anger: you stepped around the customer's emotion. "
            "Name the feeling and its cause out loud before you explain or fix."
        )
    if obligation > anger:
        return (
            "Fear of obligation: you kept the problem at arm's length. "
            "Say what you will do yourself, and by when — no hand-offs."
        )
    return (
        "Both fears showed: the emotion was sidestepped and the problem handed off. "
        "Name the feeling, then own one concrete step with a time."
    )


def build(view: SessionView) -> Debrief:
    graded = graded_turns(view)
    used_set = {name for t in graded for name in t.grade.technique_names()}
    counts: Counter[str] = Counter()
    quotes: dict[str, str] = {}
    for t in graded:
        for e in t.grade.anti_patterns:
            counts[e.name] += 1
            quotes.setdefault(e.name, e.quote)
    return Debrief(
        graded=graded,
        best=max(graded, key=_total) if graded else None,
        worst=min(graded, key=_total) if graded else None,
        used=[n for n in TECHNIQUES if n in used_set],
        missed=[n for n in TECHNIQUES if n not in used_set],
        anti_patterns=[(n, c, quotes[n]) for n, c in counts.most_common()],
        lesson=lesson(counts, graded),
    )


def delivery_rows(view: SessionView, spoken: dict[int, Delivery]) -> list[dict[str, object]]:
    """One row per spoken reply, beside its grade: pace, long silences, fillers, advice.
    Replies are numbered as in the score trajectory (graded replies in order)."""
    rows: list[dict[str, object]] = []
    for n, t in enumerate(graded_turns(view), start=1):
        d = spoken.get(t.index)
        if d is None:
            continue
        rows.append(
            {
                "reply": n,
                "grade": chips(t.grade) if t.grade else "",
                "words/min": d.words_per_minute,
                "pace": d.pace,
                "long silences": len(d.long_pauses),
                "fillers": d.filler_count,
                "advice": " ".join(d.notes()) or "Clear delivery.",
            }
        )
    return rows
