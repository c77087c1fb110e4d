"""Delivery feedback as a table: pace, pauses and fillers from timed words."""

from __future__ import annotations

import pytest

from hotseat.speech.delivery import assess, count_fillers, pace_of, thresholds
from hotseat.speech.transcribe import Transcript, Word


def timed(text: str, per_word: float, gaps: dict[int, float] | None = None) -> Transcript:
    """Words `per_word` seconds apart, with extra silence before the word at each index."""
    words, clock = [], 0.5
    for i, w in enumerate(text.split()):
        clock += (gaps or {}).get(i, 0.0)
        words.append(Word(text=w, start=clock, end=clock + per_word * 0.8))
        clock += per_word
    return Transcript(text=text, duration=clock + 0.5, words=words, engine="test")


SENTENCE = "I will refund the second charge now and email you the confirmation by five today"


@pytest.mark.parametrize(
    ("wpm", "pace"),
    [
        (None, "too short"),
        (80, "too slow"),
        (110, "a little slow"),
        (120, "comfortable"),
        (150, "comfortable"),
        (155, "a little fast"),
        (161, "rushed"),
    ],
)
def test_pace_bands_follow_the_published_thresholds(wpm: float | None, pace: str) -> None:
    assert pace_of(wpm) == pace


@pytest.mark.parametrize(("per_word", "pace"), [(0.45, "comfortable"), (0.3, "rushed")])
def test_words_per_minute_are_measured_over_the_spoken_span(per_word: float, pace: str) -> None:
    d = assess(timed(SENTENCE, per_word))
    assert d.words == 15
    assert d.words_per_minute == pytest.approx(60 / per_word, rel=0.1)
    assert d.pace == pace
    assert (d.notes() == []) == (pace == "comfortable")


def test_short_gaps_are_pauses_and_three_seconds_is_a_long_one() -> None:
    d = assess(timed(SENTENCE, 0.45, gaps={4: 1.2, 9: 3.5}))
    assert [(p.after, p.long) for p in d.pauses] == [("the", False), ("email", True)]
    assert d.long_pauses[0].seconds == pytest.approx(3.5 + 0.45 * 0.2, abs=0.01)
    assert any("silence" in note for note in d.notes())
    assert d.pace == "comfortable"  # the silences are not counted as slow speech


def test_a_reply_too_short_to_time_gets_no_pace_verdict() -> None:
    d = assess(timed("Sure thing", 0.4))
    assert (d.words_per_minute, d.pace, d.notes()) == (None, "too short", [])


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Um, I understand, uh, that you were charged twice.", {"um": 1, "uh": 1}),
        ("I'd like to help, and I actually have the refund here.", {}),
        ("So, like, I will, you know, fix it.", {"like": 1, "you know": 1, "so": 1}),
        ("Erm. Basically, it is done. Hmm.", {"erm": 1, "hmm": 1, "basically": 1}),
        ("Summer umbrellas are under the counter.", {}),
    ],
)
def test_fillers_count_hesitations_and_set_off_discourse_words_only(
    text: str, found: dict[str, int]
) -> None:
    assert count_fillers(text) == found


def test_filler_share_past_the_threshold_is_flagged() -> None:
    d = assess(timed("Um I will uh refund the charge now and um email you today", 0.45))
    assert d.filler_count == 3 and d.filler_share > thresholds().max_filler_share
    assert d.too_many_fillers and any("Filler words" in n for n in d.notes())


def test_every_threshold_names_its_source() -> None:
    assert set(thresholds().sources) == {"pace", "pauses", "fillers"}
    assert all(len(source) > 20 for source in thresholds().sources.values())
