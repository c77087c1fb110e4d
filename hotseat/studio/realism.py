"""Realism check of one card version: a small simulate run and the key numbers of its report.

Each version (card text plus any edited prompt files) gets its own run folder, named by
its content hash, so a rerun resumes and a finished check is read back instead of
simulated again; A/B compares two folders.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from evaluators.grade import Evaluator
from hotseat import paths
from hotseat.errors import InputError
from hotseat.personas import write_card_dir
from hotseat.report import REPORT_HTML, SUMMARY_JSON, build_report
from hotseat.settings import Settings
from hotseat.simulate import SimPlan, run_simulation
from hotseat.studio.cards import card_problems
from hotseat.studio.prompt_files import prompt_problems, write_prompt_dir
from hotseat.studio.trial import trial_digest
from hotseat.ui.format import percent

# Small on purpose: a trainer waits for it. One bot that must fail, one that must succeed.
DEFAULT_BOTS = ("dismissive", "ideal")
DEFAULT_SEEDS = 2
DEFAULT_TURNS = 6


@dataclass(frozen=True)
class RealismRun:
    card_id: str
    content_hash: str
    folder: Path
    summary: dict[str, Any]

    @property
    def report_html(self) -> Path:
        return self.folder / REPORT_HTML


def run_folder(
    runs_dir: Path, card_id: str, text: str, prompt_edits: Mapping[str, str] | None = None
) -> Path:
    """One folder per (card text, edited prompt files): a rerun resumes, A/B reads it back."""
    digest = trial_digest(text, prompt_edits)
    return Path(runs_dir) / f"{card_id}-{digest[:16]}"


def _fast_evaluator() -> Evaluator:
    # Lexical offline grader: no model load, deterministic, fast enough to wait for.
    from evaluators.offline import OfflineEvaluator

    return OfflineEvaluator()


def load_run(
    runs_dir: Path, card_id: str, text: str, prompt_edits: Mapping[str, str] | None = None
) -> RealismRun | None:
    """The finished check of this exact text (and prompt edits), if one was run."""
    folder = run_folder(runs_dir, card_id, text, prompt_edits)
    path = folder / SUMMARY_JSON
    if not path.is_file():
        return None
    summary = json.loads(path.read_text(encoding="utf-8"))
    return RealismRun(card_id, folder.name.rsplit("-", 1)[-1], folder, summary)


def realism_check(
    card_id: str,
    text: str,
    settings: Settings,
    runs_dir: Path,
    personas_dir: Path,
    *,
    prompts_dir: Path | None = None,
    bots: tuple[str, ...] = DEFAULT_BOTS,
    seeds: int = DEFAULT_SEEDS,
    turns: int = DEFAULT_TURNS,
    concurrency: int = 2,
    prompt_edits: Mapping[str, str] | None = None,
    on_progress: Callable[[int, int], None] | None = None,
) -> RealismRun:
    """Simulate the card `text` against scripted bots and build its report.

    `prompt_edits` (file name -> text) replace published prompt files for this run only:
    a trainer checks an edited customer prompt or phrase bank before publishing it.
    `on_progress(done, planned)` is called after each conversation (finished or failed),
    on the caller's thread, so a page can move a progress bar.
    """
    prompts_dir = prompts_dir or paths.prompts_dir()
    problems = card_problems(card_id, text, personas_dir)
    if problems:
        raise InputError(
            f"This version of {card_id} is not a valid card: {problems[0]}.",
            hint="Fix the card before running a realism check.",
        )
    for name, edited in (prompt_edits or {}).items():
        found = prompt_problems(name, edited, prompts_dir, personas_dir)
        if found:
            raise InputError(
                f"This version of {name} is not valid: {found[0]}.",
                hint="Fix the prompt before running a realism check.",
            )
    folder = run_folder(runs_dir, card_id, text, prompt_edits)
    cards = write_card_dir(folder / "personas", card_id, text, personas_dir)
    if prompt_edits:
        prompts_dir = write_prompt_dir(folder / "prompts", prompts_dir, prompt_edits)
    plan = SimPlan(
        personas=[card_id],
        bots=list(bots),
        seeds=seeds,
        turns=turns,
        concurrency=concurrency,
        bot_mode="scripted",
        personas_dir=cards,
        prompts_dir=prompts_dir,
    )
    planned = len(plan.jobs())
    count = 0

    def one_done(*_: object) -> None:
        nonlocal count
        count += 1
        if on_progress is not None:
            on_progress(min(count, planned), planned)

    result = run_simulation(plan, folder, settings, _fast_evaluator, on_done=one_done)
    if result.finished + result.skipped == 0:
        first = result.errors[0] if result.errors else {}
        raise InputError(
            f"The realism check could not finish a conversation: {first.get('error', '?')}.",
            hint="Check the customer model settings (provider, base URL, key), then rerun.",
        )
    summary = build_report(folder)
    return RealismRun(card_id, folder.name.rsplit("-", 1)[-1], folder, summary)


def key_numbers(summary: dict[str, Any]) -> dict[str, str]:
    """The figures a trainer reads first, formatted, in a fixed order."""
    ends = summary["end_states"]
    overall = ends["overall"]["rates"]
    out: dict[str, str] = {
        "conversations": str(summary["conversations"]),
        "resolved": percent(overall["resolved"]),
        "demanded a supervisor": percent(overall["demands_supervisor"]),
        "hung up": percent(overall["hangs_up"]),
        "turn limit": percent(overall["turn_limit"]),
    }
    for bot, cell in ends["by_bot"].items():
        r = cell["rates"]
        out[f"{bot}: resolved"] = percent(r["resolved"])
        out[f"{bot}: demanded a supervisor"] = percent(r["demands_supervisor"])
        out[f"{bot}: hung up"] = percent(r["hangs_up"])
    for bot, ttr in summary.get("turns_to_resolution", {}).items():
        out[f"{bot}: replies to resolve"] = "–" if ttr["mean"] is None else str(ttr["mean"])
    checks = summary.get("realism", [])
    decided = [c for c in checks if c["passed"] is not None]
    out["realism checks passed"] = f"{sum(bool(c['passed']) for c in decided)}/{len(decided)}"
    for c in checks:
        out[f"check {c['check']}"] = {True: "pass", False: "FAIL", None: "n/a"}[c["passed"]]
    out["cost (USD)"] = f"{summary['cost']['total_usd']:.4f}"
    return out


# The report is written for `hotseat report` users; in the studio its command-line hints
# would send a browser user to a terminal. Each says what to do on this page instead.
_BROWSER_WORDING = (
    (
        "failed conversations still to rerun.",
        "failed conversations: press Run realism check again to retry them.",
    ),
    ("; run --bot dismissive", " in this check"),
    ("; run --bot ideal", " in this check"),
)


def for_browser(html: str) -> str:
    """The report's text as a studio user should read it (no command-line advice)."""
    for cli, page in _BROWSER_WORDING:
        html = html.replace(cli, page)
    return html
