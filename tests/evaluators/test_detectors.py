"""Every technique and anti-pattern detector on positive and negative examples."""

from __future__ import annotations

import pytest

from evaluators.detectors import detect
from evaluators.grade import ANTI_PATTERNS, TECHNIQUES
from evaluators.text import sentences

# (name, reply that shows it, reply that must not trigger it)
TABLE: list[tuple[str, str, str]] = [
    (
        "naming_feeling",
        "I can hear how frightened you are.",
        "Calm down, there's no need to be upset.",
    ),
    (
        "validating",
        "Anyone would be angry about being charged twice.",
        "Your card was charged twice on Monday.",
    ),
    (
        "perspective",
        "With rent due Friday, that leaves you in an awful spot.",
        "The charge posted on Monday.",
    ),
    (
        "exploring_question",
        "What matters most to you in getting this sorted today?",
        "Is there anything else I can help you with?",
    ),
    ("specific_apology", "I'm sorry we took the $412 twice.", "Sorry for any inconvenience."),
    ("ownership", "I'll take care of this myself.", "I can't do anything about that."),
    (
        "concrete_action",
        "I've just reversed the duplicate charge.",
        "You'll need to fill in a refund form.",
    ),
    ("time_frame", "The money will be back within 24 hours.", "Please call back later."),
    ("options", "Would you prefer a text or a call when it's done?", "There are no other options."),
    (
        "personal_follow_up",
        "I'll call you tomorrow at noon to confirm.",
        "Someone will call you next week.",
    ),
    (
        "blame",
        "You should have checked before clicking pay.",
        "You did nothing wrong, and it's not your fault.",
    ),
    (
        "minimising",
        "Calm down, it's not a big deal.",
        "I will not ask you to calm down; you have every right to be angry.",
    ),
    (
        "policy_wall",
        "Our policy does not allow refunds before ten business days.",
        "I'll refund it today.",
    ),
    (
        "transfer",
        "I'll transfer you to the billing department.",
        "I won't transfer you; I'm handling this myself.",
    ),
    ("not_my_job", "That's not my department.", "This is my job and I'll sort it."),
    (
        "call_back_later",
        "Someone will get back to you on Monday.",
        "I'll call you back myself in one hour.",
    ),
    (
        "generic_script",
        "We apologize for any inconvenience this may have caused.",
        "I'm sorry we charged your card twice right before rent.",
    ),
    (
        "sarcasm",
        "Oh great, another person who can't read an email.",
        "Thanks for explaining that so clearly.",
    ),
    (
        "jargon",
        "It's a pre-auth against the MID that drops after the settlement batch.",
        "It's a temporary hold that will disappear by tomorrow.",
    ),
    (
        "false_promise",
        "I guarantee this will never happen again.",
        "I can't promise it will never happen, but here is what I'm doing.",
    ),
]


def _names(reply: str) -> set[str]:
    techniques, anti, _ = detect(sentences(reply))
    return {e.name for e in techniques} | {e.name for e in anti}


def test_table_covers_every_id() -> None:
    assert {row[0] for row in TABLE} == set(TECHNIQUES) | set(ANTI_PATTERNS)


@pytest.mark.parametrize(("name", "positive", "negative"), TABLE, ids=[r[0] for r in TABLE])
def test_detector_fires_on_positive_not_on_negative(
    name: str, positive: str, negative: str
) -> None:
    assert name in _names(positive), f"{name} missed: {positive!r}"
    assert name not in _names(negative), f"{name} fired on: {negative!r}"


def test_evidence_quotes_the_reply() -> None:
    reply = "Our records are clear. I've just reversed the duplicate $412 charge."
    techniques, _, _ = detect(sentences(reply))
    action = next(e for e in techniques if e.name == "concrete_action")
    assert action.quote in reply
    assert "$412" in action.quote


def test_curly_apostrophes_match_like_straight_ones() -> None:
    assert "ownership" in _names("I\u2019ll take care of this myself.")
