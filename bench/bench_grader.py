"""Grader speed, measured as ratios in one run (no wall-clock asserts anywhere).

1. Offline grader: per-reply latency p50/p95 over every labelled reply, as a ratio to its
   own embedding pass (MiniLM over the same clauses) in the same run, and replies/s one
   at a time and with two workers. The int8 embedding pass is also timed against the same
   graph in float32 on the same clauses (the baseline it replaced).
2. LLM judge against the loopback fake server at a fixed latency L: throughput with
   concurrency C versus the ideal C / L.

Run: .venv/bin/python bench/bench_grader.py [--latency 0.2] [--concurrency 1 4 8]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from evaluators.embedder import shared_model  # noqa: E402
from evaluators.grade import GradeRequest  # noqa: E402
from evaluators.llm_judge import LLMJudge  # noqa: E402
from evaluators.offline import OfflineEvaluator  # noqa: E402
from evaluators.text import units  # noqa: E402
from hotseat.batch_grade import Job, grade_stream  # noqa: E402
from hotseat.llm import chat_model  # noqa: E402
from hotseat.settings import load_settings  # noqa: E402
from tests.fakes.judge import judge_answer  # noqa: E402
from tests.fakes.openai_server import FakeOpenAIServer  # noqa: E402

LABELS = ROOT / "calibration"


def load_requests(names: tuple[str, ...]) -> list[GradeRequest]:
    """The labelled replies of these files (calibration/<name>.jsonl), in file order."""
    rows = [
        json.loads(line)
        for name in names
        for line in (LABELS / f"{name}.jsonl").read_text("utf-8").splitlines()
        if line.strip()
    ]
    return [GradeRequest(customer=r["customer"], reply=r["reply"]) for r in rows]


# Customer-care replies (what trainees write) and everything, long therapy answers included.
SETS = {"customer care (team + own)": ("team", "own"), "all sources": ("team", "own", "corpora")}


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def _timed(fn: Callable[[GradeRequest], object], requests: list[GradeRequest]) -> list[float]:
    times = []
    for req in requests:
        start = time.perf_counter()
        fn(req)
        times.append(time.perf_counter() - start)
    return times


def bench_offline(requests: list[GradeRequest]) -> dict[str, float]:
    """The grader against its own embedding pass (the irreducible part) in the same run,
    then throughput one at a time and with two workers (2 cores)."""
    ev = OfflineEvaluator()
    model = shared_model()
    ev.grade(requests[0])  # load the model and compile patterns outside the timing

    def embed_only(req: GradeRequest) -> None:
        model.encode(units(req.reply))

    encode = _timed(embed_only, requests)
    grade = _timed(ev.grade, requests)
    work = [Job(row=i, id=str(i), request=r) for i, r in enumerate(requests)]
    start = time.perf_counter()
    results = list(grade_stream(ev, work, concurrency=2))
    two = len(results) / (time.perf_counter() - start)
    return {
        "p50_ms": pct(grade, 0.5) * 1e3,
        "p95_ms": pct(grade, 0.95) * 1e3,
        "encode_p50_ms": pct(encode, 0.5) * 1e3,
        "ratio_p50": pct(grade, 0.5) / pct(encode, 0.5),
        "rate_1": len(grade) / sum(grade),
        "rate_2": two,
    }


def bench_float_baseline(requests: list[GradeRequest]) -> tuple[float, float]:
    """(int8 p50 ms, float32 p50 ms) of the embedding pass over the same clauses."""
    import tempfile

    from safetensors.numpy import load_file

    from evaluators.embedder import MiniLM, model_dir
    from evaluators.minilm_graph import float_graph

    weights = load_file(str(model_dir() / "model.safetensors"))
    graph, _ = float_graph({k: v.astype("float32") for k, v in weights.items()})
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "float.onnx"
        path.write_bytes(graph.SerializeToString())
        baseline = MiniLM(graph=path)
        int8 = shared_model()
        clauses = [units(r.reply) for r in requests]
        times: dict[str, list[float]] = {"int8": [], "float32": []}
        for c in clauses:  # interleaved, so load on a shared machine hits both alike
            for name, model in (("int8", int8), ("float32", baseline)):
                start = time.perf_counter()
                model.encode(c)
                times[name].append(time.perf_counter() - start)
    return pct(times["int8"], 0.5) * 1e3, pct(times["float32"], 0.5) * 1e3


def bench_judge(latency: float, levels: list[int], n: int) -> list[tuple[int, float, float]]:
    out = []
    with FakeOpenAIServer() as server:
        server.responder = lambda body: judge_answer(2, reason="ok")
        server.latency_s = latency
        settings = load_settings(
            overrides={
                "provider": "compatible",
                "base_url": server.base_url,
                "api_key": "bench",
                "timeout_s": 30,
                "max_retries": 0,
            },
            environ={},
        )
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

    for title, names in SETS.items():
        requests = load_requests(names)
        r = bench_offline(requests)
        print(f"Offline grader, {title}: {len(requests)} labelled replies")
        print(
            f"  per reply: p50 {r['p50_ms']:.1f} ms, p95 {r['p95_ms']:.1f} ms; its embedding "
            f"pass alone p50 {r['encode_p50_ms']:.1f} ms (grade/encode {r['ratio_p50']:.2f})"
        )
        print(
            f"  throughput: {r['rate_1']:.0f} replies/s one at a time, "
            f"{r['rate_2']:.0f} replies/s with 2 workers"
        )
        fast, slow = bench_float_baseline(requests)
        print(
            f"  embedding pass p50: int8 {fast:.1f} ms vs float32 {slow:.1f} ms "
            f"(float/int8 {slow / fast:.2f}x)"
        )

    print(f"\nLLM judge vs fake server, latency {args.latency:.2f} s, {args.calls} calls/level")
    print(f"{'concurrency':>11} {'replies/s':>10} {'ideal C/L':>10} {'ratio':>6}")
    for c, rate, ideal in bench_judge(args.latency, args.concurrency, args.calls):
        print(f"{c:>11} {rate:>10.2f} {ideal:>10.2f} {rate / ideal:>6.2f}")


if __name__ == "__main__":
    main()
