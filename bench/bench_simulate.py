"""Simulate throughput against the fake server at fixed latency L and concurrency C.

Each customer line costs one provider call of L seconds, so C workers can at best make
C/L calls per second. We report calls per second as a ratio to that ideal and to a
sequential run measured in the same process (goal: >= 0.8 of ideal).

    .venv/bin/python bench/bench_simulate.py [--latency 0.2] [--concurrency 4] [--seeds 2]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from evaluators.offline import OfflineEvaluator  # noqa: E402
from hotseat.settings import load_settings  # noqa: E402
from hotseat.simulate import SimPlan, run_simulation  # noqa: E402
from tests.fakes.openai_server import FakeOpenAIServer  # noqa: E402

LINES = (
    "When do I get my money back? Give me a date.",
    "What's the reference number?",
    "I'm still not happy about any of this.",
)


def measure(server: FakeOpenAIServer, concurrency: int, seeds: int) -> tuple[float, int, int]:
    """(seconds, provider calls, conversations) for one run into a fresh folder."""
    settings = load_settings(
        overrides={
            "provider": "compatible",
            "base_url": server.base_url,
            "api_key": "bench",
            "max_retries": 0,
        },
        environ={},
    )
    plan = SimPlan(
        personas=["double-charge", "internet-outage"],
        bots=["dismissive", "ideal", "warm_powerless"],
        seeds=seeds,
        concurrency=concurrency,
        turns=4,
    )
    with tempfile.TemporaryDirectory() as tmp:
        before = len(server.requests)
        started = time.perf_counter()
        summary = run_simulation(plan, Path(tmp), settings, lambda: OfflineEvaluator())
        seconds = time.perf_counter() - started
    return seconds, len(server.requests) - before, summary.finished


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--latency", type=float, default=0.2)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--seeds", type=int, default=2)
    args = parser.parse_args()
    with FakeOpenAIServer() as server:
        server.responder = lambda body: LINES[len(body.get("messages", [])) % len(LINES)]
        server.latency_s = args.latency
        measure(server, 1, 1)  # warm-up: imports, card and prompt loading
        rows = []
        for c in (1, args.concurrency):
            seconds, calls, convs = measure(server, c, args.seeds)
            rows.append((c, convs, calls, seconds, calls / seconds))
    seq_rate = rows[0][4]
    print(f"latency L = {args.latency:g} s per customer call")
    print(
        f"{'C':>3} {'convs':>6} {'calls':>6} {'seconds':>8} {'calls/s':>8} "
        f"{'ideal C/L':>9} {'vs ideal':>8} {'vs seq':>7}"
    )
    for c, convs, calls, seconds, rate in rows:
        ideal = c / args.latency
        print(
            f"{c:>3} {convs:>6} {calls:>6} {seconds:>8.2f} {rate:>8.2f} {ideal:>9.2f} "
            f"{rate / ideal:>8.2f} {rate / seq_rate:>7.2f}"
        )


if __name__ == "__main__":
    main()
