"""The mood rule: one graded reply in, the customer's new mood and end state out.

Pure and deterministic so it can be tested as a table and replayed (branching rebuilds a
session's state by running the rule again over stored grades). Difficulty is already
inside the card: the overlay scaled sensitivities, triggers, thresholds and patience.

Scale: a grade level of 1 (generic apology, vague promise) moves nothing; 0 makes it
worse; 2-4 calm progressively. Anti-patterns the card lists as triggers add anger (and
fear for a fearful customer) on top, and cost trust.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from evaluators.grade import Grade
from hotseat.personas.card import Card, MoodBand

EndState = Literal["resolved", "demands_supervisor", "hangs_up", "turn_limit"]
END_STATES: tuple[str, ...] = ("resolved", "demands_supervisor", "hangs_up", "turn_limit")

# How one unit of (grade - 1) moves each level, before the card's sensitivity. Empathy
# mostly soothes anger and fear; empowerment mostly builds trust (and cools anger).
EMPATHY_WEIGHTS = {"anger": 0.6, "fear": 0.6, "trust": 0.3}
EMPOWERMENT_WEIGHTS = {"anger": 0.5, "fear": 0.3, "trust": 0.6}
TRIGGER_TRUST_COST = 0.5  # trust lost per unit of trigger strength
FEARFUL_TRIGGER_FEAR = 0.6  # a frightened customer gets more frightened, not only angrier
NEUTRAL_LEVEL = 1
HANG_UP_STREAK = 2
# Vague or hollow commitments: the customer pushes back on them rather than merely vents,
# and an easy customer forgives the first one (a generic reply, not a hostile one).
HOLLOW = frozenset({"false_promise", "call_back_later", "generic_script"})


class Mood(BaseModel):
    """The customer's emotional state plus how close they are to walking away."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    anger: float = Field(ge=0, le=10)
    fear: float = Field(ge=0, le=10)
    trust: float = Field(ge=0, le=10)
    bad_streak: int = Field(default=0, ge=0, description="consecutive bad replies")
    replies: int = Field(default=0, ge=0, description="agent replies graded so far")
    forgiven: int = Field(default=0, ge=0, description="bad replies shrugged off so far")

    @classmethod
    def start(cls, card: Card) -> Mood:
        s = card.emotion.start
        return cls(anger=s.anger, fear=s.fear, trust=s.trust)


class MoodStep(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    mood: Mood
    end_state: EndState | None
    fired: list[str] = Field(description="card triggers this reply set off")
    bad: bool = Field(description="counts against patience")
    good: bool = Field(description="resets patience")


def _clamp(value: float) -> float:
    return round(max(0.0, min(10.0, value)), 2)


CALMER_BELOW = 5.0  # anger and fear both under this: the customer speaks more evenly


def band(mood: Mood) -> MoodBand:
    """Which of the card's lines fit this mood (heated at the start of every call)."""
    return "calmer" if max(mood.anger, mood.fear) < CALMER_BELOW else "heated"


def empathy_level(grade: Grade) -> int:
    """Empathy as the mood feels it: neutral when the message did not call for it."""
    counted = grade.counted_empathy
    return NEUTRAL_LEVEL if counted is None else counted


def is_good(grade: Grade) -> bool:
    return empathy_level(grade) + grade.empowerment >= 5 or grade.empowerment >= 3


def step_mood(mood: Mood, grade: Grade, card: Card) -> MoodStep:
    """Apply one graded agent reply to the mood; decide whether the call ends."""
    emo = card.emotion
    e = (empathy_level(grade) - NEUTRAL_LEVEL) * emo.sensitivity.empathy
    p = (grade.empowerment - NEUTRAL_LEVEL) * emo.sensitivity.empowerment
    anger = mood.anger - EMPATHY_WEIGHTS["anger"] * e - EMPOWERMENT_WEIGHTS["anger"] * p
    fear = mood.fear - EMPATHY_WEIGHTS["fear"] * e - EMPOWERMENT_WEIGHTS["fear"] * p
    trust = mood.trust + EMPATHY_WEIGHTS["trust"] * e + EMPOWERMENT_WEIGHTS["trust"] * p

    seen = grade.anti_pattern_names()
    fired = [name for name in emo.triggers if name in seen]
    for name in fired:
        strength = emo.triggers[name]
        anger += strength
        trust -= TRIGGER_TRUST_COST * strength
        if card.archetype == "fearful":
            fear += FEARFUL_TRIGGER_FEAR * strength

    techniques = grade.technique_names()
    for name, strength in emo.de_escalators.items():
        if name in techniques:
            anger -= strength
            fear -= strength if card.archetype == "fearful" else strength / 2

    bad = bool(fired) or empathy_level(grade) + grade.empowerment <= 2
    # An easy customer shrugs off their first generic reply (no anger from it, no strike)
    # and waits for action; hostile ones (minimising, blame...) and later ones count.
    forgiven = mood.forgiven
    if bad and set(fired) <= HOLLOW and forgiven < card.end_conditions.forgive:
        bad, forgiven = False, forgiven + 1
        anger, fear, trust = mood.anger, mood.fear, mood.trust
    good = not bad and is_good(grade)
    streak = mood.bad_streak + 1 if bad else (0 if good else mood.bad_streak)
    new = Mood(
        anger=_clamp(anger),
        fear=_clamp(fear),
        trust=_clamp(trust),
        bad_streak=streak,
        replies=mood.replies + 1,
        forgiven=forgiven,
    )
    return MoodStep(
        mood=new, end_state=_end_state(new, grade, card, bad), fired=fired, bad=bad, good=good
    )


def _end_state(mood: Mood, grade: Grade, card: Card, bad: bool) -> EndState | None:
    ends = card.end_conditions
    r = ends.resolve
    # Calm alone is not a resolution: the reply must also put a concrete step on the table.
    if (
        not bad
        and grade.empowerment >= 3
        and mood.anger <= r.anger_max
        and mood.fear <= r.fear_max
        and mood.trust >= r.trust_min
    ):
        return "resolved"
    # At the ceiling a second bad reply in a row ends it; one slip alone is survivable.
    if bad and mood.anger >= ends.hang_up_anger and mood.bad_streak >= HANG_UP_STREAK:
        return "hangs_up"
    if mood.bad_streak >= ends.patience:
        return ends.walk_away
    if mood.replies >= ends.max_turns:
        return "turn_limit"
    return None
