"""`hotseat report DIR`: summary.json and a self-contained report.html for a run folder.

A folder from `hotseat simulate` gets the simulate report; a folder of `hotseat grade
--out` files gets grade distributions and anti-pattern frequencies instead.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from hotseat.errors import InputError
from hotseat.report.grading import grade_files, summarise_grades
from hotseat.report.page import grading_page, simulate_page
from hotseat.report.summary import summarise
from hotseat.simulate.records import CONVERSATIONS, ERRORS, key_of, read_jsonl

REPORT_HTML = "report.html"
SUMMARY_JSON = "summary.json"


def _examples(rows: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """One conversation per bot, the lowest persona and seed, so reruns show the same."""
    best: dict[str, dict[str, Any]] = {}
    for r in sorted(rows, key=lambda r: (r["persona"], r["seed"], r["difficulty"])):
        best.setdefault(r["bot"], r)
    return best


def build_report(folder: Path) -> dict[str, Any]:
    """Write DIR/summary.json and DIR/report.html; return the summary."""
    folder = Path(folder)
    if not folder.is_dir():
        raise InputError(f"{folder} is not a folder.",
                         hint="Pass the --out folder of `hotseat simulate` or `hotseat grade`.")
    conversations = folder / CONVERSATIONS
    if conversations.exists():
        rows = [r for r in read_jsonl(conversations)
                if key_of(r) is not None and "end_state" in r]
        if not rows:
            raise InputError(f"{conversations} holds no finished conversation yet.",
                             hint="Run `hotseat simulate ... --out` into this folder first.")
        summary = summarise(rows, read_jsonl(folder / ERRORS))
        html = simulate_page(summary, _examples(rows))
    else:
        files = grade_files(folder)
        if not files:
            raise InputError(f"{folder} has neither {CONVERSATIONS} nor grading output.",
                             hint="Point it at a `hotseat simulate --out` folder, or a folder "
                                  "holding `hotseat grade --out FILE.jsonl` files.")
        summary = summarise_grades(files)
        html = grading_page(summary)
    (folder / SUMMARY_JSON).write_text(json.dumps(summary, indent=2, ensure_ascii=False) + "\n",
                                       encoding="utf-8")
    (folder / REPORT_HTML).write_text(html, encoding="utf-8")
    return summary


__all__ = ["REPORT_HTML", "SUMMARY_JSON", "build_report"]
