"""`hotseat doctor`: what is configured, where the weights are, and a one-line generation."""

from __future__ import annotations

import argparse
import time

from hotseat.errors import HotseatError
from hotseat.llm import chat_model
from hotseat.llm.weights import known_models, resolve_weights, verify_file
from hotseat.settings import ROLES, Settings, load_settings
from hotseat.speech import speaker, transcriber
from hotseat.tokens import offline_ready


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("doctor", help="check settings, weights and a generation")
    parser.add_argument("--no-generate", action="store_true", help="skip the test generation")
    parser.add_argument(
        "--verify",
        action="store_true",
        help="re-hash the local weights file (slow for large models)",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    settings = load_settings()
    info = settings.describe()
    print(f"provider        {info['provider']} (setting: {info['provider_setting']})")
    print(f"api key         {info['api_key']}")
    if info["base_url"]:
        print(f"base url        {info['base_url']}")
    for role in ROLES:
        print(f"model {role:<9} {settings.model_for(role)}")
    print(f"database        {info['db_url']}")
    print(f"token counting  {'offline-ready' if offline_ready() else 'NOT ready'}")
    _report_speech(settings)
    ok = True
    if settings.resolved_provider == "local":
        ok = _report_weights(settings, args.verify)
    if ok and not args.no_generate:
        ok = _generate(settings)
    return 0 if ok else 1


def _report_speech(settings: Settings) -> None:
    # Voice is opt-in: a problem here is reported, not a failed check.
    try:
        print(f"voice           {transcriber(settings).name}; {speaker(settings).name}")
    except HotseatError as exc:
        print(f"voice           NOT ready: {exc}")


def _report_weights(settings: Settings, verify: bool) -> bool:
    try:
        path = resolve_weights(settings.local_model, settings.model_cache_dir)
    except HotseatError as exc:
        print(f"weights         MISSING: {exc}")
        return False
    spec = known_models().get(settings.local_model)
    print(f"weights         {path} ({path.stat().st_size / 1e6:,.0f} MB)")
    if verify:
        digest = verify_file(path)
        good = spec is None or digest == spec.sha256
        print(f"sha256          {digest} {'(verified)' if good else '(MISMATCH)'}")
        return good
    return True


def _generate(settings: Settings) -> bool:
    try:
        model = chat_model("customer", settings, max_tokens=24)
        start = time.perf_counter()
        text = "".join(
            str(c.content)
            for c in model.stream(
                [("system", "Answer in one short sentence."), ("human", "Say hello to a trainee.")]
            )
        )
        elapsed = time.perf_counter() - start
    except HotseatError as exc:
        print(f"generation      FAILED: {exc}")
        return False
    print(f"generation      {elapsed:.1f}s: {text.strip()[:120]!r}")
    return True
