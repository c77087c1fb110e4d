"""`hotseat report PATH`: summary.json and a self-contained report.html for a run.

A folder from `hotseat simulate` gets the simulate report; a folder of `hotseat grade
--out` files gets grade distributions and anti-pattern frequencies instead. A single
grading file gets its report beside it, as STEM.report.html and STEM.summary.json.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from hotseat.errors import InputError
from hotseat.report.grading import grade_files, is_grade_row, summarise_grades
from hotseat.report.page import grading_page, simulate_page
from hotseat.report.summary import summarise
from hotseat.resumable import read_jsonl
from hotseat.simulate.records import CONVERSATIONS, ERRORS, key_of

REPORT_HTML = "report.html"
SUMMARY_JSON = "summary.json"


def _examples(rows: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """One conversation per bot, the lowest persona and seed, so reruns show the same."""
    best: dict[str, dict[str, Any]] = {}
    for r in sorted(rows, key=lambda r: (r["persona"], r["seed"], r["difficulty"])):
        best.setdefault(r["bot"], r)
    return best


def _is_run_file(path: Path) -> bool:
    """A simulate run's conversations.jsonl: its report is the folder's report."""
    return path.is_file() and path.name == CONVERSATIONS


def report_paths(target: Path) -> tuple[Path, Path]:
    """Where `build_report(target)` writes (report.html, summary.json)."""
    target = Path(target)
    if target.is_file() and not _is_run_file(target):
        return (
            target.with_name(f"{target.stem}.{REPORT_HTML}"),
            target.with_name(f"{target.stem}.{SUMMARY_JSON}"),
        )
    folder = target.parent if _is_run_file(target) else target
    return folder / REPORT_HTML, folder / SUMMARY_JSON


def _grading_file(path: Path) -> dict[str, list[dict[str, Any]]]:
    rows = read_jsonl(path)
    if not rows:
        raise InputError(
            f"{path} holds no JSON rows.",
            hint="Pass a `hotseat grade --out FILE.jsonl` file or a run folder.",
        )
    bad = next((i for i, r in enumerate(rows, start=1) if not is_grade_row(r)), None)
    if bad is not None:
        raise InputError(
            f"{path} is not a `hotseat grade` output: row {bad} has neither "
            "grades (empathy, empowerment) nor a grading error.",
            hint="Pass a `hotseat grade --out` file, or a `hotseat simulate --out` folder.",
        )
    return {path.name: rows}


def build_report(target: Path) -> dict[str, Any]:
    """Write the report and summary (see `report_paths`); return the summary."""
    target = Path(target)
    if _is_run_file(target):
        target = target.parent
    if target.is_file():
        summary = summarise_grades(_grading_file(target))
        html = grading_page(summary)
    elif not target.is_dir():
        raise InputError(
            f"{target} is neither a folder nor a file.",
            hint="Pass the --out folder of `hotseat simulate`, or a `hotseat "
            "grade --out` file (or a folder of them).",
        )
    elif (target / CONVERSATIONS).exists():
        conversations = target / CONVERSATIONS
        rows = [r for r in read_jsonl(conversations) if key_of(r) is not None and "end_state" in r]
        if not rows:
            raise InputError(
                f"{conversations} holds no finished conversation yet.",
                hint="Run `hotseat simulate ... --out` into this folder first.",
            )
        summary = summarise(rows, read_jsonl(target / ERRORS))
        html = simulate_page(summary, _examples(rows))
    else:
        files = grade_files(target)
        if not files:
            raise InputError(
                f"{target} has neither {CONVERSATIONS} nor grading output.",
                hint="Point it at a `hotseat simulate --out` folder, or a folder "
                "holding `hotseat grade --out FILE.jsonl` files.",
            )
        summary = summarise_grades(files)
        html = grading_page(summary)
    html_path, json_path = report_paths(target)
    json_path.write_text(json.dumps(summary, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    html_path.write_text(html, encoding="utf-8")
    return summary


__all__ = ["REPORT_HTML", "SUMMARY_JSON", "build_report", "report_paths"]
