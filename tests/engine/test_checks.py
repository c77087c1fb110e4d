"""The voice checker: every defect kind on lines that have it, and real customer lines that
must pass (the defective lines are the ones seen from the embedded model in the issue)."""

from __future__ import annotations

import pytest

from hotseat.engine.checks import LineRules, sentence_problem
from hotseat.engine.customer_lines import line_rules
from hotseat.engine.prompts import instruction_texts, load_prompts
from hotseat.engine.release import Release, release, split_sentences
from hotseat.errors import ConfigError
from hotseat.paths import personas_dir
from hotseat.personas import get_card
from hotseat.personas.card import INTENTS
from hotseat.personas.catalog import load_catalog

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


@pytest.mark.parametrize(
    ("section", "message"),
    [
        ({"move_similarity": 1.5}, r"move_similarity must be a number from 0 to 1 \(got 1.5\)"),
        ({"move_similarity": "high"}, r"move_similarity must be a number"),
        ({"said_as_written": ["reveal", "shout"]}, r"said_as_written has \['shout'\]"),
        ("reveal", r"embedded_model must be a mapping"),
    ],
)
def test_a_bad_embedded_model_section_is_named_even_for_a_cloud_model(section, message) -> None:
    """The studio validates the file without the embedded model's encoder: a bad value must
    still be caught there, not when a trainee's call reaches it."""
    data = {**load_prompts().checks, "embedded_model": section}
    with pytest.raises(ConfigError, match=message):
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
    rules = RULES.for_turn(agent)
    result = Release()
    line = (
        "It's not the modem, it's the line. I'm booking an engineer for 8am tomorrow "
        "and I'll call you at 10 to confirm."
    )
    pieces = list(release(_words(line), "push_back", rules, result))
    assert "".join(pieces) == "It's not the modem, it's the line."
    assert result.problem == "echo"
    # Quoting a few of the agent's words back is what customers do, and is fine.
    ok = Release()
    list(release(_words("You said 8am tomorrow. You'd better mean it."), "push_back", rules, ok))
    assert ok.problem is None


INSULIN = get_card("insulin-refill")
INSULIN_RULES = LineRules.from_data(load_prompts().checks, INSULIN)


def _problem(line: str, intent: str = "vent", rules: LineRules = RULES) -> str | None:
    result = Release()
    list(release(_words(line), intent, rules, result))
    return result.problem


@pytest.mark.parametrize(
    ("line", "kind"),
    [
        ("The agent's response was unhelpful.", "narration"),
        (
            "The agent said it would be fixed while I was on the line, but I don't believe him.",
            "narration",
        ),
        ("I'm not trusting this agent anymore.", "narration"),
        ("The representative keeps stalling me.", "narration"),
        ("Thank you, Tom.", "invented_name"),
        ("I appreciate your concern, Grace.", "invented_name"),
        ("I feel angry, frustrated, scared and betrayed.", "emotion_list"),
        ("I am not upset, but I am angry.", "contradiction"),
        ("As the customer, I expect better.", "out_of_character"),
        ("*sighs* Fine.", "out_of_character"),
        ("Fine. I tell you something you have not heard yet.", "leak"),
        ("I was charged $500 on top of everything.", "fact_conflict"),
        ("I'm sorry, but I can't approve it.", "role_reversal"),
    ],
)
def test_defective_lines_are_caught_with_their_kind(line: str, kind: str) -> None:
    rules = RULES.for_turn("I hear you.", instruction=instruction_texts(load_prompts()))
    assert _problem(line, "vent", rules) == kind


@pytest.mark.parametrize("line", ["Oh no, Lucia.", "I know, Lucia.", "Lucia is scared."])
def test_the_customer_naming_themselves_is_caught(line: str) -> None:
    assert _problem(line, "vent", INSULIN_RULES) == "own_name"


@pytest.mark.parametrize(
    "line",
    [
        "My name is Lucia Ferreira, and my son has two days of insulin left.",
        "The last agent hung up on me.",
        "The agent I spoke to on Monday promised a callback.",
        "Look, I need this today.",
        "Thanks for nothing, Sam.",  # the agent introduced themselves as Sam
        "Mateo has forty units left.",
        "That's twelve hundred and forty dollars, $1,240, gone twice.",
        "I'm angry and I'm scared.",
    ],
)
def test_real_customer_lines_pass(line: str) -> None:
    rules = INSULIN_RULES if "Lucia" in line or "Mateo" in line else RULES
    rules = rules.for_turn("I'm Sam. I hear you.", instruction=instruction_texts(load_prompts()))
    assert _problem(line, "vent", rules) is None


def test_a_name_the_agent_gave_may_be_used() -> None:
    rules = RULES.for_turn("This is Grace from billing. I'll fix it.")
    assert _problem("I appreciate that, Grace.", "vent", rules) is None


def test_repeating_an_earlier_line_or_nearly_is_caught() -> None:
    earlier = ["You took my rent money twice. Fix it now."]
    rules = RULES.for_turn("I understand.", earlier_customer=earlier)
    assert _problem("You took my rent money twice.", "vent", rules) == "repeat"
    assert _problem("You took my rent money twice!!", "vent", rules) == "repeat"
    assert _problem("You took my money twice, my rent money.", "vent", rules) == "repeat"
    assert _problem("I want a date for the refund.", "vent", rules) is None


@pytest.mark.parametrize(
    ("line", "intent"),
    [
        ("Get me your supervisor.", "accept"),
        ("The anger is still there. I'm not going to give them that.", "thank_close"),
        ("You're so unfair. I should have known.", "thank_close"),
        ("Thank you for your help.", "hang_up"),
        ("Thanks, I appreciate it.", "demand_supervisor"),
    ],
)
def test_lines_that_contradict_the_intent_are_caught(line: str, intent: str) -> None:
    assert _problem(line, intent) == "wrong_intent"


def test_sarcastic_thanks_while_hanging_up_is_in_character() -> None:
    assert _problem("Thanks for nothing. I'm calling my bank.", "hang_up") is None


def test_a_direct_question_must_be_answered_first_when_the_intent_allows() -> None:
    rules = INSULIN_RULES.for_turn("Which pharmacy do you use?")
    dodge = "I can't do that yet. I need to know the date of the last vial."
    assert _problem(dodge, "push_back", rules) == "unanswered"
    assert _problem("The pharmacy on Elm Street. Why?", "push_back", rules) is None
    assert _problem("It's the CVS by the school. Can you fix it?", "push_back", rules) is None
    # Walking away leaves no room to answer; a statement is not a question.
    assert _problem("Forget it, I'm done with you people.", "hang_up", rules) is None
    statement = INSULIN_RULES.for_turn("I've found your son's file.")
    assert _problem("When will the insulin be ready?", "push_back", statement) is None


def test_the_repair_instruction_names_the_defect() -> None:
    assert "the agent" in RULES.repair_for("narration").lower()
    assert RULES.repair_for("no such kind") == RULES.repair_for("empty")


def _all_lines(card):
    for intent in INTENTS:
        for band in ("heated", "calmer"):
            for line in card.lines.for_intent(intent, band):
                yield intent, line


@pytest.mark.parametrize("persona", sorted(load_catalog(personas_dir()).cards))
def test_every_cards_written_lines_pass_the_checks_for_their_intent(persona: str) -> None:
    """The fallback is said when the model failed twice: it must never be a defect itself."""
    card = get_card(persona)
    rules = LineRules.from_data(load_prompts().checks, card).for_turn(
        "Okay.", instruction=instruction_texts(load_prompts())
    )
    failures = [
        (intent, line, problem)
        for intent, line in _all_lines(card)
        # Trainers may write a longer line on purpose; only the model is held to three.
        if (problem := _problem(line, intent, rules)) not in (None, "too_long")
    ]
    assert failures == []


def test_youre_welcome_is_the_agents_line_unless_the_agent_thanked() -> None:
    unthanked = RULES.for_turn("I've opened a case for the second charge.")
    assert _problem("You're welcome! Thanks for your help.", "thank_close", unthanked) == (
        "role_reversal"
    )
    thanked = RULES.for_turn("Thank you for your patience, I've refunded it.")
    assert _problem("You're welcome. Is it really done?", "accept", thanked) is None


REFUNDING = "I'm refunding the second charge right now and I'll email you the reference."


@pytest.mark.parametrize(
    "line",
    [
        # Seen from the embedded model in the app, right after the reply above.
        "Your mistake is making me short on rent, and I don't understand why you're not "
        "refunding the charges.",
        "So you're refusing to refund me?",
        "You never refund anything.",
    ],
)
def test_denying_what_the_agent_just_did_is_rejected(line: str) -> None:
    rules = RULES.for_turn(REFUNDING)
    assert sentence_problem(line, "push_back", rules, first=False) == "denies_action"


@pytest.mark.parametrize(
    ("agent", "line"),
    [
        # The agent refused: the customer may say so.
        ("I'm not able to refund that, it's our policy.", "Why aren't you refunding it?"),
        ("I can't refund it today.", "So you're not refunding it?"),
        # The agent acted: doubt or a deadline is fine, denial is not what they say.
        (REFUNDING, "Fine. When will the refund actually land?"),
        (REFUNDING, "I'll believe it when I see the money back."),
    ],
)
def test_doubt_or_a_refusal_the_agent_made_passes(agent: str, line: str) -> None:
    rules = RULES.for_turn(agent)
    assert sentence_problem(line, "push_back", rules, first=False) is None


def test_customer_saying_sorry_to_hear_is_the_agents_line() -> None:
    pieces, result = _release("I'm sorry to hear this, but I still feel upset.")
    assert pieces == [] and result.problem == "role_reversal"


def _embedded(card: str, intent: str, agent: str):
    return line_rules(load_prompts(), get_card(card), intent, [agent], [], embedded=True)


@pytest.mark.parametrize(
    ("card", "intent", "line"),
    [
        # Lines the 1.5B model wrote (pilot run, labelled defective by reading): fluent,
        # in the first person, and no pattern fires on them.
        ("insulin-refill", "push_back", "I had to be careful."),
        ("insulin-refill", "vent", "I know."),
        ("terminal-down", "thank_close", "I didn't have that machine."),
        ("insulin-refill", "demand_supervisor", "I am so disappointed."),
    ],
)
def test_the_meaning_check_turns_away_lines_that_do_not_make_the_move(
    card: str, intent: str, line: str
) -> None:
    rules = _embedded(card, intent, "What matters most to you right now?")
    assert _problem(line, intent, rules) == "off_line"
    # Only the embedded model is held to it.
    cloud = line_rules(load_prompts(), get_card(card), intent, ["Hm?"], [], embedded=False)
    assert _problem(line, intent, cloud) != "off_line"


@pytest.mark.parametrize(
    ("card", "intent", "line"),
    [
        # The model's own words for the move (pilot run, labelled fine).
        ("insulin-refill", "demand_supervisor", "I need to speak to someone who can. Today."),
        ("terminal-down", "hang_up", "I'll put a sign up and sort it myself."),
        ("double-charge", "push_back", "Fine, but when exactly do I get my money back?"),
    ],
)
def test_the_meaning_check_keeps_the_move_said_in_other_words(
    card: str, intent: str, line: str
) -> None:
    assert _problem(line, intent, _embedded(card, intent, "I understand.")) is None


def test_yes_or_no_to_a_question_nobody_asked_is_caught() -> None:
    open_question = INSULIN_RULES.for_turn("I hear you. What worries you most about this?")
    assert _problem("Yes, my card is blocked.", "push_back", open_question) == "unasked_yes_no"
    assert _problem("No, the card is not blocked.", "push_back", open_question) == (
        "unasked_yes_no"
    )
    closed = INSULIN_RULES.for_turn("Is the pharmacy the CVS on Elm Street?")
    assert (
        _problem("Yes, the one by the school. When will it be ready?", "push_back", closed) is None
    )
    # "Okay" opens good lines as often as bad ones: it is left alone.
    assert _problem("Okay, but when exactly?", "push_back", open_question) is None
