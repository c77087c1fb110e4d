"""`hotseat grade --ray`: grading jobs on Ray workers, each with one evaluator.

The offline grader is CPU-bound: one worker per CPU, jobs in batches (so Ray's per-call
cost stays small), each worker grading its batch in order. The LLM graders wait on the
provider: jobs one at a time, at most --concurrency in flight across the cluster.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import ray

from evaluators.factory import make_evaluator
from evaluators.grade import Evaluator
from hotseat.batch_grade import Job, failed_row, grade_one
from hotseat.errors import HotseatError
from hotseat.ray_batch.cluster import joined
from hotseat.ray_batch.option import RayTarget
from hotseat.ray_batch.pool import chunks, is_lost_worker, run_on, start_actors, stop_actors
from hotseat.settings import Settings

OFFLINE_BATCH = 16  # replies per call: ~0.2 s of grading against ~1 ms of Ray overhead
QUEUED_PER_WORKER = 2  # a second batch waits at each worker, so none idles between calls


@dataclass(frozen=True)
class EvaluatorSpec:
    """How each worker builds its evaluator (the arguments of make_evaluator)."""

    name: str
    settings: Settings | None
    repeats: int = 1
    coach: bool = True

    def build(self) -> Evaluator:
        return make_evaluator(self.name, self.settings, repeats=self.repeats, coach=self.coach)

    @property
    def calls_llm(self) -> bool:
        return self.name != "offline"


@ray.remote(num_cpus=1)
class GradeWorker:
    """Builds the evaluator on its first call and keeps it for every later one."""

    def __init__(self, spec: EvaluatorSpec) -> None:
        self._spec = spec
        self._evaluator: Evaluator | None = None
        self._lock = threading.Lock()  # calls may run in threads (LLM graders)

    def evaluator(self) -> Evaluator:
        # Built here, not in __init__: a build error (no key, no weights) then comes back
        # to the driver as that error, instead of a dead actor.
        with self._lock:
            if self._evaluator is None:
                self._evaluator = self._spec.build()
            return self._evaluator

    def warm(self) -> str:
        return self.evaluator().name

    def grade(self, jobs: list[Job]) -> list[dict[str, Any]]:
        evaluator = self.evaluator()
        return [grade_one(evaluator, job) for job in jobs]


@dataclass(frozen=True)
class Layout:
    """Workers, calls each takes at once, jobs per call, and calls in flight overall."""

    workers: int
    per_worker: int
    batch: int
    in_flight: int


def layout(spec: EvaluatorSpec, cpus: int, concurrency: int) -> Layout:
    if not spec.calls_llm:
        return Layout(cpus, 1, OFFLINE_BATCH, QUEUED_PER_WORKER * cpus)
    workers = min(cpus, concurrency)
    return Layout(workers, math.ceil(concurrency / workers), 1, concurrency)


def grade_on_ray(
    target: RayTarget, spec: EvaluatorSpec, work: Iterable[Job], concurrency: int
) -> Iterator[dict[str, Any]]:
    """Result rows as they come back (any order), the same rows a local run writes."""
    with joined(target) as cpus:
        plan = layout(spec, cpus, concurrency)
        actors = start_actors(GradeWorker, plan.workers, plan.per_worker, spec)
        try:
            batches = chunks(work, plan.batch)
            for jobs, outcome in run_on(actors, "grade", batches, plan.in_flight):
                if isinstance(outcome, list):
                    yield from outcome
                elif isinstance(outcome, HotseatError):
                    raise outcome  # the evaluator cannot be built: the run cannot go on
                elif is_lost_worker(outcome):
                    why = f"Ray worker lost ({type(outcome).__name__}); rerun to grade it"
                    yield from (failed_row(job, why) for job in jobs)
                else:
                    raise outcome  # grade_one returns every expected failure: a bug
        finally:
            stop_actors(actors)
