"""Count what each LLM call of a grade cost: tokens from the provider, priced per model.

Token counts come from the response (LangChain's `usage_metadata`, else the OpenAI
`token_usage` block). The embedded model reports none, so its text is counted locally,
the same way the engine prices a customer line (hotseat.tokens.usage_and_cost).
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import Any

from evaluators.grade import Usage
from hotseat.tokens import cost, usage_and_cost


def model_name(model: Any) -> str:
    """The configured model name of a LangChain chat model ('' when it has none)."""
    name = getattr(model, "model_name", None) or getattr(model, "model", None)
    return name if isinstance(name, str) else ""


def _reported(message: Any) -> tuple[int, int] | None:
    meta = getattr(message, "usage_metadata", None)
    if meta:
        return int(meta.get("input_tokens", 0)), int(meta.get("output_tokens", 0))
    token_usage = (getattr(message, "response_metadata", None) or {}).get("token_usage")
    if token_usage:
        return (
            int(token_usage.get("prompt_tokens", 0)),
            int(token_usage.get("completion_tokens", 0)),
        )
    return None


class UsageMeter:
    """Adds up the calls made for one grade; one meter per grade (thread-safe)."""

    def __init__(self) -> None:
        self._total = Usage()
        self._lock = threading.Lock()

    def add(self, message: Any, prompt: Sequence[Any], model: str) -> None:
        # A dated snapshot ("gpt-4.1-2025-04-14") from the response prices as its family.
        name = (getattr(message, "response_metadata", None) or {}).get("model_name") or model
        reported = _reported(message)
        if reported is None:
            text = message.content if isinstance(message.content, str) else str(message.content)
            counted = usage_and_cost(prompt, text, name)
            usage = Usage(
                prompt_tokens=counted.prompt_tokens,
                completion_tokens=counted.completion_tokens,
                cost_usd=counted.cost_usd,
            )
        else:
            usd, _priced = cost(name, *reported)
            usage = Usage(prompt_tokens=reported[0], completion_tokens=reported[1], cost_usd=usd)
        with self._lock:
            self._total = self._total + usage

    @property
    def total(self) -> Usage:
        with self._lock:
            return self._total
