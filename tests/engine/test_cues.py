"""Hidden-fact cues match whole words, so ordinary words don't reveal facts by accident."""

from __future__ import annotations

import pytest

from hotseat.engine.intent import _mentions


@pytest.mark.parametrize(
    ("text", "cue", "expected"),
    [
        ("is there an overdraft fee?", "fee", True),
        ("were there any fees on it?", "fee", True),
        ("i know how you feel", "fee", False),
        ("are you happy with that?", "app", False),
        ("can you use the app on your phone?", "app", True),
        ("when is your rent due?", "rent", True),
        ("what is the current status?", "rent", False),
        ("i can see you are upset", "ups", False),
        ("did you get a confirmation email?", "confirmation email", True),
    ],
)
def test_cue_matching_is_by_whole_word(text: str, cue: str, expected: bool) -> None:
    assert _mentions(text, cue) is expected
