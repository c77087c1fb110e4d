"""Offline transcription speed on 2 cores: real-time factor of a 10-second spoken reply.

The reply is made with eSpeak NG from the test sentences (nothing recorded is committed).
Reported, each the median of --repeats runs in this one process:
- the app's path (decode, beam 5, word timings, filler prompt): seconds and real-time
  factor (seconds of work per second of audio); the issue's goal is 10 s in <= 3 s (0.3);
- a baseline in the same process: greedy decoding without word timings or prompt, and
  decoding the audio alone, so the ratio says what the app's extras cost on this machine
  whatever else is running on it;
- with --wer: the word error rate over the 20 test replies (the test asserts <= 15 %).
  eSpeak NG's pitch flutter carries over from one utterance to the next, so the same
  sentence sounds slightly different on each call: expect a few points of spread.

Run: .venv/bin/python bench/bench_transcribe.py [--repeats 3] [--wer]
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import sys
import time
import wave
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from hotseat.settings import load_settings  # noqa: E402
from hotseat.speech import transcribe as stt  # noqa: E402
from hotseat.speech.espeak import synthesize  # noqa: E402
from tests.speech.conftest import replies  # noqa: E402
from tests.speech.wer import word_error_rate  # noqa: E402

THREADS = 2
TARGET_S = 10.0


def ten_second_reply() -> tuple[bytes, str]:
    """Test sentences spoken one after another until the audio lasts 10 seconds."""
    frames, said, rate = b"", [], 22050
    for line in replies():
        with wave.open(io.BytesIO(synthesize(line))) as w:
            rate = w.getframerate()
            frames += w.readframes(w.getnframes())
        said.append(line)
        if len(frames) / 2 / rate >= TARGET_S:
            break
    out = io.BytesIO()
    with wave.open(out, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(frames[: int(TARGET_S * rate) * 2])
    return out.getvalue(), " ".join(said)


def median_time(fn: Callable[[], object], repeats: int) -> tuple[float, float]:
    """Median wall seconds and median CPU seconds (all threads of this process). On a busy
    shared machine the wall time includes waiting for a core; CPU time / threads is what
    the same work takes when the cores are free."""
    walls, cpus = [], []
    for _ in range(repeats):
        start, cpu = time.perf_counter(), time.process_time()
        fn()
        walls.append(time.perf_counter() - start)
        cpus.append(time.process_time() - cpu)
    return statistics.median(walls), statistics.median(cpus)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--wer", action="store_true", help="also the WER over 20 replies")
    args = parser.parse_args()

    settings = load_settings(overrides={"n_threads": THREADS})
    audio, _ = ten_second_reply()
    seconds = len(stt.read_audio(audio)) / stt.SAMPLE_RATE
    engine = stt.LocalTranscriber(settings)
    start = time.perf_counter()
    model = stt._model(str(stt.whisper_dir(settings)), THREADS)  # noqa: SLF001 (load once)
    load_s = time.perf_counter() - start

    def greedy() -> None:
        segments, _ = model.transcribe(stt.read_audio(audio), language="en", beam_size=1)
        list(segments)

    engine.transcribe(audio)  # warm-up: first-call allocations are not the steady state
    app_s = median_time(lambda: engine.transcribe(audio), args.repeats)
    greedy_s = median_time(greedy, args.repeats)
    decode_s = median_time(lambda: stt.read_audio(audio), args.repeats)

    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}")
    print(f"model load (once per process): {load_s:.2f} s")
    print(f"{seconds:.1f} s reply, {THREADS} threads, median of {args.repeats}:")
    rows = (
        ("app path (beam 5, word timings, filler prompt)", app_s),
        ("baseline: greedy, no timings, no prompt", greedy_s),
        ("decoding the audio alone", decode_s),
    )
    for label, (wall, cpu) in rows:
        print(
            f"  {label:<48} {wall:6.2f} s  RTF {wall / seconds:.2f}"
            f"  (CPU {cpu:.2f} s, / {THREADS} threads = {cpu / THREADS:.2f} s on free cores)"
        )
    print(f"  app path / greedy baseline: {app_s[0] / greedy_s[0]:.2f}x")
    goal = "meets" if app_s[0] <= 0.3 * seconds else "misses"
    print(f"  goal (10 s reply in <= 3 s, RTF <= 0.30): {goal} it on this machine now")
    if args.wer:
        pairs = [(line, engine.transcribe(synthesize(line)).text) for line in replies()]
        print(f"word error rate over {len(pairs)} eSpeak NG replies: {word_error_rate(pairs):.1%}")


if __name__ == "__main__":
    main()
