"""How the customer sounds: the mood-to-voice rule as a table, and eSpeak NG's output
measured (length and pitch of the audio), not just its parameters."""

from __future__ import annotations

import io
import wave

import numpy as np
import pytest

from hotseat.engine.mood import Mood
from hotseat.speech.espeak import EspeakParams, synthesize
from hotseat.speech.speak import EspeakSpeaker, voice_style

LINE = "I have been charged twice and my rent is due on Friday."
CALM = Mood(anger=1, fear=1, trust=6)
ANGRY = Mood(anger=9, fear=1, trust=1)
AFRAID = Mood(anger=1, fear=9, trust=2)


@pytest.mark.parametrize(
    ("mood", "faster", "higher", "sharper", "gaps"),
    [
        (ANGRY, True, True, True, False),  # angrier: faster, sharper contour
        (AFRAID, False, True, False, True),  # fearful: higher, slower, hesitant gaps
    ],
)
def test_mood_moves_the_voice_the_way_the_issue_says(
    mood: Mood, faster: bool, higher: bool, sharper: bool, gaps: bool
) -> None:
    calm, style = voice_style(CALM), voice_style(mood)
    assert (style.rate > calm.rate) == faster
    assert (style.pitch > calm.pitch) == higher
    assert (style.pitch_range > calm.pitch_range + 10) == sharper
    assert (style.word_gap > calm.word_gap + 5) == gaps


def test_extreme_moods_stay_inside_what_espeak_accepts() -> None:
    for mood in (Mood(anger=10, fear=10, trust=0), Mood(anger=0, fear=0, trust=10)):
        s = voice_style(mood)
        assert 120 <= s.rate <= 230 and 0 <= s.pitch <= 99 and 0 <= s.pitch_range <= 99


@pytest.mark.parametrize(
    ("mood", "words"),
    [(ANGRY, ["furious", "fast"]), (AFRAID, ["frightened", "hesitant"]), (CALM, ["calmer"])],
)
def test_the_spoken_instruction_for_openai_carries_the_mood(mood: Mood, words: list[str]) -> None:
    instruction = voice_style(mood).instruction
    assert all(w in instruction for w in words), instruction


def _samples(wav_bytes: bytes) -> tuple[np.ndarray, int]:
    with wave.open(io.BytesIO(wav_bytes)) as w:
        data = np.frombuffer(w.readframes(w.getnframes()), dtype=np.int16).astype(np.float32)
        return data, w.getframerate()


def _median_pitch(wav_bytes: bytes) -> float:
    """Median fundamental frequency of the voiced 40 ms frames (autocorrelation)."""
    x, rate = _samples(wav_bytes)
    size = int(0.04 * rate)
    lo, hi = rate // 400, rate // 60
    found = []
    for i in range(0, len(x) - size, size):
        frame = x[i : i + size] - x[i : i + size].mean()
        if np.sqrt(np.mean(frame**2)) < 500:  # silence or unvoiced
            continue
        ac = np.correlate(frame, frame, "full")[size - 1 :]
        lag = lo + int(np.argmax(ac[lo:hi]))
        if ac[lag] > 0.3 * ac[0]:
            found.append(rate / lag)
    return float(np.median(found))


def test_espeak_speaks_an_angry_line_faster_and_a_fearful_one_higher() -> None:
    speaker = EspeakSpeaker()
    calm = speaker.speak(LINE, voice_style(CALM))
    angry = speaker.speak(LINE, voice_style(ANGRY))
    afraid = speaker.speak(LINE, voice_style(AFRAID))
    assert calm.mime == "audio/wav"
    seconds = {
        k: len(_samples(v.audio)[0]) / _samples(v.audio)[1]
        for k, v in {"calm": calm, "angry": angry, "afraid": afraid}.items()
    }
    assert seconds["angry"] < 0.85 * seconds["calm"] < seconds["afraid"]
    assert _median_pitch(afraid.audio) > 1.15 * _median_pitch(calm.audio)


def test_an_unknown_voice_is_a_clear_error() -> None:
    from hotseat.errors import SpeechError

    with pytest.raises(SpeechError, match="no voice 'xx-nowhere'"):
        synthesize("Hello.", EspeakParams(voice="xx-nowhere"))
    assert synthesize("Hello.")  # the library is still usable afterwards
