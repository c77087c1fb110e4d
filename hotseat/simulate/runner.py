"""The batch runner: every persona x bot x seed, bounded concurrency, resumable.

Threads, not processes: a conversation spends its time waiting on the provider. Each
worker thread has its own Engine, evaluator and bots; the Store is shared (it is safe
across threads). `--ray` swaps the executor (hotseat.ray_batch.simulate: the same Player
in Ray workers); either way this process writes the results. A failed conversation is
logged to errors.jsonl and retried next run.
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from evaluators.grade import Evaluator
from hotseat import paths
from hotseat.bots import BOT_NAMES, TraineeBot, make_bot
from hotseat.engine import Engine
from hotseat.errors import HotseatError, InputError
from hotseat.personas import DIFFICULTIES, load_catalog
from hotseat.runner import run_bounded
from hotseat.settings import Settings
from hotseat.simulate.conversation import run_conversation
from hotseat.simulate.records import ConversationRecord, JobKey, ResultFiles
from hotseat.store import SessionRecord, Store

DB_FILE = "simulate.db"


@dataclass
class SimPlan:
    personas: list[str]
    bots: list[str]
    seeds: int
    difficulty: str = "standard"
    turns: int | None = None
    concurrency: int = 4
    bot_mode: str = "scripted"
    # The configured folders when the plan is made (not when this module was imported).
    personas_dir: Path = field(default_factory=paths.personas_dir)
    prompts_dir: Path = field(default_factory=paths.prompts_dir)

    def jobs(self) -> list[JobKey]:
        return [
            JobKey(persona=p, bot=b, seed=s, difficulty=self.difficulty)
            for p, b, s in itertools.product(self.personas, self.bots, range(self.seeds))
        ]


@dataclass
class SimSummary:
    planned: int
    skipped: int
    finished: int = 0
    failed: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)
    repaired_bytes: int = 0


def check_plan(plan: SimPlan) -> SimPlan:
    """Validate the plan up front: a typo must fail before any conversation runs."""
    ids = sorted(load_catalog(plan.personas_dir).cards)
    personas = ids if plan.personas == ["all"] else list(dict.fromkeys(plan.personas))
    unknown = [p for p in personas if p not in ids]
    if unknown or not personas:
        raise InputError(f"Unknown persona id(s) {unknown}.", hint=f"Use 'all' or some of {ids}.")
    bots = list(BOT_NAMES) if plan.bots == ["all"] else list(dict.fromkeys(plan.bots))
    bad = [b for b in bots if b not in BOT_NAMES]
    if bad or not bots:
        raise InputError(f"Unknown bot(s) {bad}.", hint=f"Use 'all' or some of {BOT_NAMES}.")
    if plan.difficulty not in DIFFICULTIES:
        raise InputError(
            f"Unknown difficulty {plan.difficulty!r}.", hint=f"Use one of {DIFFICULTIES}."
        )
    if plan.seeds < 1:
        raise InputError(f"--seeds must be at least 1 (got {plan.seeds}).")
    if plan.concurrency < 1:
        raise InputError(f"--concurrency must be at least 1 (got {plan.concurrency}).")
    if plan.turns is not None and plan.turns < 1:
        raise InputError(f"--turns must be at least 1 (got {plan.turns}).")
    plan.personas, plan.bots = personas, bots
    return plan


@dataclass(frozen=True)
class SimWork:
    """What a worker needs to play any conversation of a plan (picklable, for Ray)."""

    plan: SimPlan
    settings: Settings
    make_evaluator: Callable[[], Evaluator]
    db_url: str  # the store every session is saved in


Outcome = tuple[JobKey, ConversationRecord | BaseException]
# Plays `todo` and yields each key with its record or the exception it raised, in any order.
Execute = Callable[[SimWork, list[JobKey]], Iterator[Outcome]]


class Player:
    """Plays conversations; each thread gets its own engine and bots, built on first use."""

    def __init__(self, work: SimWork, store: Store) -> None:
        self.work = work
        self.store = store
        self._local = _PerThread()

    def play(self, key: JobKey) -> ConversationRecord:
        local, work = self._local, self.work
        if local.engine is None:
            local.engine = Engine(
                work.settings,
                self.store,
                work.make_evaluator(),
                personas_dir=work.plan.personas_dir,
                prompts_dir=work.plan.prompts_dir,
            )
        if key.bot not in local.bots:
            local.bots[key.bot] = make_bot(
                key.bot, work.plan.bot_mode, work.settings, work.plan.prompts_dir
            )
        return run_conversation(local.engine, local.bots[key.bot], key, work.plan.turns)


class _PerThread(threading.local):
    engine: Engine | None = None
    bots: dict[str, TraineeBot]

    def __init__(self) -> None:
        self.bots = {}


def play_in_threads(work: SimWork, todo: list[JobKey]) -> Iterator[Outcome]:
    """The local executor: a thread pool of `plan.concurrency` (conversations wait on I/O)."""
    with Store(work.db_url) as store:
        player = Player(work, store)
        yield from run_bounded(
            player.play, todo, work.plan.concurrency, ordered=False, name="simulate"
        )


def run_simulation(
    plan: SimPlan,
    out_dir: Path,
    settings: Settings,
    make_evaluator: Callable[[], Evaluator],
    on_done: Callable[[ConversationRecord | None, dict[str, Any] | None], None] | None = None,
    version_of: Callable[[SessionRecord], str] | None = None,
    execute: Execute = play_in_threads,
) -> SimSummary:
    """Run every unfinished conversation of `plan`; results land in `out_dir`.

    `version_of` names the card version a session ran with (hotseat.store.lineage); each
    record keeps it as `persona_version`. `execute` plays them (threads here;
    hotseat.ray_batch.simulate on Ray); whatever plays them, results are written here, as
    each comes back.
    """
    plan = check_plan(plan)
    files = ResultFiles(out_dir)
    # A resumed run must mean the same thing: same bots, grader, provider and model.
    files.check_spec(
        {
            "bot_mode": plan.bot_mode,
            "turns": plan.turns,
            "evaluator": make_evaluator().name,
            "provider": settings.resolved_provider,
            "customer_model": settings.model_for("customer"),
        }
    )
    todo = [k for k in plan.jobs() if not files.is_finished(k)]
    summary = SimSummary(
        planned=len(plan.jobs()),
        skipped=len(plan.jobs()) - len(todo),
        repaired_bytes=files.repaired_bytes,
    )
    work = SimWork(plan, settings, make_evaluator, f"sqlite:///{files.dir.resolve() / DB_FILE}")
    with Store(work.db_url) as store:
        for key, result in execute(work, todo):
            if isinstance(result, ConversationRecord):
                if version_of is not None:
                    result = _named(result, store, version_of)
                files.add_result(result)
                summary.finished += 1
                if on_done:
                    on_done(result, None)
            else:
                # Any failure, provider or bug: logged, not finished, retried next run.
                row = files.add_error(key, result)
                summary.failed += 1
                summary.errors.append(row)
                if on_done:
                    on_done(None, row)
    return summary


def _named(
    record: ConversationRecord, store: Store, version_of: Callable[[SessionRecord], str]
) -> ConversationRecord:
    """The record with its card version's name. A Ray worker on another machine saved the
    session in its own copy of the run's database: then the record stays unnamed."""
    try:
        session = store.get_session(record.session_id)
    except HotseatError:
        return record
    return record.model_copy(update={"persona_version": version_of(session)})
