"""The intent policy: what the customer does next follows from state, not from politeness."""

from __future__ import annotations

from hotseat.engine.intent import decide_intent
from hotseat.engine.mood import Mood, MoodStep, step_mood
from hotseat.personas import get_card
from tests.engine.helpers import GOOD, NEUTRAL, TRANSFER, VAGUE, make_grade

CARD = get_card("double-charge")


def _decide(grade, reply: str, mood: Mood | None = None, revealed: list[str] | None = None):
    step = step_mood(mood or Mood.start(CARD), grade, CARD)
    return decide_intent(CARD, step, grade, reply, revealed or [])


def test_vague_promise_gets_push_back() -> None:
    assert _decide(make_grade(2, 1, anti=()), "I'll see what I can do.").intent == "push_back"


def test_right_question_reveals_the_matching_hidden_fact() -> None:
    choice = _decide(make_grade(3, 2), "Has this caused any overdraft fees at your bank?")
    assert (choice.intent, choice.fact_id) == ("reveal", "overdraft")


def test_revealed_fact_is_not_revealed_twice() -> None:
    choice = _decide(make_grade(3, 2), "Any overdraft fees?", revealed=["overdraft"])
    assert choice.fact_id != "overdraft"


def test_exploring_question_draws_out_the_next_fact() -> None:
    grade = make_grade(3, 2, tech=("exploring_question",))
    choice = _decide(grade, "What matters most to you right now?", revealed=["landlord_fee"])
    assert (choice.intent, choice.fact_id) == ("reveal", "overdraft")


def test_concrete_step_is_accepted_only_with_enough_trust() -> None:
    trusting = Mood(anger=8, fear=4, trust=3)
    assert _decide(GOOD, "I will refund it today.", mood=trusting).intent == "accept"
    wary = Mood(anger=9, fear=3, trust=0)
    assert _decide(GOOD, "I will refund it today.", mood=wary).intent != "accept"


def test_bad_reply_vents_then_demands_supervisor_when_patience_is_low() -> None:
    assert _decide(TRANSFER, "Let me transfer you.").intent == "vent"
    worn = Mood.start(CARD).model_copy(update={"bad_streak": CARD.end_conditions.patience - 2})
    assert _decide(VAGUE, "We'll look into it.", mood=worn).intent == "demand_supervisor"


def test_end_states_are_voiced() -> None:
    for end, intent in [
        ("resolved", "thank_close"),
        ("demands_supervisor", "demand_supervisor"),
        ("hangs_up", "hang_up"),
        ("turn_limit", "hang_up"),
    ]:
        step = MoodStep(mood=Mood.start(CARD), end_state=end, fired=[], bad=False, good=True)
        assert decide_intent(CARD, step, NEUTRAL, "x", []).intent == intent
