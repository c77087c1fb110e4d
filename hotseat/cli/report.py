"""`hotseat report PATH`: report.html and summary.json for a simulate or grade run.

PATH is a run folder (written into it) or one `hotseat grade --out` file (written
beside it as STEM.report.html and STEM.summary.json); the paths are printed.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from hotseat.report import build_report, report_paths


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "report",
        help="HTML report and JSON summary of a simulate or grade run",
        description="Summarise PATH into an HTML report and a JSON summary. PATH is a "
        "`hotseat simulate --out` folder or a folder of `hotseat grade --out` "
        "files (report.html and summary.json go into it), or one `hotseat "
        "grade --out FILE.jsonl` (FILE.report.html and FILE.summary.json go "
        "beside it). Grading rows are grouped per agent when they carry an "
        "`agent` field, else per file.",
    )
    parser.add_argument("dir", type=Path, metavar="PATH", help="run folder or grading file")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    summary = build_report(args.dir)
    html, json_path = report_paths(args.dir)
    print(f"hotseat report: {summary['kind']} report -> {html} and {json_path}", file=sys.stderr)
    if summary["kind"] == "grading":
        print(
            f"  grouped by {summary['grouped_by']}: {', '.join(summary['groups'])}", file=sys.stderr
        )
    for persona, named in summary.get("persona_versions", {}).items():
        print(f"  {persona}: persona version {', '.join(named)}", file=sys.stderr)
    for check in summary.get("realism", []):
        word = {True: "pass", False: "FAIL", None: "n/a"}[check["passed"]]
        print(f"  {check['check']}: {word} - {check['detail']}", file=sys.stderr)
    return 0
