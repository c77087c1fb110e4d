"""`hotseat report DIR`: DIR/report.html and DIR/summary.json for a simulate or grade run."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from hotseat.report import REPORT_HTML, SUMMARY_JSON, build_report


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "report", help="HTML report and JSON summary of a simulate or grade run",
        description="Summarise DIR (from `hotseat simulate --out DIR`, or a folder of "
                    "`hotseat grade --out` files) into report.html and summary.json.")
    parser.add_argument("dir", type=Path, metavar="DIR")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    summary = build_report(args.dir)
    print(f"hotseat report: {summary['kind']} report -> {args.dir / REPORT_HTML} and "
          f"{args.dir / SUMMARY_JSON}", file=sys.stderr)
    for check in summary.get("realism", []):
        word = {True: "pass", False: "FAIL", None: "n/a"}[check["passed"]]
        print(f"  {check['check']}: {word} - {check['detail']}", file=sys.stderr)
    return 0
