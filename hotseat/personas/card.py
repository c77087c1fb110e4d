"""The persona card: one YAML file in `personas/` describes one upset customer.

The card is data a trainer edits, so every model rejects unknown keys (a typo must fail
loudly, not be ignored) and the vocabularies that the engine relies on (anti-pattern and
technique ids, intents) are checked here, where the error can name the field.
"""

from __future__ import annotations

from typing import Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)

from evaluators.grade import ANTI_PATTERNS, TECHNIQUES

Archetype = Literal["angry", "fearful", "escalated"]
Intent = Literal[
    "opening",
    "vent",
    "push_back",
    "reveal",
    "accept",
    "demand_supervisor",
    "hang_up",
    "thank_close",
]
INTENTS: tuple[str, ...] = (
    "opening",
    "vent",
    "push_back",
    "reveal",
    "accept",
    "demand_supervisor",
    "hang_up",
    "thank_close",
)
WalkAway = Literal["demands_supervisor", "hangs_up"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Voice(_Strict):
    style: str = Field(min_length=1, description="how they talk, in a sentence or two")
    quirks: list[str] = Field(default_factory=list, description="verbal habits, pet phrases")
    intensity: int = Field(
        default=3, ge=1, le=5, description="1 restrained .. 5 raw; difficulty overlays shift it"
    )


class HiddenFact(_Strict):
    id: str = Field(pattern=r"^[a-z0-9_]+$")
    fact: str = Field(min_length=1)
    cues: list[str] = Field(
        min_length=1,
        description="words or questions from the agent that draw this fact out "
        "(case-insensitive substrings of the agent's reply)",
    )

    @field_validator("cues")
    @classmethod
    def _lowercase_cues(cls, value: list[str]) -> list[str]:
        cleaned = [c.strip().lower() for c in value]
        if any(not c for c in cleaned):
            raise ValueError("a cue must not be empty")
        return cleaned


class Scenario(_Strict):
    what_happened: str = Field(min_length=1)
    customer_knows: list[str] = Field(min_length=1)
    hidden_facts: list[HiddenFact] = Field(min_length=1)
    resolution_needs: list[str] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique_fact_ids(self) -> Scenario:
        ids = [f.id for f in self.hidden_facts]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise ValueError(f"hidden fact ids must be unique; repeated: {dupes}")
        return self


class Levels(_Strict):
    anger: float = Field(ge=0, le=10)
    fear: float = Field(ge=0, le=10)
    trust: float = Field(ge=0, le=10)


class Sensitivity(_Strict):
    """Multipliers on how far one reply moves the mood (1.0 = the standard customer)."""

    empathy: float = Field(ge=0, le=5)
    empowerment: float = Field(ge=0, le=5)


class Emotion(_Strict):
    start: Levels
    sensitivity: Sensitivity
    triggers: dict[str, float] = Field(
        min_length=1, description="anti-pattern id -> how much anger it adds (0..5)"
    )
    de_escalators: dict[str, float] = Field(
        default_factory=dict, description="technique id -> extra calming (0..5)"
    )

    @field_validator("triggers")
    @classmethod
    def _known_triggers(cls, value: dict[str, float]) -> dict[str, float]:
        return _check_vocabulary(value, ANTI_PATTERNS, "anti-pattern")

    @field_validator("de_escalators")
    @classmethod
    def _known_techniques(cls, value: dict[str, float]) -> dict[str, float]:
        return _check_vocabulary(value, TECHNIQUES, "technique")


def _check_vocabulary(
    value: dict[str, float], known: tuple[str, ...], kind: str
) -> dict[str, float]:
    unknown = sorted(set(value) - set(known))
    if unknown:
        raise ValueError(f"unknown {kind} id(s) {unknown}; use one of {list(known)}")
    bad = sorted(k for k, v in value.items() if not 0 <= v <= 5)
    if bad:
        raise ValueError(f"strengths must be between 0 and 5; check {bad}")
    return value


class Resolve(_Strict):
    """The mood the customer must reach (together with a concrete step) to call it solved."""

    anger_max: float = Field(ge=0, le=10)
    fear_max: float = Field(ge=0, le=10)
    trust_min: float = Field(ge=0, le=10)


class EndConditions(_Strict):
    resolve: Resolve
    patience: int = Field(ge=1, le=10, description="consecutive bad replies before walking away")
    walk_away: WalkAway = Field(description="what they do when patience runs out")
    hang_up_anger: float = Field(
        default=10, ge=0, le=10, description="anger at which a bad reply makes them hang up"
    )
    max_turns: int = Field(ge=2, le=100, description="agent replies before the call ends")
    forgive: int = Field(
        default=0,
        ge=0,
        le=3,
        description="bad replies shrugged off before they count (difficulty overlays set it)",
    )


class Contact(_Strict):
    """One earlier failed contact that an escalated customer remembers."""

    when: str = Field(min_length=1)
    who: str = Field(min_length=1)
    said: str = Field(min_length=1)
    transferred_to: str | None = None


MoodBand = Literal["heated", "calmer"]


class CalmerLines(_Strict):
    """Lines for when the customer has cooled down: still not satisfied, but even."""

    vent: list[str] = Field(min_length=1)
    push_back: list[str] = Field(min_length=1)
    accept: list[str] = Field(min_length=1)
    demand_supervisor: list[str] = Field(min_length=1)
    hang_up: list[str] = Field(min_length=1)


class Lines(_Strict):
    """Lines per intent (and mood band): shown to the model as examples, and said as they
    are when the model's own line fails the voice checks twice."""

    opening: list[str] = Field(min_length=1)
    vent: list[str] = Field(min_length=1)
    push_back: list[str] = Field(min_length=1)
    reveal: list[str] = Field(min_length=1)
    accept: list[str] = Field(min_length=1)
    demand_supervisor: list[str] = Field(min_length=1)
    hang_up: list[str] = Field(min_length=1)
    thank_close: list[str] = Field(min_length=1)
    calmer: CalmerLines

    def for_intent(self, intent: str, band: MoodBand = "heated") -> list[str]:
        if intent not in INTENTS:
            raise ValueError(f"unknown intent {intent!r}; use one of {list(INTENTS)}")
        source: BaseModel = self.calmer if band == "calmer" else self
        lines: list[str] = getattr(source, intent, None) or getattr(self, intent)
        return lines


class Card(_Strict):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$", description="equals the file name stem")
    name: str = Field(min_length=1)
    archetype: Archetype
    summary: str = Field(min_length=1, max_length=160, description="one line for the picker")
    voice: Voice
    scenario: Scenario
    emotion: Emotion
    end_conditions: EndConditions
    # Validated even when absent, so a missing history on an escalated card names 'history'.
    history: list[Contact] = Field(default_factory=list, validate_default=True)
    lines: Lines
    difficulty: str = Field(
        default="standard", description="set by the overlay applied at load time, not in files"
    )

    @field_validator("history")
    @classmethod
    def _escalated_has_history(cls, value: list[Contact], info: ValidationInfo) -> list[Contact]:
        if info.data.get("archetype") == "escalated" and not value:
            raise ValueError(
                "an escalated customer needs the earlier failed contacts they remember "
                "(a list of when, who, said, transferred_to)"
            )
        return value
