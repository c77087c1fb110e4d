"""Trainee bots for simulation: six habits, each scripted (offline) or LLM-driven."""

from __future__ import annotations

from pathlib import Path

from hotseat.bots.base import (
    BOT_MODES,
    BOT_NAMES,
    BotContext,
    BotReply,
    BotTurn,
    TraineeBot,
)
from hotseat.bots.scripted import ScriptedBot
from hotseat.errors import ConfigError
from hotseat.settings import Settings


def make_bot(
    name: str,
    mode: str = "scripted",
    settings: Settings | None = None,
    prompts_dir: Path | None = None,
) -> TraineeBot:
    if mode == "scripted":
        return ScriptedBot(name, prompts_dir)
    if mode != "llm":
        raise ConfigError(f"Unknown bot mode {mode!r}.", hint=f"Use one of {BOT_MODES}.")
    if settings is None:
        raise ConfigError(
            "LLM trainee bots need provider settings.",
            hint="Pass settings from load_settings(), or use --bot-mode scripted.",
        )
    from hotseat.bots.llm_bot import LLMBot
    from hotseat.llm import chat_model

    return LLMBot(name, chat_model("trainee", settings), settings.model_for("trainee"), prompts_dir)


__all__ = ["BOT_MODES", "BOT_NAMES", "BotContext", "BotReply", "BotTurn", "TraineeBot", "make_bot"]
