"""The offline grader's heads from the command line: train them, and measure them on
sources and rows they never saw (`hotseat calibrate --train / --tune / --loso`)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hotseat.errors import InputError

if TYPE_CHECKING:
    from hotseat.cli.calibrate import LabelledRow

AXES = ("empathy", "empowerment")


def run_heads(labelled: list[LabelledRow], args: argparse.Namespace) -> int:
    from tqdm import tqdm

    from evaluators.crossval import read_all

    rows = to_rows(labelled)
    training = args.train is not None
    with tqdm(
        total=len(rows), desc="reading replies", unit="row", file=sys.stderr, disable=args.json
    ) as bar:
        # A new screen is trained on what the old one would have dropped, so read raw.
        readings = read_all(rows, progress=bar.update, learned_screen=not training)
    if training:
        readings = _train(rows, readings, args.train, args.injections)
    if args.tune is not None:
        _tune(rows, readings, args)
    if args.loso:
        _loso(rows, readings, args.json)
    return 0


def to_rows(labelled: list[LabelledRow]) -> list:
    """The grader's training rows (evaluators.crossval.Row) from the labelled files' rows."""
    from evaluators.crossval import Row

    return [
        Row(
            r.id,
            r.source,
            r.customer,
            r.reply,
            r.empathy,
            r.empowerment,
            r.injection,
            r.empathy_called_for,
        )
        for r in labelled
    ]


def _write(head: Any, path: Path, screen: Any = None) -> None:
    from evaluators.head import save
    from evaluators.screen_model import shipped_screen

    try:
        save(head, path, screen or shipped_screen())
    except OSError as exc:
        raise InputError(
            f"Cannot write the heads to {path}: {exc.strerror}.",
            hint="Choose a writable file path.",
        ) from exc


def _train(rows: list, readings: list, path: Path, injections: Path) -> list:
    """Train the screen, then the heads on what it lets through; returns the readings."""
    from evaluators.crossval import by_source, fit, fit_screen, rescreen
    from evaluators.screen_model import read_injection_lines

    if not injections.is_file():
        raise InputError(
            f"Injection sentences file {injections} does not exist.",
            hint="Pass --injections FILE (default calibration/injection_train.txt).",
        )
    screen = fit_screen(rows, readings, read_injection_lines(injections))
    readings = rescreen(rows, readings, screen)
    head = fit(rows, readings)
    _write(head, path, screen)
    counts = ", ".join(f"{s} {len(i)}" for s, i in sorted(by_source(rows).items()))
    print(
        f"wrote the head and the injection screen to {path} "
        f"({path.stat().st_size:,} bytes), trained on "
        f"{sum(not r.injection for r in rows)} rows: {counts}"
    )
    return readings


def _tune(rows: list, readings: list, args: argparse.Namespace) -> None:
    from evaluators.crossval import agreement_report, fit, scores

    train = [i for i in range(len(rows)) if i % 3 != 2]
    held = [i for i in range(len(rows)) if i % 3 == 2]
    head = fit([rows[i] for i in train], [readings[i] for i in train])
    _write(head, args.tune)
    print(f"wrote heads to {args.tune} (fitted on {len(train)} train rows)")
    for which, idx in (("train", train), ("held-out", held)):
        picked = [rows[i] for i in idx if not rows[i].injection]
        chosen = [readings[i] for i in idx if not rows[i].injection]
        report = agreement_report(picked, scores(head, chosen))
        _print_simple(f"offline (tuned) split {which}", report, args.json)


def _loso(rows: list, readings: list, as_json: bool) -> None:
    from evaluators.crossval import held_out, leave_one_source_out

    report = {
        "leave_one_source_out": leave_one_source_out(rows, readings),
        "held_out": held_out(rows, readings),
    }
    if as_json:
        print(json.dumps(report))
        return
    print("\nleave-one-source-out (each source scored by a head trained on the others)")
    _table(report["leave_one_source_out"])
    print("held-out split (every third row of each source, head trained on the rest)")
    _table(report["held_out"])
    sys.stdout.flush()


def _table(parts: dict[str, dict[str, Any]]) -> None:
    print(
        f"  {'source':<14}{'rows':>6}  {'empathy rho':>12}{'qwk':>7}"
        f"  {'empowerment rho':>16}{'qwk':>7}  {'called for: rule, model':>25}"
    )
    for source, r in parts.items():
        cells = []
        for axis in AXES:
            a = r[axis]
            mark = "" if a["varies"] else "*"
            cells.append(
                f"{a['spearman']:>{12 if axis == 'empathy' else 16}.3f}{a['qwk']:>7.3f}{mark}"
            )
        print(f"  {source:<14}{r['n']:>6}  " + "  ".join(cells) + _called_for(r))
    print("  * labels barely vary on that axis (one score on over 85% of rows)")
    print("  called for: rows where 'empathy was called for' is the labeller's verdict")


def _called_for(report: dict[str, Any]) -> str:
    both = report["called_for"]
    return f"{both['rule']:>18.0%}{both['model']:>7.0%}"


def _print_simple(title: str, report: dict[str, Any], as_json: bool) -> None:
    if as_json:
        print(json.dumps({"title": title, **report}))
        return
    print(f"{title}  rows {report['n']}")
    for axis in AXES:
        a = report[axis]
        print(
            f"  {axis:<12} spearman {a['spearman']:.3f}  qwk {a['qwk']:.3f}  "
            f"exact {a['exact']:.2f}  within-one {a['within_one']:.2f}"
        )
