"""The engine's per-session state, stored as the session's `state` JSON after every step.

Everything needed to continue a conversation lives here or in the turns, so a killed
process resumes exactly where it stopped, and a branch can be rebuilt by replay.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from evaluators.grade import Grade
from hotseat.engine.intent import IntentChoice, decide_intent
from hotseat.engine.mood import EndState, Mood, step_mood
from hotseat.personas.card import Card
from hotseat.store import TurnRecord


class Pending(BaseModel):
    """The customer line decided but not yet spoken (stream_customer owes it)."""

    model_config = ConfigDict(extra="forbid")

    intent: str
    fact_id: str | None = None
    end_state: EndState | None = None


class EngineState(BaseModel):
    model_config = ConfigDict(extra="forbid")

    mood: Mood
    revealed: list[str] = Field(default_factory=list)
    fired: list[str] = Field(default_factory=list, description="every trigger set off so far")
    pending: Pending | None = None
    repairs: int = 0
    exam: bool = False  # grades hidden until the end; fixed when the session starts

    @classmethod
    def fresh(cls, card: Card) -> EngineState:
        return cls(mood=Mood.start(card))

    def advance(
        self, card: Card, grade: Grade, reply: str
    ) -> tuple[Mood, list[str], IntentChoice, EndState | None]:
        """Apply one graded reply; returns (mood before, fired, choice, end state)."""
        before = self.mood
        step = step_mood(before, grade, card)
        choice = decide_intent(card, step, grade, reply, self.revealed)
        self.mood = step.mood
        if choice.fact_id and choice.fact_id not in self.revealed:
            self.revealed.append(choice.fact_id)
        self.fired.extend(f for f in step.fired if f not in self.fired)
        self.pending = Pending(
            intent=choice.intent, fact_id=choice.fact_id, end_state=step.end_state
        )
        return before, step.fired, choice, step.end_state


def replay(card: Card, turns: list[TurnRecord]) -> EngineState:
    """Rebuild the state after `turns` by running the rules again over the stored grades."""
    state = EngineState.fresh(card)
    for turn in turns:
        if turn.role == "agent" and turn.grade is not None:
            state.advance(card, Grade.model_validate(turn.grade), turn.text)
        elif turn.role == "customer":
            state.pending = None
            state.repairs += int(turn.repaired)
    return state


def mood_numbers(mood: Mood) -> dict[str, float]:
    return {"anger": mood.anger, "fear": mood.fear, "trust": mood.trust}
