"""The mood rule on its own: a table of replies and what they do to the customer."""

from __future__ import annotations

import pytest

from hotseat.engine.mood import Mood, step_mood
from hotseat.personas import get_card
from tests.engine.helpers import CALM_DOWN, GOOD, GREAT, NEUTRAL, TRANSFER, VAGUE, make_grade

CARD = get_card("double-charge")


def _start(card=CARD) -> Mood:
    return Mood.start(card)


def test_good_reply_lowers_anger_and_fear_and_raises_trust() -> None:
    before = _start()
    after = step_mood(before, GOOD, CARD).mood
    assert after.anger < before.anger
    assert after.fear < before.fear
    assert after.trust > before.trust


def test_better_reply_moves_the_mood_further() -> None:
    good = step_mood(_start(), GOOD, CARD).mood
    great = step_mood(_start(), GREAT, CARD).mood
    assert great.anger < good.anger and great.trust > good.trust


@pytest.mark.parametrize("grade", [CALM_DOWN, TRANSFER], ids=["calm_down", "transfer"])
def test_trigger_raises_anger_and_costs_trust(grade) -> None:
    before = _start()
    step = step_mood(before, grade, CARD)
    assert step.mood.anger > before.anger
    assert step.mood.trust < before.trust
    assert step.fired and step.bad


def test_generic_apology_and_vague_promise_do_not_calm() -> None:
    before = _start()
    after = step_mood(before, make_grade(1, 1), CARD).mood
    assert after.anger == before.anger and after.trust == before.trust


def test_fearful_customer_gets_more_afraid_when_triggered() -> None:
    card = get_card("card-fraud")
    assert card.archetype == "fearful"
    trigger = next(iter(card.emotion.triggers))
    before = Mood.start(card)
    after = step_mood(before, make_grade(0, 0, anti=(trigger,)), card).mood
    assert after.fear > before.fear


def test_repeated_deflection_exhausts_patience() -> None:
    mood, end = _start(), None
    steps = 0
    while end is None:
        step = step_mood(mood, TRANSFER, CARD)
        mood, end = step.mood, step.end_state
        steps += 1
    assert end in ("demands_supervisor", "hangs_up")
    assert steps <= CARD.end_conditions.patience


def test_neutral_reply_neither_spends_nor_restores_patience() -> None:
    once = step_mood(_start(), VAGUE, CARD).mood
    assert once.bad_streak == 1
    assert step_mood(once, NEUTRAL, CARD).mood.bad_streak == 1
    assert step_mood(once, GOOD, CARD).mood.bad_streak == 0


def test_calm_without_a_concrete_step_is_not_resolved() -> None:
    mood = Mood(anger=0, fear=0, trust=10)
    assert step_mood(mood, make_grade(4, 2), CARD).end_state is None
    assert step_mood(mood, make_grade(4, 3), CARD).end_state == "resolved"


def test_turn_limit_ends_the_call() -> None:
    mood = _start().model_copy(update={"replies": CARD.end_conditions.max_turns - 1})
    assert step_mood(mood, NEUTRAL, CARD).end_state == "turn_limit"


def test_mood_stays_within_zero_and_ten() -> None:
    mood = Mood(anger=9.9, fear=9.9, trust=0.1)
    after = step_mood(mood, CALM_DOWN, CARD).mood
    assert after.anger == 10 and after.trust == 0
    calm = step_mood(Mood(anger=0.1, fear=0.1, trust=9.9), GREAT, CARD).mood
    assert calm.anger == 0 and calm.trust == 10


def _good_replies_to_resolve(difficulty: str) -> int:
    card = get_card("double-charge", difficulty)
    mood = Mood.start(card)
    for n in range(1, 30):
        step = step_mood(mood, GOOD, card)
        if step.end_state == "resolved":
            return n
        assert step.end_state is None
        mood = step.mood
    raise AssertionError("never resolved")


def test_difficulty_changes_how_many_good_replies_are_needed() -> None:
    easy, standard, hard = (_good_replies_to_resolve(d) for d in ("easy", "standard", "hard"))
    assert easy < standard < hard


def test_hard_walks_away_sooner_and_flares_harder() -> None:
    easy, hard = get_card("double-charge", "easy"), get_card("double-charge", "hard")
    assert hard.end_conditions.patience < easy.end_conditions.patience
    middle = Mood(anger=4, fear=4, trust=4)  # away from the ceiling, so rises compare
    assert (
        step_mood(middle, CALM_DOWN, hard).mood.anger
        > step_mood(middle, CALM_DOWN, easy).mood.anger
    )


def test_rule_is_deterministic() -> None:
    assert step_mood(_start(), GREAT, CARD) == step_mood(_start(), GREAT, CARD)


def test_furious_customer_hangs_up_on_a_second_bad_reply() -> None:
    furious = Mood(anger=9.5, fear=4, trust=1)
    first = step_mood(furious, CALM_DOWN, CARD)
    assert first.end_state is None and first.mood.anger == 10
    assert step_mood(first.mood, CALM_DOWN, CARD).end_state == "hangs_up"


def _replies_survived(card, grade, limit: int = 10) -> int:
    mood = Mood.start(card)
    for n in range(1, limit + 1):
        step = step_mood(mood, grade, card)
        if step.end_state is not None:
            return n
        mood = step.mood
    return limit


@pytest.mark.parametrize("persona", ["double-charge", "card-fraud", "tier2-transfers"])
def test_easy_forgives_one_generic_reply_and_hard_ends_after_two_bad(persona: str) -> None:
    easy, hard = get_card(persona, "easy"), get_card(persona, "hard")
    first = step_mood(Mood.start(easy), VAGUE, easy)
    # Easy shrugs the first generic reply off: no strike and no extra anger.
    assert not first.bad and first.mood.bad_streak == 0 and first.mood.forgiven == 1
    assert first.mood.anger <= Mood.start(easy).anger
    second = step_mood(first.mood, VAGUE, easy)
    assert second.bad and second.mood.bad_streak == 1  # the next one counts
    assert _replies_survived(easy, VAGUE) >= 3
    assert _replies_survived(hard, VAGUE) <= 2
    # A hostile reply is not forgiven, even on easy.
    assert step_mood(Mood.start(easy), CALM_DOWN, easy).bad
