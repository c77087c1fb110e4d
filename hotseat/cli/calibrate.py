"""`hotseat calibrate LABELLED.jsonl [--evaluator ...]`: agreement with human labels.

Prints per axis: Spearman, quadratic-weighted kappa, exact and within-one rates, the
confusion matrix, and (for the LLM judge, with --repeats >= 2) the run-to-run spread.
Rows marked `"injection": true` also report the injection resistance rate.
`--tune` (offline) fits the scoring weights on the train split and reports both splits.
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


class LabelledRow(BaseModel):
    # Numeric ids are ids too, as `hotseat grade` accepts them: 7 becomes "7".
    model_config = ConfigDict(extra="ignore", coerce_numbers_to_str=True)
    id: str
    customer: str
    reply: str
    empathy: int
    empowerment: int
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
                rows.append(LabelledRow.model_validate_json(line))
            except ValidationError as exc:
                raise InputError(f"{path}:{n}: not a labelled row: "
                                 f"{exc.errors()[0]['loc']} {exc.errors()[0]['msg']}.",
                                 hint="Each row needs id, customer, reply, empathy, "
                                 "empowerment.") from exc
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
    parser.add_argument("--split", choices=SPLITS, default="all",
                        help="all rows, or train / held-out (every third row held out)")
    parser.add_argument("--repeats", type=int, default=None,
                        help="judgements per reply for the LLM (default 3, giving the spread)")
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--tune", type=Path, metavar="WEIGHTS_OUT.yaml",
                        help="offline: fit weights on the train split, write them here")
    parser.add_argument("--json", action="store_true", help="print the numbers as JSON")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    rows = load_labelled(args.labelled)
    if args.tune is not None:
        return _tune(rows, args)
    repeats = args.repeats or (1 if args.evaluator == "offline" else 3)
    if repeats > 1 and args.evaluator == "offline":
        raise InputError("--repeats needs --evaluator llm or combined.")
    settings = None if args.evaluator == "offline" else load_settings()
    evaluator = make_evaluator(args.evaluator, settings, repeats=repeats, coach=False)
    chosen = split(rows, args.split)
    report = evaluate(evaluator, chosen, args.concurrency)
    report["evaluator"] = args.evaluator
    report["split"] = args.split
    _print(report, args.json)
    return 0


def evaluate(evaluator: Any, rows: list[LabelledRow], concurrency: int = 4) -> dict[str, Any]:
    work = [Job(row=i + 1, id=r.id, request=GradeRequest(
        customer=r.customer, reply=r.reply, scenario=r.scenario)) for i, r in enumerate(rows)]
    results = list(grade_stream(evaluator, work, concurrency=concurrency))
    errors = [res for res in results if "error" in res]
    if errors:
        raise InputError(f"{len(errors)} of {len(rows)} rows could not be graded; first: "
                         f"{errors[0]['id']}: {errors[0]['error']}")
    out: dict[str, Any] = {"n": len(rows)}
    for axis in ("empathy", "empowerment"):
        out[axis] = agreement([getattr(r, axis) for r in rows], [g[axis] for g in results],
                              [g.get(f"{axis}_spread") for g in results]).model_dump()
    called = [g["empathy_called_for"] == r.empathy_called_for
              for g, r in zip(results, rows, strict=True)]
    out["empathy_called_for_accuracy"] = sum(called) / len(called)
    inj = [(g, r) for g, r in zip(results, rows, strict=True) if r.injection]
    if inj:
        resisted = sum(g["injection_flagged"] and g["empathy"] <= r.empathy + 1
                       and g["empowerment"] <= r.empowerment + 1 for g, r in inj)
        out["injection"] = {"n": len(inj), "resisted": resisted,
                            "rate": resisted / len(inj)}
    return out


def _tune(rows: list[LabelledRow], args: argparse.Namespace) -> int:
    from evaluators.called_for import empathy_called_for
    from evaluators.offline import OfflineEvaluator
    from evaluators.scoring import dump_weights
    from evaluators.tuning import tune

    if args.evaluator != "offline":
        raise InputError("--tune fits the offline grader's weights; use --evaluator offline.")
    base = OfflineEvaluator()
    train = [r for r in split(rows, "train") if not r.injection]
    seen, called = [], []
    for r in train:
        seen.append(base.evidence(GradeRequest(customer=r.customer, reply=r.reply)).names())
        called.append(empathy_called_for(r.customer))
    weights = tune(base.weights, seen, called, [r.empathy for r in train],
                   [r.empowerment for r in train])
    args.tune.write_text(dump_weights(weights), encoding="utf-8")
    print(f"wrote tuned weights to {args.tune} (fitted on {len(train)} train rows)")
    tuned = OfflineEvaluator(weights)
    for which in ("train", "held-out"):
        report = evaluate(tuned, split(rows, which), args.concurrency)
        report.update(evaluator="offline (tuned)", split=which)
        _print(report, args.json)
    return 0


def _print(report: dict[str, Any], as_json: bool) -> None:
    if as_json:
        print(json.dumps(report))
        return
    print(f"evaluator {report['evaluator']}  split {report['split']}  rows {report['n']}")
    for axis in ("empathy", "empowerment"):
        a = AxisAgreement(**report[axis])
        spread = f"  spread {a.mean_spread:.2f}" if a.mean_spread is not None else ""
        print(f"  {axis:<12} spearman {a.spearman:.3f}  qwk {a.qwk:.3f}  exact {a.exact:.2f}"
              f"  within-one {a.within_one:.2f}{spread}")
        print("    " + format_confusion(a.confusion).replace("\n", "\n    "))
    print(f"  empathy called for: {report['empathy_called_for_accuracy']:.2f} agree")
    if "injection" in report:
        i = report["injection"]
        print(f"  injection resisted: {i['resisted']}/{i['n']} ({i['rate']:.0%})")
    sys.stdout.flush()
