"""Line checks: role reversal, breaking character, over-cooperation, length, labels."""

from __future__ import annotations

import pytest

from hotseat.engine.checks import LineRules, Release, release, split_sentences
from hotseat.engine.prompts import load_prompts
from hotseat.errors import ConfigError
from hotseat.personas import get_card

CARD = get_card("double-charge")
RULES = LineRules.from_data(load_prompts().checks, CARD)


def _release(text: str, intent: str = "vent") -> tuple[list[str], Release]:
    result = Release()
    pieces = list(release(_words(text), intent, RULES, result))
    return pieces, result


def _words(text: str):
    """Chunk like a streaming server does: word by word, keeping the spaces."""
    words = text.split(" ")
    return (w if i == len(words) - 1 else w + " " for i, w in enumerate(words))


@pytest.mark.parametrize(
    "line",
    [
        "How can I help you today?",
        "Thank you for calling, I'll look into that for you.",
        "I understand your frustration and I apologize for the inconvenience.",
        "Let me pull up your account.",
        "I\u2019ll look into that for you right away.",
        # Wordings no fixed phrase lists, caught by agent_patterns (the last one came from a
        # real SmolLM2 chat).
        "I can refund that for you right away.",
        "Let me see what I can do for you.",
        "Thank you for your patience.",
        "I'm so sorry, that's totally understandable.",
        "I'm so sorry you've had to deal with this.",
        "We'll get a new card sent out for you today.",
        "I'll make sure you get that refund by Friday.",
    ],
)
def test_agent_voice_is_rejected(line: str) -> None:
    pieces, result = _release(line)
    assert pieces == [] and result.rejected and result.problem == "role_reversal"


@pytest.mark.parametrize(
    "line",
    [
        "I'm sorry, I'm just so frustrated.",
        "Sorry for shouting, it's been a horrible week.",
        "Thanks for understanding, finally.",
        "Can you refund that for me?",
        "I need you to fix this for me today.",
        "Let me tell you what happened.",
        "I'll transfer the money myself if I have to.",
        "That's understandable, but I need it today.",
        "I can't believe I have to wait for you people again.",
        "Thank you for finally listening.",
    ],
)
def test_upset_customer_lines_pass_the_agent_voice_checks(line: str) -> None:
    pieces, result = _release(line)
    assert "".join(pieces) == result.text == line and result.problem is None


def test_a_broken_agent_pattern_names_the_file_and_the_pattern() -> None:
    data = {**load_prompts().checks, "agent_patterns": ["(unclosed"]}
    with pytest.raises(ConfigError, match=r"customer_checks.yaml: agent_patterns.*unclosed"):
        LineRules.from_data(data, CARD)


def test_breaking_character_is_rejected() -> None:
    _, result = _release("As an AI language model I cannot be upset.")
    assert result.rejected and result.problem == "out_of_character"


def test_gushing_while_still_upset_is_rejected_but_fine_when_closing() -> None:
    assert _release("Thank you so much, that's perfect!", "push_back")[1].rejected
    assert not _release("Thank you so much, that's perfect!", "thank_close")[1].rejected


def test_agent_voice_later_in_the_line_is_cut_off() -> None:
    pieces, result = _release("This is ridiculous. How can I help you with anything else?")
    assert "".join(pieces) == result.text == "This is ridiculous."
    assert not result.rejected and result.problem == "role_reversal"


def test_long_line_is_trimmed_to_three_sentences() -> None:
    pieces, result = _release("One. Two! Three? Four. Five.")
    assert result.text == "One. Two! Three?" and result.problem == "too_long"


def test_empty_line_is_rejected() -> None:
    pieces, result = _release("   ")
    assert pieces == [] and result.rejected and result.problem == "empty"


def test_name_label_and_quotes_are_stripped_without_a_repair() -> None:
    _, result = _release('Dana: "Where is my money?"')
    assert result.text == "Where is my money?" and result.problem is None


def test_stream_is_released_in_whole_sentences() -> None:
    chunks = ["Wh", "ere is ", "my money? I wa", "nt it back."]
    assert list(split_sentences(chunks)) == ["Where is my money?", "I want it back."]


def test_customer_echoing_the_agents_commitment_is_cut() -> None:
    agent = "I'm booking an engineer for 8am tomorrow and I'll call you at 10 to confirm."
    rules = RULES.with_echo(agent)
    result = Release()
    line = (
        "It's not the modem, it's the line. I'm booking an engineer for 8am tomorrow "
        "and I'll call you at 10 to confirm."
    )
    pieces = list(release(_words(line), "push_back", rules, result))
    assert "".join(pieces) == "It's not the modem, it's the line."
    assert result.problem == "role_reversal"
    # Quoting a few of the agent's words back is what customers do, and is fine.
    ok = Release()
    list(release(_words("You said 8am tomorrow. You'd better mean it."), "push_back", rules, ok))
    assert ok.problem is None
