"""`hotseat grade INPUT --evaluator offline|llm|combined [--out OUT.jsonl] [--repeats N]`.

INPUT rows are replies (`customer`, `reply`, optional `id`, `history`, `scenario`) or
transcripts (`id`, `turns`), as JSONL or CSV. One JSON object per graded reply goes to
OUT (or stdout) as soon as it is ready; a bad row gets an error object naming the row.
Rerunning with the same OUT resumes: rows already graded there are kept, not redone.
Exit status: 0 when every row was graded, 1 when any row failed.
"""

from __future__ import annotations

import argparse
import json
import sys
from contextlib import ExitStack
from pathlib import Path
from typing import TextIO

from evaluators.factory import NAMES, make_evaluator
from hotseat.batch_grade import grade_stream, jobs, read_rows
from hotseat.errors import InputError
from hotseat.settings import load_settings


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "grade", help="grade replies or transcripts from a JSONL/CSV file",
        description="Grade every reply (or every agent turn of a transcript) in INPUT.")
    parser.add_argument("input", type=Path, metavar="INPUT", help="JSONL or CSV file")
    parser.add_argument("--evaluator", choices=NAMES, default="offline",
                        help="offline (no LLM), llm (judge), or combined (default: offline)")
    parser.add_argument("--out", type=Path, help="write JSONL here instead of stdout")
    parser.add_argument("--repeats", type=int, default=1,
                        help="judge each reply N times; report mean and spread (LLM only)")
    parser.add_argument("--concurrency", type=int, default=4,
                        help="replies graded at once (default 4); lower it if rate-limited")
    parser.add_argument("--no-coach", action="store_true",
                        help="skip the LLM coaching call; use the offline suggestion")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if args.repeats < 1:
        raise InputError(f"--repeats must be at least 1 (got {args.repeats}).")
    if args.repeats > 1 and args.evaluator == "offline":
        raise InputError("--repeats needs --evaluator llm or combined; the offline grader "
                         "gives the same grade every time.")
    if args.concurrency < 1:
        raise InputError(f"--concurrency must be at least 1 (got {args.concurrency}).")
    settings = None if args.evaluator == "offline" else load_settings()
    evaluator = make_evaluator(args.evaluator, settings, repeats=args.repeats,
                               coach=not args.no_coach)
    rows = read_rows(args.input)
    failed = graded = 0
    done: set[tuple[str, int | None]] = set()
    with ExitStack() as stack:
        out: TextIO = sys.stdout
        if args.out is not None:
            done = _resume(args.out)
            out = stack.enter_context(args.out.open("a", encoding="utf-8"))
        bar = _progress(stack)
        todo = (j for j in jobs(rows) if (j.id, j.turn) not in done or j.error is not None)
        for result in grade_stream(evaluator, todo, concurrency=args.concurrency):
            out.write(json.dumps(result, ensure_ascii=False) + "\n")
            out.flush()  # stream: a reader (or a crash) sees every finished row
            if "error" in result:
                failed += 1
                print(f"hotseat grade: row {result['row']} (id {result['id']}): "
                      f"{result['error']}", file=sys.stderr)
            else:
                graded += 1
            if bar is not None:
                bar.update(1)
    print(f"hotseat grade: {graded} graded, {failed} failed", file=sys.stderr)
    return 1 if failed else 0


def _resume(out: Path) -> set[tuple[str, int | None]]:
    """Keep the graded rows of an earlier run of the same command; regrade the rest.

    Error lines and a line torn by a kill are dropped (those rows are graded again), so
    rerunning after an interruption finishes the job without duplicates.
    """
    out.parent.mkdir(parents=True, exist_ok=True)
    if not out.is_file():
        return set()
    kept: list[str] = []
    done: set[tuple[str, int | None]] = set()
    for line in out.read_text(encoding="utf-8").splitlines():
        try:
            record = json.loads(line)
        except json.JSONDecodeError:
            continue
        if isinstance(record, dict) and "error" not in record and "id" in record:
            kept.append(line)
            done.add((str(record["id"]), record.get("turn")))
    out.write_text("".join(f"{line}\n" for line in kept), encoding="utf-8")
    if done:
        print(f"hotseat grade: resuming, {len(done)} already graded in {out}", file=sys.stderr)
    return done


def _progress(stack: ExitStack):  # -> tqdm | None
    """A progress bar on an interactive terminal only; pipes and CI logs stay clean."""
    if not sys.stderr.isatty():
        return None
    from tqdm import tqdm

    return stack.enter_context(tqdm(unit="reply", file=sys.stderr, leave=False))
