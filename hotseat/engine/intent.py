"""The intent policy: what the customer does next, decided by state, not by the model.

The LLM only voices the intent. Deciding it here is what keeps a polite cloud model or a
drifting small model from forgiving the trainee early or never walking away.
"""

from __future__ import annotations

import re

from pydantic import BaseModel, ConfigDict

from evaluators.grade import Grade
from hotseat.engine.mood import HOLLOW, MoodStep
from hotseat.personas.card import Card, Intent

END_INTENT: dict[str, Intent] = {
    "resolved": "thank_close",
    "demands_supervisor": "demand_supervisor",
    "hangs_up": "hang_up",
    "turn_limit": "hang_up",
}
ACCEPT_TRUST_MARGIN = 2.0  # accept a concrete step a little before fully trusting the rep


class IntentChoice(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    intent: Intent
    fact_id: str | None = None  # set when intent is "reveal"


def matching_fact(card: Card, reply: str, revealed: list[str], grade: Grade) -> str | None:
    """The hidden fact the reply draws out: a cue in the reply, else an exploring question."""
    text = reply.lower()
    pending = [f for f in card.scenario.hidden_facts if f.id not in revealed]
    for fact in pending:
        if any(_mentions(text, cue) for cue in fact.cues):
            return fact.id
    if pending and "?" in reply and "exploring_question" in grade.technique_names():
        return pending[0].id
    return None


def _mentions(text: str, cue: str) -> bool:
    # Whole words (plurals allowed): "fee" must not fire on "feel", "app" on "happy".
    return re.search(rf"\b{re.escape(cue)}(?:s|es)?\b", text) is not None


def decide_intent(
    card: Card, step: MoodStep, grade: Grade, reply: str, revealed: list[str]
) -> IntentChoice:
    if step.end_state is not None:
        return IntentChoice(intent=END_INTENT[step.end_state])
    patience_left = card.end_conditions.patience - step.mood.bad_streak
    if step.bad:
        # One more bad reply and they walk: they say so, which is the trainee's last warning.
        return IntentChoice(intent="demand_supervisor" if patience_left <= 1 else "vent")
    fact = matching_fact(card, reply, revealed, grade)
    if fact is not None:
        return IntentChoice(intent="reveal", fact_id=fact)
    trust_needed = card.end_conditions.resolve.trust_min - ACCEPT_TRUST_MARGIN
    if grade.empowerment >= 3 and step.mood.trust >= trust_needed:
        return IntentChoice(intent="accept")
    if grade.empowerment <= 2 or grade.anti_pattern_names() & HOLLOW:
        return IntentChoice(intent="push_back")
    return IntentChoice(intent="vent")
