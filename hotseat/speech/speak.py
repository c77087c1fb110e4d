"""Text to speech: how the customer's mood sounds, and the offline speaker (eSpeak NG).

`voice_style` is the rule, pure and tested as a table like the mood rule: anger speeds
the customer up and sharpens the pitch contour; fear raises the pitch, slows the words
and leaves gaps between them (hesitation). The same style carries a sentence for
OpenAI's text-to-speech, which is told how to sound rather than given numbers.
"""

from __future__ import annotations

from typing import Protocol

from pydantic import BaseModel, ConfigDict

from hotseat.engine.mood import Mood
from hotseat.speech import espeak

# eSpeak NG units: words per minute; pitch and pitch range 0-99 (50 = the voice's own);
# word gap in 10 ms steps. Per point of anger or fear (0-10), from a calm baseline.
BASE_RATE, ANGER_RATE, FEAR_RATE = 160, 6.0, -2.5
MIN_RATE, MAX_RATE = 120, 230
BASE_PITCH, ANGER_PITCH, FEAR_PITCH = 45, 1.0, 4.0
BASE_RANGE, ANGER_RANGE, FEAR_RANGE = 45, 4.5, 1.0
FEAR_GAP = 1.5  # x 10 ms between words per point of fear
LOUD, STRONG = 7.0, 4.0  # levels at which the spoken instruction names a feeling


class VoiceStyle(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    rate: int
    pitch: int
    pitch_range: int
    word_gap: int
    instruction: str


class SpokenLine(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    audio: bytes
    mime: str


class Speaker(Protocol):
    name: str

    def speak(self, text: str, style: VoiceStyle) -> SpokenLine: ...


def _clamp(value: float, low: int, high: int) -> int:
    return int(round(min(high, max(low, value))))


def voice_style(mood: Mood) -> VoiceStyle:
    """How the customer sounds at this mood (see the module docstring)."""
    anger, fear = mood.anger, mood.fear
    return VoiceStyle(
        rate=_clamp(BASE_RATE + ANGER_RATE * anger + FEAR_RATE * fear, MIN_RATE, MAX_RATE),
        pitch=_clamp(BASE_PITCH + ANGER_PITCH * anger + FEAR_PITCH * fear, 0, 99),
        pitch_range=_clamp(BASE_RANGE + ANGER_RANGE * anger + FEAR_RANGE * fear, 0, 99),
        word_gap=_clamp(FEAR_GAP * fear, 0, 30),
        instruction=_instruction(anger, fear),
    )


def _instruction(anger: float, fear: float) -> str:
    parts = ["You are a customer on the phone to a support agent."]
    if anger >= LOUD:
        parts.append("You are furious: speak fast, clipped and sharp, with a hard edge.")
    elif anger >= STRONG:
        parts.append("You are irritated: brisk and curt, impatient.")
    if fear >= LOUD:
        parts.append("You are frightened: a higher, shaky voice, hesitant, with small pauses.")
    elif fear >= STRONG:
        parts.append("You are worried: slightly higher and unsure, a little hesitant.")
    if anger < STRONG and fear < STRONG:
        parts.append("You are calmer now: an even, normal pace.")
    return " ".join(parts)


class EspeakSpeaker:
    """Offline, in process: the eSpeak NG library from the espeakng-loader wheel."""

    name = "eSpeak NG (offline)"

    def speak(self, text: str, style: VoiceStyle) -> SpokenLine:
        params = espeak.EspeakParams(
            rate=style.rate,
            pitch=style.pitch,
            pitch_range=style.pitch_range,
            word_gap=style.word_gap,
        )
        return SpokenLine(audio=espeak.synthesize(text, params), mime="audio/wav")
