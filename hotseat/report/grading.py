"""The numbers of a grading report: `hotseat grade --out` files in a folder.

Grouped per agent when the rows name one (an `agent` field), else per file.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

from hotseat import analytics
from hotseat.resumable import read_jsonl


def is_grade_row(row: dict[str, Any]) -> bool:
    return "empathy" in row and "empowerment" in row or ("error" in row and "row" in row)


def grade_files(folder: Path) -> dict[str, list[dict[str, Any]]]:
    """Each *.jsonl in `folder` whose rows are grade results, by file name."""
    found = {}
    for path in sorted(Path(folder).glob("*.jsonl")):
        rows = read_jsonl(path)
        if rows and all(is_grade_row(r) for r in rows):
            found[path.name] = rows
    return found


def _group(rows: list[dict[str, Any]]) -> dict[str, Any]:
    graded = [r for r in rows if "empathy" in r]
    emp = Counter(int(r["empathy"]) for r in graded)
    pow_ = Counter(int(r["empowerment"]) for r in graded)
    anti = Counter(
        a["name"]
        for r in graded
        for a in r.get("anti_patterns", [])
        if isinstance(a, dict) and "name" in a
    )
    tech = Counter(
        t["name"]
        for r in graded
        for t in r.get("techniques", [])
        if isinstance(t, dict) and "name" in t
    )
    return {
        "replies": len(graded),
        "errors": len(rows) - len(graded),
        # The same rule as Progress and Cohort: empathy "n/a" rows are not a 0.
        "mean_empathy": analytics.mean(
            [r["empathy"] for r in graded if r.get("empathy_called_for", True)]
        ),
        "mean_empowerment": analytics.mean([r["empowerment"] for r in graded]),
        "empathy": {str(k): emp.get(k, 0) for k in range(5)},
        "empowerment": {str(k): pow_.get(k, 0) for k in range(5)},
        "anti_patterns": dict(anti.most_common()),
        "anti_pattern_rates": {k: round(v / len(graded), 4) for k, v in anti.most_common()}
        if graded
        else {},
        "techniques": dict(tech.most_common()),
    }


def summarise_grades(files: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
    all_rows = [r for rows in files.values() for r in rows]
    per_agent = any("agent" in r for r in all_rows)
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for name, rows in files.items():
        for r in rows:
            groups[str(r.get("agent", "unknown")) if per_agent else name].append(r)
    return {
        "kind": "grading",
        "grouped_by": "agent" if per_agent else "file",
        "files": sorted(files),
        "overall": _group(all_rows),
        "groups": {g: _group(rs) for g, rs in sorted(groups.items())},
    }
