"""Voice one customer line: stream it through the checks, repair once, else fall back.

A first try whose opening sentence fails is regenerated once, with a one-line repair
instruction for its defect added to the turn; if that fails too, or its defect is one a
repair note does not fix (drifting off the move's meaning), the card's written line for
the intent and mood band is used, so a model that keeps slipping still yields a customer
who says the right thing. Moves the prompts mark as said as written (telling a hidden
fact: the small model garbles facts it must retell) skip the model altogether.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import BaseMessage, HumanMessage

from hotseat.engine.checks import LineRules
from hotseat.engine.release import Release, release
from hotseat.tokens import usage_and_cost

ATTEMPTS = 2  # the first try plus one repair
FALLBACK = "fallback"  # recorded in `problems` when the card's written line was used
AS_WRITTEN = "as_written"  # recorded when the move is said as written, by design


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


def with_repair(messages: Sequence[BaseMessage], note: str) -> list[BaseMessage]:
    """The same prompt with the repair note at the end of the last message (the cached
    prefix before it is unchanged, so a local model does not reprocess it)."""
    *head, last = messages
    return [*head, HumanMessage(f"{last.content}\n({note})")]


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
    if intent in rules.said_as_written:
        line.text = fallback
        line.problems.append(AS_WRITTEN)
        yield fallback
        return
    prompt = list(messages)
    for _ in range(ATTEMPTS):
        result = Release()
        seen: list[str] = []
        yield from release(_chunks(model, prompt, seen), intent, rules, result)
        # Pay for what the model produced, including text the checks threw away.
        usage = usage_and_cost(prompt, "".join(seen), model_name)
        line.prompt_tokens += usage.prompt_tokens
        line.completion_tokens += usage.completion_tokens
        line.cost_usd += usage.cost_usd
        if result.problem is not None:
            line.problems.append(result.problem)
            line.repaired = True
        if not result.rejected:
            line.text = result.text
            return
        if result.problem in rules.no_repair:
            break
        prompt = with_repair(messages, rules.repair_for(result.problem or "empty"))
    line.text = fallback
    line.fallback = True
    line.problems.append(FALLBACK)
    yield fallback
