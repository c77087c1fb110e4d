"""Offline trainee bots: replies assembled from phrase banks, varied by seed and turn.

Each reply answers what the customer just asked (in the bot's own style: a date from
`ideal`, a policy from `dismissive`) and mentions the card's facts, so conversations
exercise the persona the way a real rep would, with no LLM.
"""

from __future__ import annotations

import random
from functools import lru_cache
from pathlib import Path
from string import Template
from typing import Any

import yaml

from hotseat import paths
from hotseat.bots.base import BOT_NAMES, BotContext, BotReply
from hotseat.bots.questions import asked, heard_fact
from hotseat.bots.slots import slots
from hotseat.errors import ConfigError

BANK_FILE = "trainee_bots.yaml"


@lru_cache(maxsize=8)
def _load_banks(path: Path) -> dict[str, dict[str, Any]]:
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(
            f"The scripted bots' phrase bank {path} is missing.",
            hint="Restore prompts/trainee_bots.yaml from the repository.",
        ) from None
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path} is not valid YAML: {exc}", hint="Fix the YAML.") from None
    banks = (raw or {}).get("bots") if isinstance(raw, dict) else None
    if not isinstance(banks, dict):
        raise ConfigError(f"{path} has no `bots:` mapping.", hint="See the file's header.")
    missing = [n for n in BOT_NAMES if n not in banks]
    if missing:
        raise ConfigError(
            f"{path} lacks phrase banks for {missing}.", hint="Add a section for every bot name."
        )
    for name, bank in banks.items():
        for section in bank.get("order", []):
            if section != "answer" and not bank.get(section):
                raise ConfigError(
                    f"{path}: bot {name!r} lists section {section!r} in "
                    "`order` but has no phrases for it.",
                    hint=f"Add `{section}:` with at least one line.",
                )
    return banks


def load_banks(prompts_dir: Path | None = None) -> dict[str, dict[str, Any]]:
    folder = Path(prompts_dir or paths.prompts_dir())  # read now, not at import
    return _load_banks(folder.resolve() / BANK_FILE)


class ScriptedBot:
    mode = "scripted"

    def __init__(self, name: str, prompts_dir: Path | None = None) -> None:
        if name not in BOT_NAMES:
            raise ConfigError(f"Unknown trainee bot {name!r}.", hint=f"Use one of {BOT_NAMES}.")
        self.name = name
        self.bank = load_banks(prompts_dir)[name]

    def reply(self, context: BotContext) -> BotReply:
        customer = context.customer_line
        values = slots(context.card, context.seed, context.turn)
        # The opening restates the case; only later lines bring up something new.
        values["heard"] = heard_fact(context.card, customer) if context.turn else ""
        # One generator per reply: the same conversation replays identically.
        rng = random.Random(f"{self.name}/{context.card.id}/{context.seed}/{context.turn}")
        parts: list[str] = []
        for section in self.bank["order"]:
            if section == "answer":
                parts.extend(self._answers(customer, rng))
            elif section == "heard" and not values["heard"]:
                continue
            else:
                parts.append(rng.choice(self.bank[section]))
        text = " ".join(Template(p).safe_substitute(values) for p in parts)
        return BotReply(text=_capitalise_sentences(text))

    def _answers(self, customer: str, rng: random.Random) -> list[str]:
        answers: dict[str, list[str]] = self.bank.get("answers") or {}
        picked: list[str] = []
        for topic in asked(customer):
            options = answers.get(topic) or answers.get("other") or []
            if options:
                line = rng.choice(options)
                if line not in picked:
                    picked.append(line)
        return picked


def _capitalise_sentences(text: str) -> str:
    # Slots such as $problem start lower-case; a sentence must not.
    out = []
    for i, part in enumerate(text.split(". ")):
        out.append(part[:1].upper() + part[1:] if i > 0 or part else part)
    text = ". ".join(out)
    return text[:1].upper() + text[1:]
