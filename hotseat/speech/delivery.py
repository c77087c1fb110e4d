"""Delivery feedback from a recorded reply: pace, pauses and filler words.

A pure function of the transcript's words and timings; the thresholds (and where they
come from) live in `hotseat/data/delivery.toml`, so a trainer can read and change them.
"""

from __future__ import annotations

import re
import tomllib
from functools import cache
from importlib import resources
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from hotseat.speech.transcribe import Transcript

Pace = Literal["too slow", "a little slow", "comfortable", "a little fast", "rushed", "too short"]
MIN_SPAN_S = 2.0  # a pace from less speech than this says nothing


class Thresholds(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    too_slow_below: float
    comfortable: tuple[float, float]
    rushed_above: float
    pause_seconds: float
    long_pause_seconds: float
    max_filler_share: float
    always: tuple[str, ...]
    set_off: tuple[str, ...]
    sources: dict[str, str]


@cache
def thresholds() -> Thresholds:
    text = resources.files("hotseat.data").joinpath("delivery.toml").read_text(encoding="utf-8")
    t = tomllib.loads(text)
    pace, pauses, fillers = t["pace"], t["pauses"], t["fillers"]
    return Thresholds(
        too_slow_below=pace["too_slow_below"],
        comfortable=tuple(pace["comfortable"]),
        rushed_above=pace["rushed_above"],
        pause_seconds=pauses["pause_seconds"],
        long_pause_seconds=pauses["long_pause_seconds"],
        max_filler_share=fillers["max_share"],
        always=tuple(fillers["always"]),
        set_off=tuple(fillers["set_off"]),
        sources={k: t[k]["source"] for k in ("pace", "pauses", "fillers")},
    )


class Pause(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    after: str = Field(description="the word before the silence")
    start: float
    seconds: float
    long: bool


class Delivery(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    duration: float
    words: int
    words_per_minute: float | None  # None when too little was said to tell
    pace: Pace
    pauses: list[Pause]
    fillers: dict[str, int]
    filler_share: float

    @property
    def long_pauses(self) -> list[Pause]:
        return [p for p in self.pauses if p.long]

    @property
    def filler_count(self) -> int:
        return sum(self.fillers.values())

    @property
    def too_many_fillers(self) -> bool:
        return self.filler_share > thresholds().max_filler_share

    def notes(self) -> list[str]:
        """Plain one-liners for the trainee; empty when the delivery was fine."""
        t = thresholds()
        low, high = t.comfortable
        notes = []
        if self.pace not in ("comfortable", "too short"):
            notes.append(
                f"Pace {self.words_per_minute:.0f} words a minute is {self.pace}: "
                f"{low:.0f}-{high:.0f} is comfortable on the phone."
            )
        if self.long_pauses:
            longest = max(p.seconds for p in self.long_pauses)
            notes.append(
                f"{len(self.long_pauses)} silence(s) of {t.long_pause_seconds:.0f} s or more "
                f"(longest {longest:.1f} s): say what you are doing while you look things up."
            )
        if self.too_many_fillers:
            said = ", ".join(f"“{w}” ×{n}" for w, n in self.fillers.items())
            notes.append(f"Filler words: {said}. Pause silently instead.")
        return notes


def pace_of(wpm: float | None) -> Pace:
    t = thresholds()
    low, high = t.comfortable
    if wpm is None:
        return "too short"
    if wpm < t.too_slow_below:
        return "too slow"
    if wpm < low:
        return "a little slow"
    if wpm <= high:
        return "comfortable"
    return "a little fast" if wpm <= t.rushed_above else "rushed"


def count_fillers(text: str) -> dict[str, int]:
    """Filler words in a transcript: hesitation sounds anywhere, discourse fillers ("like",
    "you know") only where set off by commas, so "I'd like to help" counts nothing."""
    t = thresholds()
    lowered = text.lower().replace("’", "'")
    found: dict[str, int] = {}
    for word in t.always:
        n = len(re.findall(rf"\b{re.escape(word)}\b", lowered))
        if n:
            found[word] = n
    for phrase in t.set_off:
        pattern = rf"(?:^|[,.!?;]\s*){re.escape(phrase)}\s*,"
        n = len(re.findall(pattern, lowered))
        if n:
            found[phrase] = n
    return found


def assess(transcript: Transcript) -> Delivery:
    t = thresholds()
    words = transcript.words
    pauses = [
        Pause(
            after=a.text.strip(",.!?;:"),
            start=round(a.end, 2),
            seconds=round(b.start - a.end, 2),
            long=b.start - a.end >= t.long_pause_seconds,
        )
        for a, b in zip(words, words[1:], strict=False)
        if b.start - a.end >= t.pause_seconds
    ]
    # Pace is over the time spent speaking: silences are judged as pauses, not as slowness.
    span = words[-1].end - words[0].start - sum(p.seconds for p in pauses) if words else 0.0
    wpm = len(words) / (span / 60) if span >= MIN_SPAN_S else None
    fillers = count_fillers(transcript.text)
    return Delivery(
        duration=round(transcript.duration, 2),
        words=len(words),
        words_per_minute=round(wpm, 1) if wpm is not None else None,
        pace=pace_of(wpm),
        pauses=pauses,
        fillers=fillers,
        filler_share=round(sum(fillers.values()) / max(1, len(words)), 4),
    )
