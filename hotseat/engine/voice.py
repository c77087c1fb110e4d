"""Voice one customer line: stream it through the checks, regenerate once, else fall back.

The fallback is the card's own example line for the intent, so a model that keeps
slipping into the agent's voice still yields a customer who says the right thing.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import BaseMessage

from hotseat.engine.checks import LineRules, Release, release
from hotseat.tokens import usage_and_cost

ATTEMPTS = 2  # the first try plus one regeneration


@dataclass
class SpokenLine:
    """Filled in while the line streams; complete once the iterator is exhausted."""

    text: str = ""
    repaired: bool = False
    problems: list[str] = field(default_factory=list)
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cost_usd: float = 0.0
    fallback: bool = False


def _chunks(
    model: BaseChatModel, messages: Sequence[BaseMessage], seen: list[str]
) -> Iterator[str]:
    for chunk in model.stream(list(messages)):
        content = chunk.content
        text = (
            content
            if isinstance(content, str)
            else "".join(
                part.get("text", "") if isinstance(part, dict) else str(part) for part in content
            )
        )
        if text:
            seen.append(text)
            yield text


def speak(
    model: BaseChatModel,
    model_name: str,
    messages: Sequence[BaseMessage],
    intent: str,
    rules: LineRules,
    fallback: str,
    line: SpokenLine,
) -> Iterator[str]:
    """Yield the checked line piece by piece; `line` holds text, repairs and usage after."""
    for _ in range(ATTEMPTS):
        result = Release()
        seen: list[str] = []
        yield from release(_chunks(model, messages, seen), intent, rules, result)
        # Pay for what the model produced, including text the checks threw away.
        usage = usage_and_cost(messages, "".join(seen), model_name)
        line.prompt_tokens += usage.prompt_tokens
        line.completion_tokens += usage.completion_tokens
        line.cost_usd += usage.cost_usd
        if result.problem is not None:
            line.problems.append(result.problem)
            line.repaired = True
        if not result.rejected:
            line.text = result.text
            return
    line.text = fallback
    line.fallback = True
    yield fallback
