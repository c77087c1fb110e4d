"""`hotseat grade INPUT --evaluator offline|llm|combined [--out OUT.jsonl] [--repeats N]`.

INPUT rows are replies (`customer`, `reply`, optional `id`, `history`, `scenario`) or
transcripts (`id`, `turns`), as JSONL or CSV. One JSON object per graded reply goes to
OUT (or stdout) as soon as it is ready; a bad row gets an error object naming the row.
Rerunning with the same OUT resumes: rows already graded there are kept, not redone
(matched by input row, so rows that repeat an id are each graded once; a warning names
repeated ids). Every result carries `row`, its input line or CSV record.
OUT.meta.json records what OUT was made from (input path and content hash, evaluator,
repeats, coach); a rerun that differs is refused rather than mixed into OUT.
With --ray [ADDRESS] (or HOTSEAT_RAY_ADDRESS) the rows are graded on Ray workers and
written here as they come back: the same rows and resume rule, in completion order.
Exit status: 0 when every row was graded, 1 when any row failed.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import ExitStack, closing
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError

from evaluators.factory import NAMES, make_evaluator
from hotseat.batch_grade import MAX_META, Job, grade_stream, jobs, read_rows
from hotseat.errors import InputError
from hotseat.ray_batch.option import RayTarget, add_ray_option, ray_target
from hotseat.resumable import AppendLog, claim, repair_torn_tail, replace_atomically
from hotseat.settings import Settings, load_settings


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "grade",
        help="grade replies or transcripts from a JSONL/CSV file",
        description="Grade every reply (or every agent turn of a transcript) in INPUT. "
        "Metadata columns travel into the results: every other top-level "
        "column of a row whose value is a number, true/false or a text of at "
        f"most {MAX_META} characters (e.g. agent, team, call_id, source) is "
        "copied into each result row of that input row; the graded text "
        "(customer, reply, history, turns, scenario) and names a result row "
        "already uses (id, turn, row, error, empathy, empowerment, ...) are "
        "not. `hotseat report` groups by `agent` when the rows carry one. "
        "With --out, OUT.meta.json records the input's path and content hash, "
        "--evaluator, --repeats and --no-coach; rerunning the same command "
        "resumes, a different one is refused.",
    )
    parser.add_argument("input", type=Path, metavar="INPUT", help="JSONL or CSV file")
    parser.add_argument(
        "--evaluator",
        choices=NAMES,
        default="offline",
        help="offline (no LLM), llm (judge), or combined (default: offline)",
    )
    parser.add_argument("--out", type=Path, help="write JSONL here instead of stdout")
    parser.add_argument(
        "--repeats",
        type=int,
        default=1,
        help="judge each reply N times; report mean and spread (LLM only)",
    )
    parser.add_argument(
        "--concurrency",
        type=int,
        default=4,
        help="replies graded at once (default 4; with --ray, across the whole cluster "
        "for the LLM graders, while the offline grader uses every CPU); lower it if "
        "rate-limited",
    )
    parser.add_argument(
        "--no-coach",
        action="store_true",
        help="skip the LLM coaching call; use the offline suggestion",
    )
    add_ray_option(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if args.repeats < 1:
        raise InputError(f"--repeats must be at least 1 (got {args.repeats}).")
    if args.repeats > 1 and args.evaluator == "offline":
        raise InputError(
            "--repeats needs --evaluator llm or combined; the offline grader "
            "gives the same grade every time."
        )
    if args.concurrency < 1:
        raise InputError(f"--concurrency must be at least 1 (got {args.concurrency}).")
    if args.out is not None:  # before any provider setup: a mismatch needs no key to refuse
        check_out_path(args.out)
        _check_made_from(args.out, _made_from(args))
    target = ray_target(args.ray)
    settings = None if args.evaluator == "offline" else load_settings()
    grade = _local(args, settings) if target is None else _on_ray(args, settings, target)
    rows = read_rows(args.input)
    failed = graded = 0
    done: set[tuple[object, int | None]] = set()
    ids = Counter[tuple[str, int | None]]()
    with ExitStack() as stack:
        write = _stdout_row
        if args.out is not None:
            done = _resume(args.out)
            write = _durable(args.out).append
        bar = _progress(stack)
        todo = (
            j
            for j in _counting(jobs(rows), ids)
            if not _is_done(j.row, j.id, j.turn, done) or j.error is not None
        )
        for result in stack.enter_context(closing(grade(todo))):
            write(result)  # each row as it is ready: a reader (or a crash) sees it
            if "error" in result:
                failed += 1
                print(
                    f"hotseat grade: row {result['row']} (id {result['id']}): {result['error']}",
                    file=sys.stderr,
                )
            else:
                graded += 1
            if bar is not None:
                bar.update(1)
    repeated = sorted({i for (i, _), n in ids.items() if n > 1})
    if repeated:
        print(
            f"hotseat grade: warning: {len(repeated)} id(s) repeat in {args.input} "
            f"(e.g. {', '.join(repeated[:3])}); every row was graded, and each result's "
            "`row` says which input row it is",
            file=sys.stderr,
        )
    print(f"hotseat grade: {graded} graded, {failed} failed", file=sys.stderr)
    return 1 if failed else 0


Grading = Callable[[Iterable[Job]], Iterator[dict[str, Any]]]


def _local(args: argparse.Namespace, settings: Settings | None) -> Grading:
    evaluator = make_evaluator(
        args.evaluator, settings, repeats=args.repeats, coach=not args.no_coach
    )
    return lambda todo: grade_stream(evaluator, todo, concurrency=args.concurrency)


def _on_ray(args: argparse.Namespace, settings: Settings | None, target: RayTarget) -> Grading:
    # Imported here: the local path never loads Ray (tests/test_import_graph.py).
    from hotseat.ray_batch.cluster import describe, import_ray

    import_ray()  # first: without Ray installed, say how to install it
    from hotseat.ray_batch.grade import EvaluatorSpec, grade_on_ray

    spec = EvaluatorSpec(args.evaluator, settings, args.repeats, not args.no_coach)
    print(f"hotseat grade: grading on {describe(target)}", file=sys.stderr)
    return lambda todo: grade_on_ray(target, spec, todo, args.concurrency)


def _counting(work: Iterable[Job], ids: Counter[tuple[str, int | None]]) -> Iterator[Job]:
    for job in work:
        ids[(job.id, job.turn)] += 1
        yield job


def _is_done(row: int, row_id: str, turn: int | None, done: set[tuple[object, int | None]]) -> bool:
    # Keyed by input row (the input is the same: OUT.meta.json checked its hash); rows
    # written before results carried `row` are matched by id, as they were then.
    return (row, turn) in done or (("id", row_id), turn) in done


def check_out_path(out: Path) -> None:
    """A clear error, before anything is written, when --out cannot be a results file."""
    if out.is_dir():
        raise InputError(
            f"--out {out} is a folder.",
            hint=f"Give a file path, e.g. --out {out / 'grades.jsonl'}.",
        )
    parent = out.parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(
            f"--out {out}: cannot create the folder {parent} ({exc.strerror}).",
            hint="Choose a writable location.",
        ) from None
    if not os.access(parent, os.W_OK) or (out.exists() and not os.access(out, os.W_OK)):
        raise InputError(
            f"--out {out} is not writable.",
            hint="Choose a writable location, or fix its permissions.",
        )


def _stdout_row(row: dict[str, object]) -> None:
    sys.stdout.write(json.dumps(row, ensure_ascii=False) + "\n")
    sys.stdout.flush()


def _durable(out: Path) -> AppendLog:
    try:
        return AppendLog(out)
    except OSError as exc:
        raise InputError(
            f"--out {out} cannot be written ({exc.strerror}).", hint="Choose a writable location."
        ) from None


class InputFile(BaseModel):
    model_config = ConfigDict(extra="forbid")
    path: str
    sha256: str


class MadeFrom(BaseModel):
    """What an --out file holds grades of; kept beside it as OUT.meta.json."""

    model_config = ConfigDict(extra="ignore")
    inputs: list[InputFile]
    evaluator: str
    repeats: int
    coach: bool | None  # None: the offline grader, which has no LLM coach to switch


def meta_path(out: Path) -> Path:
    return out.with_name(out.name + ".meta.json")


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _made_from(args: argparse.Namespace) -> MadeFrom:
    if not args.input.is_file():
        raise InputError(f"Input file {args.input} does not exist.", hint="Check the path.")
    if args.out.resolve() == args.input.resolve():
        raise InputError(
            f"--out {args.out} is the input file; grading would overwrite it.",
            hint="Write the results to another file.",
        )
    return MadeFrom(
        inputs=[InputFile(path=str(args.input.resolve()), sha256=_sha256(args.input))],
        evaluator=args.evaluator,
        repeats=args.repeats,
        coach=None if args.evaluator == "offline" else not args.no_coach,
    )


def _differences(old: MadeFrom, new: MadeFrom) -> list[str]:
    said = []
    if [i.sha256 for i in old.inputs] != [i.sha256 for i in new.inputs]:
        # Same content under another path is the same input; only content matters.
        then = ", ".join(f"{i.path} (sha256 {i.sha256[:12]})" for i in old.inputs)
        now = ", ".join(f"{i.path} (sha256 {i.sha256[:12]})" for i in new.inputs)
        same_path = [i.path for i in old.inputs] == [i.path for i in new.inputs]
        said.append(
            f"input: {then} then, {now} now" + (" - the file changed since" if same_path else "")
        )
    for field in ("evaluator", "repeats", "coach"):
        a, b = getattr(old, field), getattr(new, field)
        if a != b:
            said.append(f"{field}: {_word(field, a)} then, {_word(field, b)} now")
    return said


def _word(field: str, value: object) -> str:
    if field != "coach":
        return repr(value)
    return "n/a (offline)" if value is None else "on" if value else "off (--no-coach)"


def _check_made_from(out: Path, made: MadeFrom) -> None:
    """Refuse to resume into an OUT made from other input or settings; else record `made`
    (hotseat.resumable's rule, shared with `hotseat simulate`)."""

    def differences(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
        try:
            return _differences(MadeFrom.model_validate(old), MadeFrom.model_validate(new))
        except ValidationError as exc:
            return [f"{meta_path(out).name} is not a valid record ({exc.errors()[0]['msg']})"]

    claim(out, meta_path(out), made.model_dump(mode="json"), differences)


def _resume(out: Path) -> set[tuple[object, int | None]]:
    """Keep the graded rows of an earlier run of the same command; regrade the rest.

    Error lines and a line torn by a kill are dropped (those rows are graded again), so
    rerunning after an interruption finishes the job without duplicates.
    """
    repair_torn_tail(out)
    if not out.is_file():
        return set()
    kept: list[str] = []
    done: set[tuple[object, int | None]] = set()
    for line in out.read_text(encoding="utf-8").splitlines():
        try:
            record = json.loads(line)
        except json.JSONDecodeError:
            continue
        if isinstance(record, dict) and "error" not in record and "id" in record:
            kept.append(line)
            key = record["row"] if isinstance(record.get("row"), int) else ("id", str(record["id"]))
            done.add((key, record.get("turn")))
    replace_atomically(out, "".join(f"{line}\n" for line in kept))
    if done:
        print(f"hotseat grade: resuming, {len(done)} already graded in {out}", file=sys.stderr)
    return done


def _progress(stack: ExitStack):  # -> tqdm | None
    """A progress bar on an interactive terminal only; pipes and CI logs stay clean."""
    if not sys.stderr.isatty():
        return None
    from tqdm import tqdm

    return stack.enter_context(tqdm(unit="reply", file=sys.stderr, leave=False))
