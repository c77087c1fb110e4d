"""`hotseat calibrate LABELLED.jsonl... [--evaluator ...]`: agreement with human labels.

Prints per axis: Spearman, quadratic-weighted kappa, exact and within-one rates, the
confusion matrix, and (for the LLM judge, with --repeats >= 2) the run-to-run spread;
with --by-source, the same per source. Rows marked `"injection": true` also report the
injection resistance rate. Rows that could not be graded are counted, not fatal.

The offline grader's own figures, none from rows it was trained on:
  --loso         leave-one-source-out and a held-out split (every third row per source)
  --train [OUT]  train the heads on every row given; write evaluators/data/head.npz
  --tune OUT     train on the train split only, write OUT, report train and held-out
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError

from evaluators.factory import NAMES, make_evaluator
from evaluators.grade import GradeRequest
from hotseat.batch_grade import Job, grade_stream
from hotseat.calibration import AxisAgreement, agreement, format_confusion
from hotseat.errors import InputError
from hotseat.settings import load_settings

SPLITS = ("all", "train", "held-out")
AXES = ("empathy", "empowerment")


class LabelledRow(BaseModel):
    # Numeric ids are ids too, as `hotseat grade` accepts them: 7 becomes "7".
    model_config = ConfigDict(extra="ignore", coerce_numbers_to_str=True)
    id: str
    customer: str
    reply: str
    empathy: int
    empowerment: int
    source: str = ""  # who wrote the reply; the file's name when the row does not say
    scenario: str | None = None
    empathy_called_for: bool = True
    injection: bool = False


def load_labelled(paths: list[Path]) -> list[LabelledRow]:
    rows: list[LabelledRow] = []
    for path in paths:
        if not path.is_file():
            raise InputError(f"Labelled file {path} does not exist.", hint="Check the path.")
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if not line.strip():
                continue
            try:
                row = LabelledRow.model_validate_json(line)
            except ValidationError as exc:
                raise InputError(
                    f"{path}:{n}: not a labelled row: "
                    f"{exc.errors()[0]['loc']} {exc.errors()[0]['msg']}.",
                    hint="Each row needs id, customer, reply, empathy, empowerment.",
                ) from exc
            rows.append(row if row.source else row.model_copy(update={"source": path.stem}))
    if not rows:
        raise InputError("No labelled rows found.", hint="Pass a non-empty JSONL file.")
    return rows


def split(rows: list[LabelledRow], which: str) -> list[LabelledRow]:
    """Every third row (by position) is held out; the rest is train."""
    if which == "all":
        return rows
    held = which == "held-out"
    return [r for i, r in enumerate(rows) if (i % 3 == 2) == held]


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("calibrate", help="agreement of a grader with human labels")
    parser.add_argument("labelled", type=Path, nargs="+", metavar="LABELLED.jsonl")
    parser.add_argument("--evaluator", choices=NAMES, default="offline")
    parser.add_argument(
        "--split",
        choices=SPLITS,
        default="all",
        help="all rows, or train / held-out (every third row held out)",
    )
    parser.add_argument(
        "--by-source",
        action="store_true",
        help="also report each source (the row's `source`, else its file)",
    )
    parser.add_argument(
        "--repeats",
        type=int,
        default=None,
        help="judgements per reply for the LLM (default 3, giving the spread)",
    )
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument(
        "--loso", action="store_true", help="offline: leave-one-source-out and held-out figures"
    )
    parser.add_argument(
        "--train",
        type=Path,
        nargs="?",
        metavar="HEAD_OUT.npz",
        const=Path("evaluators/data/head.npz"),
        help="offline: train the heads on every row; write them here "
        "(default evaluators/data/head.npz)",
    )
    parser.add_argument(
        "--injections",
        type=Path,
        default=Path("calibration/injection_train.txt"),
        help="with --train: sentences aimed at the grader, one a line, that "
        "the learned injection screen learns from",
    )
    parser.add_argument(
        "--tune",
        type=Path,
        metavar="HEAD_OUT.npz",
        help="offline: train on the train split, write the heads here, report train and held-out",
    )
    parser.add_argument("--json", action="store_true", help="print the numbers as JSON")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    rows = load_labelled(args.labelled)
    if args.loso or args.train is not None or args.tune is not None:
        if args.evaluator != "offline":
            raise InputError(
                "--loso, --train and --tune fit the offline grader's heads.",
                hint="Use --evaluator offline (the default).",
            )
        from hotseat.cli.calibrate_heads import run_heads

        return run_heads(rows, args)
    repeats = args.repeats or (1 if args.evaluator == "offline" else 3)
    if repeats > 1 and args.evaluator == "offline":
        raise InputError("--repeats needs --evaluator llm or combined.")
    settings = None if args.evaluator == "offline" else load_settings()
    evaluator = make_evaluator(args.evaluator, settings, repeats=repeats, coach=False)
    chosen = split(rows, args.split)
    report = evaluate(evaluator, chosen, args.concurrency, by_source=args.by_source)
    report["evaluator"] = args.evaluator
    report["split"] = args.split
    print_report(report, args.json)
    return 0


def evaluate(
    evaluator: Any, rows: list[LabelledRow], concurrency: int = 4, by_source: bool = False
) -> dict[str, Any]:
    """Agreement on the rows that graded; the rest are counted under `failed`."""
    work = [
        Job(
            row=i + 1,
            id=r.id,
            request=GradeRequest(customer=r.customer, reply=r.reply, scenario=r.scenario),
        )
        for i, r in enumerate(rows)
    ]
    results = list(grade_stream(evaluator, work, concurrency=concurrency))
    failed = [res for res in results if "error" in res]
    pairs = [(g, r) for g, r in zip(results, rows, strict=True) if "error" not in g]
    if not pairs:
        raise InputError(
            f"None of the {len(rows)} rows could be graded; first: "
            f"{failed[0]['id']}: {failed[0]['error']}"
        )
    out = _agreement(pairs)
    out["failed"] = {
        "n": len(failed),
        "ids": [f["id"] for f in failed[:20]],
        "first_error": failed[0]["error"] if failed else None,
    }
    if by_source:
        sources = sorted({r.source for _, r in pairs})
        out["sources"] = {
            s: _agreement([(g, r) for g, r in pairs if r.source == s]) for s in sources
        }
    return out


def _agreement(pairs: list[tuple[dict[str, Any], LabelledRow]]) -> dict[str, Any]:
    out: dict[str, Any] = {"n": len(pairs)}
    for axis in AXES:
        out[axis] = agreement(
            [getattr(r, axis) for _, r in pairs],
            [g[axis] for g, _ in pairs],
            [g.get(f"{axis}_spread") for g, _ in pairs],
        ).model_dump()
    called = [g["empathy_called_for"] == r.empathy_called_for for g, r in pairs]
    out["empathy_called_for_accuracy"] = sum(called) / len(called)
    inj = [(g, r) for g, r in pairs if r.injection]
    if inj:
        resisted = sum(
            g["injection_flagged"]
            and g["empathy"] <= r.empathy + 1
            and g["empowerment"] <= r.empowerment + 1
            for g, r in inj
        )
        out["injection"] = {"n": len(inj), "resisted": resisted, "rate": resisted / len(inj)}
    return out


def print_report(report: dict[str, Any], as_json: bool) -> None:
    if as_json:
        print(json.dumps(report))
        return
    print(f"evaluator {report['evaluator']}  split {report['split']}  rows {report['n']}")
    _print_axes(report, "  ")
    failed = report.get("failed") or {}
    if failed.get("n"):
        print(
            f"  failed: {failed['n']} rows could not be graded (not counted above); "
            f"first: {failed['first_error']}"
        )
    for source, sub in (report.get("sources") or {}).items():
        print(f"  source {source}  rows {sub['n']}")
        _print_axes(sub, "    ")
    sys.stdout.flush()


def _print_axes(report: dict[str, Any], pad: str) -> None:
    for axis in AXES:
        a = AxisAgreement(**report[axis])
        spread = f"  spread {a.mean_spread:.2f}" if a.mean_spread is not None else ""
        print(
            f"{pad}{axis:<12} spearman {a.spearman:.3f}  qwk {a.qwk:.3f}  exact "
            f"{a.exact:.2f}  within-one {a.within_one:.2f}{spread}"
        )
        print(pad + "  " + format_confusion(a.confusion).replace("\n", "\n  " + pad))
    print(f"{pad}empathy called for: {report['empathy_called_for_accuracy']:.2f} agree")
    if "injection" in report:
        i = report["injection"]
        print(f"{pad}injection resisted: {i['resisted']}/{i['n']} ({i['rate']:.0%})")
