"""LLM trainee bots: a chat model plays the rep, told its style by a prompt in prompts/.

The frame (prompts/trainee_common.md) gives the case as the rep sees it; the style
(prompts/trainee_<bot>.md) is the habit under test. Usage is counted for the report.
"""

from __future__ import annotations

from pathlib import Path
from string import Template

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, SystemMessage

from hotseat import paths
from hotseat.bots.base import BOT_NAMES, BotContext, BotReply
from hotseat.errors import ConfigError, MalformedResponse
from hotseat.tokens import usage_and_cost

COMMON_FILE = "trainee_common.md"
HISTORY_TURNS = 12  # the rep needs the thread, not the whole call


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(
            f"Trainee bot prompt {path} is missing.",
            hint="Restore it from the repository's prompts/ folder.",
        ) from None


class LLMBot:
    mode = "llm"

    def __init__(
        self,
        name: str,
        model: BaseChatModel,
        model_name: str,
        prompts_dir: Path | None = None,
    ) -> None:
        if name not in BOT_NAMES:
            raise ConfigError(f"Unknown trainee bot {name!r}.", hint=f"Use one of {BOT_NAMES}.")
        self.name = name
        self.model = model
        self.model_name = model_name
        folder = Path(prompts_dir or paths.prompts_dir())  # read now, not at import
        self.frame = Template(_read(folder / COMMON_FILE))
        self.style = _read(folder / f"trainee_{name}.md").strip()

    def messages(self, context: BotContext) -> list[BaseMessage]:
        card = context.card
        system = self.frame.safe_substitute(
            customer_name=card.name,
            what_happened=" ".join(card.scenario.what_happened.split()),
            needs="\n".join(f"- {n}" for n in card.scenario.resolution_needs),
            style=self.style,
        )
        out: list[BaseMessage] = [SystemMessage(system)]
        for turn in context.history[-HISTORY_TURNS:]:
            # The bot is the assistant: its own past replies are AI turns.
            out.append(AIMessage(turn.text) if turn.role == "agent" else HumanMessage(turn.text))
        return out

    def reply(self, context: BotContext) -> BotReply:
        messages = self.messages(context)
        content = self.model.invoke(messages).content
        text = (
            content
            if isinstance(content, str)
            else "".join(p.get("text", "") if isinstance(p, dict) else str(p) for p in content)
        )
        text = text.strip().strip('"').strip()
        if not text:
            raise MalformedResponse(
                f"The trainee bot {self.name!r} ({self.model_name}) returned an empty reply.",
                hint="Check the trainee model (HOTSEAT_MODEL_TRAINEE).",
            )
        usage = usage_and_cost(messages, text, self.model_name)
        return BotReply(
            text=text,
            prompt_tokens=usage.prompt_tokens,
            completion_tokens=usage.completion_tokens,
            cost_usd=usage.cost_usd,
        )
