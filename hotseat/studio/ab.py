"""A/B compare of two card (or prompt) versions on the same seeds and bots.

Both versions run through the realism check (one content-addressed run folder each, so a
rerun resumes and an unchanged version is not simulated again); this module pairs their
conversations by (bot, seed), counts end states with Wilson intervals, says plainly when
the sample is too small to decide, and exports the lot. Plain data in, plain data out.
"""

from __future__ import annotations

import csv
import io
import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hotseat.resumable import read_jsonl
from hotseat.simulate.records import CONVERSATIONS
from hotseat.ui.format import MOOD_AXES, percent

Z95 = 1.96
# End states in the order a trainer reads them, with the words the pages use.
END_WORDS = {
    "resolved": "resolved",
    "demands_supervisor": "demanded a supervisor",
    "hangs_up": "hung up",
    "turn_limit": "turn limit",
}
# Below this many conversations per version a 95% interval on a rate is wider than about
# ±18 points: a difference the size trainers look for cannot be told from chance.
ENOUGH = 30

Row = dict[str, Any]


def wilson(successes: int, n: int, z: float = Z95) -> tuple[float, float]:
    """The Wilson score interval of a rate (good at small n and at 0% or 100%)."""
    if n == 0:
        return (0.0, 1.0)
    p = successes / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    return (max(0.0, centre - half), min(1.0, centre + half))


def conversations(folder: Path, bots: list[str], seeds: int) -> dict[tuple[str, int], Row]:
    """The finished conversations of a run folder on these bots and seeds, by (bot, seed)."""
    found: dict[tuple[str, int], Row] = {}
    for row in read_jsonl(Path(folder) / CONVERSATIONS):
        key = (str(row.get("bot")), int(row.get("seed", -1)))
        if key[0] in bots and 0 <= key[1] < seeds:
            found[key] = row
    return found


@dataclass(frozen=True)
class Pair:
    bot: str
    seed: int
    a: Row | None
    b: Row | None

    @property
    def differs(self) -> bool:
        """The two versions ended this conversation differently."""
        return end_state(self.a) != end_state(self.b)


def pairs(a: dict[tuple[str, int], Row], b: dict[tuple[str, int], Row]) -> list[Pair]:
    keys = sorted(set(a) | set(b))
    return [Pair(bot, seed, a.get((bot, seed)), b.get((bot, seed))) for bot, seed in keys]


def end_state(row: Row | None) -> str:
    return "not run" if row is None else END_WORDS.get(row["end_state"], row["end_state"])


def replies(row: Row) -> int:
    return sum(t["role"] == "agent" for t in row["turns"])


def outcome(row: Row | None) -> str:
    """'resolved after 3 replies'."""
    if row is None:
        return "not run"
    n = replies(row)
    return f"{end_state(row)} after {n} repl{'y' if n == 1 else 'ies'}"


def mood_trace(row: Row) -> str:
    """Each mood axis from the opening to the end: 'anger 7 → 6 → 4 · fear …'."""
    moods = [t["mood"] for t in row["turns"] if t.get("mood") and t["role"] == "customer"]
    return " · ".join(
        f"{axis} " + " → ".join(f"{round(m.get(axis, 0), 1):g}" for m in moods)
        for axis in MOOD_AXES
    )


def grade_chip(turn: Row) -> str:
    g = turn.get("grade") or {}
    if not g:
        return ""
    return f"empathy {g.get('empathy')}/4 · empowerment {g.get('empowerment')}/4"


def _rate_cell(k: int, n: int) -> str:
    low, high = wilson(k, n)
    return f"{k}/{n} = {percent(k / n if n else None)} (95%: {percent(low)}–{percent(high)})"


def rate_rows(a: list[Row], b: list[Row], bots: list[str]) -> list[Row]:
    """Per end state, overall and per bot: both versions' rates with 95% intervals, and
    whether the intervals even separate (if not, the difference may be chance)."""
    out = []
    groups: list[tuple[str, str | None]] = [("all bots", None)] + [(bot, bot) for bot in bots]
    for group, bot in groups:
        ra = [r for r in a if bot is None or r["bot"] == bot]
        rb = [r for r in b if bot is None or r["bot"] == bot]
        for state, word in END_WORDS.items():
            ka = sum(r["end_state"] == state for r in ra)
            kb = sum(r["end_state"] == state for r in rb)
            if ka == kb == 0:
                continue
            (la, ha), (lb, hb) = wilson(ka, len(ra)), wilson(kb, len(rb))
            separate = ha < lb or hb < la
            out.append(
                {
                    "bots": group,
                    "end state": word,
                    "A": _rate_cell(ka, len(ra)),
                    "B": _rate_cell(kb, len(rb)),
                    "verdict": "a real difference"
                    if separate
                    else ("same" if ka == kb else "could be chance"),
                }
            )
    return out


def sample_warning(n: int) -> str | None:
    """Plain words when `n` conversations per version cannot settle a difference."""
    if n >= ENOUGH:
        return None
    low, high = wilson(n // 2, n)  # the widest interval at this n: a rate near one half
    half = (high - low) / 2
    return (
        f"Only {n} conversation{'s' if n != 1 else ''} per version. With so few, a rate "
        f"can be off by up to about ±{half:.0%}: a difference here is a hint, not proof. "
        f"Run {ENOUGH} or more (more seeds) before deciding between the versions."
    )


def export_json(labels: tuple[str, str], found: list[Pair], rates: list[Row]) -> str:
    return json.dumps(
        {
            "A": labels[0],
            "B": labels[1],
            "rates": rates,
            "pairs": [
                {"bot": p.bot, "seed": p.seed, "differs": p.differs, "A": p.a, "B": p.b}
                for p in found
            ],
        },
        indent=2,
        ensure_ascii=False,
    )


CSV_COLUMNS = (
    "version",
    "label",
    "bot",
    "seed",
    "end_state",
    "replies",
    "mean_empathy",
    "mean_empowerment",
    *(f"final_{axis}" for axis in MOOD_AXES),
)


def _mean(values: list[float]) -> float | None:
    return round(sum(values) / len(values), 2) if values else None


def export_csv(labels: tuple[str, str], found: list[Pair]) -> str:
    """One line per version and conversation."""
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for p in found:
        for side, label, row in (("A", labels[0], p.a), ("B", labels[1], p.b)):
            if row is None:
                continue
            grades = [t["grade"] for t in row["turns"] if t.get("grade")]
            final = next((t["mood"] for t in reversed(row["turns"]) if t.get("mood")), {})
            writer.writerow(
                {
                    "version": side,
                    "label": label,
                    "bot": p.bot,
                    "seed": p.seed,
                    "end_state": row["end_state"],
                    "replies": replies(row),
                    "mean_empathy": _mean([g["empathy"] for g in grades]),
                    "mean_empowerment": _mean([g["empowerment"] for g in grades]),
                    **{f"final_{axis}": final.get(axis) for axis in MOOD_AXES},
                }
            )
    return buf.getvalue()
