"""Bulk grading: read reply or transcript rows (JSONL or CSV), grade them with bounded
concurrency, and stream one JSON result per graded reply, in input order.

A bad row yields an error record naming the row; the other rows are still graded.
Simple metadata columns of an input row (agent, team, call_id, source...) travel into
each of its result rows, so a report can group by them; see `row_metadata`.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from evaluators.grade import Evaluator, Grade, GradeRequest, Turn
from hotseat.errors import HotseatError, InputError
from hotseat.runner import run_bounded

MAX_FIELD = 20_000  # characters; a longer reply is almost surely a broken row
MAX_META = 200  # characters; a longer text column is content (notes, text), not metadata
# Never copied from an input row: the graded text itself, and every name a result row
# already uses (so a human label such as `empathy` cannot pose as the grade).
CONTENT_FIELDS = frozenset({"customer", "reply", "history", "turns", "scenario"})
RESERVED_FIELDS = CONTENT_FIELDS | {"id", "turn", "row", "error"} | set(Grade.model_fields)
Meta = dict[str, str | int | float | bool]


@dataclass(frozen=True)
class BadRow:
    """A row that could not be read; `id` is kept when the row had one."""

    message: str
    id: str | None = None


class ReplyRow(BaseModel):
    model_config = ConfigDict(extra="ignore", coerce_numbers_to_str=True)  # ids like 17
    id: str | None = None
    customer: str = Field(max_length=MAX_FIELD)
    reply: str = Field(min_length=1, max_length=MAX_FIELD)
    history: list[Turn] = Field(default_factory=list)
    scenario: str | None = None


class TranscriptRow(BaseModel):
    model_config = ConfigDict(extra="ignore", coerce_numbers_to_str=True)
    id: str
    turns: list[Turn] = Field(min_length=1)
    scenario: str | None = None


class Job(BaseModel):
    """One reply to grade, or a row that could not be read (error set)."""

    row: int  # 1-based line (JSONL) or record (CSV) number
    id: str
    turn: int | None = None
    meta: Meta = Field(default_factory=dict)
    request: GradeRequest | None = None
    error: str | None = None


def read_rows(path: Path) -> Iterator[tuple[int, dict[str, Any] | BadRow]]:
    """(row number, parsed dict) or (row number, error text) for each non-empty row."""
    if not path.is_file():
        raise InputError(f"Input file {path} does not exist.", hint="Check the path.")
    if path.suffix.lower() == ".csv":
        yield from _csv_rows(path)
        return
    with path.open("rb") as fh:
        for n, raw in enumerate(fh, start=1):
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                # Graded after a silent replacement, the reply would not be what was said.
                yield (
                    n,
                    BadRow(
                        f"not valid UTF-8 (byte 0x{raw[exc.start]:02x} at column "
                        f"{exc.start + 1}); fix the file's encoding"
                    ),
                )
                continue
            if not line.strip():
                continue
            try:
                data = json.loads(line)
            except json.JSONDecodeError as exc:
                yield n, BadRow(f"not valid JSON ({exc.msg} at column {exc.colno})")
                continue
            yield n, data if isinstance(data, dict) else BadRow("a row must be a JSON object")


def _csv_rows(path: Path) -> Iterator[tuple[int, dict[str, Any] | BadRow]]:
    # Undecodable bytes become lone surrogates, found per record below (never replaced).
    with path.open(encoding="utf-8-sig", errors="surrogateescape", newline="") as fh:
        for n, record in enumerate(csv.DictReader(fh), start=2):  # line 1 is the header
            row: dict[str, Any] = {k: v for k, v in record.items() if k and v not in (None, "")}
            if any(_SURROGATE.search(f"{k}{v}") for k, v in row.items()):
                yield n, BadRow("not valid UTF-8; fix the file's encoding", None)
                continue
            for key in ("history", "turns"):  # nested lists arrive as JSON text in CSV cells
                if isinstance(row.get(key), str):
                    try:
                        row[key] = json.loads(row[key])
                    except json.JSONDecodeError:
                        yield (
                            n,
                            BadRow(
                                f"column {key!r} must hold a JSON list of {{role, text}}",
                                row.get("id"),
                            ),
                        )
                        break
            else:
                yield n, row


_SURROGATE = re.compile("[\udc80-\udcff]")


def _explain(exc: ValidationError) -> str:
    parts = []
    for err in exc.errors()[:3]:
        field = ".".join(str(p) for p in err["loc"]) or "row"
        parts.append(f"{field}: {err['msg']}")
    return "; ".join(parts)


def _simple(value: object) -> bool:
    if isinstance(value, str):
        return 0 < len(value) <= MAX_META
    return isinstance(value, int | float | bool)


def row_metadata(data: dict[str, Any]) -> Meta:
    """The input row's metadata columns, copied into each of its result rows.

    Rule: a top-level column whose value is a number, true/false, or a text of at most
    MAX_META characters, unless its name is in RESERVED_FIELDS (the graded text and the
    names a result row already uses). Lists, objects and long texts stay out.
    """
    return {
        k: v
        for k, v in data.items()
        if isinstance(k, str) and k not in RESERVED_FIELDS and _simple(v)
    }


def jobs(rows: Iterable[tuple[int, dict[str, Any] | BadRow]]) -> Iterator[Job]:
    """Turn rows into grading jobs; a transcript gives one job per agent turn."""
    for n, data in rows:
        if isinstance(data, BadRow):
            yield Job(row=n, id=data.id or f"row-{n}", error=data.message)
            continue
        row_id = str(data.get("id") or f"row-{n}")
        meta = row_metadata(data)
        try:
            if "turns" in data:
                yield from _transcript_jobs(n, TranscriptRow.model_validate(data), meta)
            else:
                r = ReplyRow.model_validate(data)
                yield Job(
                    row=n,
                    id=r.id or row_id,
                    meta=meta,
                    request=GradeRequest(
                        customer=r.customer, reply=r.reply, history=r.history, scenario=r.scenario
                    ),
                )
        except ValidationError as exc:
            yield Job(
                row=n,
                id=row_id,
                meta=meta,
                error=f"{_explain(exc)} (a row needs `customer` and `reply`, or `id` and `turns`)",
            )


def _transcript_jobs(n: int, t: TranscriptRow, meta: Meta) -> Iterator[Job]:
    agent_turns = [i for i, turn in enumerate(t.turns) if turn.role == "agent"]
    if not agent_turns:
        yield Job(row=n, id=t.id, meta=meta, error="transcript has no agent turn to grade")
    for i in agent_turns:
        before = t.turns[:i]
        last_customer = max(
            (j for j, turn in enumerate(before) if turn.role == "customer"), default=None
        )
        customer = before[last_customer].text if last_customer is not None else ""
        history = before[:last_customer] if last_customer is not None else before
        yield Job(
            row=n,
            id=t.id,
            turn=i,
            meta=meta,
            request=GradeRequest(
                customer=customer, reply=t.turns[i].text, history=history, scenario=t.scenario
            ),
        )


def _head(job: Job) -> dict[str, Any]:
    # `row` (the input line or record) tells apart rows that repeat an id, as exports do.
    head: dict[str, Any] = {"id": job.id, "row": job.row}
    if job.turn is not None:
        head["turn"] = job.turn
    head.update(job.meta)
    return head


def failed_row(job: Job, error: str) -> dict[str, Any]:
    """The result row of a job that could not be graded; a rerun grades it again."""
    return {**_head(job), "error": error}


def grade_one(evaluator: Evaluator, job: Job) -> dict[str, Any]:
    """The result row of one job: its grade, or an error row for an expected failure."""
    if job.error is not None or job.request is None:
        return failed_row(job, job.error or "nothing to grade")
    if not job.request.reply.strip():
        return failed_row(job, "reply is empty")
    try:
        grade = evaluator.grade(job.request)
    except HotseatError as exc:
        return failed_row(job, f"{type(exc).__name__}: {exc}")
    return {**_head(job), **grade.model_dump(mode="json")}


def grade_stream(evaluator: Evaluator, work: Iterable[Job], concurrency: int = 4) -> Iterator[dict]:
    """Grade with at most `concurrency` calls in flight; yield results in input order."""
    for _job, result in run_bounded(
        lambda job: grade_one(evaluator, job), work, concurrency, ordered=True, name="grade"
    ):
        if isinstance(result, BaseException):
            raise result  # grade_one turns every expected failure into an error row: a bug
        yield result
