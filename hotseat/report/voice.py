"""The customer's voice in a simulate run: per card, how many lines were said as the card
writes them by design (telling a hidden fact), how many generated lines failed a check,
were repaired (regenerated or cut) or replaced by the card's written line, and which
defects the checker found. What reached the trainee is always a checked line."""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any

from hotseat.engine.voice import AS_WRITTEN, FALLBACK


def _customer_lines(row: dict[str, Any]) -> list[dict[str, Any]]:
    # Index 0 is the card's scripted opening line: never generated, never checked.
    return [t for t in row.get("turns", []) if t.get("role") == "customer" and t.get("index")]


def _tally(lines: list[dict[str, Any]]) -> dict[str, Any]:
    kinds: Counter[str] = Counter()
    flagged = repaired = fallback = written = 0
    for t in lines:
        problems = list(t.get("problems") or [])
        if AS_WRITTEN in problems:
            written += 1
            continue
        kinds.update(p for p in problems if p != FALLBACK)
        if problems:
            flagged += 1
            if FALLBACK in problems:
                fallback += 1
            else:
                repaired += 1
    n = len(lines) - written  # generated lines
    return {
        "lines": n,
        "as_written": written,
        "flagged": flagged,
        "repaired": repaired,
        "fallback": fallback,
        "flagged_rate": round(flagged / n, 4) if n else None,
        "fallback_rate": round(fallback / n, 4) if n else None,
        "kinds": dict(kinds.most_common()),
    }


def voice_summary(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Overall and per card (persona) tallies of the voice checks."""
    by_card: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in rows:
        by_card[r["persona"]] += _customer_lines(r)
    every = [t for lines in by_card.values() for t in lines]
    return {
        "overall": _tally(every),
        "by_card": {card: _tally(lines) for card, lines in sorted(by_card.items())},
    }
