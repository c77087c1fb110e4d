"""Engine overhead per turn against the LLM call it wraps, and prompt tokens over 30 turns.

Run: .venv/bin/python bench/bench_engine.py [--turns 30] [--latency 1.0]

Overhead = grade + mood + persist + prompt build, timed inside one process against the
loopback fake server (real HTTP, real SQLite file). It is reported as a ratio of the fake
server's configured latency, so the number means the same on a fast or a slow machine.
"""

from __future__ import annotations

import argparse
import re
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from evaluators.grade import Grade, GradeRequest  # noqa: E402
from hotseat.engine import Engine  # noqa: E402
from hotseat.settings import load_settings  # noqa: E402
from hotseat.store import Store  # noqa: E402
from tests.fakes.openai_server import FakeOpenAIServer  # noqa: E402

PERSONAS_DIR = Path(__file__).resolve().parents[1] / "personas"

REPLIES = [
    "I can see the payment went out twice, and with rent due Friday that is frightening.",
    "Let me transfer you to billing.",
    "I will reverse the duplicate charge now and email you the reference by 3pm.",
    "What matters most to you right now: the rent, or the overdraft fee?",
]


class ConstantEvaluator:
    """A grader that costs nothing, so the engine's own overhead is what gets measured."""

    name = "constant"

    def grade(self, request: GradeRequest) -> Grade:
        # Middling on purpose: the customer neither resolves nor walks away in 30 turns.
        return Grade(
            empathy=2, empowerment=1, reason="bench", suggestion="bench", evaluator="constant"
        )


def _evaluators() -> list:
    found = [ConstantEvaluator()]
    try:
        from evaluators.offline import OfflineEvaluator

        found.append(OfflineEvaluator())
    except ImportError:
        pass
    return found


def run_session(engine: Engine, turns: int) -> tuple[list[float], list[int]]:
    """(engine overhead ms per turn, customer prompt tokens per turn)."""
    view = engine.start("bench", "double-charge")
    overhead, tokens = [], []
    for n in range(turns):
        started = time.perf_counter()
        engine.submit(view.session_id, REPLIES[n % len(REPLIES)])  # grade, mood, persist
        submit_ms = (time.perf_counter() - started) * 1000
        started = time.perf_counter()
        engine.say_customer(view.session_id)  # prompt build, LLM call, checks, persist
        stream_ms = (time.perf_counter() - started) * 1000
        last = engine.store.list_turns(view.session_id)[-1]
        # latency_ms is the model call alone; the rest of the customer step is overhead.
        overhead.append(submit_ms + max(0.0, stream_ms - last.latency_ms))
        tokens.append(last.prompt_tokens)
        if engine.view(view.session_id).end_state:
            view = engine.start("bench", "double-charge")
    return overhead, tokens


def _long_card_dir(tmp: Path) -> Path:
    """A copy of the cards where double-charge allows 60 replies, so 30 turns fit one call."""
    folder = tmp / "personas"
    shutil.copytree(PERSONAS_DIR, folder)
    card = folder / "double-charge.yaml"
    card.write_text(re.sub(r"max_turns: \d+", "max_turns: 60", card.read_text()))
    return folder


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--turns", type=int, default=30)
    parser.add_argument("--latency", type=float, default=1.0, help="fake LLM latency, s")
    parser.add_argument(
        "--latency-turns",
        type=int,
        default=3,
        help="turns run at full latency to confirm the ratio end to end",
    )
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="hotseat-bench-"))
    personas = _long_card_dir(tmp)
    rows = []
    with FakeOpenAIServer() as server:
        server.responder = lambda body: "That is not good enough. When do I get my money back?"
        for evaluator in _evaluators():
            settings = load_settings(
                overrides={
                    "provider": "compatible",
                    "base_url": server.base_url,
                    "api_key": "bench",
                    "db_url": f"sqlite:///{tmp / (evaluator.name + '.db')}",
                },
                environ={},
            )
            with Store(settings.db_url) as store:
                engine = Engine(settings, store, evaluator, personas_dir=personas)
                server.latency_s = 0.0
                overhead, tokens = run_session(engine, args.turns)
                server.latency_s = args.latency
                real, _ = run_session(engine, args.latency_turns)
            rows.append((evaluator.name, overhead, tokens, real))
    latency_ms = args.latency * 1000
    print(
        f"engine overhead per turn (grade + mood + persist + prompt build + checks) vs a "
        f"{args.latency:.1f} s LLM call"
    )
    print(f"{'grader':<10} {'median ms':>10} {'p90 ms':>8} {'ratio':>7} {'ratio@latency':>14}")
    for name, overhead, _tokens, real in rows:
        med = statistics.median(overhead)
        p90 = sorted(overhead)[int(0.9 * (len(overhead) - 1))]
        print(
            f"{name:<10} {med:>10.1f} {p90:>8.1f} {med / latency_ms:>7.1%} "
            f"{statistics.median(real) / latency_ms:>14.1%}"
        )
    name, _, tokens, _ = rows[0]
    print(f"\ncustomer prompt tokens per turn over {args.turns} turns ({name} grader)")
    print("turn   " + " ".join(f"{i + 1:>5}" for i in range(0, len(tokens), 3)))
    print("tokens " + " ".join(f"{tokens[i]:>5}" for i in range(0, len(tokens), 3)))
    print(
        f"first {tokens[0]}, max {max(tokens)}, last {tokens[-1]}; "
        f"spread over the last 10 turns {max(tokens[-10:]) - min(tokens[-10:])}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
