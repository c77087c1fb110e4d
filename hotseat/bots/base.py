"""The trainee-bot seam: a bot turns the conversation so far into the agent's next reply."""

from __future__ import annotations

from typing import Literal, Protocol

from pydantic import BaseModel, ConfigDict, Field

from hotseat.personas.card import Card

BOT_NAMES: tuple[str, ...] = (
    "dismissive",
    "transfer",
    "scripted_apology",
    "warm_powerless",
    "cold_efficient",
    "ideal",
)
BotMode = Literal["scripted", "llm"]
BOT_MODES: tuple[str, ...] = ("scripted", "llm")


class BotTurn(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    role: Literal["customer", "agent"]
    text: str


class BotContext(BaseModel):
    """Everything a bot may use: the card (the rep's view of the case), history, seed."""

    model_config = ConfigDict(extra="forbid", frozen=True, arbitrary_types_allowed=True)

    card: Card
    history: list[BotTurn] = Field(min_length=1, description="ends with the customer's line")
    seed: int
    turn: int = Field(ge=0, description="how many agent replies came before this one")

    @property
    def customer_line(self) -> str:
        return next(t.text for t in reversed(self.history) if t.role == "customer")


class BotReply(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    text: str = Field(min_length=1)
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cost_usd: float = 0.0


class TraineeBot(Protocol):
    name: str
    mode: str

    def reply(self, context: BotContext) -> BotReply: ...
