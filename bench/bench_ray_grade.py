"""`hotseat grade --ray` scaling: offline-grader replies/s on a local Ray cluster of one
worker against two workers, measured in one run, on the replies bench_grader.py grades.

Each run starts a fresh local cluster with that many CPUs, lets each worker build its
evaluator once (outside the timing), then grades every reply through the code path of
`hotseat grade --ray` (the same batches, queue depth and per-worker evaluator). An
in-process single-thread run is the baseline for Ray's own overhead; the workers run at
its priority (Ray's default is nice 15).
Target: two workers >= 1.6x one worker on a 2-core machine.

Run: .venv/bin/python bench/bench_ray_grade.py [--sources team own] [--rounds 1]
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import ray  # noqa: E402

from bench.bench_grader import SETS, load_requests  # noqa: E402
from evaluators.offline import OfflineEvaluator  # noqa: E402
from hotseat.batch_grade import Job, grade_stream  # noqa: E402
from hotseat.ray_batch.grade import EvaluatorSpec, GradeWorker, layout  # noqa: E402
from hotseat.ray_batch.pool import chunks, run_on, start_actors, stop_actors  # noqa: E402


def _cpu_s(actors: list) -> float:
    """CPU seconds the workers' processes have used so far."""
    return sum(ray.get([a.__ray_call__.remote(lambda self: time.process_time()) for a in actors]))


def on_ray(jobs: list[Job], workers: int) -> tuple[float, float, list[dict]]:
    """(replies/s, CPU cores the workers got, rows) on a fresh local cluster."""
    ray.init(
        address="local",
        num_cpus=workers,
        include_dashboard=False,
        logging_level=logging.ERROR,
        log_to_driver=False,
        # Ray starts workers at nice 15; at the baseline's priority instead, so a busy
        # shared machine slows both alike rather than only the workers.
        _system_config={"worker_niceness": 0},
    )
    try:
        spec = EvaluatorSpec("offline", None)
        plan = layout(spec, workers, concurrency=workers)
        actors = start_actors(GradeWorker, plan.workers, plan.per_worker, spec)
        ray.get([a.warm.remote() for a in actors])  # each builds its evaluator, once
        cpu = _cpu_s(actors)
        start = time.perf_counter()
        rows = [
            row
            for _, outcome in run_on(actors, "grade", chunks(jobs, plan.batch), plan.in_flight)
            for row in outcome
        ]
        wall = time.perf_counter() - start
        cores = (_cpu_s(actors) - cpu) / wall
        stop_actors(actors)
        return len(rows) / wall, cores, rows
    finally:
        ray.shutdown()


def in_process(jobs: list[Job]) -> tuple[float, list[dict]]:
    evaluator = OfflineEvaluator()
    evaluator.grade(jobs[0].request)  # the model loads outside the timing
    start = time.perf_counter()
    rows = list(grade_stream(evaluator, jobs, concurrency=1))
    return len(rows) / (time.perf_counter() - start), rows


def _key(row: dict) -> str:
    return str(row["row"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sources", nargs="+", default=list(SETS["customer care (team + own)"]))
    parser.add_argument("--rounds", type=int, default=1, help="1-then-2-worker rounds")
    args = parser.parse_args()
    requests = load_requests(tuple(args.sources))
    jobs = [Job(row=i, id=str(i), request=r) for i, r in enumerate(requests, start=1)]
    load = os.getloadavg()[0]
    print(
        f"{len(jobs)} replies ({' + '.join(args.sources)}), {os.cpu_count()} CPUs, "
        f"load average {load:.1f} at the start"
    )
    base, expected = in_process(jobs)
    print(f"  in process, one thread:  {base:6.1f} replies/s")
    ratios = []
    for n in range(args.rounds):
        one, cores1, rows1 = on_ray(jobs, 1)
        two, cores2, rows2 = on_ray(jobs, 2)
        for rows in (rows1, rows2):  # the same rows, whatever the order they came in
            if sorted(rows, key=_key) != sorted(expected, key=_key):
                raise SystemExit("Ray rows differ from the in-process rows")
        ratios.append(two / one)
        print(
            f"  round {n + 1}: Ray 1 worker {one:6.1f} replies/s ({one / base:.2f} of in "
            f"process, {cores1:.2f} cores), 2 workers {two:6.1f} replies/s ({cores2:.2f} "
            f"cores) -> 2/1 = {two / one:.2f}x"
        )
        if cores2 < 1.6:  # the other core was busy with someone else's work
            print(f"  contended: the two workers got {cores2:.2f} of 2 cores")
    print(
        f"load average {os.getloadavg()[0]:.1f} at the end; 2/1 best {max(ratios):.2f}x, "
        f"worst {min(ratios):.2f}x (target >= 1.6x)"
    )


if __name__ == "__main__":
    main()
