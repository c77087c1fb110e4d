"""Customer prompts: rendered from files with mood, intent and memory; flat over 30 turns."""

from __future__ import annotations

from pathlib import Path

from hotseat.engine.intent import IntentChoice
from hotseat.engine.mood import Mood
from hotseat.engine.prompts import PromptTurn, build_messages, load_prompts, prompts_from_content
from hotseat.personas import get_card, load_card
from hotseat.tokens import count_tokens

PERSONAS_DIR = Path(__file__).resolve().parents[2] / "personas"

PROMPTS = load_prompts()
CARD = get_card("double-charge")
MODEL = "gpt-4.1-mini"


LINE = "Do you understand what that means for me?"


def _build(card=CARD, turns=None, choice=None, end=None, budget=1400, mood=None):
    turns = turns or [PromptTurn("customer", "Fix it."), PromptTurn("agent", "I hear you.")]
    return build_messages(
        PROMPTS,
        card,
        mood or Mood.start(card),
        choice or IntentChoice(intent="vent"),
        end,
        turns,
        [],
        MODEL,
        line=LINE,
        budget=budget,
    )


def test_prompt_carries_mood_intent_the_wrapped_reply_and_the_cards_line() -> None:
    msgs = _build()
    system, last = msgs[0].content, msgs[-1].content
    assert "Dana Whitfield" in system and "anger 8.0/10" in last and "furious" in last
    assert '\nThe agent says: "I hear you."' in last  # the wrapper that kept the 1.5B model in role
    assert "Reply as Dana Whitfield to the agent" in last
    assert "That did not help" in last  # the vent move, in the customer's own voice
    # The card's line for the move, as the thing to say (in the model's words or as it is).
    assert f'My line for it (I say it as it is, or in my own words): "{LINE}"' in last


def test_hidden_facts_stay_out_of_the_prompt_in_the_third_person() -> None:
    """The card states hidden facts about the customer ("Her bank already charged..."); a
    1.5B model retold them as "She ..." so they never reach the prompt: the card's reveal
    line is said as written instead (tests/engine/test_session.py)."""
    choice = IntentChoice(intent="reveal", fact_id="overdraft")
    text = " ".join(str(m.content) for m in _build(choice=choice))
    for fact in CARD.scenario.hidden_facts:
        assert " ".join(fact.fact.split()) not in text


def test_end_state_instruction_is_added() -> None:
    msgs = _build(choice=IntentChoice(intent="hang_up"), end="hangs_up")
    assert "I am hanging up now" in msgs[-1].content


def test_escalated_prompt_contains_the_remembered_transfers() -> None:
    card = get_card("tier2-transfers")
    assert card.archetype == "escalated"
    system = _build(card=card)[0].content
    for contact in card.history:
        assert contact.said.split()[0] in system
        if contact.transferred_to:
            assert f"transferred me to {contact.transferred_to}" in system


def test_prompt_tokens_stay_flat_over_thirty_turns() -> None:
    turns: list[PromptTurn] = [PromptTurn("customer", CARD.lines.opening[0])]
    sizes = []
    for n in range(30):
        turns.append(
            PromptTurn(
                "agent",
                f"Reply number {n}: I am sorry about the double "
                "charge and I will look at the account right now.",
            )
        )
        sizes.append(count_tokens(_build(turns=turns, budget=900), MODEL))
        turns.append(
            PromptTurn(
                "customer",
                "That is not good enough. I need the money back "
                "before Friday or my landlord charges me.",
            )
        )
    assert max(sizes) <= 900
    assert max(sizes[15:]) - min(sizes[15:]) < 60  # flat, not growing with the turn count
    assert sizes[-1] < sizes[0] * 3


def test_trimmed_turns_are_summarised() -> None:
    turns = [PromptTurn("customer", "Fix it.")]
    for n in range(20):
        turns += [PromptTurn("agent", f"Reply {n} " * 20), PromptTurn("customer", "No." * 20)]
    turns.append(PromptTurn("agent", "Last."))
    msgs = _build(turns=turns, budget=900)
    assert "Earlier in this conversation" in msgs[0].content
    assert len(msgs) < len(turns) + 1


def test_stored_content_rebuilds_the_same_prompts() -> None:
    again = prompts_from_content(PROMPTS.content)
    assert again.sha256 == PROMPTS.sha256
    assert (
        _build()[0].content
        == build_messages(
            again,
            CARD,
            Mood.start(CARD),
            IntentChoice(intent="vent"),
            None,
            [PromptTurn("customer", "Fix it."), PromptTurn("agent", "I hear you.")],
            [],
            MODEL,
            line=LINE,
        )[0].content
    )


def test_every_card_renders() -> None:
    for path in sorted(PERSONAS_DIR.glob("*.yaml")):
        card = load_card(path)
        for intent in ("vent", "push_back", "accept", "thank_close"):
            assert card.name in _build(card=card, choice=IntentChoice(intent=intent))[0].content


def test_system_prompt_and_past_turns_stay_the_same_from_turn_to_turn() -> None:
    """So a local model's prefix cache covers everything but the newest turn."""
    turns = [PromptTurn("customer", "Fix it."), PromptTurn("agent", "I hear you.")]
    first = _build(turns=turns)
    calmer = Mood(anger=3.0, fear=1.0, trust=6.0)
    later_turns = [*turns, PromptTurn("customer", "Well?"), PromptTurn("agent", "Refund today.")]
    second = build_messages(
        PROMPTS,
        CARD,
        calmer,
        IntentChoice(intent="accept"),
        None,
        later_turns,
        [],
        MODEL,
        line="Okay. What's the reference number?",
    )
    assert second[0].content == first[0].content
    assert "anger 3.0/10" in second[-1].content and "anger 3.0" not in second[0].content
