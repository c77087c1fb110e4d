"""Grader speed, measured as ratios in one run (no wall-clock asserts anywhere).

1. Offline grader: per-reply latency p50/p95 and replies/s over the labelled set, with
   per paraphrase mode (embed unexplained sentences / all sentences / none).
2. LLM judge against the loopback fake server at a fixed latency L: throughput with
   concurrency C versus the ideal C / L.

Run: .venv/bin/python bench/bench_grader.py [--latency 0.2] [--concurrency 1 4 8]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from evaluators.grade import GradeRequest  # noqa: E402
from evaluators.llm_judge import LLMJudge  # noqa: E402
from evaluators.offline import OfflineEvaluator  # noqa: E402
from hotseat.batch_grade import Job, grade_stream  # noqa: E402
from hotseat.llm import chat_model  # noqa: E402
from hotseat.settings import load_settings  # noqa: E402
from tests.fakes.openai_server import FakeOpenAIServer  # noqa: E402

DATA = ROOT / "tests" / "data"
JUDGE_ANSWER = {
    "addresses_grader": False, "empathy_called_for": True, "empathy_reasoning": "r",
    "empowerment_reasoning": "r", "techniques": [], "anti_patterns": [], "empathy": 2,
    "empowerment": 2, "reason": "ok",
}


def load_requests() -> list[GradeRequest]:
    files = [DATA / "labelled.jsonl"] if (DATA / "labelled.jsonl").is_file() \
        else sorted(DATA.glob("labelled_[ab].jsonl"))
    rows = [json.loads(line) for f in files for line in f.read_text().splitlines() if line]
    return [GradeRequest(customer=r["customer"], reply=r["reply"]) for r in rows]


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def bench_offline(requests: list[GradeRequest]) -> list[tuple[str, float, float, float]]:
    rows = []
    variants = (("offline (default: unexplained)", "unexplained"),
                ("offline (embed all sentences)", "all"), ("offline (regex only)", "off"))
    for label, semantic in variants:
        ev = OfflineEvaluator(semantic=semantic)
        ev.grade(requests[0])  # load the model and compile patterns outside the timing
        times = []
        for req in requests:
            start = time.perf_counter()
            ev.grade(req)
            times.append(time.perf_counter() - start)
        rows.append((label, pct(times, 0.5) * 1e3, pct(times, 0.95) * 1e3,
                     len(times) / sum(times)))
    return rows


def bench_judge(latency: float, levels: list[int], n: int) -> list[tuple[int, float, float]]:
    out = []
    with FakeOpenAIServer() as server:
        server.responder = lambda body: JUDGE_ANSWER
        server.latency_s = latency
        settings = load_settings(overrides={
            "provider": "compatible", "base_url": server.base_url, "api_key": "bench",
            "timeout_s": 30, "max_retries": 0}, environ={})
        judge = LLMJudge(chat_model("judge", settings))
        req = GradeRequest(customer="You charged me twice!", reply="I'll fix it today.")
        for c in levels:
            work = [Job(row=i, id=str(i), request=req) for i in range(n)]
            start = time.perf_counter()
            results = list(grade_stream(judge, work, concurrency=c))
            elapsed = time.perf_counter() - start
            failed = sum("error" in r for r in results)
            if failed:
                raise SystemExit(f"{failed} judge calls failed at concurrency {c}")
            out.append((c, n / elapsed, c / latency))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--latency", type=float, default=0.2, help="fake server latency, s")
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 4, 8])
    parser.add_argument("--calls", type=int, default=32, help="judge calls per level")
    args = parser.parse_args()

    requests = load_requests()
    print(f"Offline grader over {len(requests)} labelled replies")
    print(f"{'grader':<32} {'p50 ms':>8} {'p95 ms':>8} {'replies/s':>10}")
    for label, p50, p95, rate in bench_offline(requests):
        print(f"{label:<32} {p50:>8.1f} {p95:>8.1f} {rate:>10.1f}")

    print(f"\nLLM judge vs fake server, latency {args.latency:.2f} s, {args.calls} calls/level")
    print(f"{'concurrency':>11} {'replies/s':>10} {'ideal C/L':>10} {'ratio':>6}")
    for c, rate, ideal in bench_judge(args.latency, args.concurrency, args.calls):
        print(f"{c:>11} {rate:>10.2f} {ideal:>10.2f} {rate / ideal:>6.2f}")


if __name__ == "__main__":
    main()
