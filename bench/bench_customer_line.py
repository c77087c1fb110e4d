"""A customer line on the embedded model, as the trainee waits for it, against a raw
llama.cpp call with the same prompt in the same run.

For each agent reply of a scripted conversation (every card), the engine streams the
customer's next line (prompt build, voice checks, repair and fallback included; a move said
as the card writes it, a hidden fact or the closing thanks, shows at once and is reported
apart) and the
timer notes when the first checked sentence is released (what the trainee first sees
after the typing indicator) and when the line is complete. A second llama.cpp instance
of the same model is then given the very same messages (and sees the same sequence of
prompts, so its prefix cache is as warm as ours) and timed to its first token and to
the end. Reported: medians, and the ratios ours / raw.

Run: .venv/bin/python bench/bench_customer_line.py [--cards N] [--model qwen2.5-coder-1.5b]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from llama_cpp import Llama  # noqa: E402

from evaluators.offline import OfflineEvaluator  # noqa: E402
from hotseat.engine import Engine  # noqa: E402
from hotseat.llm import chat_model  # noqa: E402
from hotseat.llm.local_chat import load_llama, to_chat_dicts  # noqa: E402
from hotseat.personas.catalog import load_catalog  # noqa: E402
from hotseat.settings import load_settings  # noqa: E402
from hotseat.store import Store  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
KINDS = ("as_written", "fallback")  # what a line's problems say of who wrote it
# One warm reply, one question, one deflection, one concrete step: the moves a trainee makes.
REPLIES = [
    "That sounds awful, I'm so sorry this landed on you right now.",
    "Can you tell me what matters most to you right now?",
    "I can't do anything about that, it's our policy.",
    "I'm fixing it now and I'll call you back by 3pm today with a reference.",
]


def _timed(pieces: Iterator[str]) -> tuple[float, float, str]:
    """(first piece s, whole s, text) of a stream of text pieces."""
    start = time.perf_counter()
    first: float | None = None
    text = ""
    for piece in pieces:
        if piece and first is None:
            first = time.perf_counter() - start
        text += piece
    whole = time.perf_counter() - start
    return (first if first is not None else whole), whole, text


def _raw(llama: Llama, messages: list[dict[str, str]], max_tokens: int) -> Iterator[str]:
    for part in llama.create_chat_completion(
        messages=messages, stream=True, max_tokens=max_tokens, temperature=0.8
    ):
        yield part["choices"][0]["delta"].get("content") or ""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="qwen2.5-coder-1.5b")
    parser.add_argument("--cards", type=int, default=8, help="how many cards to play")
    args = parser.parse_args()

    settings = load_settings(overrides={"provider": "local", "local_model": args.model})
    model = chat_model("customer", settings)
    raw = Llama(
        model_path=model.model_path,
        n_ctx=model.n_ctx,
        n_threads=model.n_threads,
        n_threads_batch=model.n_threads,
        verbose=False,
    )
    cards = sorted(load_catalog(ROOT / "personas").cards)[: args.cards]
    ours: list[tuple[float, float]] = []
    theirs: list[tuple[float, float]] = []
    kinds: list[str] = []  # per line: generated, fallback (after a try) or as_written
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(f"sqlite:///{tmp}/bench.db")
        engine = Engine(settings, store, OfflineEvaluator(), customer_model=model)
        for card_id in cards:
            view = engine.start("bench", card_id)
            for reply in REPLIES:
                outcome = engine.submit(view.session_id, reply)
                messages = to_chat_dicts(engine.next_messages(view.session_id))
                first, whole, _ = _timed(engine.stream_customer(view.session_id))
                ours.append((first, whole))
                turn = engine.view(view.session_id).transcript[-1]
                kinds.append(next((k for k in KINDS if k in turn.problems), "generated"))
                # The engine now reads the next prompt ahead in the background (what it does
                # while a trainee types); let that finish so it does not slow the raw call.
                # (A second read-ahead of the same prompt costs one token; joining it means
                # the engine's own has released the model too.)
                thread = engine.prewarm(view.session_id)
                if thread is not None:
                    thread.join()
                with load_llama(model.model_path, model.role_key, model.n_ctx, model.n_threads)[1]:
                    pass
                r_first, r_whole, _ = _timed(_raw(raw, messages, model.max_tokens))
                theirs.append((r_first, r_whole))
                if outcome.end_state is not None:
                    break
    _print(ours, theirs, kinds, args.model, model.n_threads)
    model_lines = [i for i, k in enumerate(kinds) if k != "as_written"]
    print(f"\nlines the model was asked for ({len(model_lines)}; lines said as written left out):")
    _print(
        [ours[i] for i in model_lines],
        [theirs[i] for i in model_lines],
        [kinds[i] for i in model_lines],
        args.model,
        model.n_threads,
    )


def _print(
    ours: list[tuple[float, float]],
    theirs: list[tuple[float, float]],
    kinds: list[str],
    model: str,
    threads: int,
) -> None:
    def med(rows: list[tuple[float, float]], i: int) -> float:
        return statistics.median(r[i] for r in rows)

    def p90(rows: list[tuple[float, float]], i: int) -> float:
        ordered = sorted(r[i] for r in rows)
        return ordered[min(len(ordered) - 1, int(0.9 * len(ordered)))]

    counts = ", ".join(f"{kinds.count(k)} {k}" for k in ("generated", *KINDS))
    print(f"model {model}, {threads} threads, {len(ours)} customer lines ({counts})")
    print(f"{'path':<34}{'first (median)':>15}{'whole (median)':>15}{'whole p90':>11}")
    print(
        f"{'hotseat: first checked sentence':<34}{med(ours, 0):>14.2f}s{med(ours, 1):>14.2f}s"
        f"{p90(ours, 1):>10.2f}s"
    )
    print(
        f"{'raw llama.cpp: first token':<34}{med(theirs, 0):>14.2f}s{med(theirs, 1):>14.2f}s"
        f"{p90(theirs, 1):>10.2f}s"
    )
    print(
        f"ratio hotseat/raw: first {med(ours, 0) / med(theirs, 0):.2f}, "
        f"whole {med(ours, 1) / med(theirs, 1):.2f} (checks, repairs and a sentence's wait)"
    )


if __name__ == "__main__":
    main()
