"""What the engine hands to a UI: plain pydantic views, no store or model objects."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from evaluators.grade import Grade
from hotseat.analytics import exam_running
from hotseat.engine.mood import EndState, Mood
from hotseat.engine.state import EngineState
from hotseat.personas import Card
from hotseat.store import SessionRecord, TurnRecord


class _View(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class TurnView(_View):
    index: int
    role: str  # "customer" or "agent"
    text: str
    intent: str | None = None
    grade: Grade | None = None
    mood_after: dict[str, float] | None = None
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cost_usd: float = 0.0
    latency_ms: float = 0.0
    model: str | None = None
    repaired: bool = False
    problems: list[str] = Field(default_factory=list)


class PersonaInfo(_View):
    id: str
    name: str
    archetype: str
    summary: str
    difficulty: str


class SessionView(_View):
    session_id: str
    trainee_name: str
    persona: PersonaInfo
    seed: int
    transcript: list[TurnView]
    mood: Mood
    end_state: EndState | None
    awaiting: str = Field(
        description="'agent' (the trainee's turn), 'customer' (call "
        "stream_customer) or 'nobody' (the conversation is over)"
    )
    repairs: int = Field(description="customer lines repaired or replaced so far")
    role_reversals: int = Field(
        default=0,
        description="customer lines on which the model "
        "spoke as the agent at least once (then cut or replaced)",
    )
    totals: dict[str, Any]
    parent_session_id: str | None = None
    branch_turn: int | None = None
    exam: bool = Field(
        default=False,
        description="started as an exam: grades stay hidden until the conversation ends",
    )

    @property
    def grades_hidden(self) -> bool:
        """An exam still running: no page may show its grades yet."""
        return exam_running(self.exam, ended=self.awaiting == "nobody")


class TurnOutcome(_View):
    session_id: str
    turn_index: int
    grade: Grade
    mood_before: Mood
    mood_after: Mood
    fired: list[str] = Field(description="card triggers this reply set off")
    intent: str = Field(description="what the customer will do next")
    fact_id: str | None = None
    end_state: EndState | None


def turn_view(t: TurnRecord) -> TurnView:
    return TurnView(
        index=t.index,
        role=t.role,
        text=t.text,
        intent=t.intent,
        grade=Grade.model_validate(t.grade) if t.grade else None,
        mood_after=t.mood_after,
        prompt_tokens=t.prompt_tokens,
        completion_tokens=t.completion_tokens,
        cost_usd=t.cost_usd,
        latency_ms=t.latency_ms,
        model=t.model,
        repaired=t.repaired,
        problems=t.problems,
    )


def session_view(
    session: SessionRecord,
    turns: list[TurnRecord],
    state: EngineState,
    card: Card,
    totals: dict[str, Any],
) -> SessionView:
    """What the pages draw of a session: its card, transcript, mood and who speaks next."""
    if state.pending is not None:
        awaiting = "customer"
    elif session.end_state is not None:
        awaiting = "nobody"
    else:
        awaiting = "agent"
    return SessionView(
        session_id=session.id,
        trainee_name=session.trainee_name,
        persona=PersonaInfo(
            id=card.id,
            name=card.name,
            archetype=card.archetype,
            summary=card.summary,
            difficulty=session.difficulty,
        ),
        seed=session.seed,
        transcript=[turn_view(t) for t in turns],
        mood=state.mood,
        end_state=session.end_state,
        awaiting=awaiting,
        repairs=state.repairs,
        role_reversals=sum("role_reversal" in t.problems for t in turns),
        exam=state.exam,
        totals=totals,
        parent_session_id=session.parent_session_id,
        branch_turn=session.branch_turn,
    )
