"""`hotseat grade --ray` scaling: offline-grader replies/s with one Ray worker against two,
measured in one run on the replies bench_grader.py grades. Target: 2/1 >= 1.6x.

One local cluster of two CPUs, two GradeWorker actors (one CPU each) that each build
their evaluator once, outside the timing; every pass grades all replies through the
code path of `hotseat grade --ray` (its batches and queue depth for that many workers),
with one actor, then both. Passes alternate for several rounds so a shared machine's
changing load hits both alike; medians are reported. The workers run at the driver's
priority (Ray's default is nice 15). Controls in the same rounds: the in-process grader
(Ray's own overhead) and two plain processes on the same batches, which show what
parallelism the machine gave at that moment.

Run: .venv/bin/python bench/bench_ray_grade.py [--sources team own] [--rounds 5]
"""

from __future__ import annotations

import argparse
import logging
import multiprocessing
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import ray  # noqa: E402

from bench.bench_grader import SETS, load_requests  # noqa: E402
from evaluators.grade import GradeRequest  # noqa: E402
from evaluators.offline import OfflineEvaluator  # noqa: E402
from hotseat.batch_grade import Job, grade_one  # noqa: E402
from hotseat.ray_batch.grade import OFFLINE_BATCH, EvaluatorSpec, GradeWorker, layout  # noqa: E402
from hotseat.ray_batch.pool import chunks, run_on, start_actors, stop_actors  # noqa: E402

SPEC = EvaluatorSpec("offline", None)


def _cpu_s(actors: list) -> float:
    """CPU seconds the workers' processes have used so far."""
    return sum(ray.get([a.__ray_call__.remote(lambda self: time.process_time()) for a in actors]))


def ray_pass(actors: list, jobs: list[Job]) -> tuple[float, float, list[dict]]:
    """(replies/s, CPU cores the workers got, rows) for one pass on these workers."""
    plan = layout(SPEC, len(actors), concurrency=len(actors))
    cpu = _cpu_s(actors)
    start = time.perf_counter()
    rows = [
        row
        for _, outcome in run_on(actors, "grade", chunks(jobs, plan.batch), plan.in_flight)
        for row in outcome
    ]
    wall = time.perf_counter() - start
    return len(rows) / wall, (_cpu_s(actors) - cpu) / wall, rows


_EVALUATOR: OfflineEvaluator | None = None


def _plain_start(barrier) -> None:  # noqa: ANN001 (a Manager proxy)
    global _EVALUATOR
    _EVALUATOR = OfflineEvaluator()
    _EVALUATOR.grade(GradeRequest(customer="Hi", reply="I will fix it today."))
    barrier.wait()  # each process takes exactly one start task


def _plain_grade(jobs: list[Job]) -> int:
    assert _EVALUATOR is not None
    return len([grade_one(_EVALUATOR, job) for job in jobs])


def plain_pass(pool, jobs: list[Job]) -> float:  # noqa: ANN001 (a multiprocessing pool)
    start = time.perf_counter()
    done = sum(pool.imap_unordered(_plain_grade, chunks(jobs, OFFLINE_BATCH)))
    return done / (time.perf_counter() - start)


def in_process_pass(evaluator: OfflineEvaluator, jobs: list[Job]) -> tuple[float, list[dict]]:
    start = time.perf_counter()
    rows = [grade_one(evaluator, job) for job in jobs]
    return len(rows) / (time.perf_counter() - start), rows


def _sorted(rows: list[dict]) -> list[dict]:
    return sorted(rows, key=lambda r: r["row"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sources", nargs="+", default=list(SETS["customer care (team + own)"]))
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    jobs = [
        Job(row=i, id=str(i), request=r)
        for i, r in enumerate(load_requests(tuple(args.sources)), start=1)
    ]
    print(
        f"{len(jobs)} replies ({' + '.join(args.sources)}), {os.cpu_count()} CPUs, "
        f"load average {os.getloadavg()[0]:.1f} at the start"
    )
    evaluator = OfflineEvaluator()
    evaluator.grade(jobs[0].request)  # loads the model outside the timing
    ctx = multiprocessing.get_context("spawn")
    ray.init(
        address="local",
        num_cpus=2,
        include_dashboard=False,
        logging_level=logging.ERROR,
        log_to_driver=False,
        _system_config={"worker_niceness": 0},
    )
    try:
        actors = start_actors(GradeWorker, 2, 1, SPEC)
        ray.get([a.warm.remote() for a in actors])  # each builds its evaluator, once
        with ctx.Manager() as manager, ctx.Pool(1) as pool1, ctx.Pool(2) as pool2:
            for pool, n in ((pool1, 1), (pool2, 2)):
                pool.map(_plain_start, [manager.Barrier(n)] * n, chunksize=1)
            results = [_round(actors, pool1, pool2, evaluator, jobs) for _ in range(args.rounds)]
        stop_actors(actors)
    finally:
        ray.shutdown()
    _report(results)


def _round(actors: list, pool1, pool2, evaluator: OfflineEvaluator, jobs: list[Job]) -> dict:  # noqa: ANN001
    base, expected = in_process_pass(evaluator, jobs)
    one, cores1, rows1 = ray_pass(actors[:1], jobs)
    two, cores2, rows2 = ray_pass(actors, jobs)
    for rows in (rows1, rows2):  # the same rows, whatever order they came back in
        if _sorted(rows) != _sorted(expected):
            raise SystemExit("Ray rows differ from the in-process rows")
    p1, p2 = plain_pass(pool1, jobs), plain_pass(pool2, jobs)
    r = {"base": base, "one": one, "two": two, "cores1": cores1, "cores2": cores2}
    r |= {"p1": p1, "p2": p2, "ratio": two / one, "plain_ratio": p2 / p1}
    print(
        f"  in process {base:5.1f}/s | Ray 1 worker {one:5.1f}/s ({cores1:.2f} cores), "
        f"2 workers {two:5.1f}/s ({cores2:.2f} cores): {two / one:.2f}x | plain processes "
        f"{p1:5.1f} -> {p2:5.1f}/s: {p2 / p1:.2f}x | load {os.getloadavg()[0]:.1f}"
    )
    return r


def _report(results: list[dict]) -> None:
    med = {k: statistics.median(r[k] for r in results) for k in results[0]}
    print(
        f"median of {len(results)} rounds: Ray 1 worker {med['one']:.1f} replies/s "
        f"({med['one'] / med['base']:.2f} of in process), 2 workers {med['two']:.1f} "
        f"replies/s -> 2/1 = {med['ratio']:.2f}x (target >= 1.6x); best round "
        f"{max(r['ratio'] for r in results):.2f}x"
    )
    print(
        f"  the machine meanwhile: two plain processes {med['plain_ratio']:.2f}x one; "
        f"the two workers got {med['cores2']:.2f} of 2 cores"
        + (" (contended: other jobs held CPU)" if med["cores2"] < 1.6 else "")
    )


if __name__ == "__main__":
    main()
