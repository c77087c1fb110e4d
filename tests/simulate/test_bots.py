"""Scripted bots: wording varies by seed, answers come from the card, habits hold."""

from __future__ import annotations

import pytest

from evaluators.grade import GradeRequest
from evaluators.offline import OfflineEvaluator
from hotseat.bots import BOT_NAMES, BotContext, BotTurn, make_bot
from hotseat.bots.questions import asked
from hotseat.errors import ConfigError
from hotseat.personas import get_card

ASK_DATE = "When do I get my money back? Give me a date."


def _reply(
    bot: str, seed: int, line: str = ASK_DATE, persona: str = "double-charge", turn: int = 0
) -> str:
    card = get_card(persona, "standard")
    ctx = BotContext(card=card, history=[BotTurn(role="customer", text=line)], seed=seed, turn=turn)
    return make_bot(bot).reply(ctx).text


@pytest.mark.parametrize("bot", BOT_NAMES)
def test_wording_varies_by_seed_and_repeats_per_seed(bot: str) -> None:
    replies = {_reply(bot, seed) for seed in range(6)}
    assert len(replies) >= 2
    assert _reply(bot, 3) == _reply(bot, 3)


def test_ideal_answers_the_date_from_the_card() -> None:
    # double-charge: rent goes out Friday; the card's resolution needs say "before Friday".
    text = _reply("ideal", 0)
    assert "before Friday" in text
    assert "Dana" in text


def test_cold_efficient_answers_the_reference_question() -> None:
    text = _reply("cold_efficient", 1, "What's the reference number?")
    assert "Your reference number is DC-" in text


def test_dismissive_answers_a_date_with_policy() -> None:
    assert "business days" in _reply("dismissive", 0)


def test_question_topics() -> None:
    assert asked("When do I get my money back? Give me a date.") == ["when"]
    assert asked("Put your supervisor on. Now.") == ["supervisor"]
    assert asked("I clicked pay once. Once.") == []


@pytest.mark.parametrize(
    ("bot", "check"),
    [
        ("dismissive", lambda g: g.empowerment <= 1 and g.anti_patterns),
        ("transfer", lambda g: "transfer" in g.anti_pattern_names()),
        ("scripted_apology", lambda g: g.empathy <= 1 and g.empowerment <= 1),
        ("warm_powerless", lambda g: g.empathy >= 3),
        # Efficient and cold: told apart from warm and powerless by the gap between axes.
        ("cold_efficient", lambda g: g.empathy <= 1 and g.empowerment >= g.empathy + 2),
        ("ideal", lambda g: g.empathy >= 2 and g.empowerment >= 3),
    ],
)
def test_each_bot_shows_its_habit_to_the_offline_grader(bot, check) -> None:
    grader = OfflineEvaluator()
    for persona in ("double-charge", "internet-outage", "card-fraud"):
        card = get_card(persona, "standard")
        line = card.lines.opening[0]
        grade = grader.grade(GradeRequest(customer=line, reply=_reply(bot, 2, line, persona)))
        assert check(grade), (persona, grade)


def test_unknown_bot_and_mode_are_refused() -> None:
    with pytest.raises(ConfigError, match="Unknown trainee bot"):
        make_bot("rude")
    with pytest.raises(ConfigError, match="bot mode"):
        make_bot("ideal", "magic")
