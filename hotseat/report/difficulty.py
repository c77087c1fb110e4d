"""Difficulty a trainee can feel: per difficulty, how calls end and how long each bot
lasts, and whether a generic script survives three replies (easy should let it, hard
should not)."""

from __future__ import annotations

from collections import defaultdict
from statistics import mean
from typing import Any

DIFFICULTY_ORDER = ("easy", "standard", "hard")
SURVIVE_REPLIES = 3  # "survives": the trainee gets to make at least this many replies
PROBE_BOT = "scripted_apology"  # the generic script the difficulty is felt through


def _order(names: list[str]) -> list[str]:
    known = [d for d in DIFFICULTY_ORDER if d in names]
    return known + sorted(n for n in names if n not in DIFFICULTY_ORDER)


def _per_bot(rows: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    by_bot: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in rows:
        by_bot[r["bot"]].append(r)
    return {
        bot: {
            "n": len(rs),
            "mean_replies": round(mean(r["turns_count"] for r in rs), 2),
            "survived": sum(r["turns_count"] >= SURVIVE_REPLIES for r in rs),
            "survived_rate": round(
                sum(r["turns_count"] >= SURVIVE_REPLIES for r in rs) / len(rs), 4
            ),
        }
        for bot, rs in sorted(by_bot.items())
    }


def difficulty_summary(rows: list[dict[str, Any]]) -> dict[str, Any]:
    by_difficulty: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in rows:
        by_difficulty[r["difficulty"]].append(r)
    return {
        d: {
            "n": len(by_difficulty[d]),
            "mean_replies": round(mean(r["turns_count"] for r in by_difficulty[d]), 2),
            "by_bot": _per_bot(by_difficulty[d]),
        }
        for d in _order(list(by_difficulty))
    }


def difficulty_check(
    summary: dict[str, Any], resolved: dict[str, float]
) -> tuple[bool | None, str]:
    """(passed, detail): resolve rates must differ by difficulty; when nothing resolves
    anywhere the check is n/a and the detail compares end-of-call lengths instead."""
    if len(summary) < 2:
        only = next(iter(summary), "none")
        return None, (
            f"only one difficulty ({only}) in this folder; run simulate again with "
            "--difficulty easy and hard into the same --out to compare"
        )
    lengths = ", ".join(f"{d} {s['mean_replies']:.1f}" for d, s in summary.items())
    probe = [
        f"{d} {s['by_bot'][PROBE_BOT]['survived']}/{s['by_bot'][PROBE_BOT]['n']}"
        for d, s in summary.items()
        if PROBE_BOT in s["by_bot"]
    ]
    probe_text = (
        f"; {PROBE_BOT} lasted {SURVIVE_REPLIES}+ replies: " + ", ".join(probe) if probe else ""
    )
    if not any(resolved.values()):
        return None, (
            "no conversation resolved at any difficulty, so resolve rates cannot differ; "
            f"mean replies before the end: {lengths}{probe_text}"
        )
    rates = ", ".join(f"{d} {v:.0%}" for d, v in resolved.items())
    return len(set(resolved.values())) > 1, (
        f"resolved rate by difficulty: {rates}; mean replies: {lengths}{probe_text}"
    )
