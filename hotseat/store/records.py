"""What the store takes and gives back: frozen pydantic records, timestamps in aware UTC."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

Role = Literal["customer", "agent"]
VersionKind = Literal["persona", "prompt"]
VERSION_KINDS: tuple[str, ...] = ("persona", "prompt")


class _Record(BaseModel):
    # NaN or infinity cannot be stored as JSON on PostgreSQL; refuse them at the edge.
    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)


class NewTurn(_Record):
    """One line of the conversation as the engine has it, before it is stored."""

    role: Role
    text: str
    intent: str | None = None
    mood_after: dict[str, float] | None = None  # anger / fear / trust after this turn
    grade: dict[str, Any] | None = None  # a Grade's model_dump(), for agent turns
    prompt_tokens: int = Field(default=0, ge=0)
    completion_tokens: int = Field(default=0, ge=0)
    cost_usd: float = Field(default=0.0, ge=0)
    latency_ms: float = Field(default=0.0, ge=0)
    model: str | None = None
    repaired: bool = False  # a check cut or replaced this generated line
    # The checks that failed while voicing it, in order: role_reversal, out_of_character,
    # too_cooperative, too_long, empty. Several tries can fail before one is kept.
    problems: list[str] = Field(default_factory=list)


class TurnRecord(NewTurn):
    id: int
    session_id: str
    index: int
    created_at: AwareDatetime


class TraineeRecord(_Record):
    id: int
    name: str
    created_at: AwareDatetime


class VersionRecord(_Record):
    kind: VersionKind
    key: str
    content_hash: str
    content: str
    created_at: AwareDatetime


class NewSession(_Record):
    """What a session is made of: the one spelling of its fields, for the store, the engine
    and branching (SessionRecord adds what the store gives it)."""

    model_config = ConfigDict(strict=True)  # a seed of "3" is a bug, not a seed

    trainee_id: int
    persona_id: str
    difficulty: str
    seed: int
    persona_hash: str
    prompt_hash: str
    provider: str
    models: dict[str, str]
    parent_session_id: str | None = None
    branch_turn: int | None = None


class SessionRecord(NewSession):
    model_config = ConfigDict(strict=False)

    id: str
    trainee_name: str
    end_state: str | None  # None while the conversation is running
    mood: dict[str, float] | None
    state: dict[str, Any]
    created_at: AwareDatetime
    updated_at: AwareDatetime
