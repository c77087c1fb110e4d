"""Embedded model through Hotseat's chat model vs raw llama_cpp.Llama, same prompt, same run.

Usage: python -m bench.bench_local_model [--model qwen2.5-coder-1.5b] [--rounds 3] [--tokens 64]
Reports generation tokens/s and first-token latency for both, and their ratio (goal >= 0.9).
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable, Iterator

from llama_cpp import Llama

from hotseat.llm import chat_model
from hotseat.llm.local_chat import load_llama
from hotseat.settings import load_settings

MESSAGES = [
    {
        "role": "system",
        "content": "You are Dana, an angry customer who was charged twice "
        "for the same purchase and whose rent is due on Friday.",
    },
    {
        "role": "user",
        "content": 'The agent says: "I understand. Let me look into that." '
        "Reply as Dana, the angry customer (1-2 sentences):",
    },
]


def measure(stream: Callable[[], Iterator[str]]) -> tuple[float, float, int]:
    """Return (first-token latency s, generation tokens/s after the first, tokens)."""
    start = time.perf_counter()
    first = None
    count = 0
    for piece in stream():
        if not piece:
            continue
        count += 1
        if first is None:
            first = time.perf_counter()
    end = time.perf_counter()
    assert first is not None, "no tokens generated"
    rate = (count - 1) / (end - first) if count > 1 else 0.0
    return first - start, rate, count


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", default="qwen2.5-coder-1.5b")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--tokens", type=int, default=64)
    args = parser.parse_args()

    settings = load_settings(overrides={"provider": "local", "local_model": args.model})
    ours = chat_model("customer", settings, max_tokens=args.tokens, temperature=0.0, seed=1)
    our_llama, _ = load_llama(ours.model_path, "customer", ours.n_ctx, ours.n_threads)
    raw = Llama(
        model_path=ours.model_path,
        n_ctx=ours.n_ctx,
        n_threads=ours.n_threads,
        n_threads_batch=ours.n_threads,
        verbose=False,
    )

    def raw_stream() -> Iterator[str]:
        raw.reset()  # no prompt-prefix reuse: both sides process the whole prompt
        for part in raw.create_chat_completion(
            messages=MESSAGES, stream=True, max_tokens=args.tokens, temperature=0.0, seed=1
        ):
            yield part["choices"][0]["delta"].get("content") or ""

    def our_stream() -> Iterator[str]:
        our_llama.reset()
        for chunk in ours.stream(
            [(m["role"].replace("user", "human"), m["content"]) for m in MESSAGES]
        ):
            yield str(chunk.content)

    measure(raw_stream)  # warm-up both (page in the mmapped weights)
    measure(our_stream)
    results: dict[str, list[tuple[float, float, int]]] = {"raw": [], "hotseat": []}
    for _ in range(args.rounds):  # alternate so drift on a shared machine hits both
        results["raw"].append(measure(raw_stream))
        results["hotseat"].append(measure(our_stream))

    print(
        f"model {args.model}, {ours.n_threads} threads, {args.rounds} rounds, "
        f"max {args.tokens} tokens"
    )
    print(f"{'path':<10}{'first token s':>15}{'tokens/s':>10}{'tokens':>8}")
    med = {}
    for name, rows in results.items():
        latency = statistics.median(r[0] for r in rows)
        rate = statistics.median(r[1] for r in rows)
        med[name] = (latency, rate)
        print(f"{name:<10}{latency:>15.3f}{rate:>10.2f}{rows[0][2]:>8}")
    print(f"ratio tokens/s hotseat/raw = {med['hotseat'][1] / med['raw'][1]:.3f} (goal >= 0.9)")
    print(f"ratio first-token raw/hotseat = {med['raw'][0] / med['hotseat'][0]:.3f}")


if __name__ == "__main__":
    main()
