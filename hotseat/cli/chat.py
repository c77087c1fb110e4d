"""`hotseat chat`: a terminal roleplay against one persona, from a keyboard or a pipe.

Reads one reply per line (`printf 'a\\nb\\n' | hotseat chat --persona ID` scripts it),
streams the customer's lines, and after each reply shows the grade, the mood and the end
state. Every turn is stored as it happens; `--session ID` resumes a stored conversation.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TextIO

from evaluators.grade import Evaluator
from hotseat.engine import Engine, SessionView, TurnOutcome
from hotseat.errors import ConfigError, InputError, ProviderError
from hotseat.personas import DIFFICULTIES
from hotseat.settings import load_settings
from hotseat.store import Store

PROVIDER_TRIES = 2  # one automatic retry of a failed customer line before giving up


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "chat", help="role-play a conversation with an upset customer in the terminal"
    )
    parser.add_argument("--persona", help="persona id (see `hotseat personas list`)")
    parser.add_argument("--difficulty", default="standard", choices=DIFFICULTIES)
    parser.add_argument("--seed", type=int, default=0, help="picks the opening and fallbacks")
    parser.add_argument("--trainee", default="terminal", help="trainee name stored with it")
    parser.add_argument("--session", help="resume this stored session id instead of starting")
    parser.add_argument(
        "--personas-dir",
        type=Path,
        default=None,
        help="folder of persona cards (default: HOTSEAT_PERSONAS_DIR, else the shipped personas/)",
    )
    parser.set_defaults(func=run)


def offline_evaluator() -> Evaluator:
    try:
        from evaluators.offline import OfflineEvaluator
    except ImportError as exc:
        raise ConfigError(
            f"The offline evaluator cannot be loaded ({exc}).",
            hint="Reinstall hotseat with its evaluators package.",
        ) from None
    return OfflineEvaluator()


def run(args: argparse.Namespace) -> int:
    if not args.persona and not args.session:
        raise InputError(
            "Say which customer to talk to.",
            hint="Pass --persona ID (see `hotseat personas list`) or --session ID.",
        )
    settings = load_settings()
    out = sys.stdout
    with Store(settings.db_url) as store:
        engine = Engine(settings, store, offline_evaluator(), personas_dir=args.personas_dir)
        if args.session:
            view = engine.view(args.session)
            _header(view, out)
            for turn in view.transcript:
                who = _who(view) if turn.role == "customer" else "You"
                print(f"{who}: {turn.text}", file=out)
        else:
            view = engine.start(args.trainee, args.persona, args.difficulty, args.seed)
            _header(view, out)
            print(f"{_who(view)}: {view.transcript[0].text}", file=out)
        if view.awaiting == "customer":
            _stream(engine, view, out)
        return _loop(engine, engine.view(view.session_id), sys.stdin, out)


def _loop(engine: Engine, view: SessionView, inp: TextIO, out: TextIO) -> int:
    interactive = inp.isatty()
    while view.awaiting == "agent":
        if interactive:
            out.write("You: ")
            out.flush()
        line = inp.readline()
        if not line:  # end of input: the session stays stored and can be resumed
            break
        if not interactive:
            print(f"You: {line.rstrip()}", file=out)
        try:
            outcome = engine.submit(view.session_id, line.rstrip("\n"))
        except InputError as exc:
            print(f"hotseat: {exc}", file=sys.stderr)
            continue
        _report(outcome, out)
        _stream(engine, view, out)
        view = engine.view(view.session_id)
    _summary(view, out)
    return 0


def _stream(engine: Engine, view: SessionView, out: TextIO) -> None:
    for attempt in range(1, PROVIDER_TRIES + 1):
        out.write(f"{_who(view)}: ")
        out.flush()
        try:
            for piece in engine.stream_customer(view.session_id):
                out.write(piece)
                out.flush()
            out.write("\n")
            return
        except ProviderError as exc:
            out.write("\n")
            if attempt == PROVIDER_TRIES:
                raise ProviderError(
                    f"{exc.message} Your reply is saved.",
                    hint=f"{exc.hint} Resume with: hotseat chat --session {view.session_id}",
                ) from exc
            print(f"hotseat: {exc} (retrying)", file=sys.stderr)


def _header(view: SessionView, out: TextIO) -> None:
    p = view.persona
    print(f"# {p.name} - {p.archetype}, {p.difficulty} - {p.summary}", file=out)
    print(f"# session {view.session_id}; one reply per line, end of input stops.", file=out)


def _who(view: SessionView) -> str:
    return f"Customer ({view.persona.name})"


def _report(o: TurnOutcome, out: TextIO) -> None:
    g = o.grade
    print(f"  grade: empathy {g.empathy}/4, empowerment {g.empowerment}/4 - {g.reason}", file=out)
    if g.anti_patterns:
        print(f"  seen: {', '.join(sorted(g.anti_pattern_names()))}", file=out)
    if g.suggestion:
        print(f"  better: {g.suggestion}", file=out)
    b, a = o.mood_before, o.mood_after
    print(
        f"  mood: anger {a.anger:.1f} ({a.anger - b.anger:+.1f}), "
        f"fear {a.fear:.1f} ({a.fear - b.fear:+.1f}), "
        f"trust {a.trust:.1f} ({a.trust - b.trust:+.1f})",
        file=out,
    )
    end = o.end_state.replace("_", " ") if o.end_state else "none, the conversation goes on"
    print(f"  end state: {end}", file=out)


def _summary(view: SessionView, out: TextIO) -> None:
    t = view.totals
    end = view.end_state.replace("_", " ") if view.end_state else "not ended (resumable)"
    print(
        f"# end: {end}; {t['turns']} turns, {t['prompt_tokens']}+{t['completion_tokens']} "
        f"tokens, ${t['cost_usd']:.4f}; session {view.session_id}",
        file=out,
    )
