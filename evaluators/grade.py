"""The one result type every evaluator returns, and the request it grades.

The vocabularies of techniques and anti-patterns are shared with the engine: persona
cards name anti-patterns as mood triggers, so these ids are a contract.
"""

from __future__ import annotations

from typing import Literal, Protocol, runtime_checkable

from pydantic import BaseModel, ConfigDict, Field

from evaluators.rubric import ANTI_PATTERNS, RUBRIC_VERSION, TECHNIQUES

# The vocabularies live in data/rubric.yaml (one owner); re-exported here for callers.
__all__ = ["ANTI_PATTERNS", "RUBRIC_VERSION", "TECHNIQUES"]


class Evidence(BaseModel):
    """One detected technique or anti-pattern, with the words that showed it."""

    model_config = ConfigDict(extra="forbid")

    name: str
    quote: str = Field(description="the words from the reply that show it")


class Turn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    role: Literal["customer", "agent"]
    text: str


class GradeRequest(BaseModel):
    """What an evaluator sees: the customer's last message, the reply, and context."""

    model_config = ConfigDict(extra="forbid")

    customer: str
    reply: str
    history: list[Turn] = Field(default_factory=list)
    scenario: str | None = Field(default=None, description="one-paragraph scenario summary")
    persona_id: str | None = None
    needs: list[str] = Field(
        default_factory=list,
        description="what a real resolution needs (the card's list); "
        "coaching builds its concrete step from it",
    )


class Usage(BaseModel):
    """Tokens and estimated cost of the LLM calls made for one grade (zero offline)."""

    model_config = ConfigDict(extra="forbid")

    prompt_tokens: int = Field(default=0, ge=0)
    completion_tokens: int = Field(default=0, ge=0)
    cost_usd: float = Field(default=0.0, ge=0)

    def __add__(self, other: Usage) -> Usage:
        return Usage(
            prompt_tokens=self.prompt_tokens + other.prompt_tokens,
            completion_tokens=self.completion_tokens + other.completion_tokens,
            cost_usd=self.cost_usd + other.cost_usd,
        )


class Grade(BaseModel):
    model_config = ConfigDict(extra="forbid")

    empathy: int = Field(ge=0, le=4)
    empowerment: int = Field(ge=0, le=4)
    empathy_called_for: bool = True
    techniques: list[Evidence] = Field(default_factory=list)
    anti_patterns: list[Evidence] = Field(default_factory=list)
    injection_flagged: bool = Field(
        default=False, description="the reply addressed the grader; graded on the rest"
    )
    reason: str
    suggestion: str
    evaluator: str = Field(description="which evaluator and path produced it, e.g. combined:llm")
    rubric_version: str = RUBRIC_VERSION
    empathy_spread: float | None = None  # standard deviation over repeats, when repeated
    empowerment_spread: float | None = None
    # Summed over every LLM call for this reply: judge repeats, retries, coaching.
    usage: Usage = Field(default_factory=Usage)

    @property
    def counted_empathy(self) -> int | None:
        """Empathy as it counts: None when the message did not call for it (a calm factual
        question), so chips say "n/a", averages skip it and the mood treats it as neutral."""
        return self.empathy if self.empathy_called_for else None

    def technique_names(self) -> set[str]:
        return {e.name for e in self.techniques}

    def anti_pattern_names(self) -> set[str]:
        return {e.name for e in self.anti_patterns}


@runtime_checkable
class Evaluator(Protocol):
    """Grades one agent reply. Implementations raise HotseatError; never return None."""

    name: str

    def grade(self, request: GradeRequest) -> Grade: ...
