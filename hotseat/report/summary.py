"""The numbers of a simulate report, computed from conversations.jsonl rows.

Plain dicts (they become summary.json as they are), rounded once here so the HTML and
the JSON show the same figures.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from statistics import mean, median
from typing import Any

from hotseat.engine.voice import AS_WRITTEN
from hotseat.report.difficulty import difficulty_check, difficulty_summary
from hotseat.report.voice import voice_summary

END_STATES = ("resolved", "demands_supervisor", "hangs_up", "turn_limit")
WALK_AWAY = ("demands_supervisor", "hangs_up")
# A customer who settles right after one of these replies has caved, whoever the bot is:
# the reply pushed the problem away, or offered no real step (empowerment <= POWERLESS).
DEFLECTIONS = frozenset({"transfer", "policy_wall", "not_my_job", "call_back_later", "minimising"})
POWERLESS = 1
CAVE_EXAMPLES = 5
PASS_RATE = 0.8  # dismissive must walk away / ideal must resolve this often
MAX_REPAIR_RATE = 0.1


def _rate(n: int, total: int) -> float:
    return round(n / total, 4) if total else 0.0


def _end_rates(rows: list[dict[str, Any]]) -> dict[str, Any]:
    counts = Counter(r["end_state"] for r in rows)
    return {
        "n": len(rows),
        "counts": {s: counts.get(s, 0) for s in END_STATES},
        "rates": {s: _rate(counts.get(s, 0), len(rows)) for s in END_STATES},
    }


def _agent_turns(row: dict[str, Any]) -> list[dict[str, Any]]:
    return [t for t in row.get("turns", []) if t.get("role") == "agent" and t.get("grade")]


def _trajectories(rows: list[dict[str, Any]]) -> dict[str, list[dict[str, float]]]:
    """Mean mood after each agent reply (point 0 = the opening), per level."""
    points: dict[int, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    for row in rows:
        moods = [
            t["mood"]
            for t in row.get("turns", [])
            if t.get("mood") and (t.get("role") == "agent" or t.get("index") == 0)
        ]
        for i, mood in enumerate(moods):
            for level, value in mood.items():
                points[i][level].append(float(value))
    out: dict[str, list[dict[str, float]]] = {}
    for level in ("anger", "fear", "trust"):
        out[level] = [
            {"reply": i, "mean": round(mean(points[i][level]), 2), "n": len(points[i][level])}
            for i in sorted(points)
            if points[i][level]
        ]
    return out


def _grades(rows: list[dict[str, Any]]) -> dict[str, Any]:
    emp, pow_, anti = Counter(), Counter(), Counter()
    replies = 0
    for row in rows:
        for t in _agent_turns(row):
            g = t["grade"]
            replies += 1
            emp[int(g["empathy"])] += 1
            pow_[int(g["empowerment"])] += 1
            anti.update({a["name"] for a in g.get("anti_patterns", [])})
    return {
        "replies": replies,
        "empathy": {str(k): emp.get(k, 0) for k in range(5)},
        "empowerment": {str(k): pow_.get(k, 0) for k in range(5)},
        "anti_patterns": dict(anti.most_common()),
    }


def _turns_to_resolution(rows: list[dict[str, Any]]) -> dict[str, Any]:
    turns = [int(r["turns_count"]) for r in rows if r["end_state"] == "resolved"]
    if not turns:
        return {"resolved": 0, "mean": None, "median": None, "histogram": {}}
    counts = Counter(turns)
    return {
        "resolved": len(turns),
        "mean": round(mean(turns), 2),
        "median": round(float(median(turns)), 2),
        "histogram": {str(k): counts[k] for k in sorted(counts)},
    }


def _deflection(grade: dict[str, Any]) -> list[str]:
    """Why a graded reply counts as deflecting or powerless; empty when it does not."""
    names = {a.get("name") if isinstance(a, dict) else a for a in grade.get("anti_patterns", [])}
    reasons = sorted(n for n in names if n in DEFLECTIONS)
    if "empowerment" in grade and int(grade["empowerment"]) <= POWERLESS:
        reasons.append(f"empowerment {int(grade['empowerment'])}")
    return reasons


def _cave(row: dict[str, Any]) -> dict[str, Any] | None:
    """A resolved conversation whose resolving reply, or the one before, deflected."""
    if row["end_state"] != "resolved":
        return None
    agent = [t for t in row.get("turns", []) if t.get("role") == "agent"]
    for back, turn in enumerate(reversed(agent[-2:])):  # 0: the resolving reply
        reasons = _deflection(turn.get("grade") or {})
        if reasons:
            return {
                "persona": row["persona"],
                "bot": row["bot"],
                "seed": row["seed"],
                "difficulty": row["difficulty"],
                "turn": turn.get("index"),
                "replies_before_end": back,
                "reasons": reasons,
                "text": str(turn.get("text", ""))[:300],
            }
    return None


def caving(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Resolved conversations that ended within one agent reply of a deflection."""
    resolved = [r for r in rows if r["end_state"] == "resolved"]
    caves = sorted(
        (c for r in resolved if (c := _cave(r)) is not None),
        key=lambda c: (c["persona"], c["bot"], c["seed"], c["difficulty"]),
    )
    by_bot = Counter(c["bot"] for c in caves)
    return {
        "resolved": len(resolved),
        "count": len(caves),
        "rate": _rate(len(caves), len(resolved)),
        "by_bot": dict(sorted(by_bot.items())),
        "examples": caves[:CAVE_EXAMPLES],
    }


def _check(name: str, passed: bool | None, value: float | None, detail: str) -> dict[str, Any]:
    return {"check": name, "passed": passed, "value": value, "detail": detail}


def _realism(
    rows: list[dict[str, Any]],
    by_bot: dict[str, list[dict[str, Any]]],
    by_difficulty: dict[str, list[dict[str, Any]]],
    caves: dict[str, Any],
) -> list[dict[str, Any]]:
    checks = []
    dis = by_bot.get("dismissive", [])
    walked = sum(r["end_state"] in WALK_AWAY for r in dis)
    checks.append(
        _check(
            "dismissive_escalates",
            _rate(walked, len(dis)) >= PASS_RATE if dis else None,
            _rate(walked, len(dis)) if dis else None,
            f"{walked} of {len(dis)} dismissive conversations ended in a supervisor demand or "
            "hang-up"
            if dis
            else "no dismissive conversations; run --bot dismissive",
        )
    )
    ideal = by_bot.get("ideal", [])
    solved = sum(r["end_state"] == "resolved" for r in ideal)
    checks.append(
        _check(
            "ideal_resolves",
            _rate(solved, len(ideal)) >= PASS_RATE if ideal else None,
            _rate(solved, len(ideal)) if ideal else None,
            f"{solved} of {len(ideal)} ideal conversations resolved"
            if ideal
            else "no ideal conversations; run --bot ideal",
        )
    )
    resolved, n = caves["resolved"], caves["count"]
    where = Counter(f"{c['persona']}/{c['bot']}" for r in rows if (c := _cave(r)) is not None)
    checks.append(
        _check(
            "no_early_caving",
            n == 0 if resolved else None,
            caves["rate"] if resolved else None,
            (
                f"{n} of {resolved} resolved conversations ended within one agent reply of a "
                "deflecting (transfer, policy wall, not my job, call back later, minimising) or "
                f"powerless (empowerment <= {POWERLESS}) reply"
                + (f": {dict(where.most_common(5))}" if n else "")
            )
            if resolved
            else "no resolved conversations to check",
        )
    )
    customer_lines = sum(
        1
        for r in rows
        for t in r.get("turns", [])
        if t.get("role") == "customer"
        and t.get("index", 0) > 0
        # Said as the card writes them (a hidden fact): the model never wrote these.
        and AS_WRITTEN not in (t.get("problems") or [])
    )
    repairs = sum(int(r.get("repairs", 0)) for r in rows)
    reversals = sum(_role_reversals(r) for r in rows)
    rate = _rate(reversals, customer_lines)
    checks.append(
        _check(
            "role_reversal",
            rate <= MAX_REPAIR_RATE if customer_lines else None,
            rate,
            f"on {reversals} of {customer_lines} generated customer lines the model spoke as "
            f"the agent (cut or replaced before anyone saw it); {repairs} lines were repaired "
            "for any reason (see the voice checks per card)",
        )
    )
    resolved = {
        d: _rate(sum(r["end_state"] == "resolved" for r in rs), len(rs))
        for d, rs in by_difficulty.items()
    }
    passed, detail = difficulty_check(difficulty_summary(rows), resolved)
    checks.append(_check("difficulty_matters", passed, None, detail))
    return checks


def persona_versions(rows: list[dict[str, Any]]) -> dict[str, dict[str, int]]:
    """Per persona, the card versions the conversations ran on (v2, or a short hash and
    "unnamed") and how many ran on each; runs that did not name versions give none."""
    out: dict[str, Counter[str]] = defaultdict(Counter)
    for r in rows:
        if r.get("persona_version"):
            out[r["persona"]][r["persona_version"]] += 1
    return {p: dict(sorted(c.items())) for p, c in sorted(out.items())}


def summarise(rows: list[dict[str, Any]], errors: list[dict[str, Any]]) -> dict[str, Any]:
    by_bot: dict[str, list[dict[str, Any]]] = defaultdict(list)
    by_cell: dict[str, dict[str, list[dict[str, Any]]]] = defaultdict(lambda: defaultdict(list))
    by_difficulty: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in rows:
        by_bot[r["bot"]].append(r)
        by_cell[r["persona"]][r["bot"]].append(r)
        by_difficulty[r["difficulty"]].append(r)
    finished = {(r["persona"], r["bot"], r["seed"], r["difficulty"]) for r in rows}
    open_errors = [
        e
        for e in errors
        if (e.get("persona"), e.get("bot"), e.get("seed"), e.get("difficulty")) not in finished
    ]
    caves = caving(rows)
    total_cost = round(sum(float(r.get("cost", 0.0)) for r in rows), 6)
    total_tokens = sum(int((r.get("tokens") or {}).get("total", 0)) for r in rows)
    return {
        "kind": "simulate",
        "conversations": len(rows),
        "unresolved_errors": len(open_errors),
        "persona_versions": persona_versions(rows),
        "end_states": {
            "overall": _end_rates(rows),
            "by_bot": {b: _end_rates(rs) for b, rs in sorted(by_bot.items())},
            "by_persona_bot": {
                p: {b: _end_rates(rs) for b, rs in sorted(bots.items())}
                for p, bots in sorted(by_cell.items())
            },
            "by_difficulty": {d: _end_rates(rs) for d, rs in sorted(by_difficulty.items())},
        },
        "mood_trajectories": {b: _trajectories(rs) for b, rs in sorted(by_bot.items())},
        "grades": {b: _grades(rs) for b, rs in sorted(by_bot.items())},
        "turns_to_resolution": {b: _turns_to_resolution(rs) for b, rs in sorted(by_bot.items())},
        "realism": _realism(rows, by_bot, by_difficulty, caves),
        "voice": voice_summary(rows),
        "difficulty": difficulty_summary(rows),
        "caving": caves,
        "cost": {
            "total_usd": total_cost,
            "total_tokens": total_tokens,
            "per_conversation_usd": round(total_cost / len(rows), 6) if rows else 0.0,
            "by_bot_usd": {
                b: round(sum(float(r.get("cost", 0.0)) for r in rs), 6)
                for b, rs in sorted(by_bot.items())
            },
        },
    }


def _role_reversals(row: dict[str, Any]) -> int:
    """Customer lines with a role reversal; runs written before turns kept their problems
    fall back to the repair count (which over-counts: it includes trims)."""
    turns = row.get("turns", [])
    if any("problems" in t for t in turns):
        return sum("role_reversal" in t.get("problems", []) for t in turns)
    return int(row.get("repairs", 0))
