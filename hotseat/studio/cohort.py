"""Cohort numbers for trainers: every trainee's graded sessions, from the stored grades.

Plain rows in, plain rows out (the page draws them, the CSV exports them); each session
weighs the same in an average, however many replies it had. A what-if branch copies its
parent's turns before the branch point; those replies count once, with the parent, so a
branch is counted from its branch point on.
"""

from __future__ import annotations

import csv
import io
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from evaluators.grade import Grade
from hotseat import analytics
from hotseat.store import Store
from hotseat.store.lineage import Lineage
from hotseat.studio import config
from hotseat.ui.format import percent

AXES = ("empathy", "empowerment")
CSV_COLUMNS = (
    "started",
    "trainee",
    "scenario",
    "difficulty",
    "outcome",
    "replies",
    "empathy",
    "empowerment",
    "anti_patterns",
    "persona_version",
    "session",
    "branch_of",
)
DEBRIEF_PAGE = "Debrief"  # pages/1_Debrief.py, as Streamlit names its URL


def session_rows(store: Store, personas_dir: Path | None = None) -> list[dict[str, Any]]:
    """One row per session with at least one graded reply of its own, oldest first."""
    lineage = Lineage(store, personas_dir or config.personas_dir())
    rows = []
    for rec in sorted(store.list_sessions(), key=lambda r: (r.created_at, r.id)):
        if analytics.exam_running(bool(rec.state.get("exam")), rec.end_state is not None):
            continue  # an exam still running shows no grades, here as on Progress
        start = analytics.first_own_turn(rec.parent_session_id, rec.branch_turn)
        grades = [
            t.grade
            for t in store.list_turns(rec.id)
            if t.index >= start and t.role == "agent" and t.grade
        ]
        if not grades:
            continue
        anti = Counter(a["name"] for g in grades for a in g.get("anti_patterns", []))
        rows.append(
            {
                "started": rec.created_at,
                "trainee": rec.trainee_name,
                "scenario": rec.persona_id,
                "difficulty": rec.difficulty,
                "outcome": rec.end_state or "in progress",
                **analytics.session_figures([Grade.model_validate(g) for g in grades]),
                "anti_patterns": dict(sorted(anti.items())),
                # The card version's one id ("v3"), as the studio and Debrief show it.
                "persona_version": lineage.card_id(rec),
                "session": rec.id,
                "branch_of": rec.parent_session_id or "",
            }
        )
    return rows


def averages_by(rows: list[dict[str, Any]], column: str) -> list[dict[str, Any]]:
    """Per `column` value (scenario or trainee): sessions, mean empathy and empowerment."""
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in rows:
        groups[str(r[column])].append(r)
    return [
        {
            column: name,
            "sessions": len(rs),
            **{axis: analytics.mean([r[axis] for r in rs]) for axis in AXES},
            "resolved": percent(sum(r["outcome"] == "resolved" for r in rs) / len(rs)),
        }
        for name, rs in sorted(groups.items())
    ]


def version_averages(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Per scenario and studio card version: sessions and mean scores, to compare edits."""
    groups: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for r in rows:
        groups[(r["scenario"], r["persona_version"])].append(r)
    return [
        {
            "scenario": scenario,
            "persona_version": version,
            "sessions": len(rs),
            **{axis: analytics.mean([r[axis] for r in rs]) for axis in AXES},
        }
        for (scenario, version), rs in sorted(groups.items())
    ]


def transcript_link(session_id: str) -> str:
    """The Debrief page of a session, relative to the cohort page (so a base path holds)."""
    return f"{DEBRIEF_PAGE}?{urlencode({'session': session_id})}"


def long_form(averages: list[dict[str, Any]], column: str) -> list[dict[str, Any]]:
    """`averages_by` rows split per axis, the shape a grouped bar chart wants."""
    return [
        {column: r[column], "axis": axis, "score": r[axis]}
        for r in averages
        for axis in AXES
        if r[axis] is not None
    ]


def trend_rows(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Cohort mean per day and axis: is the cohort getting better?"""
    days: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in rows:
        days[r["started"].date().isoformat()].append(r)
    out = [
        {
            "day": day,
            "axis": axis,
            "score": analytics.mean([r[axis] for r in rs]),
            "sessions": len(rs),
        }
        for day, rs in sorted(days.items())
        for axis in AXES
    ]
    return [r for r in out if r["score"] is not None]


def top_anti_patterns(rows: list[dict[str, Any]], limit: int = 10) -> list[dict[str, Any]]:
    """Anti-patterns by how many replies showed them, with how many trainees did it."""
    times: Counter[str] = Counter()
    who: dict[str, set[str]] = defaultdict(set)
    for r in rows:
        for name, n in r["anti_patterns"].items():
            times[name] += n
            who[name].add(r["trainee"])
    ranked = sorted(times.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]
    return [{"anti_pattern": name, "replies": n, "trainees": len(who[name])} for name, n in ranked]


def to_csv(rows: list[dict[str, Any]]) -> str:
    """The session rows as CSV; anti-patterns as `name:count;...` so one cell holds them."""
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for r in rows:
        writer.writerow(
            {
                **{c: r[c] for c in CSV_COLUMNS},
                "started": r["started"].isoformat(timespec="seconds"),
                "anti_patterns": ";".join(f"{k}:{v}" for k, v in r["anti_patterns"].items()),
            }
        )
    return buf.getvalue()
