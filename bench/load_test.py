"""Load test: N trainees in real browsers against app replicas on one PostgreSQL.

Each trainee is a Playwright browser context (one headless Chromium, async API) that
starts a session, sends three replies and opens the debrief, on replica `i % R`
(the debrief on the next replica, as a load balancer without affinity might send it).
The replicas are `streamlit run app.py` processes sharing one PostgreSQL database and
the fake OpenAI-compatible server from tests/fakes, which answers every call after a
fixed latency; grading is the offline grader. Afterwards the database is read back:
every trainee's session must hold exactly the replies they sent, in order.

Reported: completed sessions per minute, p50/p95 time per turn (Enter to the customer's
answer on screen) and the latency the app adds over the fake LLM's (turn time minus the
LLM calls that turn made times the fixed latency), errors (exceptions, error alerts on
the page, timeouts) and lost or duplicated turns. Slowness is measured, not failed:
each wait gives up only after --patience seconds (a hang guard).

    .venv/bin/python -m bench.load_test [--trainees 20] [--replicas 2] [--latency 1.0]
                                        [--out load.json]

Exit status 1 when any error or lost or duplicated turn was seen. Needs PostgreSQL's
server binaries and Chromium, as the test suite does (`./run test` installs both).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import signal
import statistics
import sys
import tempfile
import time
from collections import Counter
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hotseat.store import Store
from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, CUSTOMER_LINES, streamlit_app
from tests.fakes.openai_server import FakeOpenAIServer
from tests.fakes.postgres import running_postgres

PERSONA = "double-charge"
REPLIES = (  # none of them ends the call on standard difficulty, so all three are sent
    "I can hear how stressful a double charge is with rent due. I will refund the "
    "duplicate charge now and email you the confirmation by 5pm.",
    "That is a fair question. The refund goes back to your card, and I will write to "
    "you with the reference as soon as it is through.",
    "You should not have to worry about rent. I will send you a letter for your landlord "
    "within the hour, and I will call you myself tomorrow at 10am to check it landed.",
)
# Each reply ends with a ticket naming its trainee and turn, so the fake LLM's requests
# can be counted per turn (a prompt carries the whole transcript: its newest ticket
# is the turn it answers) and each trainee's replies are unique in the database.
TICKET = re.compile(r"Ticket T(\d+)-(\d+)")
CHIP = re.compile(r"Empathy (\d/4|n/a) · Empowerment \d/4")
ERRORS_ON_PAGE = "[data-testid=stException], [data-testid=stAlertContentError]"
WARMUP_BASE = 900  # warm-up trainees' numbers: run first, never counted
BASELINE = 990  # one trainee alone after the warm-up: the unloaded figure, same run


def reply_text(trainee: int, turn: int) -> str:
    return f"{REPLIES[turn - 1]} Ticket T{trainee:03d}-{turn}."


def customer_line(body: dict[str, Any]) -> str:
    """The fake LLM's answer: the customer line for the turn the prompt answers."""
    turns = [int(t) for _, t in TICKET.findall(json.dumps(body))]
    return CUSTOMER_LINES[(max(turns, default=1) - 1) % len(CUSTOMER_LINES)]


@dataclass
class Trainee:
    number: int
    replica: int
    session_id: str = ""
    sent: list[str] = field(default_factory=list)
    turn_s: list[float] = field(default_factory=list)
    start_s: float = 0.0
    debrief_s: float = 0.0
    began: float = 0.0
    ended: float = 0.0
    error: str = ""


async def _settled(page: Any, messages: int, patience_ms: float) -> None:
    """`messages` chat bubbles on screen and the script no longer running."""
    await page.wait_for_function(
        f"document.querySelectorAll('[data-testid=stChatMessage]').length >= {messages}",
        timeout=patience_ms,
    )
    await page.wait_for_selector(
        "[data-testid=stApp][data-test-script-state=notRunning]", timeout=patience_ms
    )


async def _no_error_on(page: Any, step: str) -> None:
    errors = page.locator(ERRORS_ON_PAGE)
    if await errors.count():
        text = " | ".join(t.strip()[:200] for t in await errors.all_inner_texts())
        raise RuntimeError(f"error shown after {step}: {text}")


async def run_trainee(
    browser: Any, urls: list[str], t: Trainee, patience_s: float, shots: Path | None = None
) -> None:
    """One trainee's visit; any failure is recorded in `t.error` (and, with `shots`, a
    screenshot of the page), never raised."""
    patience_ms = patience_s * 1000
    ctx = await browser.new_context()
    ctx.set_default_timeout(patience_ms)
    page = await ctx.new_page()
    step = "start"
    t.began = time.perf_counter()
    try:
        await page.goto(urls[t.replica])
        name = page.get_by_label("Your name")
        await name.fill(f"Trainee {t.number:03d}")
        await name.press("Enter")
        await page.locator(f".st-key-start-{PERSONA} button").click()
        await page.wait_for_url(re.compile(r"session="))
        await _settled(page, 1, patience_ms)
        t.session_id = re.search(r"session=([^&]+)", page.url).group(1)
        t.start_s = time.perf_counter() - t.began
        await _no_error_on(page, step)
        for turn in range(1, len(REPLIES) + 1):
            step = f"reply {turn}"
            box = page.get_by_placeholder("Your reply to the customer")
            await box.fill(reply_text(t.number, turn))
            started = time.perf_counter()
            await box.press("Enter")
            t.sent.append(reply_text(t.number, turn))
            await page.get_by_text(CHIP).nth(turn - 1).wait_for()
            await _settled(page, 2 * turn + 1, patience_ms)
            t.turn_s.append(time.perf_counter() - started)
            await _no_error_on(page, step)
        step = "debrief"
        started = time.perf_counter()
        debrief = urls[(t.replica + 1) % len(urls)]
        await page.goto(f"{debrief}/Debrief?session={t.session_id}")
        await page.get_by_text("Lesson:").wait_for()
        await page.locator("[data-testid=stVegaLiteChart]").nth(1).wait_for()
        await page.wait_for_selector("[data-testid=stApp][data-test-script-state=notRunning]")
        t.debrief_s = time.perf_counter() - started
        await _no_error_on(page, step)
    except Exception as exc:  # measured, not raised: the summary counts it
        t.error = f"{step}: {type(exc).__name__}: {str(exc).splitlines()[0][:300]}"
        if shots is not None:
            await page.screenshot(path=str(shots / f"trainee-{t.number:03d}.png"), full_page=True)
    finally:
        t.ended = time.perf_counter()
        await ctx.close()


async def drive(
    urls: list[str],
    trainees: list[Trainee],
    ramp_s: float,
    patience_s: float,
    shots: Path | None = None,
) -> tuple[list[Trainee], float]:
    """Warm each replica with one trainee, run one trainee alone (the baseline), then all
    trainees at once; returns (warm-ups and the baseline, wall time of the loaded run)."""
    from playwright.async_api import async_playwright

    async def staggered(i: int, t: Trainee) -> None:
        await asyncio.sleep(i * ramp_s)  # a ramp: not every page load in the same instant
        await run_trainee(browser, urls, t, patience_s, shots)

    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        warm = [Trainee(WARMUP_BASE + r, r) for r in range(len(urls))]
        await asyncio.gather(*(run_trainee(browser, urls, w, patience_s, shots) for w in warm))
        warm.append(Trainee(BASELINE, 0))
        await run_trainee(browser, urls, warm[-1], patience_s, shots)
        began = time.perf_counter()
        await asyncio.gather(*(staggered(i, t) for i, t in enumerate(trainees)))
        wall = time.perf_counter() - began
        await browser.close()
    return warm, wall


def check_turns(database: str, trainees: list[Trainee]) -> dict[str, int]:
    """Read every session back: its agent turns must be exactly the replies sent."""
    lost = duplicated = out_of_order = unanswered = 0
    with Store(database) as store:
        for t in trainees:
            if not t.session_id:
                continue
            turns = store.list_turns(t.session_id)
            stored = [x.text for x in turns if x.role == "agent"]
            lost += sum((Counter(t.sent) - Counter(stored)).values())
            duplicated += sum((Counter(stored) - Counter(t.sent)).values())
            out_of_order += int(stored != t.sent and Counter(stored) == Counter(t.sent))
            unanswered += int(bool(turns) and turns[-1].role == "agent")
    return {
        "lost_turns": lost,
        "duplicated_turns": duplicated,
        "sessions_out_of_order": out_of_order,
        "replies_without_answer": unanswered,
    }


def llm_calls_per_turn(server: FakeOpenAIServer) -> Counter[tuple[int, int]]:
    calls: Counter[tuple[int, int]] = Counter()
    for body in server.requests:
        found = [(int(a), int(b)) for a, b in TICKET.findall(json.dumps(body))]
        if found:
            calls[max(found, key=lambda x: x[1])] += 1
    return calls


def _pct(values: list[float], q: int) -> float | None:
    if not values:
        return None
    if len(values) == 1:
        return round(values[0], 3)
    return round(statistics.quantiles(values, n=100, method="inclusive")[q - 1], 3)


def _turn_times(
    trainees: list[Trainee], calls: Counter[tuple[int, int]], latency: float
) -> tuple[list[float], list[float], list[int]]:
    """Per turn: seconds on screen, seconds added over the LLM calls it made, and calls."""
    turn_s, added_s, n_calls = [], [], []
    for t in trainees:
        for turn, seconds in enumerate(t.turn_s, start=1):
            made = calls[(t.number, turn)]
            turn_s.append(seconds)
            n_calls.append(made)
            added_s.append(seconds - made * latency)
    return turn_s, added_s, n_calls


def server_times(database: str, trainees: list[Trainee]) -> dict[str, list[float]]:
    """What the replicas recorded per turn: grading, and the customer line (LLM included)."""
    times: dict[str, list[float]] = {"agent": [], "customer": []}
    with Store(database) as store:
        for t in trainees:
            if t.session_id:
                for x in store.list_turns(t.session_id)[1:]:  # turn 0: the scripted opening
                    times[x.role].append(x.latency_ms / 1000)
    return times


def _p50_p95(values: list[float]) -> dict[str, float | None]:
    return {"p50": _pct(values, 50), "p95": _pct(values, 95)}


def summarise(
    args: argparse.Namespace,
    trainees: list[Trainee],
    baseline: Trainee,
    wall: float,
    server: FakeOpenAIServer,
) -> dict[str, Any]:
    calls = llm_calls_per_turn(server)
    turn_s, added_s, n_calls = _turn_times(trainees, calls, args.latency)
    alone = _pct(_turn_times([baseline], calls, args.latency)[1], 50)
    loaded = _pct(added_s, 50)
    on_server = server_times(args.database, trainees)
    completed = [t for t in trainees if not t.error]
    return {
        "trainees": args.trainees,
        "replicas": args.replicas,
        "llm_latency_s": args.latency,
        "completed_sessions": len(completed),
        "wall_s": round(wall, 1),
        "sessions_per_minute": round(len(completed) / wall * 60, 2) if wall else None,
        "turns_measured": len(turn_s),
        "turn_s": _p50_p95(turn_s),
        "added_latency_s": _p50_p95(added_s),
        "baseline_added_latency_s": {"p50": alone, "error": baseline.error or None},
        "added_latency_vs_baseline": round(loaded / alone, 2) if loaded and alone else None,
        "server_grade_s": _p50_p95(on_server["agent"]),
        "server_customer_line_s": _p50_p95(on_server["customer"]),
        "llm_calls_per_turn": {"mean": round(statistics.fmean(n_calls), 2) if n_calls else None},
        "start_s": {"p50": _pct([t.start_s for t in completed], 50)},
        "debrief_s": {"p50": _pct([t.debrief_s for t in completed], 50)},
        "errors": len([t for t in trainees if t.error]),
        "error_messages": [f"trainee {t.number}: {t.error}" for t in trainees if t.error],
        **check_turns(args.database, trainees),
    }


def table(s: dict[str, Any]) -> str:
    rows = [
        ("trainees / replicas", f"{s['trainees']} / {s['replicas']}"),
        ("fake LLM latency per call", f"{s['llm_latency_s']:.2f} s"),
        ("completed sessions", f"{s['completed_sessions']} of {s['trainees']}"),
        ("sessions per minute", f"{s['sessions_per_minute']}"),
        ("turn time p50 / p95", f"{s['turn_s']['p50']} / {s['turn_s']['p95']} s"),
        (
            "added latency p50 / p95",
            f"{s['added_latency_s']['p50']} / {s['added_latency_s']['p95']} s",
        ),
        ("  one trainee alone, p50", f"{s['baseline_added_latency_s']['p50']} s"),
        ("  grading on a replica, p50", f"{s['server_grade_s']['p50']} s"),
        ("LLM calls per turn (mean)", f"{s['llm_calls_per_turn']['mean']}"),
        ("errors", f"{s['errors']}"),
        ("lost / duplicated turns", f"{s['lost_turns']} / {s['duplicated_turns']}"),
        ("wall time", f"{s['wall_s']} s"),
    ]
    width = max(len(k) for k, _ in rows)
    return "\n".join(f"{k:<{width}}  {v}" for k, v in rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trainees", type=int, default=20)
    parser.add_argument("--replicas", type=int, default=2)
    parser.add_argument("--latency", type=float, default=1.0, help="fake LLM seconds per call")
    parser.add_argument("--ramp", type=float, default=0.5, help="seconds between trainee starts")
    parser.add_argument(
        "--patience", type=float, default=600.0, help="seconds before a wait gives up"
    )
    parser.add_argument("--out", type=Path, help="also write the JSON summary here")
    parser.add_argument("--shots", type=Path, help="a folder for screenshots of failed visits")
    args = parser.parse_args(argv)
    # A plain `kill` must still stop the replicas and the database server (ExitStack).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    if args.shots:
        args.shots.mkdir(parents=True, exist_ok=True)
    with ExitStack() as stack, tempfile.TemporaryDirectory() as tmp:
        pg = stack.enter_context(running_postgres())
        args.database = pg.create_database("load_test")
        server = stack.enter_context(FakeOpenAIServer())
        server.latency_s = args.latency
        server.responder = customer_line
        config = Path(tmp) / "hotseat.toml"  # no developer config reaches the replicas
        config.write_text("")
        env = {"HOTSEAT_CONFIG": str(config), "HOTSEAT_TIMEOUT": str(args.patience)}
        urls = []
        for r in range(args.replicas):
            folder = Path(tmp) / f"replica-{r}"
            folder.mkdir()
            app = streamlit_app(folder, env, server=server, database=args.database)
            urls.append(stack.enter_context(app)[0])
        trainees = [Trainee(i, i % args.replicas) for i in range(args.trainees)]
        warm, wall = asyncio.run(drive(urls, trainees, args.ramp, args.patience, args.shots))
        for w in warm:
            if w.error:
                print(f"warm-up on replica {w.replica} failed: {w.error}", file=sys.stderr)
        summary = summarise(args, trainees, warm[-1], wall, server)
    print(table(summary))
    print(json.dumps(summary, indent=2))
    if args.out:
        args.out.write_text(json.dumps(summary, indent=2) + "\n")
    bad = summary["errors"] + summary["lost_turns"] + summary["duplicated_turns"]
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
