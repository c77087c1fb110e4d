"""Difficulty a trainee can feel: how many replies a bot lasts on easy, standard and hard.

The customer's lines come from the loopback fake server (one fixed upset line), so only
the engine's rules decide how the calls end: grades of the bot's replies (offline
grader), the mood rule and the difficulty overlays. Reported per difficulty: end states,
and calls that lasted 3+ replies (on easy a generic script should; on hard it should not).

Run: .venv/bin/python bench/bench_difficulty.py [--bot scripted_apology] [--seeds 3]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.fakes.openai_server import FakeOpenAIServer  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bot", default="scripted_apology")
    parser.add_argument("--seeds", type=int, default=3)
    args = parser.parse_args()
    with FakeOpenAIServer() as server:
        server.responder = lambda body: "I still want my money back. What are you doing about it?"
        env = {
            **os.environ,
            "HOTSEAT_PROVIDER": "compatible",
            "HOTSEAT_BASE_URL": server.base_url,
            "HOTSEAT_API_KEY": "bench",
        }
        for difficulty in ("easy", "standard", "hard"):
            with tempfile.TemporaryDirectory() as out:
                subprocess.run(
                    [sys.executable, "-m", "hotseat", "simulate", "--persona", "all", "--bot",
                     args.bot, "--seeds", str(args.seeds), "--difficulty", difficulty,
                     "--out", out, "--concurrency", "2"],
                    env=env, check=True, capture_output=True, cwd=ROOT,
                )  # fmt: skip
                text = Path(out, "conversations.jsonl").read_text("utf-8")
                rows = [json.loads(x) for x in text.splitlines() if x]
            lasted = sum(r["turns_count"] >= 3 for r in rows)
            ends = dict(Counter(r["end_state"] for r in rows))
            print(f"{difficulty:<9} {args.bot}: lasted 3+ replies {lasted}/{len(rows)}; {ends}")


if __name__ == "__main__":
    main()
