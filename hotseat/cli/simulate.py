"""`hotseat simulate --persona ID... --bot NAME... --seeds N [--difficulty D] [--turns T]
[--concurrency C] --out DIR`: trainee bots against personas, resumable.

Writes DIR/conversations.jsonl (one object per finished conversation, appended as each
finishes), DIR/errors.jsonl (failures, retried on the next run) and DIR/simulate.db.
Rerun the same command after a kill to finish the rest. Exit 0 when nothing failed.
With --ray [ADDRESS] (or HOTSEAT_RAY_ADDRESS) Ray workers play the conversations and
this process writes the same files as they finish.
"""

from __future__ import annotations

import argparse
import sys
from contextlib import ExitStack
from functools import partial
from pathlib import Path
from typing import Any

from evaluators.factory import NAMES, make_evaluator
from hotseat.bots import BOT_MODES, BOT_NAMES
from hotseat.errors import InputError
from hotseat.personas import DIFFICULTIES
from hotseat.ray_batch.option import add_ray_option, ray_target
from hotseat.settings import load_settings
from hotseat.simulate import ConversationRecord, SimPlan, run_simulation
from hotseat.simulate.runner import play_in_threads
from hotseat.store import SessionRecord, StoreError
from hotseat.store.lineage import Lineage, open_versions, unnamed_id


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "simulate",
        help="run trainee bots against personas (resumable batch)",
        description="Run every persona x bot x seed conversation; results go to "
        "DIR/conversations.jsonl. Rerun the same command to resume.",
    )
    # action="extend": `--bot a b` and `--bot a --bot b` both mean a and b (the default
    # "store" kept only the last occurrence, silently dropping the others).
    parser.add_argument(
        "--persona",
        nargs="+",
        action="extend",
        required=True,
        metavar="ID",
        help="persona ids, or 'all' (repeatable)",
    )
    parser.add_argument(
        "--bot",
        nargs="+",
        action="extend",
        required=True,
        metavar="NAME",
        help=f"trainee bots ({', '.join(BOT_NAMES)}), or 'all' (repeatable)",
    )
    parser.add_argument(
        "--seeds", type=int, required=True, metavar="N", help="seeds 0..N-1 per persona and bot"
    )
    parser.add_argument("--difficulty", default="standard", choices=DIFFICULTIES)
    parser.add_argument(
        "--turns",
        type=int,
        metavar="T",
        help="stop after T agent replies (default: the card's own limit)",
    )
    parser.add_argument(
        "--concurrency",
        type=int,
        default=4,
        metavar="C",
        help="conversations at once (default 4; with --ray, across the whole cluster); "
        "lower it if rate-limited",
    )
    parser.add_argument(
        "--bot-mode",
        choices=BOT_MODES,
        default="scripted",
        help="scripted (offline phrase banks, default) or llm",
    )
    parser.add_argument(
        "--evaluator",
        choices=NAMES,
        default="offline",
        help="grader of the bot's replies (default offline)",
    )
    parser.add_argument(
        "--lexical",
        action="store_true",
        help="kept for existing scripts: the same offline grader as the default (it has "
        "no cheaper mode since it reads meaning with a learned head)",
    )
    parser.add_argument("--out", type=Path, required=True, metavar="DIR")
    add_ray_option(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if args.lexical and args.evaluator != "offline":
        raise InputError("--lexical applies only to --evaluator offline.")
    settings = load_settings()  # the customer always needs a provider
    plan = SimPlan(
        personas=args.persona,
        bots=args.bot,
        seeds=args.seeds,
        difficulty=args.difficulty,
        turns=args.turns,
        concurrency=args.concurrency,
        bot_mode=args.bot_mode,
    )

    # A partial, not a closure: Ray workers receive it (pickled) and build their own.
    evaluator = partial(make_evaluator, args.evaluator, settings)
    target = ray_target(args.ray)
    execute = play_in_threads
    if target is not None:
        # Imported here: the local path never loads Ray (tests/test_import_graph.py).
        from hotseat.ray_batch.cluster import describe, import_ray

        import_ray()  # first: without Ray installed, say how to install it
        from hotseat.ray_batch.simulate import play_on_ray

        execute = play_on_ray(target)
        print(f"hotseat simulate: playing on {describe(target)}", file=sys.stderr)

    versions: dict[str, set[str]] = {}
    with ExitStack() as stack:
        bar = _progress(stack)
        version_of = _namer(stack, settings.db_url, plan.personas_dir)

        def done(record: ConversationRecord | None, error: dict[str, Any] | None) -> None:
            if record is not None and record.persona_version:
                versions.setdefault(record.persona, set()).add(record.persona_version)
            if error is not None:
                print(
                    f"hotseat simulate: {error['persona']}/{error['bot']}/seed "
                    f"{error['seed']}: {error['type']}: {error['error']}",
                    file=sys.stderr,
                )
            if bar is not None:
                bar.update(1)
                if record is not None:
                    bar.set_postfix_str(f"{record.bot}: {record.end_state}")

        summary = run_simulation(
            plan,
            args.out,
            settings,
            evaluator,
            on_done=done,
            version_of=version_of,
            execute=execute,
        )
    print(
        f"hotseat simulate: {summary.finished} finished, {summary.skipped} already done, "
        f"{summary.failed} failed (of {summary.planned}) -> {args.out}",
        file=sys.stderr,
    )
    if versions:
        named = ", ".join(f"{p} {' / '.join(sorted(v))}" for p, v in sorted(versions.items()))
        print(f"hotseat simulate: persona versions: {named}", file=sys.stderr)
    if summary.failed:
        print("hotseat simulate: rerun the same command to retry the failed ones.", file=sys.stderr)
    return 1 if summary.failed else 0


def _namer(stack: ExitStack, db_url: str, personas_dir: Path):  # -> Callable | None
    """How each conversation's card version is named: the studio's id (v2) from the app's
    database, or the short hash and "unnamed" where nobody named it. An unreachable
    database is not worth failing the run for: the versions go unnamed, and it says so."""
    try:
        store = open_versions(db_url)
    except StoreError as exc:
        print(
            f"hotseat simulate: cannot read the named versions ({exc}); "
            "the report will not name the persona versions.",
            file=sys.stderr,
        )
        return None
    if store is None:
        return lambda session: unnamed_id(session.persona_hash)
    stack.enter_context(store)
    lineage = Lineage(store, personas_dir)

    def name(session: SessionRecord) -> str:
        return lineage.card_id(session)

    return name


def _progress(stack: ExitStack):  # -> tqdm | None
    """A progress bar on an interactive terminal only; pipes and CI logs stay clean."""
    if not sys.stderr.isatty():
        return None
    from tqdm import tqdm

    return stack.enter_context(tqdm(unit="conv", file=sys.stderr, leave=False))
